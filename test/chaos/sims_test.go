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
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"
)

// The simulators run in the test's process: their Go API shows what the admin API hides (the
// passwords sent and held), which the invariants need. simulator speaks of both in neutral terms.

// op is a login-profile operation, named the same for every cloud.
type op string

const (
	opGet    op = "Get"
	opCreate op = "Create"
	opUpdate op = "Update"
	opDelete op = "Delete"
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
	// password is the password sent, "" for none; params are the other parameters, under the
	// cloud's own names.
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

// simulator is one cloud's simulator, in neutral terms.
type simulator interface {
	http.Handler
	addUser(user string)
	calls() []call
	resetCalls()
	profile(user string) (cloudProfile, bool)
	injectFault(k faultKind)
	clearFaults()
	// providerConfig fills in the cloud's block of a ProviderConfig pointing at endpoint.
	providerConfig(spec *v1alpha1.ProviderConfigSpec, endpoint string)
	// alreadyExists is the code answered to the create of a profile that exists.
	alreadyExists() string
}

// --- Alibaba Cloud --------------------------------------------------------------------------------

type alibabaSim struct{ *alibaba.Server }

var alibabaOps = map[string]op{
	alibaba.ActionGetLoginProfile: opGet, alibaba.ActionCreateLoginProfile: opCreate,
	alibaba.ActionUpdateLoginProfile: opUpdate, alibaba.ActionDeleteLoginProfile: opDelete,
}

func newAlibabaSim() *alibabaSim {
	s := alibaba.NewServer(alibaba.Options{
		AccessKeys: map[string]string{accessKeyID: accessKeySecret},
		// Unlimited: the operator's own limiter spaces its calls; throttling is not the subject.
		ReadsPerSecond: -1, WritesPerSecond: -1,
		// No reuse prevention: a password sent again is accepted, and counted as a re-send.
	})
	return &alibabaSim{s}
}

func (s *alibabaSim) addUser(user string) { s.AddUser(user) }

func (s *alibabaSim) calls() []call {
	native := s.Calls()
	out := make([]call, 0, len(native))
	for _, c := range native {
		params := c.Params
		pw := params[alibaba.ParamPassword]
		user := params[alibaba.ParamUserPrincipalName]
		delete(params, alibaba.ParamPassword)
		delete(params, alibaba.ParamUserPrincipalName)
		out = append(out, call{op: alibabaOps[c.Action], user: user, password: pw, params: params,
			code: c.Code, dropped: c.Dropped, time: c.Time})
	}
	return out
}

func (s *alibabaSim) resetCalls() { s.ResetCalls() }

func (s *alibabaSim) profile(user string) (cloudProfile, bool) {
	p, ok := s.Profile(user)
	if !ok {
		return cloudProfile{}, false
	}
	pw, _ := s.Password(user)
	mfa := p.MFABindRequired
	return cloudProfile{status: p.Status, mfa: &mfa, reset: p.PasswordResetRequired, password: pw}, true
}

func (s *alibabaSim) injectFault(k faultKind) {
	f := alibaba.Fault{Times: 1}
	switch k {
	case fault503:
		f.Code, f.HTTPStatus = alibaba.CodeServiceUnavailable, http.StatusServiceUnavailable
	case faultDrop:
		f.DropConnection = true
	case faultAnswerLost:
		f.DropAfterAction = true
	default:
		return
	}
	s.InjectFault(f)
}

func (s *alibabaSim) clearFaults() { s.ClearFaults() }

func (s *alibabaSim) providerConfig(spec *v1alpha1.ProviderConfigSpec, endpoint string) {
	spec.Alibaba = &v1alpha1.AlibabaProviderConfig{Endpoint: endpoint}
}

func (s *alibabaSim) alreadyExists() string { return alibaba.CodeEntityAlreadyExistsLoginProfile }

// --- Huawei Cloud ---------------------------------------------------------------------------------

type huaweiSim struct{ *huawei.Server }

var huaweiOps = map[string]op{
	huawei.ActionShowLoginProfileV5: opGet, huawei.ActionCreateLoginProfileV5: opCreate,
	huawei.ActionUpdateLoginProfileV5: opUpdate, huawei.ActionDeleteLoginProfileV5: opDelete,
}

func newHuaweiSim() *huaweiSim {
	s := huawei.NewServer(huawei.Options{
		AccessKeys:     map[string]string{accessKeyID: accessKeySecret},
		ReadsPerSecond: -1, WritesPerSecond: -1,
	})
	return &huaweiSim{s}
}

func (s *huaweiSim) addUser(user string) { s.AddUser(user) }

func (s *huaweiSim) calls() []call {
	native := s.Calls()
	out := make([]call, 0, len(native))
	for _, c := range native {
		params := c.Params
		pw := params[huawei.ParamPassword]
		delete(params, huawei.ParamPassword)
		out = append(out, call{op: huaweiOps[c.Action], user: c.UserID, password: pw, params: params,
			code: c.Code, dropped: c.Dropped, time: c.Time})
	}
	return out
}

func (s *huaweiSim) resetCalls() { s.ResetCalls() }

func (s *huaweiSim) profile(user string) (cloudProfile, bool) {
	p, ok := s.Profile(user)
	if !ok {
		return cloudProfile{}, false
	}
	pw, _ := s.Password(user)
	return cloudProfile{reset: p.PasswordResetRequired, password: pw}, true
}

func (s *huaweiSim) injectFault(k faultKind) {
	f := huawei.Fault{Times: 1}
	switch k {
	case fault503:
		f.Code, f.HTTPStatus = huawei.CodeServiceUnavailable, http.StatusServiceUnavailable
	case faultDrop:
		f.DropConnection = true
	case faultAnswerLost:
		f.DropAfterAction = true
	default:
		return
	}
	s.InjectFault(f)
}

func (s *huaweiSim) clearFaults() { s.ClearFaults() }

func (s *huaweiSim) providerConfig(spec *v1alpha1.ProviderConfigSpec, endpoint string) {
	spec.Huawei = &v1alpha1.HuaweiProviderConfig{Endpoint: endpoint, DomainID: s.DomainID()}
}

func (s *huaweiSim) alreadyExists() string { return huawei.CodeLoginProfileExists }

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
		newSim:  func() simulator { return newAlibabaSim() },
		user:    func(name string) string { return name + "@chaos.onaliyun.com" },
		setUser: func(spec *v1alpha1.LoginProfileSpec, user string) { spec.UserPrincipalName = user },
	},
	"huawei": {
		name:   "huawei",
		newSim: func() simulator { return newHuaweiSim() },
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
