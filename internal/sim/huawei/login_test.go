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

package huawei

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

func (c *sdk) passwordPolicy() (*model.ShowPasswordPolicyV5Response, error) {
	return c.client.ShowPasswordPolicyV5(&model.ShowPasswordPolicyV5Request{})
}

func (c *sdk) mfaDevices(req *model.ListMfaDevicesV5Request) (*model.ListMfaDevicesV5Response, error) {
	return c.client.ListMfaDevicesV5(req)
}

func (c *sdk) lastLogin(id string) (*model.ShowUserLastLoginV5Response, error) {
	return c.client.ShowUserLastLoginV5(&model.ShowUserLastLoginV5Request{UserId: id})
}

// wantOneCall asserts the server recorded exactly one call, of op and action about user, answered with status, and
// returns it.
func wantOneCall(t *testing.T, s *Server, op simcore.Op, action, user string, status int) Call {
	t.Helper()
	calls := s.Calls()
	if len(calls) != 1 || calls[0].Op != op || calls[0].Action != action || calls[0].User != user || calls[0].HTTPStatus != status {
		t.Fatalf("calls = %+v, want one %s (%s) about %q answered %d", calls, action, op, user, status)
	}
	return calls[0]
}

func TestShowPasswordPolicyThroughSDK(t *testing.T) {
	no := false
	tests := []struct {
		name   string
		policy PasswordPolicy
		want   model.PasswordPolicy
	}{
		{"default", PasswordPolicy{}, model.PasswordPolicy{
			MaximumPasswordLength: 32, MinimumPasswordLength: 8, PasswordCharCombination: 2,
			PasswordNotUsernameOrInvert: true, AllowUserToChangePassword: true,
		}},
		{"set", PasswordPolicy{
			MinimumPasswordLength: 12, MaximumPasswordLength: 24, PasswordCharCombination: 3, MaximumConsecutiveIdenticalChars: 2,
			PasswordNotUsernameOrInvert: &no, PasswordReusePrevention: 5, PasswordValidityPeriod: 90,
		}, model.PasswordPolicy{
			MaximumConsecutiveIdenticalChars: 2, MaximumPasswordLength: 24, MinimumPasswordLength: 12, PasswordReusePrevention: 5,
			PasswordValidityPeriod: 90, PasswordCharCombination: 3, AllowUserToChangePassword: true,
		}},
		{"no bounds", PasswordPolicy{MinimumPasswordLength: -1, MaximumPasswordLength: -1, PasswordCharCombination: -1, PasswordNotUsernameOrInvert: &no},
			model.PasswordPolicy{AllowUserToChangePassword: true}},
		{"reuse prevention beyond the history", PasswordPolicy{PasswordReusePrevention: 99}, model.PasswordPolicy{
			MaximumPasswordLength: 32, MinimumPasswordLength: 8, PasswordCharCombination: 2, PasswordReusePrevention: simcore.MaxPasswordHistory,
			PasswordNotUsernameOrInvert: true, AllowUserToChangePassword: true,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, base := startServer(t, Options{PasswordPolicy: tt.policy})
			resp, err := defaultSDK(t, base).passwordPolicy()
			if err != nil {
				t.Fatal(err)
			}
			if resp.HttpStatusCode != http.StatusOK || resp.PasswordPolicy == nil || *resp.PasswordPolicy != tt.want {
				t.Fatalf("ShowPasswordPolicyV5 = %d %+v, want %+v", resp.HttpStatusCode, resp.PasswordPolicy, tt.want)
			}
			wantOneCall(t, s, simcore.OpGetPasswordPolicy, ActionShowPasswordPolicyV5, "", http.StatusOK)
		})
	}
}

func TestPasswordPolicyAnswerShape(t *testing.T) {
	_, base := startServer(t, Options{})
	r := rawCall(t, base, "GET", passwordPolicyPath, "", rawOptions{})
	if r.status != http.StatusOK || len(r.json) != 1 {
		t.Fatalf("answer %d %s", r.status, r.body)
	}
	policy, ok := r.json["password_policy"].(map[string]any)
	want := []string{"allow_user_to_change_password", "maximum_consecutive_identical_chars", "maximum_password_length",
		"minimum_password_age", "minimum_password_length", "password_char_combination", "password_not_username_or_invert",
		"password_requirements", "password_reuse_prevention", "password_validity_period"}
	if !ok || !slices.Equal(slices.Sorted(maps.Keys(policy)), want) {
		t.Fatalf("password_policy %s: want the fields %v", r.body, want)
	}
}

func TestListMfaDevicesThroughSDK(t *testing.T) {
	s, base := startServer(t, unlimited)
	s.AddUser(alice)
	s.AddUser(bob)
	if err := s.SetMFABound(alice, true); err != nil {
		t.Fatal(err)
	}
	c := defaultSDK(t, base)

	resp, err := c.mfaDevices(&model.ListMfaDevicesV5Request{UserId: ptr(alice)})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.MfaDeviceMetadata{{SerialNumber: "iam:" + DefaultDomainID + ":mfa/" + alice, UserId: alice, Enabled: true}}
	if resp.HttpStatusCode != http.StatusOK || resp.MfaDevices == nil || !slices.Equal(*resp.MfaDevices, want) ||
		resp.PageInfo == nil || resp.PageInfo.CurrentCount != 1 || resp.PageInfo.NextMarker != nil {
		t.Fatalf("alice: %+v", resp)
	}
	if call := wantOneCall(t, s, simcore.OpGetMFA, ActionListMfaDevicesV5, alice, http.StatusOK); len(call.Params) != 0 {
		t.Errorf("params %v", call.Params)
	}

	// No device: an empty list, not an absent one.
	s.ResetCalls()
	resp, err = c.mfaDevices(&model.ListMfaDevicesV5Request{UserId: ptr(bob), Limit: ptr(int32(200))})
	if err != nil {
		t.Fatal(err)
	}
	if resp.MfaDevices == nil || len(*resp.MfaDevices) != 0 || resp.PageInfo == nil || resp.PageInfo.CurrentCount != 0 {
		t.Fatalf("bob: %+v", resp)
	}
	if call := wantOneCall(t, s, simcore.OpGetMFA, ActionListMfaDevicesV5, bob, http.StatusOK); !maps.Equal(call.Params, map[string]string{QueryLimit: "200"}) {
		t.Errorf("params %v", call.Params)
	}

	// Unbound again.
	if err := s.SetMFABound(alice, false); err != nil {
		t.Fatal(err)
	}
	if resp, err := c.mfaDevices(&model.ListMfaDevicesV5Request{UserId: ptr(alice)}); err != nil || len(*resp.MfaDevices) != 0 {
		t.Fatalf("alice unbound: %+v, %v", resp, err)
	}

	// Errors.
	for _, tt := range []struct {
		name   string
		req    model.ListMfaDevicesV5Request
		status int
		code   string
	}{
		{"missing user", model.ListMfaDevicesV5Request{UserId: ptr(nobody)}, 404, CodeUserNotFound},
		{"no user_id", model.ListMfaDevicesV5Request{}, 400, CodeInvalidParameter},
		{"empty user_id", model.ListMfaDevicesV5Request{UserId: ptr("")}, 400, CodeInvalidParameter},
		{"limit 0", model.ListMfaDevicesV5Request{UserId: ptr(alice), Limit: ptr(int32(0))}, 400, CodeInvalidParameter},
		{"limit 201", model.ListMfaDevicesV5Request{UserId: ptr(alice), Limit: ptr(int32(201))}, 400, CodeInvalidParameter},
		{"a marker", model.ListMfaDevicesV5Request{UserId: ptr(alice), Marker: ptr("bWFya2Vy")}, 400, CodeInvalidMarker},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.mfaDevices(&tt.req)
			wantServiceError(t, err, tt.status, tt.code)
		})
	}
}

func TestShowUserLastLoginThroughSDK(t *testing.T) {
	clock := newFakeClock()
	s, base := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	c := defaultSDK(t, base)

	// Never: user_last_login without last_login_at. No login profile is needed.
	resp, err := c.lastLogin(alice)
	if err != nil {
		t.Fatal(err)
	}
	if resp.HttpStatusCode != http.StatusOK || resp.UserLastLogin == nil || resp.UserLastLogin.LastLoginAt != nil {
		t.Fatalf("never: %+v", resp)
	}
	wantOneCall(t, s, simcore.OpGetLastLogin, ActionShowUserLastLoginV5, alice, http.StatusOK)

	at := time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.FixedZone("CST", 8*3600))
	if err := s.SetLastLogin(alice, at); err != nil {
		t.Fatal(err)
	}
	resp, err = c.lastLogin(alice)
	if err != nil {
		t.Fatal(err)
	}
	if got := time.Time(*resp.UserLastLogin.LastLoginAt); !got.Equal(at.Truncate(time.Millisecond)) {
		t.Fatalf("last_login_at %v, want %v", got, at)
	}

	// The user logs in; the login profile does not show it.
	c.mustCreate(alice, strongPassword, true)
	clock.Advance(time.Hour)
	if err := s.UserResetsPassword(alice, strongPassword2); err != nil {
		t.Fatal(err)
	}
	resp, err = c.lastLogin(alice)
	if err != nil {
		t.Fatal(err)
	}
	if got := time.Time(*resp.UserLastLogin.LastLoginAt); !got.Equal(clock.Now()) {
		t.Fatalf("after a login: last_login_at %v, want %v", got, clock.Now())
	}
	if p, _ := s.Profile(alice); !p.LastLoginTime.IsZero() {
		t.Errorf("the profile shows a last login: %+v", p)
	}

	_, err = c.lastLogin(nobody)
	wantServiceError(t, err, 404, CodeUserNotFound)
}

func TestLastLoginAnswerShape(t *testing.T) {
	clock := newFakeClock()
	s, base := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	path := usersPrefix + alice + lastLoginSuffix
	if r := rawCall(t, base, "GET", path, "", rawOptions{}); r.status != 200 || string(r.body) != `{"user_last_login":{}}`+"\n" {
		t.Fatalf("never: %d %s", r.status, r.body)
	}
	at := time.Date(2023, 9, 13, 3, 32, 2, 563e6, time.UTC)
	if err := s.SetLastLogin(alice, at); err != nil {
		t.Fatal(err)
	}
	// As the API page's example.
	if r := rawCall(t, base, "GET", path, "", rawOptions{}); r.status != 200 || string(r.body) != `{"user_last_login":{"last_login_at":"2023-09-13T03:32:02.563Z"}}`+"\n" {
		t.Fatalf("set: %d %s", r.status, r.body)
	}
	s.AddUser(bob)
	r := rawCall(t, base, "GET", mfaDevicesPath+"?user_id="+bob, "", rawOptions{})
	if r.status != 200 || string(r.body) != `{"mfa_devices":[],"page_info":{"current_count":0}}`+"\n" {
		t.Fatalf("no MFA device: %d %s", r.status, r.body)
	}
}

// The login lifecycle's reads count against the read quota, not the write quota.
func TestLoginReadsAreReads(t *testing.T) {
	clock := newFakeClock()
	s, base := startServer(t, Options{Now: clock.Now, ReadsPerSecond: 3, WritesPerSecond: 1})
	s.AddUser(alice)
	c := defaultSDK(t, base)
	if _, err := c.passwordPolicy(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.mfaDevices(&model.ListMfaDevicesV5Request{UserId: ptr(alice)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.lastLogin(alice); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		func() error { _, err := c.passwordPolicy(); return err }(),
		func() error { _, err := c.mfaDevices(&model.ListMfaDevicesV5Request{UserId: ptr(alice)}); return err }(),
		func() error { _, err := c.lastLogin(alice); return err }(),
		func() error { _, err := c.show(alice); return err }(),
	} {
		wantServiceError(t, err, 429, CodeThrottled)
	}
	c.mustCreate(alice, strongPassword, false) // the write quota is untouched
	if n := len(s.Calls()); n != 8 {
		t.Fatalf("%d calls recorded, want 8 (throttled ones included)", n)
	}
}

func TestLoginReadsFaultsAndAuthentication(t *testing.T) {
	s, base := startServer(t, unlimited)
	s.AddUser(alice)
	c := defaultSDK(t, base)

	// Faults match the actions, and the neutral operations.
	s.InjectFault(Fault{Action: ActionListMfaDevicesV5, Code: CodeServiceUnavailable, Times: 1})
	s.InjectFault(Fault{Action: string(simcore.OpGetLastLogin), Code: CodeInternalError, Times: 1})
	s.InjectFault(Fault{Action: ActionShowPasswordPolicyV5, Code: CodeAccessDenied, Times: 1})
	_, err := c.mfaDevices(&model.ListMfaDevicesV5Request{UserId: ptr(alice)})
	wantServiceError(t, err, 503, CodeServiceUnavailable)
	_, err = c.lastLogin(alice)
	wantServiceError(t, err, 500, CodeInternalError)
	_, err = c.passwordPolicy()
	wantServiceError(t, err, 403, CodeAccessDenied)

	// Signed like every call: the query too.
	bad := newSDK(t, base, clientOptions{ak: DefaultAccessKeyID, sk: "wrong", domainID: DefaultDomainID})
	_, err = bad.passwordPolicy()
	wantServiceError(t, err, 401, CodeAuthenticationFailed)
	r := rawCall(t, base, "GET", mfaDevicesPath+"?user_id="+alice, "", rawOptions{after: func(r *http.Request) { r.URL.RawQuery = "user_id=" + bob }})
	r.wantError(t, 401, CodeAuthenticationFailed)
	r = rawCall(t, base, "GET", usersPrefix+alice+lastLoginSuffix, "", rawOptions{unsigned: true})
	r.wantError(t, 401, CodeAuthenticationFailed)
	if r := rawCall(t, base, "GET", mfaDevicesPath+"?user_id="+alice+"&limit=1", "", rawOptions{}); r.status != 200 {
		t.Fatalf("signed query: %d %s", r.status, r.body)
	}

	// Other methods on the paths are no API.
	for _, tt := range []struct{ method, path string }{
		{"PUT", passwordPolicyPath},
		{"POST", mfaDevicesPath},
		{"DELETE", usersPrefix + alice + lastLoginSuffix},
		{"GET", usersPrefix + lastLoginSuffix},
		{"GET", mfaDevicesPath + "/"},
	} {
		rawCall(t, base, tt.method, tt.path, "", rawOptions{unsigned: true}).wantError(t, 404, CodeAPINotFound)
	}
}

func TestPasswordMustNotBeTheUserName(t *testing.T) {
	const user = "Xy7-user"
	no, yes := false, true
	tests := []struct {
		name     string
		policy   PasswordPolicy
		password string
		ok       bool
	}{
		{"default: the name", PasswordPolicy{}, "Xy7-user", false},
		{"default: the name in another case, inside", PasswordPolicy{}, "pre-XY7-USER-post", false},
		{"default: the name reversed", PasswordPolicy{}, "resu-7yX!", false},
		{"default: another name", PasswordPolicy{}, "Xy8-user", true},
		{"explicitly on", PasswordPolicy{PasswordNotUsernameOrInvert: &yes}, "resu-7yx", false},
		{"off", PasswordPolicy{PasswordNotUsernameOrInvert: &no}, "pre-xy7-user", true},
		{"off, reversed", PasswordPolicy{PasswordNotUsernameOrInvert: &no}, "resu-7yx", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason := simcore.CheckPassword(tt.policy, user, tt.password)
			if (reason == "") != tt.ok {
				t.Fatalf("check(%q) = %q, want ok=%v", tt.password, reason, tt.ok)
			}
			if strings.Contains(strings.ToLower(reason), strings.ToLower(user)) || (reason != "" && strings.Contains(reason, tt.password)) {
				t.Errorf("the reason %q names the user or the password", reason)
			}
		})
	}

	// Through the SDK: the user id is the name.
	s, base := startServer(t, Options{})
	s.AddUser(user)
	c := defaultSDK(t, base)
	_, err := c.create(user, "Pass-xy7-USER-1", false)
	wantServiceError(t, err, 400, CodePasswordTooWeak)
	c.mustCreate(user, strongPassword, false)
}

func TestRules(t *testing.T) {
	no := false
	tests := []struct {
		name   string
		policy PasswordPolicy
		want   simcore.Rules
	}{
		{"default", PasswordPolicy{}, simcore.Rules{MinLength: 8, MaxLength: 32, MinClasses: 2, NoUserName: true, NoUserNameReversed: true}},
		{"set", PasswordPolicy{MinimumPasswordLength: 12, MaximumPasswordLength: 20, PasswordCharCombination: 4, MaximumConsecutiveIdenticalChars: 3,
			PasswordNotUsernameOrInvert: &no, PasswordReusePrevention: 4, PasswordValidityPeriod: 30},
			simcore.Rules{MinLength: 12, MaxLength: 20, MinClasses: 4, MaxRepeated: 3, ReusePrevention: 4}},
		{"none", PasswordPolicy{MinimumPasswordLength: -1, MaximumPasswordLength: -1, PasswordCharCombination: -1,
			MaximumConsecutiveIdenticalChars: -1, PasswordNotUsernameOrInvert: &no, PasswordReusePrevention: -1}, simcore.Rules{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.policy.Rules(); got != tt.want {
				t.Fatalf("Rules() = %+v, want %+v", got, tt.want)
			}
			// The policy of its rules has the same rules.
			p, err := PolicyFromRules(tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.(PasswordPolicy).Rules(); got != tt.want {
				t.Fatalf("PolicyFromRules(%+v).Rules() = %+v", tt.want, got)
			}
		})
	}
}

func TestPolicyFromRules(t *testing.T) {
	p, err := PolicyFromRules(simcore.Rules{MinLength: 10, MinClasses: 3, MaxRepeated: 2, NoUserName: true, NoUserNameReversed: true, ReusePrevention: 3})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	want := PasswordPolicy{MinimumPasswordLength: 10, MaximumPasswordLength: -1, PasswordCharCombination: 3, MaximumConsecutiveIdenticalChars: 2,
		PasswordNotUsernameOrInvert: &yes, PasswordReusePrevention: 3}
	got := p.(PasswordPolicy)
	if got.PasswordNotUsernameOrInvert == nil || *got.PasswordNotUsernameOrInvert != *want.PasswordNotUsernameOrInvert {
		t.Fatalf("PasswordNotUsernameOrInvert %v", got.PasswordNotUsernameOrInvert)
	}
	got.PasswordNotUsernameOrInvert, want.PasswordNotUsernameOrInvert = nil, nil
	if got != want {
		t.Fatalf("policy %+v, want %+v", got, want)
	}
	if reason := simcore.CheckPassword(p, alice, "abcdefgh1!"); reason != "" {
		t.Errorf("a compliant password refused: %s", reason)
	}
	if reason := simcore.CheckPassword(p, alice, "abcdefghi1"); reason == "" {
		t.Error("2 classes accepted with minClasses 3")
	}

	for _, r := range []simcore.Rules{
		{RequireUpper: true}, {RequireLower: true}, {RequireDigit: true}, {RequireSymbol: true},
		{MinDistinct: 5},
		{NoUserName: true},
		{NoUserNameReversed: true},
	} {
		if p, err := PolicyFromRules(r); err == nil || p != nil {
			t.Errorf("PolicyFromRules(%+v) = %+v, %v: want it refused", r, p, err)
		} else if !strings.HasPrefix(err.Error(), "the password policy of Huawei Cloud IAM has no setting for") {
			t.Errorf("error %q", err)
		}
	}
}

func TestAdminLoginLifecycle(t *testing.T) {
	s, base := startServer(t, unlimited)
	s.AddUser(alice)
	c := defaultSDK(t, base)

	var rules simcore.Rules
	if err := json.Unmarshal([]byte(adminOK(t, base, "GET", "/_sim/password-policy", "", 200)), &rules); err != nil {
		t.Fatal(err)
	}
	if rules != (simcore.Rules{MinLength: 8, MaxLength: 32, MinClasses: 2, NoUserName: true, NoUserNameReversed: true}) {
		t.Fatalf("default rules %+v", rules)
	}
	out := adminOK(t, base, "PUT", "/_sim/password-policy",
		`{"minLength": 12, "minClasses": 3, "maxRepeated": 2, "noUserName": true, "noUserNameReversed": true, "reusePrevention": 2}`, 200)
	if err := json.Unmarshal([]byte(out), &rules); err != nil {
		t.Fatal(err)
	}
	want := simcore.Rules{MinLength: 12, MinClasses: 3, MaxRepeated: 2, NoUserName: true, NoUserNameReversed: true, ReusePrevention: 2}
	if rules != want {
		t.Fatalf("rules after PUT %+v, want %+v", rules, want)
	}
	resp, err := c.passwordPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if got := *resp.PasswordPolicy; got != (model.PasswordPolicy{MinimumPasswordLength: 12, PasswordCharCombination: 3, MaximumConsecutiveIdenticalChars: 2,
		PasswordNotUsernameOrInvert: true, PasswordReusePrevention: 2, AllowUserToChangePassword: true}) {
		t.Fatalf("ShowPasswordPolicyV5 after PUT: %+v", got)
	}
	_, err = c.create(alice, "abcdefghij1", false)
	wantServiceError(t, err, 400, CodePasswordTooWeak)
	for _, body := range []string{`{"requireUpper": true}`, `{"minDistinct": 3}`, `{"noUserName": true}`, `{"minLength": -1}`} {
		adminOK(t, base, "PUT", "/_sim/password-policy", body, 400)
	}
	if got := s.PasswordPolicy().(PasswordPolicy).Rules(); got != want {
		t.Fatalf("a refused PUT changed the policy: %+v", got)
	}

	adminOK(t, base, "PUT", "/_sim/users/"+alice+"/mfa", `{"bound": true}`, 200)
	md, err := c.mfaDevices(&model.ListMfaDevicesV5Request{UserId: ptr(alice)})
	if err != nil || len(*md.MfaDevices) != 1 || !(*md.MfaDevices)[0].Enabled {
		t.Fatalf("after PUT mfa: %+v, %v", md, err)
	}
	adminOK(t, base, "PUT", "/_sim/users/"+alice+"/last-login", `{"time": "2026-01-02T03:04:05.678Z"}`, 200)
	ll, err := c.lastLogin(alice)
	if err != nil || ll.UserLastLogin.LastLoginAt == nil ||
		!time.Time(*ll.UserLastLogin.LastLoginAt).Equal(time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)) {
		t.Fatalf("after PUT last-login: %+v, %v", ll, err)
	}
}
