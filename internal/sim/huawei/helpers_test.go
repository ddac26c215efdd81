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
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"
)

const (
	alice  = "a11ce000000000000000000000000000"
	bob    = "b0b00000000000000000000000000000"
	nobody = "00000000000000000000000000000404"

	strongPassword  = "Str0ng-Passw0rd!"
	strongPassword2 = "An0ther-Secret#2"
	strongPassword3 = "Th1rd-Secret$3"
)

// fakeClock is an injected clock that moves only when told. It starts at the wall clock, to the millisecond,
// because the SDK stamps requests with the wall clock and the server refuses an X-Sdk-Date 15 minutes off.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now().UTC().Truncate(time.Millisecond)} }

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

// startServer starts a server closed at the end of the test; it returns the server and its base URL.
func startServer(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	return serve(t, NewServer(opts))
}

// serve starts s, closed at the end of the test, and returns it with its base URL.
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
	return s, base
}

// sdk drives the server through the real SDK client.
type sdk struct {
	t      *testing.T
	client *iam.IamClient
}

// clientOptions are the credentials of an SDK client.
type clientOptions struct {
	ak, sk, domainID, token string
	timeout                 time.Duration
}

func newSDK(t *testing.T, base string, o clientOptions) *sdk {
	t.Helper()
	cb := global.NewCredentialsBuilder().WithAk(o.ak).WithSk(o.sk).WithDomainId(o.domainID)
	if o.token != "" {
		cb = cb.WithSecurityToken(o.token)
	}
	cred, err := cb.SafeBuild()
	if err != nil {
		t.Fatalf("credentials: %v", err)
	}
	builder := iam.IamClientBuilder().WithEndpoints([]string{base}).WithCredential(cred)
	if o.timeout > 0 {
		builder = builder.WithHttpConfig(config.DefaultHttpConfig().WithTimeout(o.timeout))
	}
	hc, err := builder.SafeBuild()
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return &sdk{t: t, client: iam.NewIamClient(hc)}
}

func defaultSDK(t *testing.T, base string) *sdk {
	return newSDK(t, base, clientOptions{ak: DefaultAccessKeyID, sk: DefaultAccessKeySecret, domainID: DefaultDomainID})
}

func (c *sdk) show(id string) (*model.ShowLoginProfileV5Response, error) {
	return c.client.ShowLoginProfileV5(&model.ShowLoginProfileV5Request{UserId: id})
}

func (c *sdk) create(id, password string, reset bool) (*model.CreateLoginProfileV5Response, error) {
	return c.client.CreateLoginProfileV5(&model.CreateLoginProfileV5Request{
		UserId: id,
		Body:   &model.CreateLoginProfileReqBody{Password: password, PasswordResetRequired: reset},
	})
}

func (c *sdk) update(id string, body *model.UpdateLoginProfileReqBody) (*model.UpdateLoginProfileV5Response, error) {
	return c.client.UpdateLoginProfileV5(&model.UpdateLoginProfileV5Request{UserId: id, Body: body})
}

func (c *sdk) delete(id string) (*model.DeleteLoginProfileV5Response, error) {
	return c.client.DeleteLoginProfileV5(&model.DeleteLoginProfileV5Request{UserId: id})
}

func (c *sdk) mustCreate(id, password string, reset bool) *model.CreateLoginProfileV5Response {
	c.t.Helper()
	resp, err := c.create(id, password, reset)
	if err != nil {
		c.t.Fatalf("CreateLoginProfileV5(%s): %v", id, err)
	}
	return resp
}

func ptr[T any](v T) *T { return &v }

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// wantServiceError asserts err is the SDK's *sdkerr.ServiceResponseError with the status and code, and a request
// id.
func wantServiceError(t *testing.T, err error, status int, code string) {
	t.Helper()
	_ = requireServiceError(t, err, status, code)
}

// requireServiceError asserts what wantServiceError does and returns the *sdkerr.ServiceResponseError for further
// checks.
func requireServiceError(t *testing.T, err error, status int, code string) *sdkerr.ServiceResponseError {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s (HTTP %d)", code, status)
	}
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) {
		t.Fatalf("got %T %v, want *sdkerr.ServiceResponseError %s", err, err, code)
	}
	if se.StatusCode != status || se.ErrorCode != code {
		t.Fatalf("got %s (HTTP %d): %s, want %s (HTTP %d)", se.ErrorCode, se.StatusCode, se.ErrorMessage, code, status)
	}
	if !requestIDPattern.MatchString(se.RequestId) {
		t.Errorf("RequestId %q: want 32 hex digits", se.RequestId)
	}
	return se
}
