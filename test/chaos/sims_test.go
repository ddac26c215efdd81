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
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds/all" // registers every simulator
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

// newCloudKind is the registered cloud c as the trials see it: the campaign takes its clouds
// from the registry (internal/sim/simclouds), so that a new cloud edits nothing here.
func newCloudKind(c simclouds.Cloud) cloudKind {
	// The login profile's fields are the cloud's, whatever the account's options.
	caps := c.New(simclouds.Options{}).Capabilities()
	return cloudKind{
		name: c.Name, hasStatus: caps.Status, hasMFA: caps.MFABindRequired,
		newSim: func() simulator {
			core := c.New(simclouds.Options{
				AccessKeys: map[string]string{accessKeyID: accessKeySecret},
				// Unlimited: the operator's own limiter spaces its calls; throttling is not the subject.
				ReadsPerSecond: -1, WritesPerSecond: -1,
				// No reuse prevention (PasswordReusePrevention 0): a password sent again is accepted, and counted as a re-send.
			})
			return simulator{core, func(spec *v1alpha1.ProviderConfigSpec, endpoint string) {
				// Options.AccountID is unset: the simulator's account is the cloud's default.
				c.ProviderConfig(spec, endpoint, c.DefaultAccountID)
			}}
		},
		user: c.User, setUser: c.SetUser,
	}
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

// TestCloudKinds checks what the campaign takes from the registry, for every registered cloud:
// the users of every trial of every campaign have distinct keys, which the simulator holds. That
// the LoginProfile's field accepts them, the API server shows in every trial.
func TestCloudKinds(t *testing.T) {
	clouds := simclouds.All()
	if len(clouds) == 0 {
		t.Fatal("no simulated cloud is registered")
	}
	for _, c := range clouds {
		t.Run(c.Name, func(t *testing.T) {
			k := newCloudKind(c)
			sim := k.newSim()
			caps := sim.Capabilities()
			if k.name != c.Name || k.hasStatus != caps.Status || k.hasMFA != caps.MFABindRequired {
				t.Errorf("cloudKind %q has status %t, MFA %t; want %q, %t, %t",
					k.name, k.hasStatus, k.hasMFA, c.Name, caps.Status, caps.MFABindRequired)
			}
			seen := map[string]string{}
			for camp := range userPrefix {
				for index := range 1000 { // the names have room for 3 digits
					for _, name := range []string{"e0", "e1", "e2", "e3", "n0", "n1"} {
						user := userName(camp, index, name)
						key := k.user(user)
						if other, dup := seen[key]; dup {
							t.Fatalf("the users %s and %s have the same key %q", other, user, key)
						}
						seen[key] = user
					}
				}
			}
			for key := range seen {
				sim.AddUser(key)
			}
			if got := len(sim.Users()); got != len(seen) {
				t.Errorf("the simulator holds %d users, want %d", got, len(seen))
			}
			var spec v1alpha1.LoginProfileSpec
			k.setUser(&spec, k.user("c001e0"))
			if got := c.UserOf(spec); got != k.user("c001e0") {
				t.Errorf("setUser named %q in spec.%s, want %q", got, c.UserField, k.user("c001e0"))
			}

			var pc v1alpha1.ProviderConfigSpec
			sim.providerConfig(&pc, "http://127.0.0.1:1")
			if !c.Configures(pc) {
				t.Errorf("providerConfig did not set the cloud's section of the ProviderConfig: %+v", pc)
			}
		})
	}
}
