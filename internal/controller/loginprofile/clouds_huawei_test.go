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

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/cloud/huawei"
	huaweisim "github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"
)

// --- Huawei Cloud (IAM v5) ---------------------------------------------------------------------

type huaweiSim struct {
	*huaweisim.Server
	url string
}

func newHuaweiSim(opts huaweisim.Options) (*huaweiSim, error) {
	s := huaweisim.NewServer(opts)
	url, err := s.Start()
	return &huaweiSim{Server: s, url: url}, err
}

func (s *huaweiSim) URL() string { return s.url }
func (s *huaweiSim) HasProfile(user string) bool {
	_, ok := s.Profile(user)
	return ok
}
func (s *huaweiSim) ResetRequired(user string) bool {
	p, _ := s.Profile(user)
	return p.PasswordResetRequired
}
func (s *huaweiSim) DeleteProfile(user string) { s.Server.DeleteProfile(user) }
func (s *huaweiSim) DisableAndRequireMFA(string) {
	panic("IAM v5 login profiles have no status or MFA flag")
}
func (s *huaweiSim) FailNextGetAsNoProfile() {
	s.InjectFault(huaweisim.Fault{Action: huaweisim.ActionShowLoginProfileV5, Code: huaweisim.CodeLoginProfileNotFound, HTTPStatus: 404, Times: 1})
}
func (s *huaweiSim) PreventReuse(n int) {
	s.SetPasswordPolicy(huaweisim.PasswordPolicy{PasswordReusePrevention: n})
}
func (s *huaweiSim) Throttle() {
	s.InjectFault(huaweisim.Fault{Action: huaweisim.ActionShowLoginProfileV5, Code: huaweisim.CodeThrottled, HTTPStatus: 429})
}

var huaweiOps = map[string]op{
	huaweisim.ActionShowLoginProfileV5: opGet, huaweisim.ActionCreateLoginProfileV5: opCreate, huaweisim.ActionUpdateLoginProfileV5: opUpdate, huaweisim.ActionDeleteLoginProfileV5: opDelete,
}
var huaweiParams = map[string]string{"password": "password", "password_reset_required": "passwordResetRequired"}

func (s *huaweiSim) Calls() []call {
	var out []call
	for _, c := range s.Server.Calls() {
		nc := call{Op: huaweiOps[c.Action], User: c.UserID, Code: c.Code, Time: c.Time, Params: map[string]string{}}
		for k, v := range c.Params {
			if nk, ok := huaweiParams[k]; ok {
				nc.Params[nk] = v
			}
		}
		out = append(out, nc)
	}
	return out
}

func huaweiCloud(limitedReads, limitedWrites int) (*testCloud, error) {
	main, err := newHuaweiSim(huaweisim.Options{})
	if err != nil {
		return nil, err
	}
	limited, err := newHuaweiSim(huaweisim.Options{ReadsPerSecond: limitedReads, WritesPerSecond: limitedWrites})
	if err != nil {
		return nil, err
	}
	race, err := newHuaweiSim(huaweisim.Options{})
	if err != nil {
		return nil, err
	}
	creds := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: nsSystem, Name: "huawei-credentials"},
		StringData: map[string]string{
			cloud.SecretKeyAccessKeyID:     huaweisim.DefaultAccessKeyID,
			cloud.SecretKeyAccessKeySecret: huaweisim.DefaultAccessKeySecret,
		},
	}
	return &testCloud{
		name: "huawei",
		caps: cloud.Capabilities{},
		main: main, limited: limited, race: race,
		providerConfig: func(name, url string, rl *v1alpha1.RateLimit) *v1alpha1.ProviderConfig {
			return &v1alpha1.ProviderConfig{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Spec: v1alpha1.ProviderConfigSpec{
					Huawei:      &v1alpha1.HuaweiProviderConfig{Endpoint: url, DomainID: huaweisim.DefaultDomainID},
					Credentials: secretCredentials(creds),
					RateLimit:   rl,
				},
			}
		},
		credentials: creds,
		directCredentials: cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret,
			AccessKeyID: huaweisim.DefaultAccessKeyID, AccessKeySecret: cloud.NewSensitive(huaweisim.DefaultAccessKeySecret)},
		user:             func(n int64) string { return fmt.Sprintf("%032x", n) },
		setUser:          func(spec *v1alpha1.LoginProfileSpec, user string) { spec.UserID = user },
		userNotFoundCode: huaweisim.CodeUserNotFound, weakPasswordCode: huaweisim.CodePasswordTooWeak,
		reusedCode:    huaweisim.CodePasswordReused,
		throttledCode: huaweisim.CodeThrottled,
	}, nil
}
