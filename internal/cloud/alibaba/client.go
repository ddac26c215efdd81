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
	"context"
	"crypto/tls"
	"net/http"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// IMS actions.
const (
	actionGet    = "GetLoginProfile"
	actionCreate = "CreateLoginProfile"
	actionUpdate = "UpdateLoginProfile"
	actionDelete = "DeleteLoginProfile"
)

// userAgent is appended to the SDK's User-Agent as "Extra/loginprofile-operator".
const userAgent = "loginprofile-operator"

// provider implements cloud.Provider over the V1 SDK.
//
// The SDK's client is not safe to share (every call rewrites its HTTP client's timeout and, for an
// *http.Transport, the transport itself), has no context support and no throttling retry. So each
// call builds a client of its own (cheap: a few structs) over a per-call callTransport, which is
// not an *http.Transport and so is never touched by the SDK, and which binds the call to its
// context and timeout before handing the request to the shared transport. AutoRetry stays off: the
// controller decides retries.
type provider struct {
	endpoint  endpoint
	regionID  string
	creds     *credentialSource
	transport http.RoundTripper
	timeout   time.Duration
	// newClient builds the client of one call; tests replace it.
	newClient func(rt http.RoundTripper) (imsAPI, error)
}

var _ cloud.Provider = (*provider)(nil)

func newProvider(ep endpoint, regionID string, creds *credentialSource, rt http.RoundTripper, timeout time.Duration) *provider {
	p := &provider{endpoint: ep, regionID: regionID, creds: creds, transport: rt, timeout: timeout}
	p.newClient = p.newIMSClient
	return p
}

// initEndpointData fills ims.EndpointMap once: ims.GetEndpointMap, called by every ims.NewClient*,
// assigns the package variable on first use without a lock.
var initEndpointData = sync.OnceFunc(func() { _ = ims.GetEndpointMap() })

func (p *provider) newIMSClient(rt http.RoundTripper) (imsAPI, error) {
	initEndpointData()
	cfg := sdk.NewConfig()
	cfg.AutoRetry = false
	cfg.Scheme = p.endpoint.scheme
	cfg.Transport = rt
	cfg.Timeout = p.timeout
	cfg.UserAgent = userAgent
	c, err := ims.NewClientWithOptions(p.regionID, cfg, p.creds)
	if err != nil {
		return nil, err
	}
	// The SDK names its tracing spans after the request URI, which holds every parameter.
	c.SetCloseTrace(true)
	return c, nil
}

// defaultTransport is the transport of the providers built without cloud.Options.Transport.
var defaultTransport = sync.OnceValue(func() http.RoundTripper {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return t
})

// callTransport carries the requests of one call: it puts them under the call's context (the
// caller's, with the call's timeout) and hands them to the shared transport.
type callTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *callTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := t.ctx.Err(); err != nil {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, err
	}
	return t.base.RoundTrip(r.WithContext(t.ctx))
}

// do runs one SDK call: it refuses a done context, prepares the request (endpoint, HTTPS, timeout),
// builds the call's client and classifies the error. password is the one secret of the call, if
// any, for redaction.
func (p *provider) do(ctx context.Context, action string, req requests.AcsRequest, password cloud.Sensitive, call func(imsAPI) error) error {
	if err := ctx.Err(); err != nil {
		return notStarted(action, err)
	}
	callCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel() // the SDK has read and closed the body by the time call returns
	req.SetScheme(p.endpoint.scheme)
	req.SetDomain(p.endpoint.host)
	req.SetReadTimeout(p.timeout)
	req.SetConnectTimeout(p.timeout)

	api, err := p.newClient(&callTransport{ctx: callCtx, base: p.transport})
	if err == nil {
		err = call(api)
	}
	return classify(ctx, action, err, append(p.creds.secrets(), password))
}

// Get implements cloud.Provider.
func (p *provider) Get(ctx context.Context, user string) (*cloud.LoginProfile, error) {
	if user == "" {
		return nil, invalidInput(actionGet, cloud.ErrInvalidInput, "no user principal name")
	}
	req := ims.CreateGetLoginProfileRequest()
	req.UserPrincipalName = user
	var resp *ims.GetLoginProfileResponse
	err := p.do(ctx, actionGet, req, cloud.Sensitive{}, func(api imsAPI) (err error) {
		resp, err = api.GetLoginProfile(req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return profileOf(actionGet, user, resp.RequestId, resp.LoginProfile)
}

// Create implements cloud.Provider. Every field is sent; an empty Status is sent as Active.
func (p *provider) Create(ctx context.Context, req cloud.CreateRequest) (*cloud.LoginProfile, error) {
	if req.User == "" {
		return nil, invalidInput(actionCreate, cloud.ErrInvalidInput, "no user principal name")
	}
	if req.Password.IsZero() {
		return nil, invalidInput(actionCreate, cloud.ErrInvalidPassword, "the password is empty")
	}
	if req.Status == "" {
		req.Status = cloud.StatusActive
	}
	if !validStatus(req.Status) {
		return nil, invalidInput(actionCreate, cloud.ErrInvalidInput, "status %q is neither %s nor %s", req.Status, cloud.StatusActive, cloud.StatusInactive)
	}
	r := newCreateRequest(req)
	var resp *ims.CreateLoginProfileResponse
	err := p.do(ctx, actionCreate, r, req.Password, func(api imsAPI) (err error) {
		resp, err = api.CreateLoginProfile(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return profileOf(actionCreate, req.User, resp.RequestId, resp.LoginProfile)
}

// Update implements cloud.Provider. Only the non-nil fields are sent; an update that changes
// nothing makes no write and returns the profile as Get does.
func (p *provider) Update(ctx context.Context, req cloud.UpdateRequest) (*cloud.LoginProfile, error) {
	if req.User == "" {
		return nil, invalidInput(actionUpdate, cloud.ErrInvalidInput, "no user principal name")
	}
	if req.IsEmpty() {
		return p.Get(ctx, req.User)
	}
	var password cloud.Sensitive
	if req.Password != nil {
		if req.Password.IsZero() {
			return nil, invalidInput(actionUpdate, cloud.ErrInvalidPassword, "the password is empty")
		}
		password = *req.Password
	}
	if req.Status != nil && !validStatus(*req.Status) {
		return nil, invalidInput(actionUpdate, cloud.ErrInvalidInput, "status %q is neither %s nor %s", *req.Status, cloud.StatusActive, cloud.StatusInactive)
	}
	r := newUpdateRequest(req)
	var resp *ims.UpdateLoginProfileResponse
	err := p.do(ctx, actionUpdate, r, password, func(api imsAPI) (err error) {
		resp, err = api.UpdateLoginProfile(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return profileOf(actionUpdate, req.User, resp.RequestId, resp.LoginProfile)
}

// Delete implements cloud.Provider. A missing profile or user is success.
func (p *provider) Delete(ctx context.Context, user string) error {
	if user == "" {
		return invalidInput(actionDelete, cloud.ErrInvalidInput, "no user principal name")
	}
	req := ims.CreateDeleteLoginProfileRequest()
	req.UserPrincipalName = user
	err := p.do(ctx, actionDelete, req, cloud.Sensitive{}, func(api imsAPI) error {
		_, err := api.DeleteLoginProfile(req)
		return err
	})
	if cloud.IsNotFound(err) {
		return nil
	}
	return err
}

// profileOf converts a response's profile; a response it cannot read is ErrTransient.
func profileOf(action, user, requestID string, in ims.LoginProfile) (*cloud.LoginProfile, error) {
	out, err := toLoginProfile(user, in)
	if err != nil {
		return nil, &cloud.Error{Kind: cloud.ErrTransient, Cloud: providerName, Action: action, RequestID: requestID,
			Message: "unexpected response: " + err.Error()}
	}
	return out, nil
}
