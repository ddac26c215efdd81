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
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// admin sends one admin API request and returns the status and the body.
func admin(t *testing.T, base, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
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

func adminOK(t *testing.T, base, method, path, body string, wantStatus int) string {
	t.Helper()
	status, out := admin(t, base, method, path, body)
	if status != wantStatus {
		t.Fatalf("%s %s: %d %s, want %d", method, path, status, out, wantStatus)
	}
	return out
}

func TestAdminAPI(t *testing.T) {
	clock := newFakeClock()
	s, base := startServer(t, Options{Now: clock.Now})
	const dave = "da7e0000000000000000000000000000"
	profilePath := "/_sim/users/" + dave + "/profile"

	adminOK(t, base, "POST", "/_sim/users", `{"user": "`+dave+`"}`, 201)
	var users []string
	if err := json.Unmarshal([]byte(adminOK(t, base, "GET", "/_sim/users", "", 200)), &users); err != nil || !slices.Equal(users, []string{dave}) {
		t.Fatalf("users = %v, %v", users, err)
	}
	adminOK(t, base, "GET", profilePath, "", 404)

	c := defaultSDK(t, base)
	c.mustCreate(dave, strongPassword, false)
	_, _ = c.show(nobody)

	out := adminOK(t, base, "GET", "/_sim/calls", "", 200)
	if strings.Contains(out, strongPassword) {
		t.Fatalf("GET /_sim/calls shows the password: %s", out)
	}
	var calls []simcore.AdminCall
	if err := json.Unmarshal([]byte(out), &calls); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0].Action != ActionCreateLoginProfileV5 || calls[0].Op != simcore.OpCreate || calls[0].User != dave || !calls[0].PasswordSent ||
		!maps.Equal(calls[0].Params, map[string]string{"password": "[redacted]", "passwordResetRequired": "false"}) ||
		calls[0].HTTPStatus != 201 || calls[1].PasswordSent || calls[1].Code != CodeUserNotFound || calls[1].User != nobody {
		t.Fatalf("calls = %+v", calls)
	}
	if pw := s.Calls()[0].Params[ParamPassword]; pw != strongPassword {
		t.Fatalf("the redaction changed the recorded call: %q", pw)
	}

	var p simcore.AdminProfile
	if err := json.Unmarshal([]byte(adminOK(t, base, "GET", profilePath, "", 200)), &p); err != nil {
		t.Fatal(err)
	}
	if !p.CreateDate.Equal(clock.Now()) {
		t.Fatalf("profile = %+v, want createDate %v", p, clock.Now())
	}
	p.CreateDate = time.Time{}
	if p != (simcore.AdminProfile{User: dave, HasPassword: true}) {
		t.Fatalf("profile = %+v", p)
	}

	// Drift.
	expires := clock.Now().Add(48 * time.Hour)
	adminOK(t, base, "PUT", profilePath, `{"passwordResetRequired": true, "passwordExpiresAt": "`+expires.Format(time.RFC3339Nano)+`"}`, 200)
	if got, _ := s.Profile(dave); !got.PasswordResetRequired || !got.PasswordExpiresAt.Equal(expires) || !got.CreateDate.Equal(clock.Now()) {
		t.Fatalf("after PUT: %+v", got)
	}
	gr, err := c.show(dave)
	if err != nil || !gr.LoginProfile.PasswordResetRequired || gr.LoginProfile.PasswordExpiresAt == nil {
		t.Fatalf("show after PUT: %+v, %v", gr, err)
	}
	adminOK(t, base, "PUT", profilePath, `{"passwordExpiresAt": null}`, 200)
	if got, _ := s.Profile(dave); !got.PasswordResetRequired || !got.PasswordExpiresAt.IsZero() {
		t.Fatalf("after PUT null: %+v", got)
	}
	adminOK(t, base, "PUT", profilePath, `{"passwordExpiresAt": "tomorrow"}`, 400)
	adminOK(t, base, "PUT", profilePath, `{"unknown": 1}`, 400)
	// An IAM v5 login profile has none of these.
	for _, body := range []string{`{"status": "Inactive"}`, `{"mfaBindRequired": true}`, `{"updateDate": "2026-01-02T03:04:05Z"}`, `{"lastLoginTime": "2026-01-02T03:04:05Z"}`} {
		adminOK(t, base, "PUT", profilePath, body, 400)
	}

	// The user resets the password.
	status, out := admin(t, base, "POST", "/_sim/users/"+dave+"/reset-password", `{"password": "weak"}`)
	if status != 400 || !strings.Contains(out, CodePasswordTooWeak) {
		t.Fatalf("weak reset: %d %s", status, out)
	}
	if err := json.Unmarshal([]byte(adminOK(t, base, "POST", "/_sim/users/"+dave+"/reset-password", `{"password": "`+strongPassword2+`"}`, 200)), &p); err != nil {
		t.Fatal(err)
	}
	if p.PasswordResetRequired {
		t.Fatalf("after reset: %+v", p)
	}
	if pw, _ := s.Password(dave); pw != strongPassword2 {
		t.Fatalf("Password = %q", pw)
	}
	adminOK(t, base, "POST", "/_sim/users/"+dave+"/reset-password", `{}`, 400)
	adminOK(t, base, "POST", "/_sim/users/"+nobody+"/reset-password", `{"password": "`+strongPassword2+`"}`, 404)

	// Faults.
	adminOK(t, base, "POST", "/_sim/faults", `{"action": "ShowLoginProfileV5", "code": "IAM.0503", "times": 1, "latency": "1ms"}`, 201)
	_, err = c.show(dave)
	wantServiceError(t, err, 503, CodeServiceUnavailable)
	adminOK(t, base, "POST", "/_sim/faults", `{"code": "IAM.0006", "latency": 1000}`, 201)
	_, err = c.show(dave)
	wantServiceError(t, err, 500, CodeInternalError)
	adminOK(t, base, "DELETE", "/_sim/faults", "", 204)
	if _, err := c.show(dave); err != nil {
		t.Fatal(err)
	}
	adminOK(t, base, "POST", "/_sim/faults", `{"latency": "soon"}`, 400)

	// Out-of-band deletion.
	adminOK(t, base, "DELETE", profilePath, "", 204)
	adminOK(t, base, "DELETE", profilePath, "", 404)
	_, err = c.show(dave)
	wantServiceError(t, err, 404, CodeLoginProfileNotFound)
	// PUT creates a profile without password.
	adminOK(t, base, "PUT", profilePath, `{}`, 200)
	if _, ok := s.Password(dave); ok {
		t.Error("a profile created out of band has a password")
	}
	if _, err := c.update(dave, &model.UpdateLoginProfileReqBody{Password: ptr(strongPassword3)}); err != nil {
		t.Fatal(err)
	}

	adminOK(t, base, "DELETE", "/_sim/calls", "", 204)
	if n := len(s.Calls()); n != 0 {
		t.Fatalf("%d calls after DELETE /_sim/calls", n)
	}

	adminOK(t, base, "POST", "/_sim/users", `{}`, 400)
	adminOK(t, base, "POST", "/_sim/users", `not json`, 400)
	adminOK(t, base, "PUT", "/_sim/users/"+nobody+"/profile", `{"passwordResetRequired": true}`, 404)
	adminOK(t, base, "GET", "/_sim/nothing", "", 404)
	adminOK(t, base, "DELETE", "/_sim/users/"+dave, "", 204)
	if _, ok := s.Profile(dave); ok || len(s.Users()) != 0 {
		t.Fatal("DELETE /_sim/users/{id} left the user")
	}
	if n := len(s.Calls()); n != 0 {
		t.Fatalf("the admin API recorded %d calls", n)
	}
}
