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
	"context"
	"fmt"
	"net/http"
	"regexp"
	"time"

	httpclient "github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	iamv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

// IAM v5 actions, as the errors and the simulator name them.
const (
	actionGet    = "ShowLoginProfileV5"
	actionCreate = "CreateLoginProfileV5"
	actionUpdate = "UpdateLoginProfileV5"
	actionDelete = "DeleteLoginProfileV5"
	// The login lifecycle's reads.
	actionPasswordPolicy = "ShowPasswordPolicyV5"
	actionListMFA        = "ListMfaDevicesV5"
	actionLastLogin      = "ShowUserLastLoginV5"
)

// userAgent is appended to the SDK's User-Agent ("huaweicloud-usdk-go/3.0; loginprofile-operator").
const userAgent = "loginprofile-operator"

// provider implements cloud.Provider over the IAM v5 client.
//
// The SDK has no context support and would otherwise wait 120 s for an answer. So each call builds
// a client of its own (a few structs: an http.Client, an HcHttpClient, an IamClient) over the
// transport of the call (see providerkit.Calls), the OIDC exchange included; the credentials are
// shared (see credential). The SDK never retries by itself (HttpConfig.Retries is not read, and no
// retrying invoker is used): the controller decides retries.
type provider struct {
	// endpoint is the URL the SDK is given: https://host[:port], or http:// to a loopback host.
	endpoint string
	creds    *credential
	calls    providerkit.Calls
	// newClient builds the client of one call; tests replace it.
	newClient func(rt http.RoundTripper) iamAPI
}

var _ cloud.Provider = (*provider)(nil)

func newProvider(endpoint string, creds *credential, calls providerkit.Calls) *provider {
	p := &provider{endpoint: endpoint, creds: creds, calls: calls}
	p.newClient = p.newIAMClient
	return p
}

// newIAMClient builds the client of one call without the SDK's client builder: the builder would
// refuse the provider's credential type (it checks the type's name) and is what looks the domain
// id up when given a region; the client it would build is exactly this one.
func (p *provider) newIAMClient(rt http.RoundTripper) iamAPI {
	cfg := config.DefaultHttpConfig().
		WithTimeout(p.calls.Timeout).
		WithHttpRoundTripper(rt).
		WithUserAgent(userAgent)
	hc := httpclient.NewHcHttpClient(impl.NewDefaultHttpClient(cfg)).
		WithEndpoints([]string{p.endpoint}).
		WithCredential(p.creds).
		WithErrorHandler(sdkerr.DefaultErrorHandler{})
	return iamv5.NewIamClient(hc)
}

// do runs one SDK call: it refuses a done context, builds the call's client and classifies the
// error. c.Password is the one secret of the call, if any: a 400 of a call that sent one is a
// refused password, and error texts are redacted of it.
func (p *provider) do(ctx context.Context, c providerkit.Call, run func(iamAPI) error) error {
	if err := ctx.Err(); err != nil {
		return classifier.NotStarted(c.Action, err)
	}
	rt, done := p.calls.Start(ctx)
	defer done() // the SDK has read and closed the body by the time run returns
	return classifier.Classify(ctx, c, run(p.newClient(rt)), p.creds.seen.All())
}

// userIDPattern is what an IAM user id may hold (as spec.userId's validation says): the SDK puts
// it in the URL path as it is, so nothing else may reach it.
var userIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func checkUser(action, user string) error {
	if user == "" {
		return classifier.Refuse(action, cloud.ErrInvalidInput, "no user id")
	}
	if !userIDPattern.MatchString(user) {
		return classifier.Refuse(action, cloud.ErrInvalidInput, "%q is not an IAM user id (letters, digits, '_' and '-', at most 64)", user)
	}
	return nil
}

// Get implements cloud.Provider. A 200 without login_profile is ErrProfileNotFound too.
func (p *provider) Get(ctx context.Context, user string) (*cloud.LoginProfile, error) {
	if err := checkUser(actionGet, user); err != nil {
		return nil, err
	}
	var resp *model.ShowLoginProfileV5Response
	err := p.do(ctx, providerkit.Call{Action: actionGet, User: user}, func(api iamAPI) (err error) {
		resp, err = api.ShowLoginProfileV5(&model.ShowLoginProfileV5Request{UserId: user})
		return err
	})
	if err != nil {
		return nil, err
	}
	if resp == nil {
		resp = &model.ShowLoginProfileV5Response{}
	}
	if err := checkStatus(actionGet, resp.HttpStatusCode); err != nil {
		return nil, err
	}
	if resp.LoginProfile == nil {
		return nil, &cloud.Error{Kind: cloud.ErrProfileNotFound, Cloud: providerName, Action: actionGet,
			HTTPStatus: resp.HttpStatusCode, Message: "the response has no login_profile"}
	}
	return toLoginProfile(user, resp.LoginProfile), nil
}

// Create implements cloud.Provider. It sends the password and password_reset_required. An IAM v5
// login profile has no status and no MFA flag: a request for Inactive or for MFA is refused
// (ErrInvalidInput, no call) rather than dropped; the controller never makes one, as Capabilities
// says.
func (p *provider) Create(ctx context.Context, req cloud.CreateRequest) (*cloud.LoginProfile, error) {
	if err := checkUser(actionCreate, req.User); err != nil {
		return nil, err
	}
	if req.Password.IsZero() {
		return nil, classifier.Refuse(actionCreate, cloud.ErrInvalidPassword, "the password is empty")
	}
	if err := checkUnsupported(actionCreate, &req.Status, &req.MFABindRequired); err != nil {
		return nil, err
	}
	r := newCreateRequest(req)
	var resp *model.CreateLoginProfileV5Response
	err := p.do(ctx, providerkit.Call{Action: actionCreate, User: req.User, Password: req.Password}, func(api iamAPI) (err error) {
		resp, err = api.CreateLoginProfileV5(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	if resp == nil {
		resp = &model.CreateLoginProfileV5Response{}
	}
	return profileOf(actionCreate, req.User, resp.HttpStatusCode, resp.LoginProfile)
}

// Update implements cloud.Provider. Only the non-nil password and password_reset_required are
// sent; an update that changes nothing makes no write and returns the profile as Get does. A
// Status other than Active or MFABindRequired true is refused (ErrInvalidInput, no call), as on
// Create; Active and false are what every IAM v5 profile is, so they change nothing.
func (p *provider) Update(ctx context.Context, req cloud.UpdateRequest) (*cloud.LoginProfile, error) {
	if err := checkUser(actionUpdate, req.User); err != nil {
		return nil, err
	}
	if err := checkUnsupported(actionUpdate, req.Status, req.MFABindRequired); err != nil {
		return nil, err
	}
	var password cloud.Sensitive
	if req.Password != nil {
		if req.Password.IsZero() {
			return nil, classifier.Refuse(actionUpdate, cloud.ErrInvalidPassword, "the password is empty")
		}
		password = *req.Password
	}
	if req.Password == nil && req.PasswordResetRequired == nil {
		return p.Get(ctx, req.User)
	}
	r := newUpdateRequest(req)
	var resp *model.UpdateLoginProfileV5Response
	err := p.do(ctx, providerkit.Call{Action: actionUpdate, User: req.User, Password: password}, func(api iamAPI) (err error) {
		resp, err = api.UpdateLoginProfileV5(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	if resp == nil {
		resp = &model.UpdateLoginProfileV5Response{}
	}
	return profileOf(actionUpdate, req.User, resp.HttpStatusCode, resp.LoginProfile)
}

// Delete implements cloud.Provider. A missing profile or user (a 404 of IAM) is success.
func (p *provider) Delete(ctx context.Context, user string) error {
	if err := checkUser(actionDelete, user); err != nil {
		return err
	}
	var resp *model.DeleteLoginProfileV5Response
	err := p.do(ctx, providerkit.Call{Action: actionDelete, User: user}, func(api iamAPI) (err error) {
		resp, err = api.DeleteLoginProfileV5(&model.DeleteLoginProfileV5Request{UserId: user})
		return err
	})
	if cloud.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if resp == nil {
		resp = &model.DeleteLoginProfileV5Response{}
	}
	return checkStatus(actionDelete, resp.HttpStatusCode)
}

// checkUnsupported refuses what an IAM v5 login profile cannot hold: a status other than Active
// ("" is Active) and the MFA flag. nil pointers ask for nothing.
func checkUnsupported(action string, status *string, mfa *bool) error {
	if status != nil && *status != "" && *status != cloud.StatusActive {
		return classifier.Refuse(action, cloud.ErrInvalidInput,
			"status %q cannot be set: a Huawei Cloud login profile has no status (delete it to disable console login)", *status)
	}
	if mfa != nil && *mfa {
		return classifier.Refuse(action, cloud.ErrInvalidInput,
			"mfaBindRequired cannot be set: a Huawei Cloud login profile has no MFA setting")
	}
	return nil
}

// profileOf converts the profile of a write's response; a 2xx without one is ErrTransient (the
// controller observes again), and so is an answer that is no 2xx.
func profileOf(action, user string, status int, in *model.LoginProfile) (*cloud.LoginProfile, error) {
	if err := checkStatus(action, status); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, &cloud.Error{Kind: cloud.ErrTransient, Cloud: providerName, Action: action, HTTPStatus: status,
			Message: "unexpected response: it has no login_profile"}
	}
	return toLoginProfile(user, in), nil
}

// PasswordPolicy implements cloud.Provider with ShowPasswordPolicyV5 (see toPasswordPolicy). A 2xx
// without password_policy is ErrTransient.
func (p *provider) PasswordPolicy(ctx context.Context) (*cloud.PasswordPolicy, error) {
	var resp *model.ShowPasswordPolicyV5Response
	err := p.do(ctx, providerkit.Call{Action: actionPasswordPolicy}, func(api iamAPI) (err error) {
		resp, err = api.ShowPasswordPolicyV5(&model.ShowPasswordPolicyV5Request{})
		return err
	})
	if err != nil {
		return nil, err
	}
	if resp == nil {
		resp = &model.ShowPasswordPolicyV5Response{}
	}
	if err := checkStatus(actionPasswordPolicy, resp.HttpStatusCode); err != nil {
		return nil, err
	}
	if resp.PasswordPolicy == nil {
		return nil, &cloud.Error{Kind: cloud.ErrTransient, Cloud: providerName, Action: actionPasswordPolicy,
			HTTPStatus: resp.HttpStatusCode, Message: "unexpected response: it has no password_policy"}
	}
	return toPasswordPolicy(resp.PasswordPolicy), nil
}

// maxMFAPages bounds the pages MFABound reads. IAM allows one virtual MFA device per user, so the
// list of one user's devices fits the first page; the bound only stops a service that keeps
// answering a next marker.
const maxMFAPages = 10

// MFABound implements cloud.Provider with ListMfaDevicesV5 filtered by user_id: the user has MFA
// bound when one of its devices is enabled (a device created but not enabled is not bound). A 404
// is ErrUserNotFound. Further pages are read, by their marker, only while no enabled device has
// been found; each is one more call.
//
// IAM documents no 404 for this API (only 400 and 403), and says the user id must exist: what it
// answers for a missing user is not confirmed. A 400 is ErrInvalidInput; an empty list reads as
// "not bound", whichever user it is about.
func (p *provider) MFABound(ctx context.Context, user string) (bool, error) {
	if err := checkUser(actionListMFA, user); err != nil {
		return false, err
	}
	var marker *string
	for range maxMFAPages {
		var resp *model.ListMfaDevicesV5Response
		err := p.do(ctx, providerkit.Call{Action: actionListMFA, User: user}, func(api iamAPI) (err error) {
			resp, err = api.ListMfaDevicesV5(&model.ListMfaDevicesV5Request{UserId: &user, Marker: marker})
			return err
		})
		if err != nil {
			return false, err
		}
		if resp == nil {
			resp = &model.ListMfaDevicesV5Response{}
		}
		if err := checkStatus(actionListMFA, resp.HttpStatusCode); err != nil {
			return false, err
		}
		if mfaEnabled(user, resp.MfaDevices) {
			return true, nil
		}
		next := nextMarker(resp.PageInfo)
		if next == "" {
			return false, nil
		}
		if marker != nil && *marker == next {
			return false, &cloud.Error{Kind: cloud.ErrTransient, Cloud: providerName, Action: actionListMFA, HTTPStatus: resp.HttpStatusCode,
				Message: "unexpected response: the same next_marker again"}
		}
		marker = &next
	}
	return false, &cloud.Error{Kind: cloud.ErrTransient, Cloud: providerName, Action: actionListMFA,
		Message: fmt.Sprintf("unexpected response: more than %d pages of MFA devices for one user", maxMFAPages)}
}

// LastLogin implements cloud.Provider with ShowUserLastLoginV5: zero when last_login_at is absent
// or null (the user never logged in), or user_last_login itself is. A 404 is ErrUserNotFound. The
// user needs no login profile.
func (p *provider) LastLogin(ctx context.Context, user string) (time.Time, error) {
	if err := checkUser(actionLastLogin, user); err != nil {
		return time.Time{}, err
	}
	var resp *model.ShowUserLastLoginV5Response
	err := p.do(ctx, providerkit.Call{Action: actionLastLogin, User: user}, func(api iamAPI) (err error) {
		resp, err = api.ShowUserLastLoginV5(&model.ShowUserLastLoginV5Request{UserId: user})
		return err
	})
	if err != nil {
		return time.Time{}, err
	}
	if resp == nil {
		resp = &model.ShowUserLastLoginV5Response{}
	}
	if err := checkStatus(actionLastLogin, resp.HttpStatusCode); err != nil {
		return time.Time{}, err
	}
	return lastLoginOf(resp.UserLastLogin), nil
}
