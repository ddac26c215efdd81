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
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	alibabasim "github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
)

// The scenarios run as one table over every cloud: each cloud brings simulators behind this
// interface, which speaks of calls in a neutral form so that the assertions are written once.

type op string

const (
	opGet    op = "Get"
	opCreate op = "Create"
	opUpdate op = "Update"
	opDelete op = "Delete"
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

type simulator interface {
	URL() string
	AddUser(user string)
	DeleteUser(user string)
	Password(user string) (string, bool)
	HasProfile(user string) bool
	ResetRequired(user string) bool
	UserResetsPassword(user, pw string) error
	// DeleteProfile deletes the login profile out of band (a drift on every cloud).
	DeleteProfile(user string)
	// DisableAndRequireMFA changes status and MFA out of band (clouds whose profile has them).
	DisableAndRequireMFA(user string)
	// PreventReuse makes the cloud refuse a password among the user's last n (the current one
	// included); 0 turns it off.
	PreventReuse(n int)
	Calls() []call
	// FailNextGetAsNoProfile makes the next observation answer "no login profile".
	FailNextGetAsNoProfile()
	// Throttle makes every observation answer the cloud's throttling error until ClearFaults.
	Throttle()
	ClearFaults()
	// SetLatency delays every API call by d.
	SetLatency(d time.Duration)
}

// testCloud is one cloud of the table.
type testCloud struct {
	name string
	caps cloud.Capabilities
	// main serves most scenarios; limited enforces a small quota; race takes faults no other
	// object may consume.
	main, limited, race simulator
	// providerConfig returns a ProviderConfig of this cloud pointing at url.
	providerConfig func(name, url string, rl *v1alpha1.RateLimit) *v1alpha1.ProviderConfig
	// credentials is the Secret the ProviderConfigs use.
	credentials *corev1.Secret
	// directCredentials are the same credentials, for a provider the tests drive directly.
	directCredentials cloud.Credentials
	// user returns the n-th user's key in this cloud; setUser names it in a spec.
	user    func(n int64) string
	setUser func(spec *v1alpha1.LoginProfileSpec, user string)
	// codes the scenarios look for in messages
	userNotFoundCode, weakPasswordCode, reusedCode, throttledCode string
}

func (c *testCloud) pcName() string      { return c.name }
func (c *testCloud) limitedName() string { return c.name + "-limited" }

var clouds []*testCloud

// --- Alibaba Cloud -----------------------------------------------------------------------------

type alibabaSim struct {
	*alibabasim.Server
	url string
}

func newAlibabaSim(opts alibabasim.Options) (*alibabaSim, error) {
	s := alibabasim.NewServer(opts)
	url, err := s.Start()
	return &alibabaSim{Server: s, url: url}, err
}

func (s *alibabaSim) URL() string { return s.url }
func (s *alibabaSim) HasProfile(user string) bool {
	_, ok := s.Profile(user)
	return ok
}
func (s *alibabaSim) ResetRequired(user string) bool {
	p, _ := s.Profile(user)
	return p.PasswordResetRequired
}
func (s *alibabaSim) DeleteProfile(user string) {
	// The IMS API has no out-of-band delete in the simulator's Go API: delete and re-add the user.
	s.DeleteUser(user)
	s.AddUser(user)
}
func (s *alibabaSim) DisableAndRequireMFA(user string) {
	p, _ := s.Profile(user)
	p.Status, p.MFABindRequired = "Inactive", true
	s.SetProfile(p)
}
func (s *alibabaSim) FailNextGetAsNoProfile() {
	s.InjectFault(alibabasim.Fault{Action: "GetLoginProfile", Code: "EntityNotExist.User.LoginProfile", HTTPStatus: 404,
		Message: "The login profile does not exist.", Times: 1})
}
func (s *alibabaSim) PreventReuse(n int) {
	s.SetPasswordPolicy(alibabasim.PasswordPolicy{ReusePrevention: n})
}
func (s *alibabaSim) Throttle() {
	s.InjectFault(alibabasim.Fault{Action: "GetLoginProfile", Code: "Throttling.User", HTTPStatus: 400,
		Message: "Request was denied due to user flow control."})
}

var alibabaOps = map[string]op{
	"GetLoginProfile": opGet, "CreateLoginProfile": opCreate, "UpdateLoginProfile": opUpdate, "DeleteLoginProfile": opDelete,
}
var alibabaParams = map[string]string{
	"Password": "password", "PasswordResetRequired": "passwordResetRequired", "Status": "status", "MFABindRequired": "mfaBindRequired",
}

func (s *alibabaSim) Calls() []call {
	var out []call
	for _, c := range s.Server.Calls() {
		nc := call{Op: alibabaOps[c.Action], User: c.Params["UserPrincipalName"], Code: c.Code, Time: c.Time, Params: map[string]string{}}
		for k, v := range c.Params {
			if nk, ok := alibabaParams[k]; ok {
				nc.Params[nk] = v
			}
		}
		out = append(out, nc)
	}
	return out
}

func alibabaCloud(limitedReads, limitedWrites int) (*testCloud, error) {
	main, err := newAlibabaSim(alibabasim.Options{})
	if err != nil {
		return nil, err
	}
	limited, err := newAlibabaSim(alibabasim.Options{ReadsPerSecond: limitedReads, WritesPerSecond: limitedWrites})
	if err != nil {
		return nil, err
	}
	race, err := newAlibabaSim(alibabasim.Options{})
	if err != nil {
		return nil, err
	}
	creds := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: nsSystem, Name: "alibaba-credentials"},
		StringData: map[string]string{
			cloud.SecretKeyAccessKeyID:     alibabasim.DefaultAccessKeyID,
			cloud.SecretKeyAccessKeySecret: alibabasim.DefaultAccessKeySecret,
		},
	}
	return &testCloud{
		name: "alibaba",
		caps: cloud.Capabilities{Status: true, MFABindRequired: true, UpdateDate: true, UpdateDateResolution: time.Second},
		main: main, limited: limited, race: race,
		providerConfig: func(name, url string, rl *v1alpha1.RateLimit) *v1alpha1.ProviderConfig {
			return &v1alpha1.ProviderConfig{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Spec: v1alpha1.ProviderConfigSpec{
					Alibaba:     &v1alpha1.AlibabaProviderConfig{Endpoint: url},
					Credentials: secretCredentials(creds),
					RateLimit:   rl,
				},
			}
		},
		credentials: creds,
		directCredentials: cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret,
			AccessKeyID: alibabasim.DefaultAccessKeyID, AccessKeySecret: cloud.NewSensitive(alibabasim.DefaultAccessKeySecret)},
		user:             func(n int64) string { return fmt.Sprintf("user%d@example.onaliyun.com", n) },
		setUser:          func(spec *v1alpha1.LoginProfileSpec, user string) { spec.UserPrincipalName = user },
		userNotFoundCode: "EntityNotExist.User", weakPasswordCode: "InvalidParameter.Password.TooWeak",
		reusedCode:    alibabasim.CodePasswordReused,
		throttledCode: "Throttling.User",
	}, nil
}

func secretCredentials(s *corev1.Secret) v1alpha1.ProviderCredentials {
	return v1alpha1.ProviderCredentials{
		Source:    v1alpha1.CredentialsSourceSecret,
		SecretRef: &v1alpha1.SecretReference{Namespace: s.Namespace, Name: s.Name},
	}
}

func (c *testCloud) close() {
	for _, s := range []simulator{c.main, c.limited, c.race} {
		if cl, ok := s.(interface{ Close() error }); ok {
			_ = cl.Close()
		}
	}
}
