/*
Copyright 2026 The loginprofile-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package chaos

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// The simulators run in the test's process: the core's Go API shows what the admin API hides (the
// passwords sent and held), which the invariants need, in the same neutral terms for every cloud.

// op is a login-profile operation, named the same for every cloud.
type op = simcore.Op

const (
	opGet    = simcore.OpGet
	opCreate = simcore.OpCreate
	opUpdate = simcore.OpUpdate
	opDelete = simcore.OpDelete
)

// faultKind is a fault the front injects into one call.
type faultKind int

const (
	noFault faultKind = iota
	// fault503: the cloud answers 503 Service Unavailable; nothing changed.
	fault503
	// faultDrop: the connection is dropped before the cloud acts; nothing changed.
	faultDrop
	// faultAnswerLost: the cloud acts, then the connection is dropped: the change is made, the
	// answer lost.
	faultAnswerLost
)

func (k faultKind) String() string {
	switch k {
	case fault503:
		return "503"
	case faultDrop:
		return "dropped"
	case faultAnswerLost:
		return "answer lost"
	}
	return ""
}

// call is one API call a simulator received, in neutral terms.
type call struct {
	op   op
	user string
	// password is the password sent, "" for none; params are the other parameters, under their
	// neutral names.
	password string
	params   map[string]string
	// code is "" on success (for an answer-lost call: the action's outcome), else the error code.
	code    string
	dropped bool
	// fault is the fault the front injected into this call.
	fault faultKind
	time  time.Time
}

// landed tells whether the call changed the cloud: it succeeded, or it ran and lost its answer.
func (c call) landed() bool {
	return c.code == "" && c.fault != faultDrop && c.fault != fault503
}

// cloudProfile is a user's login profile as the simulator holds it.
type cloudProfile struct {
	status   string // "" on a cloud whose profiles have no status
	mfa      *bool  // nil on a cloud whose profiles have no MFA flag
	reset    bool
	password string
}

// simulator is one cloud's simulator: its core, and how a ProviderConfig points at it.
type simulator struct {
	*simcore.Core
	// providerConfig fills in the cloud's block of a ProviderConfig pointing at endpoint.
	providerConfig func(spec *v1alpha1.ProviderConfigSpec, endpoint string)
}

func (s simulator) calls() []call {
	native := s.Calls()
	out := make([]call, 0, len(native))
	for _, c := range native {
		params := s.NeutralParams(c)
		pw := params[simcore.ParamPassword]
		delete(params, simcore.ParamPassword)
		out = append(out, call{op: c.Op, user: c.User, password: pw, params: params,
			code: c.Code, dropped: c.Dropped, time: c.Time})
	}
	return out
}

func (s simulator) profile(user string) (cloudProfile, bool) {
	p, ok := s.Profile(user)
	if !ok {
		return cloudProfile{}, false
	}
	pw, _ := s.Password(user)
	cp := cloudProfile{status: p.Status, reset: p.PasswordResetRequired, password: pw}
	if s.Capabilities().MFABindRequired {
		cp.mfa = &p.MFABindRequired
	}
	return cp, true
}

func (s simulator) injectFault(k faultKind) {
	f := simcore.Fault{Times: 1}
	switch k {
	case fault503:
		f.Code = s.Code(simcore.Unavailable)
	case faultDrop:
		f.DropConnection = true
	case faultAnswerLost:
		f.DropAfterAction = true
	default:
		return
	}
	s.InjectFault(f)
}

// --- the clouds of the campaign -------------------------------------------------------------------

// The access key the simulators accept; the ProviderConfigs' credentials Secrets hold it.
const (
	accessKeyID     = "CHAOSACCESSKEYID0001"
	accessKeySecret = "chaos-AccessKeySecret-7Hq2Lm"
)

// cloudKind is what differs between the clouds for the trials.
type cloudKind struct {
	name string
	// hasStatus and hasMFA: the cloud's login profile has a status, an MFA flag. Without a status,
	// Inactive means no login profile.
	hasStatus, hasMFA bool
	newSim            func() simulator
	// user makes a user's key in the cloud from a name; setUser names it in a spec.
	user    func(name string) string
	setUser func(spec *v1alpha1.LoginProfileSpec, user string)
}

var cloudKinds = map[string]cloudKind{
	"alibaba": {
		name: "alibaba", hasStatus: true, hasMFA: true,
		newSim: func() simulator {
			s := alibaba.NewServer(alibaba.Options{
				AccessKeys: map[string]string{accessKeyID: accessKeySecret},
				// Unlimited: the operator's own limiter spaces its calls; throttling is not the subject.
				ReadsPerSecond: -1, WritesPerSecond: -1,
				// No reuse prevention: a password sent again is accepted, and counted as a re-send.
			})
			return simulator{s.Core, func(spec *v1alpha1.ProviderConfigSpec, endpoint string) {
				spec.Alibaba = &v1alpha1.AlibabaProviderConfig{Endpoint: endpoint}
			}}
		},
		user:    func(name string) string { return name + "@chaos.onaliyun.com" },
		setUser: func(spec *v1alpha1.LoginProfileSpec, user string) { spec.UserPrincipalName = user },
	},
	"huawei": {
		name: "huawei",
		newSim: func() simulator {
			s := huawei.NewServer(huawei.Options{
				AccessKeys:     map[string]string{accessKeyID: accessKeySecret},
				ReadsPerSecond: -1, WritesPerSecond: -1,
			})
			return simulator{s.Core, func(spec *v1alpha1.ProviderConfigSpec, endpoint string) {
				spec.Huawei = &v1alpha1.HuaweiProviderConfig{Endpoint: endpoint, DomainID: s.DomainID()}
			}}
		},
		// An IAM user id is 32 hex digits.
		user: func(name string) string {
			sum := sha256.Sum256([]byte(name))
			return hex.EncodeToString(sum[:16])
		},
		setUser: func(spec *v1alpha1.LoginProfileSpec, user string) { spec.UserID = user },
	},
}

// formatParams is params as "k=v" pairs in a stable order, for call log excerpts.
func formatParams(params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := ""
	for _, k := range keys {
		out += " " + k + "=" + strconv.Quote(params[k])
	}
	return out
}
