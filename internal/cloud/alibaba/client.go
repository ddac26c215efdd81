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
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

// IMS actions.
const (
	actionGet    = "GetLoginProfile"
	actionCreate = "CreateLoginProfile"
	actionUpdate = "UpdateLoginProfile"
	actionDelete = "DeleteLoginProfile"
	// actionGetPasswordPolicy and actionGetMFA are the login lifecycle's reads. IMS has no action
	// for the last login: GetLoginProfile's LastLoginTime carries it.
	actionGetPasswordPolicy = "GetPasswordPolicy"
	actionGetMFA            = "GetUserMFAInfo"
)

// userAgent is appended to the SDK's User-Agent as "Extra/loginprofile-operator".
const userAgent = "loginprofile-operator"

// provider implements cloud.Provider over the V1 SDK.
//
// The SDK's client is not safe to share (every call rewrites its HTTP client's timeout and, for an
// *http.Transport, the transport itself), has no context support and no throttling retry. So each
// call builds a client of its own (cheap: a few structs) over the transport of the call (see
// providerkit.Calls). AutoRetry stays off: the controller decides retries.
type provider struct {
	endpoint cloud.Endpoint
	regionID string
	creds    *credentialSource
	calls    providerkit.Calls
	// newClient builds the client of one call; tests replace it.
	newClient func(rt http.RoundTripper) (imsAPI, error)
}

var _ cloud.Provider = (*provider)(nil)

func newProvider(ep cloud.Endpoint, regionID string, creds *credentialSource, calls providerkit.Calls) *provider {
	p := &provider{endpoint: ep, regionID: regionID, creds: creds, calls: calls}
	p.newClient = p.newIMSClient
	return p
}

// initEndpointData fills ims.EndpointMap once: ims.GetEndpointMap, called by every ims.NewClient*,
// assigns the package variable on first use without a lock.
var initEndpointData = sync.OnceFunc(func() { _ = ims.GetEndpointMap() })

// scheme is the endpoint's scheme as the SDK spells it ("HTTPS", "HTTP").
func (p *provider) scheme() string { return strings.ToUpper(p.endpoint.Scheme) }

func (p *provider) newIMSClient(rt http.RoundTripper) (imsAPI, error) {
	initEndpointData()
	cfg := sdk.NewConfig()
	cfg.AutoRetry = false
	cfg.Scheme = p.scheme()
	cfg.Transport = rt
	cfg.Timeout = p.calls.Timeout
	cfg.UserAgent = userAgent
	c, err := ims.NewClientWithOptions(p.regionID, cfg, p.creds)
	if err != nil {
		return nil, err
	}
	// The SDK names its tracing spans after the request URI, which holds every parameter.
	c.SetCloseTrace(true)
	return c, nil
}

// do runs one SDK call: it refuses a done context, prepares the request (endpoint, HTTPS, timeout),
// builds the call's client and classifies the error. password is the one secret of the call, if
// any, for redaction.
func (p *provider) do(ctx context.Context, action string, req requests.AcsRequest, password cloud.Sensitive, call func(imsAPI) error) error {
	if err := ctx.Err(); err != nil {
		return classifier.NotStarted(action, err)
	}
	rt, done := p.calls.Start(ctx)
	defer done() // the SDK has read and closed the body by the time call returns
	req.SetScheme(p.scheme())
	req.SetDomain(p.endpoint.Host)
	req.SetReadTimeout(p.calls.Timeout)
	req.SetConnectTimeout(p.calls.Timeout)

	api, err := p.newClient(rt)
	if err == nil {
		err = call(api)
	}
	return classifier.Classify(ctx, providerkit.Call{Action: action, Password: password}, err, p.creds.seen.All())
}

// Get implements cloud.Provider.
func (p *provider) Get(ctx context.Context, user string) (*cloud.LoginProfile, error) {
	if user == "" {
		return nil, classifier.Refuse(actionGet, cloud.ErrInvalidInput, "no user principal name")
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
		return nil, classifier.Refuse(actionCreate, cloud.ErrInvalidInput, "no user principal name")
	}
	if req.Password.IsZero() {
		return nil, classifier.Refuse(actionCreate, cloud.ErrInvalidPassword, "the password is empty")
	}
	if req.Status == "" {
		req.Status = cloud.StatusActive
	}
	if !validStatus(req.Status) {
		return nil, classifier.Refuse(actionCreate, cloud.ErrInvalidInput, "status %q is neither %s nor %s", req.Status, cloud.StatusActive, cloud.StatusInactive)
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
		return nil, classifier.Refuse(actionUpdate, cloud.ErrInvalidInput, "no user principal name")
	}
	if req.IsEmpty() {
		return p.Get(ctx, req.User)
	}
	var password cloud.Sensitive
	if req.Password != nil {
		if req.Password.IsZero() {
			return nil, classifier.Refuse(actionUpdate, cloud.ErrInvalidPassword, "the password is empty")
		}
		password = *req.Password
	}
	if req.Status != nil && !validStatus(*req.Status) {
		return nil, classifier.Refuse(actionUpdate, cloud.ErrInvalidInput, "status %q is neither %s nor %s", *req.Status, cloud.StatusActive, cloud.StatusInactive)
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
		return classifier.Refuse(actionDelete, cloud.ErrInvalidInput, "no user principal name")
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

// PasswordPolicy implements cloud.Provider: GetPasswordPolicy.
func (p *provider) PasswordPolicy(ctx context.Context) (*cloud.PasswordPolicy, error) {
	req := ims.CreateGetPasswordPolicyRequest()
	var resp *ims.GetPasswordPolicyResponse
	err := p.do(ctx, actionGetPasswordPolicy, req, cloud.Sensitive{}, func(api imsAPI) (err error) {
		resp, err = api.GetPasswordPolicy(req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return toPasswordPolicy(resp.PasswordPolicy), nil
}

// MFABound implements cloud.Provider: GetUserMFAInfo. A user without an MFA device is not an
// error: IMS answers it with EntityNotExist.User.MFADevice, which is false here.
func (p *provider) MFABound(ctx context.Context, user string) (bool, error) {
	if user == "" {
		return false, classifier.Refuse(actionGetMFA, cloud.ErrInvalidInput, "no user principal name")
	}
	req := ims.CreateGetUserMFAInfoRequest()
	req.UserPrincipalName = user
	var resp *ims.GetUserMFAInfoResponse
	err := p.do(ctx, actionGetMFA, req, cloud.Sensitive{}, func(api imsAPI) (err error) {
		resp, err = api.GetUserMFAInfo(req)
		return err
	})
	switch {
	case noMFADevice(err):
		return false, nil
	case err != nil:
		return false, err
	}
	return mfaBound(resp), nil
}

// LastLogin implements cloud.Provider: GetLoginProfile's LastLoginTime, which IMS keeps with the
// login profile. A user without a login profile cannot log in to the console: zero, as never.
// The controller need not call it (Capabilities.LastLoginInProfile): Get reports the same time.
func (p *provider) LastLogin(ctx context.Context, user string) (time.Time, error) {
	lp, err := p.Get(ctx, user)
	switch {
	case errors.Is(err, cloud.ErrProfileNotFound):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, err
	}
	return lp.LastLoginTime, nil
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
