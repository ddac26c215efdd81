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
	"sync/atomic"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

// fakeIMS answers from functions; the requests it gets are kept.
type fakeIMS struct {
	get    func(*ims.GetLoginProfileRequest) (*ims.GetLoginProfileResponse, error)
	create func(*ims.CreateLoginProfileRequest) (*ims.CreateLoginProfileResponse, error)
	update func(*ims.UpdateLoginProfileRequest) (*ims.UpdateLoginProfileResponse, error)
	delete func(*ims.DeleteLoginProfileRequest) (*ims.DeleteLoginProfileResponse, error)
	policy func(*ims.GetPasswordPolicyRequest) (*ims.GetPasswordPolicyResponse, error)
	mfa    func(*ims.GetUserMFAInfoRequest) (*ims.GetUserMFAInfoResponse, error)
}

func (f *fakeIMS) GetLoginProfile(r *ims.GetLoginProfileRequest) (*ims.GetLoginProfileResponse, error) {
	return f.get(r)
}

func (f *fakeIMS) CreateLoginProfile(r *ims.CreateLoginProfileRequest) (*ims.CreateLoginProfileResponse, error) {
	return f.create(r)
}

func (f *fakeIMS) UpdateLoginProfile(r *ims.UpdateLoginProfileRequest) (*ims.UpdateLoginProfileResponse, error) {
	return f.update(r)
}

func (f *fakeIMS) DeleteLoginProfile(r *ims.DeleteLoginProfileRequest) (*ims.DeleteLoginProfileResponse, error) {
	return f.delete(r)
}

func (f *fakeIMS) GetPasswordPolicy(r *ims.GetPasswordPolicyRequest) (*ims.GetPasswordPolicyResponse, error) {
	return f.policy(r)
}

func (f *fakeIMS) GetUserMFAInfo(r *ims.GetUserMFAInfoRequest) (*ims.GetUserMFAInfoResponse, error) {
	return f.mfa(r)
}

// fakeProvider is a provider over f; clients counts the clients built.
func fakeProvider(t *testing.T, f *fakeIMS) (*provider, *atomic.Int32) {
	t.Helper()
	p, err := Driver.Connect(&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}},
		cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret, AccessKeyID: "ak", AccessKeySecret: cloud.NewSensitive(testAKSecret)},
		cloud.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pp := p.(*provider)
	var clients atomic.Int32
	pp.newClient = func(http.RoundTripper) (imsAPI, error) {
		clients.Add(1)
		return f, nil
	}
	return pp, &clients
}

func TestRequestsGoOverHTTPSToTheEndpoint(t *testing.T) {
	var got *ims.GetLoginProfileRequest
	p, _ := fakeProvider(t, &fakeIMS{get: func(r *ims.GetLoginProfileRequest) (*ims.GetLoginProfileResponse, error) {
		got = r
		return &ims.GetLoginProfileResponse{LoginProfile: ims.LoginProfile{Status: "Active"}}, nil
	}})
	if _, err := p.Get(t.Context(), "alice@corp.onaliyun.com"); err != nil {
		t.Fatal(err)
	}
	if got.Scheme != "HTTPS" || got.Domain != DefaultEndpoint || got.UserPrincipalName != "alice@corp.onaliyun.com" ||
		got.ReadTimeout != providerkit.DefaultTimeout {
		t.Fatalf("request: scheme %q, domain %q, user %q, timeout %v", got.Scheme, got.Domain, got.UserPrincipalName, got.ReadTimeout)
	}
}

func TestDoneContextBuildsNoClient(t *testing.T) {
	p, clients := fakeProvider(t, &fakeIMS{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pw := cloud.NewSensitive("Passw0rd!")
	errs := []error{
		func() error { _, err := p.Get(ctx, "u@x"); return err }(),
		func() error {
			_, err := p.Create(ctx, cloud.CreateRequest{User: "u@x", Password: pw})
			return err
		}(),
		func() error { _, err := p.Update(ctx, cloud.UpdateRequest{User: "u@x", Password: &pw}); return err }(),
		p.Delete(ctx, "u@x"),
		func() error { _, err := p.PasswordPolicy(ctx); return err }(),
		func() error { _, err := p.MFABound(ctx, "u@x"); return err }(),
		func() error { _, err := p.LastLogin(ctx, "u@x"); return err }(),
	}
	for _, err := range errs {
		var ce *cloud.Error
		if !errors.Is(err, context.Canceled) || !errors.Is(err, cloud.ErrTransient) || !errors.As(err, &ce) {
			t.Fatalf("got %T %v", err, err)
		}
	}
	if clients.Load() != 0 {
		t.Fatalf("%d clients built for a canceled context", clients.Load())
	}
}

func TestRequestsRefusedBeforeAnyCall(t *testing.T) {
	p, clients := fakeProvider(t, &fakeIMS{})
	empty := cloud.NewSensitive("")
	bad := "Enabled"
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"get without user", func() error { _, err := p.Get(t.Context(), ""); return err }(), cloud.ErrInvalidInput},
		{"delete without user", p.Delete(t.Context(), ""), cloud.ErrInvalidInput},
		{"MFA without user", func() error { _, err := p.MFABound(t.Context(), ""); return err }(), cloud.ErrInvalidInput},
		{"last login without user", func() error { _, err := p.LastLogin(t.Context(), ""); return err }(), cloud.ErrInvalidInput},
		{"create without password", func() error {
			_, err := p.Create(t.Context(), cloud.CreateRequest{User: "u@x"})
			return err
		}(), cloud.ErrInvalidPassword},
		{"create with a bad status", func() error {
			_, err := p.Create(t.Context(), cloud.CreateRequest{User: "u@x", Password: cloud.NewSensitive("Passw0rd!"), Status: bad})
			return err
		}(), cloud.ErrInvalidInput},
		{"update with an empty password", func() error {
			_, err := p.Update(t.Context(), cloud.UpdateRequest{User: "u@x", Password: &empty})
			return err
		}(), cloud.ErrInvalidPassword},
		{"update with a bad status", func() error {
			_, err := p.Update(t.Context(), cloud.UpdateRequest{User: "u@x", Status: &bad})
			return err
		}(), cloud.ErrInvalidInput},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if clients.Load() != 0 {
		t.Fatalf("%d clients built", clients.Load())
	}
}

func TestCreateSendsActiveForAnEmptyStatus(t *testing.T) {
	var got *ims.CreateLoginProfileRequest
	p, _ := fakeProvider(t, &fakeIMS{create: func(r *ims.CreateLoginProfileRequest) (*ims.CreateLoginProfileResponse, error) {
		got = r
		return &ims.CreateLoginProfileResponse{LoginProfile: ims.LoginProfile{UserPrincipalName: r.UserPrincipalName, Status: r.Status}}, nil
	}})
	lp, err := p.Create(t.Context(), cloud.CreateRequest{User: "u@x", Password: cloud.NewSensitive("Passw0rd!")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "Active" || got.MFABindRequired != "false" || got.PasswordResetRequired != "false" || lp.Status != "Active" {
		t.Fatalf("request %+v, profile %+v", got, lp)
	}
}

func TestEmptyUpdateOnlyReads(t *testing.T) {
	var gets atomic.Int32
	p, _ := fakeProvider(t, &fakeIMS{
		get: func(*ims.GetLoginProfileRequest) (*ims.GetLoginProfileResponse, error) {
			gets.Add(1)
			return &ims.GetLoginProfileResponse{LoginProfile: ims.LoginProfile{Status: "Active"}}, nil
		},
		update: func(*ims.UpdateLoginProfileRequest) (*ims.UpdateLoginProfileResponse, error) {
			t.Fatal("UpdateLoginProfile called for an empty update")
			return nil, nil
		},
	})
	if lp, err := p.Update(t.Context(), cloud.UpdateRequest{User: "u@x"}); err != nil || lp.User != "u@x" || gets.Load() != 1 {
		t.Fatalf("got %+v, %v after %d gets", lp, err, gets.Load())
	}
}

func TestDeleteOfAMissingUserOrProfileSucceeds(t *testing.T) {
	for _, code := range []string{"EntityNotExist.User", "EntityNotExist.User.LoginProfile"} {
		p, _ := fakeProvider(t, &fakeIMS{delete: func(*ims.DeleteLoginProfileRequest) (*ims.DeleteLoginProfileResponse, error) {
			return nil, serverError(404, code, "gone")
		}})
		if err := p.Delete(t.Context(), "u@x"); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
	}
	p, _ := fakeProvider(t, &fakeIMS{delete: func(*ims.DeleteLoginProfileRequest) (*ims.DeleteLoginProfileResponse, error) {
		return nil, serverError(403, "NoPermission", "no")
	}})
	if err := p.Delete(t.Context(), "u@x"); !cloud.IsAuth(err) {
		t.Fatalf("got %v", err)
	}
}

func TestUnreadableResponseIsTransient(t *testing.T) {
	p, _ := fakeProvider(t, &fakeIMS{get: func(*ims.GetLoginProfileRequest) (*ims.GetLoginProfileResponse, error) {
		return &ims.GetLoginProfileResponse{RequestId: "req-9", LoginProfile: ims.LoginProfile{Status: "Active", UpdateDate: "tomorrow"}}, nil
	}})
	_, err := p.Get(t.Context(), "u@x")
	var ce *cloud.Error
	if !errors.As(err, &ce) || !errors.Is(ce.Kind, cloud.ErrTransient) || ce.RequestID != "req-9" {
		t.Fatalf("got %v", err)
	}
}

func TestMFABound(t *testing.T) {
	answer := func(resp *ims.GetUserMFAInfoResponse, err error) *fakeIMS {
		return &fakeIMS{mfa: func(*ims.GetUserMFAInfoRequest) (*ims.GetUserMFAInfoResponse, error) { return resp, err }}
	}
	device := ims.MFADevice{SerialNumber: "acs:ram::1:mfa/u", Type: "VMFA"}
	tests := []struct {
		name    string
		api     *fakeIMS
		want    bool
		wantErr error
	}{
		{"a device", answer(&ims.GetUserMFAInfoResponse{IsMFAEnable: true, MFADevice: device}, nil), true, nil},
		{"a device without IsMFAEnable", answer(&ims.GetUserMFAInfoResponse{MFADevice: device}, nil), true, nil},
		{"no device", answer(nil, serverError(404, "EntityNotExist.User.MFADevice", "The user has not bound any MFA device.")), false, nil},
		{"no device, another case", answer(nil, serverError(404, "EntityNotExist.User.MfaDevice", "none")), false, nil},
		{"no user", answer(nil, serverError(404, "EntityNotExist.User", "The user does not exist.")), false, cloud.ErrUserNotFound},
		{"throttled", answer(nil, serverError(400, "Throttling.User", "slow down")), false, cloud.ErrThrottled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := fakeProvider(t, tc.api)
			got, err := p.MFABound(t.Context(), "u@x")
			if got != tc.want || (tc.wantErr == nil) != (err == nil) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Fatalf("MFABound = %v, %v; want %v, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestLastLoginOfAMissingProfileIsNever(t *testing.T) {
	for _, tc := range []struct {
		code    string
		wantErr error
	}{{"EntityNotExist.User.LoginProfile", nil}, {"EntityNotExist.User", cloud.ErrUserNotFound}} {
		p, _ := fakeProvider(t, &fakeIMS{get: func(*ims.GetLoginProfileRequest) (*ims.GetLoginProfileResponse, error) {
			return nil, serverError(404, tc.code, "gone")
		}})
		got, err := p.LastLogin(t.Context(), "u@x")
		if !got.IsZero() || (tc.wantErr == nil) != (err == nil) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
			t.Fatalf("%s: LastLogin = %v, %v; want zero, %v", tc.code, got, err, tc.wantErr)
		}
	}
}

func TestCapabilities(t *testing.T) {
	if c := Driver.Capabilities(); !c.LastLoginInProfile || !c.Status || !c.MFABindRequired || !c.UpdateDate {
		t.Fatalf("capabilities %+v", c)
	}
}
