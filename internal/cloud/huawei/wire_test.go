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

// Wire tests: the real SDK against answers the simulator does not give (a proxy's, a redirect), and the headers
// of a request.

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// fixedServer answers every request with handler and records the requests.
func fixedServer(t *testing.T, handler http.HandlerFunc) (*httptest.Server, func() []*http.Request) {
	t.Helper()
	var mu sync.Mutex
	var reqs []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		reqs = append(reqs, r.Clone(r.Context()))
		mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []*http.Request {
		mu.Lock()
		defer mu.Unlock()
		return append([]*http.Request(nil), reqs...)
	}
}

func TestRequestHeaders(t *testing.T) {
	srv, requests := fixedServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req-h")
		w.WriteHeader(http.StatusNoContent)
	})
	p := newSimProvider(t, srv.URL, testDomainID, secretCreds(testAKID, testAKSecret, testToken), cloud.Options{})
	if err := p.Delete(t.Context(), user1); err != nil {
		t.Fatal(err)
	}
	reqs := requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodDelete || r.URL.Path != "/v5/users/"+user1+"/login-profile" {
		t.Fatalf("%s %s", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("X-Domain-Id"); got != testDomainID {
		t.Errorf("X-Domain-Id %q", got)
	}
	if got := r.Header.Get("X-Security-Token"); got != testToken {
		t.Errorf("X-Security-Token %q", got)
	}
	if got := r.Header.Get("Authorization"); !strings.HasPrefix(got, "SDK-HMAC-SHA256 Access="+testAKID+", SignedHeaders=") ||
		!strings.Contains(got, "x-security-token") || strings.Contains(got, testAKSecret) {
		t.Errorf("Authorization %q", got)
	}
	if got := r.Header.Get("User-Agent"); !strings.Contains(got, "loginprofile-operator") {
		t.Errorf("User-Agent %q", got)
	}
}

// The SDK does not follow redirects and takes a 3xx for a success with an empty body: that must not read as a
// deleted profile or a missing one.
func TestRedirectIsNoAnswer(t *testing.T) {
	srv, requests := fixedServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", "https://login.example.com/")
		w.WriteHeader(http.StatusFound)
	})
	p := newSimProvider(t, srv.URL, testDomainID, testSecretCreds(), cloud.Options{})
	pw := cloud.NewSensitive(testPassword)
	_, errGet := p.Get(t.Context(), user1)
	_, errCreate := p.Create(t.Context(), cloud.CreateRequest{User: user1, Password: pw})
	_, errUpdate := p.Update(t.Context(), cloud.UpdateRequest{User: user1, Password: &pw})
	errDelete := p.Delete(t.Context(), user1)
	for i, err := range []error{errGet, errCreate, errUpdate, errDelete} {
		var ce *cloud.Error
		if !errors.As(err, &ce) || !errors.Is(ce.Kind, cloud.ErrTransient) || ce.HTTPStatus != http.StatusFound {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if n := len(requests()); n != 4 {
		t.Fatalf("%d requests: a redirect was followed", n)
	}
}

// A 404 from something other than IAM (no error code, no request id) is no proof that the profile is gone.
func TestForeign404IsNotAMissingProfile(t *testing.T) {
	srv, _ := fixedServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><body>404 page not found</body></html>"))
	})
	p := newSimProvider(t, srv.URL, testDomainID, testSecretCreds(), cloud.Options{})
	err := p.Delete(t.Context(), user1)
	if !errors.Is(err, cloud.ErrTransient) || cloud.IsNotFound(err) || strings.Contains(err.Error(), "html") {
		t.Fatalf("delete: %v", err)
	}
	if _, err := p.Get(t.Context(), user1); cloud.IsNotFound(err) {
		t.Fatalf("get: %v", err)
	}
}

// New makes no call, whatever the source: the domain id is always set.
func TestNewMakesNoCall(t *testing.T) {
	srv, requests := fixedServer(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	clearSDKEnv(t)
	t.Setenv(EnvAccessKey, testAKID)
	t.Setenv(EnvSecretKey, testAKSecret)
	for _, creds := range []cloud.Credentials{testSecretCreds(), {Source: v1alpha1.CredentialsSourceEnvironment}} {
		spec := &v1alpha1.ProviderConfigSpec{Huawei: &v1alpha1.HuaweiProviderConfig{Endpoint: srv.URL, DomainID: testDomainID}}
		if _, err := Driver.Connect(spec, creds, cloud.Options{Transport: srv.Client().Transport}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(requests()); n != 0 {
		t.Fatalf("%d requests", n)
	}
}

// The login lifecycle's reads: the paths and queries the SDK sends, and a redirect is no answer (not "no MFA", not
// "never logged in").
func TestLoginReadsOnTheWire(t *testing.T) {
	srv, requests := fixedServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", "https://login.example.com/")
		w.WriteHeader(http.StatusFound)
	})
	p := newSimProvider(t, srv.URL, testDomainID, testSecretCreds(), cloud.Options{})
	_, errPolicy := p.PasswordPolicy(t.Context())
	_, errMFA := p.MFABound(t.Context(), user1)
	_, errLogin := p.LastLogin(t.Context(), user1)
	for i, err := range []error{errPolicy, errMFA, errLogin} {
		var ce *cloud.Error
		if !errors.As(err, &ce) || !errors.Is(ce.Kind, cloud.ErrTransient) || ce.HTTPStatus != http.StatusFound {
			t.Errorf("call %d: %v", i, err)
		}
	}
	reqs := requests()
	want := []string{"GET /v5/password-policy ", "GET /v5/mfa-devices user_id=" + user1, "GET /v5/users/" + user1 + "/last-login "}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if got := r.Method + " " + r.URL.Path + " " + r.URL.RawQuery; got != want[i] {
			t.Errorf("request %d: %q, want %q", i, got, want[i])
		}
		if r.Header.Get("X-Domain-Id") != testDomainID || !strings.HasPrefix(r.Header.Get("Authorization"), "SDK-HMAC-SHA256 ") {
			t.Errorf("request %d not signed for the domain: %v", i, r.Header)
		}
	}
}
