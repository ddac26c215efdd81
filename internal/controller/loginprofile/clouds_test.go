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

package loginprofile_test

import (
	"fmt"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	alibabasim "github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// The scenarios run as one table over every cloud. Every simulator is the same core behind a
// different wire protocol, so one simulator type serves them all, speaking of calls in neutral
// terms; what a cloud brings to the table is data (cloudSpec).

type op = simcore.Op

const (
	opGet    = simcore.OpGet
	opCreate = simcore.OpCreate
	opUpdate = simcore.OpUpdate
	opDelete = simcore.OpDelete
)

// call is a call a simulator received. Params uses the neutral keys password,
// passwordResetRequired, status and mfaBindRequired, with the values as sent.
type call struct {
	Op     op
	User   string
	Params map[string]string
	Code   string
	// Time is when the simulator received it.
	Time time.Time
}

// simulator is a cloud's simulator serving on URL, driven through the core's Go API.
type simulator struct {
	*simcore.Core
	url string
	// policy is the cloud's password policy refusing the user's last n passwords.
	policy func(n int) simcore.PasswordPolicy
}

func (s *simulator) URL() string { return s.url }

func (s *simulator) HasProfile(user string) bool {
	_, ok := s.Profile(user)
	return ok
}

func (s *simulator) ResetRequired(user string) bool {
	p, _ := s.Profile(user)
	return p.PasswordResetRequired
}

// DisableAndRequireMFA changes status and MFA out of band (clouds whose profile has them).
func (s *simulator) DisableAndRequireMFA(user string) {
	p, _ := s.Profile(user)
	p.Status, p.MFABindRequired = simcore.StatusInactive, true
	s.SetProfile(p)
}

// PreventReuse makes the cloud refuse a password among the user's last n (the current one
// included); 0 turns it off.
func (s *simulator) PreventReuse(n int) { s.SetPasswordPolicy(s.policy(n)) }

// FailNextGetAsNoProfile makes the next observation answer "no login profile".
func (s *simulator) FailNextGetAsNoProfile() {
	s.InjectFault(simcore.Fault{Action: string(opGet), Code: s.Code(simcore.ProfileNotFound), Times: 1})
}

// HidePasswordPolicy makes reading the account's password policy fail (credentials without that
// permission) until ClearFaults: the operator then leaves the check of a password to the cloud.
func (s *simulator) HidePasswordPolicy() {
	s.InjectFault(simcore.Fault{Action: string(simcore.OpGetPasswordPolicy), Code: "Forbidden.PasswordPolicy", HTTPStatus: http.StatusForbidden})
}

// Throttle makes every observation answer the cloud's throttling error until ClearFaults.
func (s *simulator) Throttle() {
	s.InjectFault(simcore.Fault{Action: string(opGet), Code: s.Code(simcore.Throttled)})
}

// Calls are the calls received, in neutral terms.
func (s *simulator) Calls() []call {
	var out []call
	for _, c := range s.Core.Calls() {
		out = append(out, call{Op: c.Op, User: c.User, Code: c.Code, Time: c.Time, Params: s.NeutralParams(c)})
	}
	return out
}

// testCloud is one cloud of the table.
type testCloud struct {
	cloudSpec
	// main serves most scenarios; limited enforces a small quota; race takes faults no other
	// object may consume.
	main, limited, race *simulator
	// credentials is the Secret the ProviderConfigs use.
	credentials *corev1.Secret
	// directCredentials are the same credentials, for a provider the tests drive directly.
	directCredentials cloud.Credentials
}

// cloudSpec is what differs between the clouds: data, and how to make a simulator and a
// ProviderConfig.
type cloudSpec struct {
	name string
	caps cloud.Capabilities
	// newSim returns a simulator's core with these quotas (0: the cloud's default).
	newSim func(readsPerSecond, writesPerSecond int) *simcore.Core
	// policy is the cloud's password policy refusing the user's last n passwords.
	policy func(n int) simcore.PasswordPolicy
	// accessKeyID and accessKeySecret are the credentials the simulators accept.
	accessKeyID, accessKeySecret string
	// provider sets the cloud's block of a ProviderConfig spec pointing at url.
	provider func(spec *v1alpha1.ProviderConfigSpec, url string)
	// started, if set, is told of each simulator once it serves on url.
	started func(core *simcore.Core, url string) error
	// user returns the n-th user's key in this cloud; setUser names it in a spec.
	user    func(n int64) string
	setUser func(spec *v1alpha1.LoginProfileSpec, user string)
	// codes the scenarios look for in messages
	userNotFoundCode, weakPasswordCode, reusedCode, throttledCode string
}

func (c *testCloud) pcName() string      { return c.name }
func (c *testCloud) limitedName() string { return c.name + "-limited" }

// providerConfig returns a ProviderConfig of this cloud pointing at url.
func (c *testCloud) providerConfig(name, url string, rl *v1alpha1.RateLimit) *v1alpha1.ProviderConfig {
	pc := &v1alpha1.ProviderConfig{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.ProviderConfigSpec{
			Credentials: v1alpha1.ProviderCredentials{
				Source:    v1alpha1.CredentialsSourceSecret,
				SecretRef: &v1alpha1.SecretReference{Namespace: c.credentials.Namespace, Name: c.credentials.Name},
			},
			RateLimit: rl,
		},
	}
	c.provider(&pc.Spec, url)
	return pc
}

var clouds []*testCloud

// newTestCloud starts the cloud's simulators: limited with the quotas given.
func newTestCloud(spec cloudSpec, limitedReads, limitedWrites int) (*testCloud, error) {
	c := &testCloud{
		cloudSpec: spec,
		credentials: &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: nsSystem, Name: spec.name + "-credentials"},
			StringData: map[string]string{
				cloud.SecretKeyAccessKeyID:     spec.accessKeyID,
				cloud.SecretKeyAccessKeySecret: spec.accessKeySecret,
			},
		},
		directCredentials: cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret,
			AccessKeyID: spec.accessKeyID, AccessKeySecret: cloud.NewSensitive(spec.accessKeySecret)},
	}
	for _, s := range []struct {
		dst           **simulator
		reads, writes int
	}{{&c.main, 0, 0}, {&c.limited, limitedReads, limitedWrites}, {&c.race, 0, 0}} {
		core := spec.newSim(s.reads, s.writes)
		url, err := core.Start()
		if err != nil {
			c.close()
			return nil, err
		}
		*s.dst = &simulator{Core: core, url: url, policy: spec.policy}
		if spec.started != nil {
			if err := spec.started(core, url); err != nil {
				c.close()
				return nil, err
			}
		}
	}
	return c, nil
}

func (c *testCloud) close() {
	for _, s := range []*simulator{c.main, c.limited, c.race} {
		if s != nil {
			_ = s.Close()
		}
	}
}

// --- Alibaba Cloud -----------------------------------------------------------------------------

func alibabaCloud(limitedReads, limitedWrites int) (*testCloud, error) {
	return newTestCloud(cloudSpec{
		name: "alibaba",
		caps: cloud.Capabilities{Status: true, MFABindRequired: true, UpdateDate: true, UpdateDateResolution: time.Second},
		newSim: func(reads, writes int) *simcore.Core {
			return alibabasim.NewServer(alibabasim.Options{ReadsPerSecond: reads, WritesPerSecond: writes}).Core
		},
		policy:      func(n int) simcore.PasswordPolicy { return alibabasim.PasswordPolicy{ReusePrevention: n} },
		accessKeyID: alibabasim.DefaultAccessKeyID, accessKeySecret: alibabasim.DefaultAccessKeySecret,
		provider: func(spec *v1alpha1.ProviderConfigSpec, url string) {
			spec.Alibaba = &v1alpha1.AlibabaProviderConfig{Endpoint: url}
		},
		user:             func(n int64) string { return fmt.Sprintf("user%d@example.onaliyun.com", n) },
		setUser:          func(spec *v1alpha1.LoginProfileSpec, user string) { spec.UserPrincipalName = user },
		userNotFoundCode: "EntityNotExist.User", weakPasswordCode: "InvalidParameter.Password.TooWeak",
		reusedCode:    alibabasim.CodePasswordReused,
		throttledCode: "Throttling.User",
	}, limitedReads, limitedWrites)
}
