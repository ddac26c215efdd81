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

package simcore

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// adminDo sends an admin request to c and decodes a 2xx answer into out.
func adminDo(t *testing.T, c *Core, method, path, body string, out any) int {
	t.Helper()
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, path, nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
	}
	w := httptest.NewRecorder()
	c.ServeHTTP(w, r)
	if w.Code >= 300 {
		var e AdminError
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
			t.Fatalf("%s %s: HTTP %d without an AdminError: %q", method, path, w.Code, w.Body)
		}
		return w.Code
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			t.Fatalf("%s %s: %q: %v", method, path, w.Body, err)
		}
	}
	return w.Code
}

func TestAdminPasswordPolicy(t *testing.T) {
	now := time.Now()
	c := newLoginCore(&now, true)
	var r Rules
	if code := adminDo(t, c, http.MethodGet, "/_sim/password-policy", "", &r); code != http.StatusOK || r != (Rules{MinLength: 8}) {
		t.Fatalf("GET = %d, %+v", code, r)
	}
	body := `{"minLength": 12, "maxLength": 64, "requireUpper": true, "requireLower": true, "requireDigit": true,
		"requireSymbol": true, "minClasses": 3, "maxRepeated": 2, "noUserName": true, "noUserNameReversed": true,
		"reusePrevention": 5}`
	want := Rules{MinLength: 12, MaxLength: 64, RequireUpper: true, RequireLower: true, RequireDigit: true, RequireSymbol: true,
		MinClasses: 3, MaxRepeated: 2, NoUserName: true, NoUserNameReversed: true, ReusePrevention: 5}
	if code := adminDo(t, c, http.MethodPut, "/_sim/password-policy", body, &r); code != http.StatusOK || r != want {
		t.Fatalf("PUT = %d, %+v; want %+v", code, r, want)
	}
	if got, _ := c.Rules(); got != want {
		t.Fatalf("the policy's rules %+v, want %+v", got, want)
	}
	for _, refused := range []string{`{"minDistinct": 4}`, `{"minLength": -1}`, `{"minClasses": 5}`, `{"minLength": 9, "maxLength": 8}`,
		`{"reusePrevention": 25}`, `{"minLength": 8, "expiry": 90}`, `not json`} {
		if code := adminDo(t, c, http.MethodPut, "/_sim/password-policy", refused, nil); code != http.StatusBadRequest {
			t.Fatalf("PUT %s = %d, want 400", refused, code)
		}
	}
	if got, _ := c.Rules(); got != want {
		t.Fatalf("a refused PUT changed the policy: %+v", got)
	}

	// A policy without rules, a cloud without PolicyFromRules.
	m := newMemory(nil)
	if code := adminDo(t, m, http.MethodGet, "/_sim/password-policy", "", nil); code != http.StatusNotImplemented {
		t.Fatalf("GET of a policy without rules = %d, want 501", code)
	}
	if code := adminDo(t, m, http.MethodPut, "/_sim/password-policy", `{"minLength": 8}`, nil); code != http.StatusBadRequest {
		t.Fatalf("PUT without PolicyFromRules = %d, want 400", code)
	}
}

func TestAdminMFAAndLastLogin(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	c := newLoginCore(&now, true)
	c.AddUser("alice")
	var mfa AdminMFA
	if code := adminDo(t, c, http.MethodGet, "/_sim/users/alice/mfa", "", &mfa); code != http.StatusOK || mfa.Bound {
		t.Fatalf("GET mfa = %d, %+v", code, mfa)
	}
	if code := adminDo(t, c, http.MethodPut, "/_sim/users/alice/mfa", `{"bound": true}`, &mfa); code != http.StatusOK || !mfa.Bound {
		t.Fatalf("PUT mfa = %d, %+v", code, mfa)
	}
	if bound, _ := c.MFABound("alice"); !bound {
		t.Fatal("PUT mfa did not bind the device")
	}
	if code := adminDo(t, c, http.MethodPut, "/_sim/users/alice/mfa", `{"bound": false}`, &mfa); code != http.StatusOK || mfa.Bound {
		t.Fatalf("PUT mfa false = %d, %+v", code, mfa)
	}

	var ll AdminLastLogin
	if code := adminDo(t, c, http.MethodGet, "/_sim/users/alice/last-login", "", &ll); code != http.StatusOK || ll.Time != nil {
		t.Fatalf("GET last-login of a user who never logged in = %d, %+v", code, ll)
	}
	login := time.Date(2026, 2, 1, 8, 30, 0, 0, time.UTC)
	if code := adminDo(t, c, http.MethodPut, "/_sim/users/alice/last-login", `{"time": "2026-02-01T08:30:00.7Z"}`, &ll); code != http.StatusOK ||
		ll.Time == nil || !ll.Time.Equal(login) {
		t.Fatalf("PUT last-login = %d, %+v; want %v (to the cloud's second)", code, ll, login)
	}
	// The profile shows it; the profile's PUT sets it.
	var p AdminProfile
	adminDo(t, c, http.MethodPut, "/_sim/users/alice/profile", `{"status": "Active"}`, &p)
	if p.LastLoginTime == nil || !p.LastLoginTime.Equal(login) {
		t.Fatalf("profile %+v, want lastLoginTime %v", p, login)
	}
	if code := adminDo(t, c, http.MethodPut, "/_sim/users/alice/profile", `{"lastLoginTime": "2026-02-02T00:00:00Z"}`, &p); code != http.StatusOK {
		t.Fatalf("PUT profile lastLoginTime = %d", code)
	}
	if at, _ := c.LastLogin("alice"); !at.Equal(login.Add(15*time.Hour + 30*time.Minute)) {
		t.Fatalf("after PUT profile, LastLogin %v", at)
	}
	if code := adminDo(t, c, http.MethodPut, "/_sim/users/alice/last-login", `{"time": null}`, &ll); code != http.StatusOK || ll.Time != nil {
		t.Fatalf("PUT last-login null = %d, %+v", code, ll)
	}
	p = AdminProfile{}
	adminDo(t, c, http.MethodGet, "/_sim/users/alice/profile", "", &p)
	if p.LastLoginTime != nil {
		t.Fatalf("profile after a last login of never: %+v", p)
	}

	for _, req := range []struct{ method, path, body string }{
		{http.MethodGet, "/_sim/users/nobody/mfa", ""},
		{http.MethodPut, "/_sim/users/nobody/mfa", `{"bound": true}`},
		{http.MethodGet, "/_sim/users/nobody/last-login", ""},
		{http.MethodPut, "/_sim/users/nobody/last-login", `{"time": null}`},
	} {
		if code := adminDo(t, c, req.method, req.path, req.body, nil); code != http.StatusNotFound {
			t.Fatalf("%s %s = %d, want 404", req.method, req.path, code)
		}
	}
	for _, body := range []string{`{"bound": "yes"}`, `{"bound": true, "device": "x"}`} {
		if code := adminDo(t, c, http.MethodPut, "/_sim/users/alice/mfa", body, nil); code != http.StatusBadRequest {
			t.Fatalf("PUT mfa %s = %d, want 400", body, code)
		}
	}
	if code := adminDo(t, c, http.MethodPut, "/_sim/users/alice/last-login", `{"time": "yesterday"}`, nil); code != http.StatusBadRequest {
		t.Fatalf("PUT last-login of no RFC 3339 time = %d, want 400", code)
	}
}
