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
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// admin sends one admin API request and returns the status and the body.
func admin(t *testing.T, host, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+host+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func adminOK(t *testing.T, host, method, path, body string, wantStatus int) string {
	t.Helper()
	status, out := admin(t, host, method, path, body)
	if status != wantStatus {
		t.Fatalf("%s %s: %d %s, want %d", method, path, status, out, wantStatus)
	}
	return out
}

func TestAdminAPI(t *testing.T) {
	s, host := startServer(t, Options{})
	const dave = "dave@example.onaliyun.com"
	profilePath := "/_sim/users/" + url.PathEscape(dave) + "/profile"

	adminOK(t, host, "POST", "/_sim/users", `{"user": "`+dave+`"}`, 201)
	var users []string
	if err := json.Unmarshal([]byte(adminOK(t, host, "GET", "/_sim/users", "", 200)), &users); err != nil || !slices.Equal(users, []string{dave}) {
		t.Fatalf("users = %v, %v", users, err)
	}
	adminOK(t, host, "GET", profilePath, "", 404)

	c := defaultSDK(t, host)
	c.mustCreate(dave, strongPassword)
	_, _ = c.get("nobody@example.onaliyun.com")

	out := adminOK(t, host, "GET", "/_sim/calls", "", 200)
	if strings.Contains(out, strongPassword) {
		t.Fatalf("GET /_sim/calls shows the password: %s", out)
	}
	var calls []simcore.AdminCall
	if err := json.Unmarshal([]byte(out), &calls); err != nil {
		t.Fatal(err)
	}
	// The parameters under their neutral names, the user apart.
	_, userInParams := calls[0].Params[ParamUserPrincipalName]
	if len(calls) != 2 || calls[0].Action != ActionCreateLoginProfile || calls[0].Op != simcore.OpCreate || !calls[0].PasswordSent ||
		calls[0].Params["password"] != "[redacted]" || userInParams || len(calls[0].Params) != len(s.Calls()[0].Params)-1 || calls[0].User != dave ||
		calls[0].HTTPStatus != 200 || calls[1].PasswordSent || calls[1].Code != CodeEntityNotExistUser || calls[1].Op != simcore.OpGet {
		t.Fatalf("calls = %+v", calls)
	}
	if pw := s.Calls()[0].Params[ParamPassword]; pw != strongPassword {
		t.Fatalf("the redaction changed the recorded call: %q", pw)
	}

	var p simcore.AdminProfile
	if err := json.Unmarshal([]byte(adminOK(t, host, "GET", profilePath, "", 200)), &p); err != nil {
		t.Fatal(err)
	}
	if p.User != dave || *p.Status != StatusActive || *p.MFABindRequired || p.PasswordResetRequired || !p.HasPassword ||
		p.LastLoginTime != nil || p.UpdateDate == nil || p.PasswordExpiresAt != nil {
		t.Fatalf("profile = %+v", p)
	}

	// Drift.
	adminOK(t, host, "PUT", profilePath, `{"status": "Inactive", "passwordResetRequired": true}`, 200)
	if got, _ := s.Profile(dave); got.Status != StatusInactive || !got.PasswordResetRequired || got.MFABindRequired {
		t.Fatalf("after PUT: %+v", got)
	}
	adminOK(t, host, "PUT", profilePath, `{"status": "Disabled"}`, 400)
	adminOK(t, host, "PUT", profilePath, `{"unknown": 1}`, 400)

	// The user resets the password: not while inactive.
	adminOK(t, host, "POST", "/_sim/users/"+dave+"/reset-password", `{"password": "`+strongPassword2+`"}`, 409)
	adminOK(t, host, "PUT", profilePath, `{"status": "Active"}`, 200)
	status, out := admin(t, host, "POST", "/_sim/users/"+dave+"/reset-password", `{"password": "weak"}`)
	if status != 400 || !strings.Contains(out, CodePasswordTooWeak) {
		t.Fatalf("weak reset: %d %s", status, out)
	}
	if err := json.Unmarshal([]byte(adminOK(t, host, "POST", "/_sim/users/"+dave+"/reset-password", `{"password": "`+strongPassword2+`"}`, 200)), &p); err != nil {
		t.Fatal(err)
	}
	if p.PasswordResetRequired || p.LastLoginTime == nil {
		t.Fatalf("after reset: %+v", p)
	}
	if pw, _ := s.Password(dave); pw != strongPassword2 {
		t.Fatalf("Password = %q", pw)
	}

	// Faults.
	adminOK(t, host, "POST", "/_sim/faults", `{"action": "GetLoginProfile", "code": "ServiceUnavailable", "times": 1, "latency": "1ms"}`, 201)
	_, err := c.get(dave)
	wantServerError(t, err, CodeServiceUnavailable, 503)
	adminOK(t, host, "POST", "/_sim/faults", `{"code": "InternalError", "latency": 1000}`, 201)
	_, err = c.get(dave)
	wantServerError(t, err, CodeInternalError, 500)
	adminOK(t, host, "DELETE", "/_sim/faults", "", 204)
	if _, err := c.get(dave); err != nil {
		t.Fatal(err)
	}
	adminOK(t, host, "POST", "/_sim/faults", `{"latency": "soon"}`, 400)

	adminOK(t, host, "DELETE", "/_sim/calls", "", 204)
	if n := len(s.Calls()); n != 0 {
		t.Fatalf("%d calls after DELETE /_sim/calls", n)
	}

	adminOK(t, host, "POST", "/_sim/users", `{}`, 400)
	adminOK(t, host, "POST", "/_sim/users", `not json`, 400)
	adminOK(t, host, "PUT", "/_sim/users/nobody@example.onaliyun.com/profile", `{"status": "Active"}`, 404)
	adminOK(t, host, "GET", "/_sim/nothing", "", 404)
	adminOK(t, host, "DELETE", "/_sim/users/"+dave, "", 204)
	if _, ok := s.Profile(dave); ok || len(s.Users()) != 0 {
		t.Fatal("DELETE /_sim/users/{upn} left the user")
	}
	if n := len(s.Calls()); n != 0 {
		t.Fatalf("the admin API recorded %d calls", n)
	}
}

func TestAdminPutCreatesProfileWithoutPassword(t *testing.T) {
	s, host := startServer(t, Options{})
	s.AddUser(alice)
	adminOK(t, host, "PUT", "/_sim/users/"+alice+"/profile", `{"mfaBindRequired": true}`, 200)
	p, ok := s.Profile(alice)
	if !ok || p.Status != StatusActive || !p.MFABindRequired || p.CreateDate.IsZero() {
		t.Fatalf("profile = %+v, %v", p, ok)
	}
	if _, ok := s.Password(alice); ok {
		t.Error("a profile created out of band has a password")
	}
	if _, err := defaultSDK(t, host).get(alice); err != nil {
		t.Fatal(err)
	}
}
