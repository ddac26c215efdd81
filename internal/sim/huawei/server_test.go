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
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"
)

// profileOf reads the SDK's login profile: its times as time.Time (zero when absent).
type sdkProfile struct {
	UserID                       string
	PasswordResetRequired        bool
	CreatedAt, PasswordExpiresAt time.Time
}

func fromSDK(t *testing.T, p *model.LoginProfile) sdkProfile {
	t.Helper()
	if p == nil {
		t.Fatal("the answer has no login_profile")
	}
	out := sdkProfile{UserID: p.UserId, PasswordResetRequired: p.PasswordResetRequired}
	if p.CreatedAt != nil {
		out.CreatedAt = time.Time(*p.CreatedAt)
	}
	if p.PasswordExpiresAt != nil {
		out.PasswordExpiresAt = time.Time(*p.PasswordExpiresAt)
	}
	return out
}

func TestLoginProfileRoundTrip(t *testing.T) {
	clock := newFakeClock()
	clock.Advance(123 * time.Millisecond)
	s, base := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	c := defaultSDK(t, base)
	created := clock.Now()

	cr := c.mustCreate(alice, strongPassword, true)
	want := sdkProfile{UserID: alice, PasswordResetRequired: true, CreatedAt: created}
	if got := fromSDK(t, cr.LoginProfile); got != want || cr.HttpStatusCode != http.StatusCreated {
		t.Fatalf("CreateLoginProfileV5 answered %+v (HTTP %d), want %+v (HTTP 201)", got, cr.HttpStatusCode, want)
	}
	if cr.LoginProfile.PasswordExpiresAt != nil {
		t.Errorf("password_expires_at answered without a password expiry: %v", cr.LoginProfile.PasswordExpiresAt)
	}
	if pw, ok := s.Password(alice); !ok || pw != strongPassword {
		t.Fatalf("Password after create = %q, %v; want the password sent", pw, ok)
	}

	gr, err := c.show(alice)
	if err != nil {
		t.Fatalf("ShowLoginProfileV5: %v", err)
	}
	if got := fromSDK(t, gr.LoginProfile); got != want || gr.HttpStatusCode != http.StatusOK {
		t.Fatalf("ShowLoginProfileV5 answered %+v (HTTP %d), want %+v", got, gr.HttpStatusCode, want)
	}

	clock.Advance(time.Minute)
	ur, err := c.update(alice, &model.UpdateLoginProfileReqBody{Password: ptr(strongPassword2), PasswordResetRequired: ptr(false)})
	if err != nil {
		t.Fatalf("UpdateLoginProfileV5: %v", err)
	}
	want.PasswordResetRequired = false // created_at stays
	if got := fromSDK(t, ur.LoginProfile); got != want || ur.HttpStatusCode != http.StatusOK {
		t.Fatalf("UpdateLoginProfileV5 answered %+v (HTTP %d), want %+v", got, ur.HttpStatusCode, want)
	}
	if pw, _ := s.Password(alice); pw != strongPassword2 {
		t.Fatalf("Password after update = %q", pw)
	}
	if p, ok := s.Profile(alice); !ok || p != (Profile{User: alice, CreateDate: created}) {
		t.Fatalf("Profile = %+v, %v", p, ok)
	}

	dr, err := c.delete(alice)
	if err != nil || dr.HttpStatusCode != http.StatusNoContent {
		t.Fatalf("DeleteLoginProfileV5 = %+v, %v; want HTTP 204", dr, err)
	}
	_, err = c.show(alice)
	wantServiceError(t, err, http.StatusNotFound, CodeLoginProfileNotFound)
	if _, ok := s.Profile(alice); ok {
		t.Error("Profile after delete still exists")
	}
	if _, ok := s.Password(alice); ok {
		t.Error("Password after delete still exists")
	}
	// The profile can be created again.
	c.mustCreate(alice, strongPassword3, false)
}

func TestUpdateChangesOnlyPresentFields(t *testing.T) {
	tests := []struct {
		name         string
		body         *model.UpdateLoginProfileReqBody
		wantParams   map[string]string
		wantReset    bool
		wantPassword string
	}{
		{"no body", nil, map[string]string{}, true, strongPassword},
		{"empty body", &model.UpdateLoginProfileReqBody{}, map[string]string{}, true, strongPassword},
		{"reset false", &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(false)},
			map[string]string{"password_reset_required": "false"}, false, strongPassword},
		{"reset true (unchanged value)", &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(true)},
			map[string]string{"password_reset_required": "true"}, true, strongPassword},
		{"password only", &model.UpdateLoginProfileReqBody{Password: ptr(strongPassword2)},
			map[string]string{"password": strongPassword2}, true, strongPassword2},
		{"both", &model.UpdateLoginProfileReqBody{Password: ptr(strongPassword2), PasswordResetRequired: ptr(false)},
			map[string]string{"password": strongPassword2, "password_reset_required": "false"}, false, strongPassword2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			s, base := startServer(t, Options{Now: clock.Now})
			s.AddUser(alice)
			c := defaultSDK(t, base)
			c.mustCreate(alice, strongPassword, true)
			before, _ := s.Profile(alice)
			clock.Advance(time.Hour)
			s.ResetCalls()

			if _, err := c.update(alice, tt.body); err != nil {
				t.Fatalf("UpdateLoginProfileV5: %v", err)
			}
			calls := s.Calls()
			if len(calls) != 1 || !equalParams(calls[0].Params, tt.wantParams) {
				t.Fatalf("calls = %+v, want one with params %v", calls, tt.wantParams)
			}
			want := before
			want.PasswordResetRequired = tt.wantReset
			if got, _ := s.Profile(alice); got != want {
				t.Errorf("Profile = %+v, want %+v", got, want)
			}
			if pw, _ := s.Password(alice); pw != tt.wantPassword {
				t.Errorf("Password = %q, want %q", pw, tt.wantPassword)
			}
		})
	}
}

// unlimited are the options of a server without quotas, for tests that make many calls.
var unlimited = Options{ReadsPerSecond: -1, WritesPerSecond: -1}

func equalParams(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestServerErrors(t *testing.T) {
	s, base := startServer(t, unlimited)
	s.AddUser(alice)
	s.AddUser(bob)
	c := defaultSDK(t, base)
	c.mustCreate(alice, strongPassword, false)
	aliceBefore, _ := s.Profile(alice)

	tests := []struct {
		name   string
		call   func() error
		status int
		code   string
	}{
		{"show, no such user", func() error { _, err := c.show(nobody); return err }, 404, CodeUserNotFound},
		{"show, no profile", func() error { _, err := c.show(bob); return err }, 404, CodeLoginProfileNotFound},
		{"create, no such user", func() error { _, err := c.create(nobody, strongPassword, false); return err }, 404, CodeUserNotFound},
		{"create, already exists", func() error { _, err := c.create(alice, strongPassword2, false); return err }, 409, CodeLoginProfileExists},
		{"create, empty password", func() error { _, err := c.create(bob, "", false); return err }, 400, CodeInvalidRequestBody},
		{"create, too short", func() error { _, err := c.create(bob, "Sh0rt!", false); return err }, 400, CodePasswordTooWeak},
		{"create, one character class", func() error { _, err := c.create(bob, "onlylowercase", false); return err }, 400, CodePasswordTooWeak},
		{"create, longer than 32", func() error { _, err := c.create(bob, strings.Repeat("a1", 17), false); return err }, 400, CodePasswordTooWeak},
		{"update, no profile", func() error {
			_, err := c.update(bob, &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(true)})
			return err
		}, 404, CodeLoginProfileNotFound},
		{"update, no such user", func() error { _, err := c.update(nobody, nil); return err }, 404, CodeUserNotFound},
		{"update, weak password", func() error {
			_, err := c.update(alice, &model.UpdateLoginProfileReqBody{Password: ptr("weak"), PasswordResetRequired: ptr(true)})
			return err
		}, 400, CodePasswordTooWeak},
		{"update, empty password", func() error {
			_, err := c.update(alice, &model.UpdateLoginProfileReqBody{Password: ptr("")})
			return err
		}, 400, CodeInvalidRequestBody},
		{"delete, no profile", func() error { _, err := c.delete(bob); return err }, 404, CodeLoginProfileNotFound},
		{"delete, no such user", func() error { _, err := c.delete(nobody); return err }, 404, CodeUserNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := requireServiceError(t, tt.call(), tt.status, tt.code)
			calls := s.Calls()
			if last := calls[len(calls)-1]; last.RequestID != se.RequestId || last.Code != tt.code || last.HTTPStatus != tt.status {
				t.Errorf("last call %+v: want request id %s, %s, HTTP %d", last, se.RequestId, tt.code, tt.status)
			}
			if tt.code == CodeUserNotFound && se.ErrorMessage != "Could not find user: "+nobody+"." {
				t.Errorf("message %q", se.ErrorMessage)
			}
		})
	}
	// No failed call changed anything.
	if got, _ := s.Profile(alice); got != aliceBefore {
		t.Errorf("alice's profile changed by failed calls: %+v, was %+v", got, aliceBefore)
	}
	if pw, _ := s.Password(alice); pw != strongPassword {
		t.Errorf("alice's password changed by failed calls")
	}
	if _, ok := s.Profile(bob); ok {
		t.Errorf("bob got a profile from failed calls")
	}
	if n := len(s.Calls()); n != len(tests)+1 {
		t.Errorf("%d calls recorded, want %d", n, len(tests)+1)
	}
}

// rawOptions shape a request sent by rawCall.
type rawOptions struct {
	ak, sk string
	// before changes the request before it is signed, after once signed.
	before, after func(*http.Request)
	// unsigned sends no Authorization.
	unsigned bool
}

type rawResponse struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

// rawCall sends one request over plain net/http, signed with SignRequest (the default key pair unless given),
// with the headers the SDK sends.
func rawCall(t *testing.T, base, method, path, body string, o rawOptions) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "raw-test")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderDomainID, DefaultDomainID)
	if o.before != nil {
		o.before(req)
	}
	if !o.unsigned {
		ak, sk := o.ak, o.sk
		if ak == "" {
			ak, sk = DefaultAccessKeyID, DefaultAccessKeySecret
		}
		SignRequest(req, []byte(body), ak, sk, time.Now())
	}
	if o.after != nil {
		o.after(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	out := rawResponse{status: resp.StatusCode, header: resp.Header}
	if out.body, err = io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	if len(out.body) > 0 {
		if err := json.Unmarshal(out.body, &out.json); err != nil {
			t.Fatalf("answer %q: %v", out.body, err)
		}
	}
	return out
}

func (r rawResponse) wantError(t *testing.T, status int, code string) {
	t.Helper()
	if r.status != status || r.json["error_code"] != code {
		t.Fatalf("got HTTP %d %s, want HTTP %d %s", r.status, r.body, status, code)
	}
}

func profilePath(id string) string { return "/v5/users/" + url.PathEscape(id) + "/login-profile" }

func TestInvalidBodies(t *testing.T) {
	s, base := startServer(t, unlimited)
	s.AddUser(alice)
	s.AddUser(bob)
	defaultSDK(t, base).mustCreate(bob, strongPassword, false)
	tests := []struct {
		method, user, body string
		wantParams         map[string]string
	}{
		{"POST", alice, "", map[string]string{}},
		{"POST", alice, "not json", map[string]string{}},
		{"POST", alice, "[]", map[string]string{}},
		{"POST", alice, "null", map[string]string{}},
		{"POST", alice, `{"password_reset_required": false}`, map[string]string{"password_reset_required": "false"}},
		{"POST", alice, `{"password": "` + strongPassword + `"}`, map[string]string{"password": strongPassword}},
		{"POST", alice, `{"password": 12345678, "password_reset_required": false}`, map[string]string{"password": "12345678", "password_reset_required": "false"}},
		{"POST", alice, `{"password": "` + strongPassword + `", "password_reset_required": "yes"}`, map[string]string{"password": strongPassword, "password_reset_required": "yes"}},
		{"POST", alice, `{"login_profile": {"password": "` + strongPassword + `", "password_reset_required": false}}`, map[string]string{}},
		{"PUT", bob, `{"password": null}`, map[string]string{"password": "null"}},
		{"PUT", bob, `{"password_reset_required": 1}`, map[string]string{"password_reset_required": "1"}},
		{"PUT", bob, `{"password": ""}`, map[string]string{"password": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.body, func(t *testing.T) {
			s.ResetCalls()
			rawCall(t, base, tt.method, profilePath(tt.user), tt.body, rawOptions{}).wantError(t, 400, CodeInvalidRequestBody)
			calls := s.Calls()
			if len(calls) != 1 || !equalParams(calls[0].Params, tt.wantParams) {
				t.Errorf("calls = %+v, want params %v", calls, tt.wantParams)
			}
		})
	}
	if _, ok := s.Profile(alice); ok {
		t.Error("an invalid body created a profile")
	}
	if pw, _ := s.Password(bob); pw != strongPassword {
		t.Error("an invalid body changed a password")
	}
	// Unknown fields are ignored, the body of Show and Delete too.
	if r := rawCall(t, base, "POST", profilePath(alice), `{"password": "`+strongPassword+`", "password_reset_required": true, "extra": 1}`, rawOptions{}); r.status != 201 {
		t.Fatalf("create with an extra field: %d %s", r.status, r.body)
	}
	if r := rawCall(t, base, "GET", profilePath(alice), "not json", rawOptions{}); r.status != 200 {
		t.Fatalf("show with a body: %d %s", r.status, r.body)
	}
}

func TestAnswerShape(t *testing.T) {
	clock := newFakeClock()
	s, base := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)

	r := rawCall(t, base, "GET", profilePath(nobody), "", rawOptions{})
	r.wantError(t, 404, CodeUserNotFound)
	if len(r.json) != 3 || r.json["request_id"] != r.header.Get(HeaderRequestID) || !requestIDPattern.MatchString(r.header.Get(HeaderRequestID)) {
		t.Errorf("error answer %s, X-Request-Id %q: want error_code, error_msg and request_id = X-Request-Id", r.body, r.header.Get(HeaderRequestID))
	}
	if msg, ok := r.json["error_msg"].(string); !ok || msg == "" {
		t.Errorf("error_msg %#v", r.json["error_msg"])
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}

	r = rawCall(t, base, "POST", profilePath(alice), `{"password": "`+strongPassword+`", "password_reset_required": false}`, rawOptions{})
	want := `{"login_profile":{"user_id":"` + alice + `","password_reset_required":false,"created_at":"` +
		clock.Now().Format("2006-01-02T15:04:05.000Z") + `"}}` + "\n"
	if r.status != 201 || string(r.body) != want || r.header.Get(HeaderRequestID) == "" {
		t.Errorf("create: %d %s, want 201 %s with an X-Request-Id", r.status, r.body, want)
	}
	s.SetPasswordPolicy(PasswordPolicy{PasswordValidityPeriod: 1})
	r = rawCall(t, base, "PUT", profilePath(alice), `{"password": "`+strongPassword2+`"}`, rawOptions{})
	want = `{"login_profile":{"user_id":"` + alice + `","password_reset_required":false,"password_expires_at":"` +
		clock.Now().Add(24*time.Hour).Format("2006-01-02T15:04:05.000Z") + `","created_at":"` +
		clock.Now().Format("2006-01-02T15:04:05.000Z") + `"}}` + "\n"
	if r.status != 200 || string(r.body) != want {
		t.Errorf("update: %d %s, want 200 %s", r.status, r.body, want)
	}
	r = rawCall(t, base, "DELETE", profilePath(alice), "", rawOptions{})
	if r.status != 204 || len(r.body) != 0 || !requestIDPattern.MatchString(r.header.Get(HeaderRequestID)) {
		t.Errorf("delete: %d %q, X-Request-Id %q", r.status, r.body, r.header.Get(HeaderRequestID))
	}
}

func TestUnknownAPI(t *testing.T) {
	s, base := startServer(t, Options{})
	s.AddUser(alice)
	for _, tt := range []struct{ method, path string }{
		{"GET", "/v5/users/" + alice},
		{"GET", "/v5/users/login-profile"},
		{"GET", "/v5/users//login-profile"},
		{"PATCH", profilePath(alice)},
		{"GET", profilePath(alice) + "/"},
		{"GET", "/v3/users/" + alice + "/login-profile"},
	} {
		r := rawCall(t, base, tt.method, tt.path, "", rawOptions{unsigned: true})
		r.wantError(t, 404, CodeAPINotFound)
	}
	calls := s.Calls()
	if len(calls) != 6 || calls[0].Action != "" || calls[0].User != "" || calls[0].Code != CodeAPINotFound {
		t.Errorf("calls = %+v", calls)
	}
}

func TestUserIDsAreOpaque(t *testing.T) {
	s, base := startServer(t, Options{})
	c := defaultSDK(t, base)
	for _, id := range []string{"odd id+with%and*é", "with/slash", "~user.name_1-"} {
		s.AddUser(id)
		c.mustCreate(id, strongPassword, true)
		gr, err := c.show(id)
		if err != nil {
			t.Fatalf("show %q: %v", id, err)
		}
		if got := fromSDK(t, gr.LoginProfile); got.UserID != id {
			t.Errorf("user_id %q, want %q", got.UserID, id)
		}
		if _, ok := s.Profile(id); !ok {
			t.Errorf("no profile for %q", id)
		}
	}
}

func TestPasswordPolicyThroughSDK(t *testing.T) {
	s, base := startServer(t, Options{PasswordPolicy: PasswordPolicy{MinimumPasswordLength: 12, PasswordCharCombination: 4}})
	s.AddUser(alice)
	c := defaultSDK(t, base)
	for _, pw := range []string{"Abcdef1!", "abcdefgh123!", "ABCDEFGH123!", "Abcdefghijk!", "Abcdefghij12"} {
		_, err := c.create(alice, pw, false)
		se := requireServiceError(t, err, 400, CodePasswordTooWeak)
		if strings.Contains(se.ErrorMessage, pw) {
			t.Errorf("the error message contains the password: %q", se.ErrorMessage)
		}
	}
	c.mustCreate(alice, "Abcdefgh12!?", false)
}

func TestPasswordReusePrevention(t *testing.T) {
	s, base := startServer(t, Options{PasswordPolicy: PasswordPolicy{PasswordReusePrevention: 2}, ReadsPerSecond: -1, WritesPerSecond: -1})
	s.AddUser(alice)
	c := defaultSDK(t, base)
	c.mustCreate(alice, strongPassword, false)

	step := func(pw, wantCode string) {
		t.Helper()
		_, err := c.update(alice, &model.UpdateLoginProfileReqBody{Password: ptr(pw)})
		if wantCode == "" {
			if err != nil {
				t.Fatalf("update to %q: %v", pw, err)
			}
			return
		}
		wantServiceError(t, err, 400, wantCode)
	}
	step(strongPassword, CodePasswordReused) // the current password
	step(strongPassword2, "")
	step(strongPassword, CodePasswordReused) // the previous one
	step(strongPassword3, "")
	step(strongPassword, "") // three passwords back: allowed again
	if pw, _ := s.Password(alice); pw != strongPassword {
		t.Fatalf("Password = %q", pw)
	}

	// The history outlives the profile, deleted through the API or out of band.
	if _, err := c.delete(alice); err != nil {
		t.Fatal(err)
	}
	_, err := c.create(alice, strongPassword3, false)
	wantServiceError(t, err, 400, CodePasswordReused)
	c.mustCreate(alice, strongPassword2, false)
	s.DeleteProfile(alice)
	_, err = c.create(alice, strongPassword2, false)
	wantServiceError(t, err, 400, CodePasswordReused)
	c.mustCreate(alice, "F0urth-Secret%4", false)

	// The user resetting the password is held to it too.
	var ae *APIError
	if err := s.UserResetsPassword(alice, strongPassword2); !errors.As(err, &ae) || ae.Code != CodePasswordReused {
		t.Fatalf("UserResetsPassword(previous password) = %v, want %s", err, CodePasswordReused)
	}

	// Without reuse prevention the same password is accepted.
	s2, base2 := startServer(t, Options{})
	s2.AddUser(alice)
	c2 := defaultSDK(t, base2)
	c2.mustCreate(alice, strongPassword, false)
	if _, err := c2.update(alice, &model.UpdateLoginProfileReqBody{Password: ptr(strongPassword)}); err != nil {
		t.Fatalf("update to the same password without reuse prevention: %v", err)
	}
}

func TestPasswordExpiry(t *testing.T) {
	clock := newFakeClock()
	s, base := startServer(t, Options{Now: clock.Now, PasswordPolicy: PasswordPolicy{PasswordValidityPeriod: 30}})
	s.AddUser(alice)
	c := defaultSDK(t, base)
	created := clock.Now()

	cr := c.mustCreate(alice, strongPassword, false)
	if got := fromSDK(t, cr.LoginProfile); !got.PasswordExpiresAt.Equal(created.AddDate(0, 0, 30)) {
		t.Fatalf("password_expires_at %v, want %v", got.PasswordExpiresAt, created.AddDate(0, 0, 30))
	}
	clock.Advance(48 * time.Hour)
	// A change of the flag alone keeps the expiry; a new password moves it.
	ur, err := c.update(alice, &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(true)})
	if err != nil || !fromSDK(t, ur.LoginProfile).PasswordExpiresAt.Equal(created.AddDate(0, 0, 30)) {
		t.Fatalf("update of the flag: %+v, %v", ur, err)
	}
	ur, err = c.update(alice, &model.UpdateLoginProfileReqBody{Password: ptr(strongPassword2)})
	if err != nil || !fromSDK(t, ur.LoginProfile).PasswordExpiresAt.Equal(clock.Now().AddDate(0, 0, 30)) {
		t.Fatalf("update of the password: %+v, %v", ur, err)
	}
	// The user's own new password too; turning the expiry off leaves the passwords set so far alone.
	s.SetPasswordPolicy(PasswordPolicy{})
	if p, _ := s.Profile(alice); !p.PasswordExpiresAt.Equal(clock.Now().AddDate(0, 0, 30)) {
		t.Fatalf("after SetPasswordPolicy: %+v", p)
	}
	clock.Advance(time.Hour)
	if err := s.UserResetsPassword(alice, strongPassword3); err != nil {
		t.Fatal(err)
	}
	gr, err := c.show(alice)
	if err != nil || gr.LoginProfile.PasswordExpiresAt != nil || gr.LoginProfile.PasswordResetRequired {
		t.Fatalf("after the user reset the password without expiry: %+v, %v", gr, err)
	}
}

func TestWrongSecret(t *testing.T) {
	s, base := startServer(t, Options{})
	s.AddUser(alice)
	c := newSDK(t, base, clientOptions{ak: DefaultAccessKeyID, sk: "not-the-secret", domainID: DefaultDomainID})
	_, err := c.create(alice, strongPassword, false)
	se := requireServiceError(t, err, 401, CodeAuthenticationFailed)
	if !strings.Contains(se.ErrorMessage, "verify aksk signature fail") {
		t.Errorf("message %q", se.ErrorMessage)
	}
	if _, ok := s.Profile(alice); ok {
		t.Error("a call with a wrong signature created a profile")
	}
	calls := s.Calls()
	if len(calls) != 1 || calls[0].Code != CodeAuthenticationFailed || calls[0].HTTPStatus != 401 || calls[0].RequestID != se.RequestId {
		t.Errorf("calls = %+v", calls)
	}
}

func TestUnknownAccessKey(t *testing.T) {
	s, base := startServer(t, Options{AccessKeys: map[string]string{"MYAK": "my-secret"}})
	s.AddUser(alice)
	_, err := defaultSDK(t, base).show(alice) // the default pair is not accepted once AccessKeys is set
	se := requireServiceError(t, err, 401, CodeAuthenticationFailed)
	if !strings.Contains(se.ErrorMessage, "ak:"+DefaultAccessKeyID+",err:ak not exist") {
		t.Errorf("message %q", se.ErrorMessage)
	}
	_, err = newSDK(t, base, clientOptions{ak: "MYAK", sk: "my-secret", domainID: DefaultDomainID}).show(alice)
	wantServiceError(t, err, 404, CodeLoginProfileNotFound)
}

func TestDomainID(t *testing.T) {
	const domain = "ffffffffffffffffffffffffffffffff"
	s, base := startServer(t, Options{DomainID: domain})
	s.AddUser(alice)
	if s.DomainID() != domain {
		t.Fatalf("DomainID() = %q", s.DomainID())
	}
	_, err := defaultSDK(t, base).show(alice) // X-Domain-Id: DefaultDomainID
	se := requireServiceError(t, err, 401, CodeAuthenticationFailed)
	if !strings.Contains(se.ErrorMessage, "X-Domain-Id "+DefaultDomainID) {
		t.Errorf("message %q", se.ErrorMessage)
	}
	c := newSDK(t, base, clientOptions{ak: DefaultAccessKeyID, sk: DefaultAccessKeySecret, domainID: domain})
	_, err = c.show(alice)
	wantServiceError(t, err, 404, CodeLoginProfileNotFound)

	// Without X-Domain-Id (a project-scoped, "basic" credential sends none).
	r := rawCall(t, base, "GET", profilePath(alice), "", rawOptions{before: func(r *http.Request) { r.Header.Del(HeaderDomainID) }})
	r.wantError(t, 401, CodeAuthenticationFailed)
	if n := NewServer(Options{}).DomainID(); n != DefaultDomainID {
		t.Errorf("default DomainID() = %q", n)
	}
}

func TestSecurityToken(t *testing.T) {
	const token = "the-token/with+specials="
	s, base := startServer(t, Options{
		AccessKeys:     map[string]string{"STSAK": "sts-secret", "LONGTERMAK": "long-term-secret"},
		SecurityTokens: map[string]string{"STSAK": token},
	})
	s.AddUser(alice)
	sts := func(tok string) *sdk {
		return newSDK(t, base, clientOptions{ak: "STSAK", sk: "sts-secret", domainID: DefaultDomainID, token: tok})
	}
	sts(token).mustCreate(alice, strongPassword, false)
	if _, err := sts(token).show(alice); err != nil {
		t.Fatalf("ShowLoginProfileV5 with the STS token: %v", err)
	}
	_, err := sts("another-token").show(alice)
	wantServiceError(t, err, 401, CodeAuthenticationFailed)
	_, err = sts("").show(alice) // no token
	wantServiceError(t, err, 401, CodeAuthenticationFailed)
	_, err = newSDK(t, base, clientOptions{ak: "LONGTERMAK", sk: "long-term-secret", domainID: DefaultDomainID, token: "unexpected"}).show(alice)
	wantServiceError(t, err, 401, CodeAuthenticationFailed)
	if _, err := newSDK(t, base, clientOptions{ak: "LONGTERMAK", sk: "long-term-secret", domainID: DefaultDomainID}).show(alice); err != nil {
		t.Fatalf("ShowLoginProfileV5 with the long-term key: %v", err)
	}
	// The token must be signed.
	r := rawCall(t, base, "GET", profilePath(alice), "", rawOptions{ak: "STSAK", sk: "sts-secret",
		after: func(r *http.Request) { r.Header.Set(HeaderSecurityToken, token) }})
	r.wantError(t, 401, CodeAuthenticationFailed)
	r = rawCall(t, base, "GET", profilePath(alice), "", rawOptions{ak: "STSAK", sk: "sts-secret",
		before: func(r *http.Request) { r.Header.Set(HeaderSecurityToken, token) }})
	if r.status != 200 {
		t.Fatalf("raw call with a signed token: %d %s", r.status, r.body)
	}
	if c := s.CallsFor(ActionCreateLoginProfileV5)[0]; len(c.Params) != 2 {
		t.Errorf("unexpected params: %v", c.Params)
	}
}

func TestRawAuthentication(t *testing.T) {
	s, base := startServer(t, Options{})
	s.AddUser(alice)
	body := `{"password": "` + strongPassword + `", "password_reset_required": false}`
	tests := []struct {
		name string
		o    rawOptions
		body string
	}{
		{"no Authorization", rawOptions{unsigned: true}, body},
		{"another algorithm", rawOptions{after: func(r *http.Request) {
			r.Header.Set(HeaderAuthorization, strings.Replace(r.Header.Get(HeaderAuthorization), "SDK-HMAC-SHA256", "SDK-HMAC-SM3", 1))
		}}, body},
		{"malformed Authorization", rawOptions{after: func(r *http.Request) { r.Header.Set(HeaderAuthorization, "SDK-HMAC-SHA256 garbage") }}, body},
		{"X-Sdk-Date not signed", rawOptions{after: func(r *http.Request) {
			r.Header.Set(HeaderAuthorization, strings.Replace(r.Header.Get(HeaderAuthorization), ";x-sdk-date", "", 1))
		}}, body},
		{"X-Sdk-Date malformed", rawOptions{before: func(r *http.Request) { r.Header.Set(HeaderSdkDate, "2026-01-02T03:04:05Z") }}, body},
		{"body changed after signing", rawOptions{after: func(r *http.Request) {
			changed := strings.Replace(body, "false", "true ", 1)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(changed)), int64(len(changed))
		}}, body},
		{"signed header changed", rawOptions{after: func(r *http.Request) { r.Header.Set("User-Agent", "another") }}, body},
		{"path changed", rawOptions{after: func(r *http.Request) { r.URL.Path = profilePath(bob) }}, body},
		{"query added", rawOptions{after: func(r *http.Request) { r.URL.RawQuery = "a=1" }}, body},
		{"method changed", rawOptions{after: func(r *http.Request) { r.Method = "PUT" }}, body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rawCall(t, base, "POST", profilePath(alice), tt.body, tt.o).wantError(t, 401, CodeAuthenticationFailed)
		})
	}
	if _, ok := s.Profile(alice); ok {
		t.Fatal("an unauthenticated call created a profile")
	}

	// Signed as the SDK signs: a query, an unsigned payload, a signed Host.
	r := rawCall(t, base, "GET", profilePath(alice)+"?b=2&a=x%20y&a=1", "", rawOptions{})
	r.wantError(t, 404, CodeLoginProfileNotFound)
	r = rawCall(t, base, "POST", profilePath(alice), body, rawOptions{before: func(r *http.Request) {
		r.Header.Set(HeaderContentSha256, UnsignedPayload)
	}})
	if r.status != 201 {
		t.Fatalf("UNSIGNED-PAYLOAD: %d %s", r.status, r.body)
	}
	r = rawCall(t, base, "GET", profilePath(alice), "", rawOptions{before: func(r *http.Request) {
		r.Header.Set("Host", r.URL.Host) // signed as the SDK does when given a Host header
	}})
	if r.status != 200 {
		t.Fatalf("signed Host: %d %s", r.status, r.body)
	}
}

func TestTimestampChecked(t *testing.T) {
	wall := newFakeClock()
	wall.Advance(16 * time.Minute) // the SDK stamps the real wall clock, 16 minutes behind the server's
	s := NewServer(Options{})
	s.creds.Wall = wall.Now
	_, base := serve(t, s)
	_, err := defaultSDK(t, base).show(alice)
	se := requireServiceError(t, err, 401, CodeAuthenticationFailed)
	if !strings.Contains(se.ErrorMessage, "X-Sdk-Date") {
		t.Errorf("message %q", se.ErrorMessage)
	}

	wall.Advance(-2 * time.Minute) // 14 minutes: accepted
	_, err = defaultSDK(t, base).show(alice)
	wantServiceError(t, err, 404, CodeUserNotFound)

	wall.Advance(time.Hour)
	s = NewServer(Options{TimestampTolerance: -1})
	s.creds.Wall = wall.Now
	_, base = serve(t, s)
	_, err = defaultSDK(t, base).show(alice)
	wantServiceError(t, err, 404, CodeUserNotFound)

	// The injected clock does not matter.
	clock := newFakeClock()
	clock.Advance(24 * time.Hour)
	_, base = startServer(t, Options{Now: clock.Now})
	_, err = defaultSDK(t, base).show(alice)
	wantServiceError(t, err, 404, CodeUserNotFound)
}

func TestThrottling(t *testing.T) {
	clock := newFakeClock()
	s, base := startServer(t, Options{Now: clock.Now, ReadsPerSecond: 3, WritesPerSecond: 2})
	s.AddUser(alice)
	c := defaultSDK(t, base)
	other := defaultSDK(t, base) // another caller of the same account shares the quota

	c.mustCreate(alice, strongPassword, false)
	if _, err := other.update(alice, &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(true)}); err != nil {
		t.Fatalf("second write: %v", err)
	}
	_, err := c.update(alice, &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(false)})
	se := requireServiceError(t, err, 429, CodeThrottled)
	if !strings.HasPrefix(se.ErrorMessage, "The throttling threshold has been reached") || !strings.Contains(se.ErrorMessage, "limit:2") {
		t.Errorf("message %q", se.ErrorMessage)
	}
	if p, _ := s.Profile(alice); !p.PasswordResetRequired {
		t.Error("a throttled update was applied")
	}
	// Reads have their own quota.
	for i := range 3 {
		if _, err := []*sdk{c, other}[i%2].show(alice); err != nil {
			t.Fatalf("read %d: %v", i+1, err)
		}
	}
	_, err = other.show(alice)
	wantServiceError(t, err, 429, CodeThrottled)
	_, err = c.delete(alice)
	wantServiceError(t, err, 429, CodeThrottled)

	clock.Advance(time.Second)
	if _, err := c.show(alice); err != nil {
		t.Fatalf("read after a second: %v", err)
	}
	if _, err := c.update(alice, &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(false)}); err != nil {
		t.Fatalf("write after a second: %v", err)
	}
	if got := len(s.CallsFor(ActionUpdateLoginProfileV5)); got != 3 {
		t.Errorf("%d update calls recorded, want 3 (throttled calls included)", got)
	}

	s.SetQuota(-1, -1)
	for i := range 10 {
		if _, err := c.show(alice); err != nil {
			t.Fatalf("unlimited read %d: %v", i+1, err)
		}
	}
	s.SetQuota(1, 0)
	if _, err := c.show(alice); err != nil {
		t.Fatal(err)
	}
	_, err = c.show(alice)
	wantServiceError(t, err, 429, CodeThrottled)
	// 0 is the default write quota: 10 a second.
	for i := range DefaultWritesPerSecond {
		if _, err := c.update(alice, nil); err != nil {
			t.Fatalf("default write quota, write %d: %v", i+1, err)
		}
	}
	_, err = c.update(alice, nil)
	wantServiceError(t, err, 429, CodeThrottled)
}

func TestDefaultQuotas(t *testing.T) {
	clock := newFakeClock()
	s, base := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	c := defaultSDK(t, base)
	for i := range DefaultReadsPerSecond {
		if _, err := c.show(alice); err == nil || !isStatus(err, 404) {
			t.Fatalf("read %d: %v", i+1, err)
		}
	}
	_, err := c.show(alice)
	wantServiceError(t, err, 429, CodeThrottled)
}

func isStatus(err error, status int) bool {
	var se *sdkerr.ServiceResponseError
	return errors.As(err, &se) && se.StatusCode == status
}

func TestFaults(t *testing.T) {
	s, base := startServer(t, Options{})
	s.AddUser(alice)
	c := defaultSDK(t, base)

	s.InjectFault(Fault{Action: ActionShowLoginProfileV5, Code: CodeServiceUnavailable, Times: 1})
	c.mustCreate(alice, strongPassword, false) // another action: not affected
	_, err := c.show(alice)
	wantServiceError(t, err, 503, CodeServiceUnavailable)
	if _, err := c.show(alice); err != nil {
		t.Fatalf("show after the fault was used up: %v", err)
	}

	s.InjectFault(Fault{Code: CodeInternalError}) // any action, until cleared
	for range 3 {
		_, err := c.update(alice, &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(true)})
		wantServiceError(t, err, 500, CodeInternalError)
	}
	if p, _ := s.Profile(alice); p.PasswordResetRequired {
		t.Error("a failed update was applied")
	}
	s.ClearFaults()

	s.InjectFault(Fault{Code: "Custom.0001", HTTPStatus: 502, Message: "custom message", Times: 2})
	for range 2 {
		_, err = c.show(alice)
		if se := requireServiceError(t, err, 502, "Custom.0001"); se.ErrorMessage != "custom message" {
			t.Errorf("message %q", se.ErrorMessage)
		}
	}
	if _, err := c.show(alice); err != nil {
		t.Fatal(err)
	}

	// A fault with a code and no status takes the code's status; access denied has an encoded message.
	s.InjectFault(Fault{Action: ActionDeleteLoginProfileV5, Code: CodeAccessDenied, Times: 1})
	_, err = c.delete(alice)
	if se := requireServiceError(t, err, 403, CodeAccessDenied); se.EncodedAuthorizationMessage == "" {
		t.Error("no encoded_authorization_message")
	}
	s.InjectFault(Fault{Code: CodeThrottled, Times: 1})
	_, err = c.show(alice)
	wantServiceError(t, err, 429, CodeThrottled)

	// Dropped connections. (On Update: the transport may replay a GET that failed on a reused connection.)
	s.ResetCalls()
	s.InjectFault(Fault{Action: ActionUpdateLoginProfileV5, DropConnection: true, Times: 1})
	_, err = c.update(alice, &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(true)})
	var se *sdkerr.ServiceResponseError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("dropped connection: got %v, want a transport error", err)
	}
	if p, _ := s.Profile(alice); p.PasswordResetRequired {
		t.Error("the dropped update was applied")
	}
	s.InjectFault(Fault{Action: ActionUpdateLoginProfileV5, DropAfterAction: true, Times: 1})
	_, err = c.update(alice, &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(true)})
	if err == nil || errors.As(err, &se) {
		t.Fatalf("answer lost: got %v, want a transport error", err)
	}
	if p, _ := s.Profile(alice); !p.PasswordResetRequired {
		t.Error("the update whose answer was lost was not applied")
	}
	calls := s.Calls()
	if len(calls) != 2 || !calls[0].Dropped || !calls[1].Dropped || calls[0].HTTPStatus != 0 || calls[1].HTTPStatus != 0 || calls[1].Code != "" {
		t.Errorf("calls = %+v", calls)
	}
	// A lost answer of a failing action records the code it would have answered.
	s.InjectFault(Fault{Action: ActionCreateLoginProfileV5, DropAfterAction: true, Times: 1})
	if _, err := c.create(alice, strongPassword2, false); err == nil {
		t.Fatal("answer lost: no error")
	}
	if last := s.Calls()[2]; last.Code != CodeLoginProfileExists || last.HTTPStatus != 0 {
		t.Errorf("call = %+v", last)
	}
	if _, err := c.update(alice, &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(false)}); err != nil {
		t.Fatalf("update after the drops: %v", err)
	}
}

func TestLatencyTimesTheClientOut(t *testing.T) {
	s, base := startServer(t, Options{})
	s.AddUser(alice)
	impatient := newSDK(t, base, clientOptions{ak: DefaultAccessKeyID, sk: DefaultAccessKeySecret, domainID: DefaultDomainID, timeout: 50 * time.Millisecond})
	c := defaultSDK(t, base)

	s.InjectFault(Fault{Action: ActionShowLoginProfileV5, Latency: time.Hour, Times: 1})
	_, err := impatient.show(alice)
	var se *sdkerr.ServiceResponseError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("got %v, want a client timeout", err)
	}
	// The fault is used up: the next call is answered, though the first still waits.
	_, err = c.show(alice)
	wantServiceError(t, err, 404, CodeLoginProfileNotFound)

	s.SetLatency(time.Hour)
	_, err = impatient.show(alice)
	if err == nil || errors.As(err, &se) {
		t.Fatalf("got %v, want a client timeout", err)
	}
	s.SetLatency(0)
	_, err = c.show(alice)
	wantServiceError(t, err, 404, CodeLoginProfileNotFound)
	// The calls that timed out are still waiting: not recorded yet.
	if n := len(s.Calls()); n != 2 {
		t.Errorf("%d calls recorded, want 2", n)
	}
}

func TestRecordedCalls(t *testing.T) {
	clock := newFakeClock()
	s, base := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	c := defaultSDK(t, base)
	const password = "p@ss word+*~ é1\"\\"
	c.mustCreate(alice, password, true)
	clock.Advance(time.Second)
	if _, err := c.update(alice, &model.UpdateLoginProfileReqBody{PasswordResetRequired: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.show(nobody)
	se := requireServiceError(t, err, 404, CodeUserNotFound)
	if _, err := c.delete(alice); err != nil {
		t.Fatal(err)
	}

	calls := s.Calls()
	if len(calls) != 4 {
		t.Fatalf("%d calls, want 4: %+v", len(calls), calls)
	}
	t0 := clock.Now().Add(-time.Second)
	want := []Call{
		{Op: "Create", Action: ActionCreateLoginProfileV5, User: alice, Params: map[string]string{"password": password, "password_reset_required": "true"}, HTTPStatus: 201, Time: t0},
		{Op: "Update", Action: ActionUpdateLoginProfileV5, User: alice, Params: map[string]string{"password_reset_required": "false"}, HTTPStatus: 200, Time: clock.Now()},
		{Op: "Get", Action: ActionShowLoginProfileV5, User: nobody, Params: map[string]string{}, Code: CodeUserNotFound, HTTPStatus: 404, Time: clock.Now(), RequestID: se.RequestId},
		{Op: "Delete", Action: ActionDeleteLoginProfileV5, User: alice, Params: map[string]string{}, HTTPStatus: 204, Time: clock.Now()},
	}
	seen := map[string]bool{}
	for i, got := range calls {
		if !requestIDPattern.MatchString(got.RequestID) || seen[got.RequestID] {
			t.Errorf("call %d: request id %q not 32 hex digits or not unique", i, got.RequestID)
		}
		seen[got.RequestID] = true
		w := want[i]
		if w.RequestID == "" {
			w.RequestID = got.RequestID
		}
		if got.Op != w.Op || got.Action != w.Action || got.User != w.User || !equalParams(got.Params, w.Params) || got.Code != w.Code ||
			got.HTTPStatus != w.HTTPStatus || !got.Time.Equal(w.Time) || got.RequestID != w.RequestID || got.Dropped {
			t.Errorf("call %d = %+v\n          want %+v", i, got, w)
		}
	}
	if got := s.CallsFor(ActionUpdateLoginProfileV5); len(got) != 1 || got[0].Params["password_reset_required"] != "false" {
		t.Errorf("CallsFor(update) = %+v", got)
	}
	if got := s.CallsFor("ListUsersV5"); len(got) != 0 {
		t.Errorf("CallsFor(ListUsersV5) = %+v", got)
	}
	calls[0].Params["password"] = "changed"
	if s.Calls()[0].Params["password"] != password {
		t.Error("Calls does not return a copy")
	}
	s.ResetCalls()
	if n := len(s.Calls()); n != 0 {
		t.Errorf("%d calls after ResetCalls", n)
	}
}

func TestUserResetsPassword(t *testing.T) {
	s, base := startServer(t, Options{})
	s.AddUser(alice)
	s.AddUser(bob)
	c := defaultSDK(t, base)
	c.mustCreate(alice, strongPassword, true)

	var ae *APIError
	if err := s.UserResetsPassword(alice, "short"); !errors.As(err, &ae) || ae.Code != CodePasswordTooWeak || ae.HTTPStatus != 400 {
		t.Fatalf("weak password: %v", err)
	}
	if err := s.UserResetsPassword(nobody, strongPassword2); !errors.As(err, &ae) || ae.Code != CodeUserNotFound {
		t.Fatalf("unknown user: %v", err)
	}
	if err := s.UserResetsPassword(bob, strongPassword2); !errors.As(err, &ae) || ae.Code != CodeLoginProfileNotFound {
		t.Fatalf("user without profile: %v", err)
	}
	if gr, err := c.show(alice); err != nil || !gr.LoginProfile.PasswordResetRequired {
		t.Fatalf("before the reset: %+v, %v", gr, err)
	}
	if err := s.UserResetsPassword(alice, strongPassword2); err != nil {
		t.Fatal(err)
	}
	if gr, err := c.show(alice); err != nil || gr.LoginProfile.PasswordResetRequired {
		t.Fatalf("after the reset: %+v, %v", gr, err)
	}
	if pw, _ := s.Password(alice); pw != strongPassword2 {
		t.Errorf("Password = %q", pw)
	}
	if n := len(s.Calls()); n != 3 {
		t.Errorf("UserResetsPassword recorded calls: %d calls", n)
	}
}

func TestSetProfileIsDrift(t *testing.T) {
	clock := newFakeClock()
	s, base := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	s.AddUser(bob)
	c := defaultSDK(t, base)
	c.mustCreate(alice, strongPassword, false)
	created, _ := s.Profile(alice)
	clock.Advance(time.Minute)

	expires := clock.Now().Add(72 * time.Hour)
	s.SetProfile(Profile{User: alice, PasswordResetRequired: true, PasswordExpiresAt: expires})
	gr, err := c.show(alice)
	if err != nil {
		t.Fatal(err)
	}
	want := sdkProfile{UserID: alice, PasswordResetRequired: true, CreatedAt: created.CreateDate, PasswordExpiresAt: expires}
	if got := fromSDK(t, gr.LoginProfile); got != want {
		t.Errorf("after drift: %+v, want %+v", got, want)
	}
	if pw, _ := s.Password(alice); pw != strongPassword {
		t.Error("SetProfile changed the password")
	}

	// A profile created out of band has no password; its created_at is now unless given.
	s.SetProfile(Profile{User: bob})
	if p, ok := s.Profile(bob); !ok || !p.CreateDate.Equal(clock.Now()) {
		t.Errorf("bob's profile = %+v, %v", p, ok)
	}
	if _, ok := s.Password(bob); ok {
		t.Error("a profile created out of band has a password")
	}
	if _, err := c.show(bob); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Calls()); n != 3 {
		t.Errorf("SetProfile recorded calls: %d calls", n)
	}
	defer func() {
		if recover() == nil {
			t.Error("SetProfile of an unknown user did not panic")
		}
	}()
	s.SetProfile(Profile{User: nobody})
}

func TestDeleteProfileIsDrift(t *testing.T) {
	s, base := startServer(t, Options{})
	s.AddUser(alice)
	c := defaultSDK(t, base)
	c.mustCreate(alice, strongPassword, false)
	if !s.DeleteProfile(alice) {
		t.Fatal("DeleteProfile = false")
	}
	_, err := c.show(alice)
	wantServiceError(t, err, 404, CodeLoginProfileNotFound)
	if s.DeleteProfile(alice) || s.DeleteProfile(nobody) {
		t.Error("DeleteProfile of a missing profile = true")
	}
	if _, ok := s.Password(alice); ok {
		t.Error("the password outlived the profile")
	}
	c.mustCreate(alice, strongPassword2, false)
}

func TestEmptyShowForMissingProfile(t *testing.T) {
	s, base := startServer(t, Options{EmptyShowForMissingProfile: true})
	s.AddUser(alice)
	c := defaultSDK(t, base)
	gr, err := c.show(alice)
	if err != nil || gr.LoginProfile != nil || gr.HttpStatusCode != 200 {
		t.Fatalf("show without profile = %+v, %v; want HTTP 200 without login_profile", gr, err)
	}
	_, err = c.show(nobody)
	wantServiceError(t, err, 404, CodeUserNotFound)
	_, err = c.delete(alice)
	wantServiceError(t, err, 404, CodeLoginProfileNotFound)
	if calls := s.Calls(); calls[0].Code != "" || calls[0].HTTPStatus != 200 {
		t.Errorf("calls = %+v", calls)
	}
}

func TestConcurrentUse(t *testing.T) {
	s, base := startServer(t, Options{ReadsPerSecond: -1, WritesPerSecond: -1})
	const users = 8
	var wg sync.WaitGroup
	errs := make(chan error, users)
	for i := range users {
		id := fmt.Sprintf("%032x", i+1)
		s.AddUser(id)
		wg.Go(func() {
			c := defaultSDK(t, base)
			if _, err := c.create(id, strongPassword, false); err != nil {
				errs <- err
				return
			}
			if _, err := c.update(id, &model.UpdateLoginProfileReqBody{Password: ptr(strongPassword2), PasswordResetRequired: ptr(true)}); err != nil {
				errs <- err
				return
			}
			if _, err := c.show(id); err != nil {
				errs <- err
				return
			}
			if _, err := c.delete(id); err != nil {
				errs <- err
			}
		})
		wg.Go(func() {
			_ = s.Calls()
			_, _ = s.Profile(id)
			_, _ = s.Password(id)
			_ = s.Users()
			s.SetLatency(0)
			s.SetPasswordPolicy(PasswordPolicy{})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(s.Calls()); n != users*4 {
		t.Errorf("%d calls, want %d", n, users*4)
	}
	for _, id := range s.Users() {
		if _, ok := s.Profile(id); ok {
			t.Errorf("%s still has a profile", id)
		}
	}
}

func TestLoggerNeverLogsPassword(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), nil))
	s, base := startServer(t, Options{Logger: logger})
	s.AddUser(alice)
	defaultSDK(t, base).mustCreate(alice, strongPassword, false)
	_, _ = newSDK(t, base, clientOptions{ak: DefaultAccessKeyID, sk: "wrong", domainID: DefaultDomainID}).update(alice, &model.UpdateLoginProfileReqBody{Password: ptr(strongPassword2)})
	_, _ = defaultSDK(t, base).update(alice, &model.UpdateLoginProfileReqBody{Password: ptr("weak-" + strongPassword3[:2])})

	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, secret := range []string{strongPassword, strongPassword2, "weak-", DefaultAccessKeySecret, alice} {
		if strings.Contains(out, secret) {
			t.Errorf("the log contains %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"action=CreateLoginProfileV5", "httpStatus=201", "code=" + CodeAuthenticationFailed, "code=" + CodePasswordTooWeak} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestListenAndClose(t *testing.T) {
	s := NewServer(Options{})
	base, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Start(); err == nil {
		t.Error("a second Start succeeded")
	}
	resp, err := http.Get(base + "/_sim/users")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := http.Get(base + "/_sim/users"); err == nil {
		t.Error("the server still answers after Close")
	}
	if _, err := s.Start(); err == nil {
		t.Error("Start after Close succeeded")
	}
}
