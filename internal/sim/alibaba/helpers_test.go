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
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"
)

const (
	alice = "alice@example.onaliyun.com"
	bob   = "bob@example.onaliyun.com"

	strongPassword  = "Str0ng-Passw0rd!"
	strongPassword2 = "An0ther-Secret#2"
	strongPassword3 = "Th1rd-Secret$3"
)

// fakeClock is an injected clock that moves only when told. It starts at the wall clock, to the second, because
// the SDK stamps requests with the wall clock and the server refuses a Timestamp 15 minutes off.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// startServer starts a server closed at the end of the test; it returns the server and its host:port.
func startServer(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	return serve(t, NewServer(opts))
}

// serve starts s, closed at the end of the test, and returns it with its host:port.
func serve(t *testing.T, s *Server) (*Server, string) {
	t.Helper()
	base, err := s.Start()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("Start returned %q, want http://127.0.0.1:PORT", base)
	}
	return s, strings.TrimPrefix(base, "http://")
}

// sdk drives the server through the real SDK client.
type sdk struct {
	t      *testing.T
	client *ims.Client
	host   string
}

func newSDK(t *testing.T, host, keyID, secret string) *sdk {
	t.Helper()
	c, err := ims.NewClientWithAccessKey("cn-hangzhou", keyID, secret)
	if err != nil {
		t.Fatalf("NewClientWithAccessKey: %v", err)
	}
	return &sdk{t: t, client: c, host: host}
}

func defaultSDK(t *testing.T, host string) *sdk {
	return newSDK(t, host, DefaultAccessKeyID, DefaultAccessKeySecret)
}

func (c *sdk) get(upn string) (*ims.GetLoginProfileResponse, error) {
	req := ims.CreateGetLoginProfileRequest()
	req.Scheme, req.Domain = "http", c.host
	req.UserPrincipalName = upn
	return c.client.GetLoginProfile(req)
}

func (c *sdk) create(upn, password string, mod ...func(*ims.CreateLoginProfileRequest)) (*ims.CreateLoginProfileResponse, error) {
	req := ims.CreateCreateLoginProfileRequest()
	req.Scheme, req.Domain = "http", c.host
	req.UserPrincipalName, req.Password = upn, password
	for _, m := range mod {
		m(req)
	}
	return c.client.CreateLoginProfile(req)
}

func (c *sdk) update(upn string, mod ...func(*ims.UpdateLoginProfileRequest)) (*ims.UpdateLoginProfileResponse, error) {
	req := ims.CreateUpdateLoginProfileRequest()
	req.Scheme, req.Domain = "http", c.host
	req.UserPrincipalName = upn
	for _, m := range mod {
		m(req)
	}
	return c.client.UpdateLoginProfile(req)
}

func (c *sdk) delete(upn string) (*ims.DeleteLoginProfileResponse, error) {
	req := ims.CreateDeleteLoginProfileRequest()
	req.Scheme, req.Domain = "http", c.host
	req.UserPrincipalName = upn
	return c.client.DeleteLoginProfile(req)
}

func (c *sdk) getPasswordPolicy() (*ims.GetPasswordPolicyResponse, error) {
	req := ims.CreateGetPasswordPolicyRequest()
	req.Scheme, req.Domain = "http", c.host
	return c.client.GetPasswordPolicy(req)
}

func (c *sdk) getMFA(upn string) (*ims.GetUserMFAInfoResponse, error) {
	req := ims.CreateGetUserMFAInfoRequest()
	req.Scheme, req.Domain = "http", c.host
	req.UserPrincipalName = upn
	return c.client.GetUserMFAInfo(req)
}

func (c *sdk) mustCreate(upn, password string, mod ...func(*ims.CreateLoginProfileRequest)) *ims.CreateLoginProfileResponse {
	c.t.Helper()
	resp, err := c.create(upn, password, mod...)
	if err != nil {
		c.t.Fatalf("CreateLoginProfile(%s): %v", upn, err)
	}
	return resp
}

func withPassword(p string) func(*ims.UpdateLoginProfileRequest) {
	return func(r *ims.UpdateLoginProfileRequest) { r.Password = p }
}

func withStatus(s string) func(*ims.UpdateLoginProfileRequest) {
	return func(r *ims.UpdateLoginProfileRequest) { r.Status = s }
}

func withMFA(b bool) func(*ims.UpdateLoginProfileRequest) {
	return func(r *ims.UpdateLoginProfileRequest) { r.MFABindRequired = requests.NewBoolean(b) }
}

func withReset(b bool) func(*ims.UpdateLoginProfileRequest) {
	return func(r *ims.UpdateLoginProfileRequest) { r.PasswordResetRequired = requests.NewBoolean(b) }
}

// wantServerError asserts err is the SDK's *errors.ServerError with the code and HTTP status.
func wantServerError(t *testing.T, err error, code string, status int) {
	t.Helper()
	_ = requireServerError(t, err, code, status)
}

// requireServerError asserts what wantServerError does and returns the *errors.ServerError for further checks.
func requireServerError(t *testing.T, err error, code string, status int) *sdkerrors.ServerError {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s (HTTP %d)", code, status)
	}
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("got %T %v, want *errors.ServerError %s", err, err, code)
	}
	if se.ErrorCode() != code || se.HttpStatus() != status {
		t.Fatalf("got %s (HTTP %d): %s, want %s (HTTP %d)", se.ErrorCode(), se.HttpStatus(), se.Message(), code, status)
	}
	if se.RequestId() == "" || se.HostId() != HostID {
		t.Errorf("error RequestId %q, HostId %q: want a request id and %q", se.RequestId(), se.HostId(), HostID)
	}
	return se
}

func formatted(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
