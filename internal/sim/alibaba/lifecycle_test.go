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

package alibaba

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"
	"github.com/google/go-cmp/cmp"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

func TestGetPasswordPolicyThroughSDK(t *testing.T) {
	s, host := startServer(t, Options{})
	c := defaultSDK(t, host)

	resp, err := c.getPasswordPolicy()
	if err != nil {
		t.Fatalf("GetPasswordPolicy: %v", err)
	}
	// The service's default policy.
	if diff := cmp.Diff(ims.PasswordPolicy{MinimumPasswordLength: 8}, resp.PasswordPolicy); diff != "" || resp.RequestId == "" {
		t.Fatalf("default policy (-want +got, request id %q):\n%s", resp.RequestId, diff)
	}

	s.SetPasswordPolicy(PasswordPolicy{
		MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true,
		ReusePrevention: 5, MinimumPasswordDifferentCharacter: 6, PasswordNotContainUserName: true,
	})
	resp, err = c.getPasswordPolicy()
	if err != nil {
		t.Fatalf("GetPasswordPolicy: %v", err)
	}
	want := ims.PasswordPolicy{
		MinimumPasswordLength: 12, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, RequireNumbers: true,
		RequireSymbols: true, PasswordReusePrevention: 5, MinimumPasswordDifferentCharacter: 6, PasswordNotContainUserName: true,
	}
	if diff := cmp.Diff(want, resp.PasswordPolicy); diff != "" {
		t.Fatalf("policy (-want +got):\n%s", diff)
	}

	calls := s.CallsFor(ActionGetPasswordPolicy)
	if len(calls) != 2 || calls[0].Op != simcore.OpGetPasswordPolicy || calls[0].User != "" || calls[0].Code != "" ||
		calls[0].HTTPStatus != http.StatusOK || len(calls[0].Params) != 0 {
		t.Fatalf("calls = %+v", calls)
	}
}

func TestGetUserMFAInfoThroughSDK(t *testing.T) {
	s, host := startServer(t, Options{})
	s.AddUser(alice)
	s.AddUser(bob)
	c := defaultSDK(t, host)

	// No device: the error, not an answer with IsMFAEnable false.
	_, err := c.getMFA(alice)
	se := requireServerError(t, err, CodeEntityNotExistUserMFADevice, http.StatusNotFound)
	if se.Message() != "The user has not bound any MFA device." {
		t.Errorf("message %q", se.Message())
	}

	if err := s.SetMFABound(alice, true); err != nil {
		t.Fatal(err)
	}
	resp, err := c.getMFA(alice)
	if err != nil {
		t.Fatalf("GetUserMFAInfo: %v", err)
	}
	wantDevice := ims.MFADevice{SerialNumber: "acs:ram::" + AccountID + ":mfa/alice", Type: "VMFA"}
	if !resp.IsMFAEnable || resp.MFADevice != wantDevice || resp.RequestId == "" {
		t.Fatalf("GetUserMFAInfo = %+v", resp)
	}
	// Bob's device is his own: none.
	_, err = c.getMFA(bob)
	wantServerError(t, err, CodeEntityNotExistUserMFADevice, http.StatusNotFound)

	_, err = c.getMFA("nobody@example.onaliyun.com")
	wantServerError(t, err, CodeEntityNotExistUser, http.StatusNotFound)
	_, err = c.getMFA("")
	wantServerError(t, err, CodeMissingParameter, http.StatusBadRequest)

	// Unbound again, through the admin API.
	adminOK(t, host, "PUT", "/_sim/users/"+alice+"/mfa", `{"bound": false}`, 200)
	_, err = c.getMFA(alice)
	wantServerError(t, err, CodeEntityNotExistUserMFADevice, http.StatusNotFound)

	calls := s.CallsFor(ActionGetUserMFAInfo)
	wantCodes := []string{CodeEntityNotExistUserMFADevice, "", CodeEntityNotExistUserMFADevice, CodeEntityNotExistUser,
		CodeMissingParameter, CodeEntityNotExistUserMFADevice}
	var gotCodes []string
	for _, call := range calls {
		if call.Op != simcore.OpGetMFA {
			t.Errorf("call %+v: op %q", call, call.Op)
		}
		gotCodes = append(gotCodes, call.Code)
	}
	if diff := cmp.Diff(wantCodes, gotCodes); diff != "" {
		t.Fatalf("codes (-want +got):\n%s", diff)
	}
	if calls[1].User != alice || calls[1].Params[ParamUserPrincipalName] != alice {
		t.Fatalf("call %+v", calls[1])
	}
}

func TestLastLoginIsInGetLoginProfile(t *testing.T) {
	clock := newFakeClock()
	s, host := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	c := defaultSDK(t, host)
	c.mustCreate(alice, strongPassword)

	if resp, err := c.get(alice); err != nil || resp.LoginProfile.LastLoginTime != "" {
		t.Fatalf("before any login: %+v, %v", resp, err)
	}
	login := clock.Now().Add(-time.Hour)
	if err := s.SetLastLogin(alice, login.Add(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if resp, err := c.get(alice); err != nil || resp.LoginProfile.LastLoginTime != formatted(login) {
		t.Fatalf("after a login: %+v, %v; want LastLoginTime %s", resp, err, formatted(login))
	}
	// Create and Update do not answer it, as the service does not.
	if resp, err := c.update(alice, withMFA(true)); err != nil || resp.LoginProfile.LastLoginTime != "" {
		t.Fatalf("UpdateLoginProfile: %+v, %v", resp, err)
	}
	// The user logging in by resetting the password.
	clock.Advance(time.Minute)
	if err := s.UserResetsPassword(alice, strongPassword2); err != nil {
		t.Fatal(err)
	}
	if resp, err := c.get(alice); err != nil || resp.LoginProfile.LastLoginTime != formatted(clock.Now()) {
		t.Fatalf("after a reset: %+v, %v", resp, err)
	}
}

func TestLifecycleReadsUseTheReadQuota(t *testing.T) {
	clock := newFakeClock()
	s, host := startServer(t, Options{Now: clock.Now, ReadsPerSecond: 2, WritesPerSecond: 1})
	s.AddUser(alice)
	c := defaultSDK(t, host)
	if err := s.SetMFABound(alice, true); err != nil {
		t.Fatal(err)
	}
	if _, err := c.getPasswordPolicy(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.getMFA(alice); err != nil {
		t.Fatal(err)
	}
	_, err := c.getPasswordPolicy()
	wantServerError(t, err, CodeThrottlingUser, http.StatusBadRequest)
	_, err = c.getMFA(alice)
	wantServerError(t, err, CodeThrottlingUser, http.StatusBadRequest)
	// The write quota is untouched.
	c.mustCreate(alice, strongPassword)
	clock.Advance(time.Second)
	if _, err := c.getMFA(alice); err != nil {
		t.Fatalf("after a second: %v", err)
	}
}

func TestLifecycleActionsAreSigned(t *testing.T) {
	s, host := startServer(t, Options{})
	s.AddUser(alice)
	c := newSDK(t, host, DefaultAccessKeyID, "not-the-secret")
	_, err := c.getPasswordPolicy()
	wantServerError(t, err, CodeSignatureDoesNotMatch, http.StatusBadRequest)
	_, err = c.getMFA(alice)
	wantServerError(t, err, CodeSignatureDoesNotMatch, http.StatusBadRequest)
	for _, call := range s.Calls() {
		if call.Code != CodeSignatureDoesNotMatch {
			t.Fatalf("call %+v", call)
		}
	}
}

func TestAdminPasswordPolicy(t *testing.T) {
	s, host := startServer(t, Options{})
	s.AddUser(alice)
	c := defaultSDK(t, host)

	var got simcore.Rules
	if err := json.Unmarshal([]byte(adminOK(t, host, "GET", "/_sim/password-policy", "", 200)), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(simcore.Rules{MinLength: 8, MaxLength: 32}, got); diff != "" {
		t.Fatalf("default rules (-want +got):\n%s", diff)
	}

	out := adminOK(t, host, "PUT", "/_sim/password-policy",
		`{"minLength": 10, "requireUpper": true, "requireDigit": true, "minClasses": 2, "minDistinct": 5, "noUserName": true, "reusePrevention": 3}`, 200)
	want := simcore.Rules{MinLength: 10, MaxLength: 32, RequireUpper: true, RequireDigit: true, MinDistinct: 5, NoUserName: true, ReusePrevention: 3}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	// minClasses 2 is implied by the two classes required; the policy does not keep it.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("rules after PUT (-want +got):\n%s", diff)
	}
	resp, err := c.getPasswordPolicy()
	if err != nil {
		t.Fatal(err)
	}
	wantWire := ims.PasswordPolicy{MinimumPasswordLength: 10, RequireUppercaseCharacters: true, RequireNumbers: true,
		MinimumPasswordDifferentCharacter: 5, PasswordNotContainUserName: true, PasswordReusePrevention: 3}
	if diff := cmp.Diff(wantWire, resp.PasswordPolicy); diff != "" {
		t.Fatalf("GetPasswordPolicy (-want +got):\n%s", diff)
	}
	// And the service applies it.
	for _, pw := range []string{"Xalice-1234", "Aaaaaaaaa1", "Short1Pw", "NoDigitsHere"} {
		_, err := c.create(alice, pw)
		wantServerError(t, err, CodePasswordTooWeak, http.StatusBadRequest)
	}
	c.mustCreate(alice, "Abcdefgh12")

	for _, body := range []string{
		`{"minLength": 6}`, `{"minLength": 40}`, `{"maxLength": 64}`, `{"minClasses": 3, "requireUpper": true}`,
		`{"maxRepeated": 2}`, `{"minDistinct": 9}`, `{"noUserName": true, "noUserNameReversed": true}`, `{"reusePrevention": 25}`,
	} {
		status, out := admin(t, host, "PUT", "/_sim/password-policy", body)
		if status != http.StatusBadRequest {
			t.Errorf("PUT %s: %d %s, want 400", body, status, out)
		}
	}
	if got, _ := s.Rules(); got != want {
		t.Fatalf("a refused PUT changed the policy: %+v", got)
	}
}

func TestPolicyFromRules(t *testing.T) {
	tests := []struct {
		name  string
		rules simcore.Rules
		want  PasswordPolicy
		ok    bool
	}{
		{"zero: the default policy", simcore.Rules{}, PasswordPolicy{}, true},
		{"the default policy's rules", simcore.Rules{MinLength: 8, MaxLength: 32}, PasswordPolicy{MinimumLength: 8}, true},
		{"everything IMS has", simcore.Rules{MinLength: 32, RequireUpper: true, RequireLower: true, RequireDigit: true, RequireSymbol: true,
			MinClasses: 4, MinDistinct: 8, NoUserName: true, ReusePrevention: 24},
			PasswordPolicy{MinimumLength: 32, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true,
				MinimumPasswordDifferentCharacter: 8, PasswordNotContainUserName: true, ReusePrevention: 24}, true},
		{"minimum length below 8", simcore.Rules{MinLength: 7}, PasswordPolicy{}, false},
		{"minimum length above 32", simcore.Rules{MinLength: 33}, PasswordPolicy{}, false},
		{"another maximum length", simcore.Rules{MaxLength: 20}, PasswordPolicy{}, false},
		{"classes not implied", simcore.Rules{MinClasses: 1}, PasswordPolicy{}, false},
		{"repeated characters", simcore.Rules{MaxRepeated: 3}, PasswordPolicy{}, false},
		{"more than 8 different characters", simcore.Rules{MinDistinct: 9}, PasswordPolicy{}, false},
		{"the user name reversed", simcore.Rules{NoUserName: true, NoUserNameReversed: true}, PasswordPolicy{}, false},
		{"reuse prevention above 24", simcore.Rules{ReusePrevention: 25}, PasswordPolicy{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PolicyFromRules(tt.rules)
			if (err == nil) != tt.ok {
				t.Fatalf("PolicyFromRules(%+v) = %+v, %v; want ok=%v", tt.rules, got, err, tt.ok)
			}
			if !tt.ok {
				if !errors.Is(err, errCannotExpress) || !strings.Contains(err.Error(), "Alibaba Cloud") {
					t.Fatalf("error %v", err)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("policy (-want +got):\n%s", diff)
			}
			// The rules round-trip, the defaults resolved.
			back, err := PolicyFromRules(got.(PasswordPolicy).Rules())
			if err != nil || back.(PasswordPolicy).Rules() != got.(PasswordPolicy).Rules() {
				t.Fatalf("round trip: %+v, %v", back, err)
			}
		})
	}
}
