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
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

// fakeIAM answers from functions.
type fakeIAM struct {
	show   func(*model.ShowLoginProfileV5Request) (*model.ShowLoginProfileV5Response, error)
	create func(*model.CreateLoginProfileV5Request) (*model.CreateLoginProfileV5Response, error)
	update func(*model.UpdateLoginProfileV5Request) (*model.UpdateLoginProfileV5Response, error)
	delete func(*model.DeleteLoginProfileV5Request) (*model.DeleteLoginProfileV5Response, error)
	policy func(*model.ShowPasswordPolicyV5Request) (*model.ShowPasswordPolicyV5Response, error)
	mfa    func(*model.ListMfaDevicesV5Request) (*model.ListMfaDevicesV5Response, error)
	login  func(*model.ShowUserLastLoginV5Request) (*model.ShowUserLastLoginV5Response, error)
}

func (f *fakeIAM) ShowLoginProfileV5(r *model.ShowLoginProfileV5Request) (*model.ShowLoginProfileV5Response, error) {
	return f.show(r)
}

func (f *fakeIAM) CreateLoginProfileV5(r *model.CreateLoginProfileV5Request) (*model.CreateLoginProfileV5Response, error) {
	return f.create(r)
}

func (f *fakeIAM) UpdateLoginProfileV5(r *model.UpdateLoginProfileV5Request) (*model.UpdateLoginProfileV5Response, error) {
	return f.update(r)
}

func (f *fakeIAM) DeleteLoginProfileV5(r *model.DeleteLoginProfileV5Request) (*model.DeleteLoginProfileV5Response, error) {
	return f.delete(r)
}

func (f *fakeIAM) ShowPasswordPolicyV5(r *model.ShowPasswordPolicyV5Request) (*model.ShowPasswordPolicyV5Response, error) {
	return f.policy(r)
}

func (f *fakeIAM) ListMfaDevicesV5(r *model.ListMfaDevicesV5Request) (*model.ListMfaDevicesV5Response, error) {
	return f.mfa(r)
}

func (f *fakeIAM) ShowUserLastLoginV5(r *model.ShowUserLastLoginV5Request) (*model.ShowUserLastLoginV5Response, error) {
	return f.login(r)
}

// fakeProvider is a provider over f; clients counts the clients built.
func fakeProvider(t *testing.T, f *fakeIAM) (*provider, *atomic.Int32) {
	t.Helper()
	p, err := Driver.Connect(huaweiSpec(""), testSecretCreds(), cloud.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pp := p.(*provider)
	var clients atomic.Int32
	pp.newClient = func(http.RoundTripper) iamAPI {
		clients.Add(1)
		return f
	}
	return pp, &clients
}

const user1 = "07e7a4c2b5000f3c1f4bc0123ab4c5d6"

func TestDoneContextBuildsNoClient(t *testing.T) {
	p, clients := fakeProvider(t, &fakeIAM{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pw := cloud.NewSensitive("Passw0rd!")
	errs := []error{
		func() error { _, err := p.Get(ctx, user1); return err }(),
		func() error { _, err := p.Create(ctx, cloud.CreateRequest{User: user1, Password: pw}); return err }(),
		func() error { _, err := p.Update(ctx, cloud.UpdateRequest{User: user1, Password: &pw}); return err }(),
		func() error { _, err := p.Update(ctx, cloud.UpdateRequest{User: user1}); return err }(),
		p.Delete(ctx, user1),
		func() error { _, err := p.PasswordPolicy(ctx); return err }(),
		func() error { _, err := p.MFABound(ctx, user1); return err }(),
		func() error { _, err := p.LastLogin(ctx, user1); return err }(),
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
	p, clients := fakeProvider(t, &fakeIAM{})
	pw, empty := cloud.NewSensitive("Passw0rd!"), cloud.NewSensitive("")
	inactive, active, bad, yes := cloud.StatusInactive, cloud.StatusActive, "Enabled", true
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"get without user", func() error { _, err := p.Get(t.Context(), ""); return err }(), cloud.ErrInvalidInput},
		{"get with a path in the user", func() error { _, err := p.Get(t.Context(), "../../v3/auth/domains"); return err }(), cloud.ErrInvalidInput},
		{"delete without user", p.Delete(t.Context(), ""), cloud.ErrInvalidInput},
		{"delete of a user name with a slash", p.Delete(t.Context(), "a/b"), cloud.ErrInvalidInput},
		{"MFA without user", func() error { _, err := p.MFABound(t.Context(), ""); return err }(), cloud.ErrInvalidInput},
		{"MFA of a user id with a query", func() error { _, err := p.MFABound(t.Context(), "a&limit=1"); return err }(), cloud.ErrInvalidInput},
		{"last login without user", func() error { _, err := p.LastLogin(t.Context(), ""); return err }(), cloud.ErrInvalidInput},
		{"last login with a path in the user", func() error { _, err := p.LastLogin(t.Context(), "../password-policy"); return err }(), cloud.ErrInvalidInput},
		{"create without password", func() error {
			_, err := p.Create(t.Context(), cloud.CreateRequest{User: user1})
			return err
		}(), cloud.ErrInvalidPassword},
		{"create Inactive", func() error {
			_, err := p.Create(t.Context(), cloud.CreateRequest{User: user1, Password: pw, Status: cloud.StatusInactive})
			return err
		}(), cloud.ErrInvalidInput},
		{"create with a bad status", func() error {
			_, err := p.Create(t.Context(), cloud.CreateRequest{User: user1, Password: pw, Status: bad})
			return err
		}(), cloud.ErrInvalidInput},
		{"create with MFA", func() error {
			_, err := p.Create(t.Context(), cloud.CreateRequest{User: user1, Password: pw, MFABindRequired: true})
			return err
		}(), cloud.ErrInvalidInput},
		{"update with an empty password", func() error {
			_, err := p.Update(t.Context(), cloud.UpdateRequest{User: user1, Password: &empty})
			return err
		}(), cloud.ErrInvalidPassword},
		{"update to Inactive", func() error {
			_, err := p.Update(t.Context(), cloud.UpdateRequest{User: user1, Status: &inactive, Password: &pw})
			return err
		}(), cloud.ErrInvalidInput},
		{"update with MFA", func() error {
			_, err := p.Update(t.Context(), cloud.UpdateRequest{User: user1, MFABindRequired: &yes, Password: &pw})
			return err
		}(), cloud.ErrInvalidInput},
		{"update without user", func() error {
			_, err := p.Update(t.Context(), cloud.UpdateRequest{Status: &active})
			return err
		}(), cloud.ErrInvalidInput},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.err, tc.want)
		}
		var ce *cloud.Error
		if !errors.As(tc.err, &ce) || ce.Cloud != "huawei" || ce.HTTPStatus != 0 {
			t.Errorf("%s: not a huawei *cloud.Error: %#v", tc.name, tc.err)
		}
	}
	if clients.Load() != 0 {
		t.Fatalf("%d clients built", clients.Load())
	}
}

func TestCreateSendsTheRequestAndConvertsTheAnswer(t *testing.T) {
	var got *model.CreateLoginProfileV5Request
	created := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	p, _ := fakeProvider(t, &fakeIAM{create: func(r *model.CreateLoginProfileV5Request) (*model.CreateLoginProfileV5Response, error) {
		got = r
		return &model.CreateLoginProfileV5Response{HttpStatusCode: 201, LoginProfile: &model.LoginProfile{
			UserId: r.UserId, PasswordResetRequired: r.Body.PasswordResetRequired, CreatedAt: sdkTime(created)}}, nil
	}})
	// Status Active (or empty) and MFA false are what every profile is: accepted.
	lp, err := p.Create(t.Context(), cloud.CreateRequest{User: user1, Password: cloud.NewSensitive(testPassword), Status: cloud.StatusActive, PasswordResetRequired: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.UserId != user1 || got.Body.Password != testPassword || !got.Body.PasswordResetRequired {
		t.Fatalf("request %+v", got.Body)
	}
	if *lp != (cloud.LoginProfile{User: user1, Status: cloud.StatusActive, PasswordResetRequired: true, CreateDate: created}) {
		t.Fatalf("profile %+v", lp)
	}
}

func TestEmptyUpdateOnlyReads(t *testing.T) {
	var shows atomic.Int32
	p, _ := fakeProvider(t, &fakeIAM{
		show: func(r *model.ShowLoginProfileV5Request) (*model.ShowLoginProfileV5Response, error) {
			shows.Add(1)
			return &model.ShowLoginProfileV5Response{HttpStatusCode: 200, LoginProfile: &model.LoginProfile{UserId: r.UserId}}, nil
		},
		update: func(*model.UpdateLoginProfileV5Request) (*model.UpdateLoginProfileV5Response, error) {
			t.Fatal("UpdateLoginProfileV5 called for an update with nothing to send")
			return nil, nil
		},
	})
	active, no := cloud.StatusActive, false
	for _, req := range []cloud.UpdateRequest{{User: user1}, {User: user1, Status: &active, MFABindRequired: &no}} {
		if lp, err := p.Update(t.Context(), req); err != nil || lp.User != user1 || lp.Status != cloud.StatusActive {
			t.Fatalf("got %+v, %v", lp, err)
		}
	}
	if shows.Load() != 2 {
		t.Fatalf("%d reads", shows.Load())
	}
}

func TestUpdateSendsOnlyTheSetFields(t *testing.T) {
	var got *model.UpdateLoginProfileV5Request
	p, _ := fakeProvider(t, &fakeIAM{update: func(r *model.UpdateLoginProfileV5Request) (*model.UpdateLoginProfileV5Response, error) {
		got = r
		return &model.UpdateLoginProfileV5Response{HttpStatusCode: 200, LoginProfile: &model.LoginProfile{UserId: r.UserId}}, nil
	}})
	yes := true
	if _, err := p.Update(t.Context(), cloud.UpdateRequest{User: user1, PasswordResetRequired: &yes}); err != nil {
		t.Fatal(err)
	}
	if got.Body.Password != nil || got.Body.PasswordResetRequired == nil || !*got.Body.PasswordResetRequired {
		t.Fatalf("body %+v", got.Body)
	}
}

func TestGetWithoutLoginProfileIsProfileNotFound(t *testing.T) {
	p, _ := fakeProvider(t, &fakeIAM{show: func(*model.ShowLoginProfileV5Request) (*model.ShowLoginProfileV5Response, error) {
		return &model.ShowLoginProfileV5Response{HttpStatusCode: 200}, nil
	}})
	_, err := p.Get(t.Context(), user1)
	var ce *cloud.Error
	if !errors.Is(err, cloud.ErrProfileNotFound) || !errors.As(err, &ce) || ce.HTTPStatus != 200 || ce.Action != actionGet {
		t.Fatalf("got %#v", err)
	}
}

func TestWriteWithoutLoginProfileIsTransient(t *testing.T) {
	p, _ := fakeProvider(t, &fakeIAM{
		create: func(*model.CreateLoginProfileV5Request) (*model.CreateLoginProfileV5Response, error) {
			return &model.CreateLoginProfileV5Response{HttpStatusCode: 201}, nil
		},
		update: func(*model.UpdateLoginProfileV5Request) (*model.UpdateLoginProfileV5Response, error) {
			return &model.UpdateLoginProfileV5Response{HttpStatusCode: 200}, nil
		},
	})
	_, err := p.Create(t.Context(), cloud.CreateRequest{User: user1, Password: cloud.NewSensitive("Passw0rd!")})
	if !errors.Is(err, cloud.ErrTransient) {
		t.Fatalf("create: %v", err)
	}
	yes := true
	_, err = p.Update(t.Context(), cloud.UpdateRequest{User: user1, PasswordResetRequired: &yes})
	if !errors.Is(err, cloud.ErrTransient) {
		t.Fatalf("update: %v", err)
	}
}

func TestDeleteOfAMissingUserOrProfileSucceeds(t *testing.T) {
	for _, msg := range []string{"The user does not exist.", "The login profile does not exist."} {
		p, _ := fakeProvider(t, &fakeIAM{delete: func(*model.DeleteLoginProfileV5Request) (*model.DeleteLoginProfileV5Response, error) {
			return nil, responseErr(404, "IAM.1000", msg)
		}})
		if err := p.Delete(t.Context(), user1); err != nil {
			t.Fatalf("%s: %v", msg, err)
		}
	}
	for _, tc := range []struct {
		err  error
		want error
	}{
		{responseErr(403, "PAP5.0001", "no"), cloud.ErrAuth},
		// Not IAM's 404s.
		{responseErr(404, "APIGW.0101", "The API does not exist"), cloud.ErrTransient},
		{&credentialsErrorFor404, cloud.ErrAuth},
	} {
		p, _ := fakeProvider(t, &fakeIAM{delete: func(*model.DeleteLoginProfileV5Request) (*model.DeleteLoginProfileV5Response, error) {
			return nil, tc.err
		}})
		if err := p.Delete(t.Context(), user1); !errors.Is(err, tc.want) {
			t.Fatalf("%v: got %v, want %v", tc.err, err, tc.want)
		}
	}
}

var credentialsErrorFor404 = providerkit.CredentialsError{Err: responseErr(404, "IAM.0004", "The identity provider does not exist.")}

func TestPasswordPolicyConvertsTheAnswer(t *testing.T) {
	p, _ := fakeProvider(t, &fakeIAM{policy: func(*model.ShowPasswordPolicyV5Request) (*model.ShowPasswordPolicyV5Response, error) {
		return &model.ShowPasswordPolicyV5Response{HttpStatusCode: 200, PasswordPolicy: &model.PasswordPolicy{
			MinimumPasswordLength: 10, MaximumPasswordLength: 32, PasswordCharCombination: 3, MaximumConsecutiveIdenticalChars: 2,
			PasswordNotUsernameOrInvert: true, PasswordReusePrevention: 5, PasswordValidityPeriod: 90, MinimumPasswordAge: 60}}, nil
	}})
	got, err := p.PasswordPolicy(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := cloud.PasswordPolicy{MinLength: 10, MaxLength: 32, MinClasses: 3, MaxRepeated: 2, NoUserName: true, NoUserNameReversed: true, ReusePrevention: 5}
	if *got != want {
		t.Fatalf("policy %+v, want %+v", *got, want)
	}
}

func TestPasswordPolicyWithoutPolicyIsTransient(t *testing.T) {
	p, _ := fakeProvider(t, &fakeIAM{policy: func(*model.ShowPasswordPolicyV5Request) (*model.ShowPasswordPolicyV5Response, error) {
		return &model.ShowPasswordPolicyV5Response{HttpStatusCode: 200}, nil
	}})
	_, err := p.PasswordPolicy(t.Context())
	var ce *cloud.Error
	if !errors.Is(err, cloud.ErrTransient) || !errors.As(err, &ce) || ce.Action != actionPasswordPolicy || ce.HTTPStatus != 200 {
		t.Fatalf("got %#v", err)
	}
}

func TestMFABoundReadsTheDevices(t *testing.T) {
	const other = "0be10000000000000000000000000000"
	tests := []struct {
		name    string
		devices *[]model.MfaDeviceMetadata
		want    bool
	}{
		{"no list", nil, false},
		{"empty", &[]model.MfaDeviceMetadata{}, false},
		{"enabled", &[]model.MfaDeviceMetadata{{SerialNumber: "iam:d:mfa/x", UserId: user1, Enabled: true}}, true},
		{"created but not enabled", &[]model.MfaDeviceMetadata{{SerialNumber: "iam:d:mfa/x", UserId: user1}}, false},
		{"enabled, no user id", &[]model.MfaDeviceMetadata{{SerialNumber: "iam:d:mfa/x", Enabled: true}}, true},
		{"another user's only", &[]model.MfaDeviceMetadata{{SerialNumber: "iam:d:mfa/y", UserId: other, Enabled: true}}, false},
		{"another user's and the user's", &[]model.MfaDeviceMetadata{
			{SerialNumber: "iam:d:mfa/y", UserId: other, Enabled: true}, {SerialNumber: "iam:d:mfa/x", UserId: user1, Enabled: true}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []*model.ListMfaDevicesV5Request
			p, _ := fakeProvider(t, &fakeIAM{mfa: func(r *model.ListMfaDevicesV5Request) (*model.ListMfaDevicesV5Response, error) {
				got = append(got, r)
				return &model.ListMfaDevicesV5Response{HttpStatusCode: 200, MfaDevices: tt.devices}, nil
			}})
			bound, err := p.MFABound(t.Context(), user1)
			if err != nil || bound != tt.want {
				t.Fatalf("MFABound = %v, %v; want %v", bound, err, tt.want)
			}
			if len(got) != 1 || got[0].UserId == nil || *got[0].UserId != user1 || got[0].Limit != nil || got[0].Marker != nil {
				t.Fatalf("requests %+v", got)
			}
		})
	}
}

func TestMFABoundFollowsTheMarker(t *testing.T) {
	next := "bWFya2VyLTI="
	var markers []string
	p, _ := fakeProvider(t, &fakeIAM{mfa: func(r *model.ListMfaDevicesV5Request) (*model.ListMfaDevicesV5Response, error) {
		if r.Marker == nil {
			markers = append(markers, "")
			return &model.ListMfaDevicesV5Response{HttpStatusCode: 200, MfaDevices: &[]model.MfaDeviceMetadata{{UserId: user1}},
				PageInfo: &model.PageInfo{NextMarker: &next, CurrentCount: 1}}, nil
		}
		markers = append(markers, *r.Marker)
		return &model.ListMfaDevicesV5Response{HttpStatusCode: 200, MfaDevices: &[]model.MfaDeviceMetadata{{UserId: user1, Enabled: true}},
			PageInfo: &model.PageInfo{CurrentCount: 1}}, nil
	}})
	if bound, err := p.MFABound(t.Context(), user1); err != nil || !bound {
		t.Fatalf("MFABound = %v, %v", bound, err)
	}
	if len(markers) != 2 || markers[0] != "" || markers[1] != next {
		t.Fatalf("markers %q", markers)
	}

	// A service that answers the same marker again does not make it loop.
	var calls int
	p, _ = fakeProvider(t, &fakeIAM{mfa: func(*model.ListMfaDevicesV5Request) (*model.ListMfaDevicesV5Response, error) {
		calls++
		return &model.ListMfaDevicesV5Response{HttpStatusCode: 200, PageInfo: &model.PageInfo{NextMarker: &next}}, nil
	}})
	if _, err := p.MFABound(t.Context(), user1); !errors.Is(err, cloud.ErrTransient) || calls != 2 {
		t.Fatalf("same marker: %v after %d calls", err, calls)
	}
	// Nor one that keeps answering new ones.
	calls = 0
	p, _ = fakeProvider(t, &fakeIAM{mfa: func(*model.ListMfaDevicesV5Request) (*model.ListMfaDevicesV5Response, error) {
		calls++
		m := fmt.Sprintf("marker-%d", calls)
		return &model.ListMfaDevicesV5Response{HttpStatusCode: 200, PageInfo: &model.PageInfo{NextMarker: &m}}, nil
	}})
	if _, err := p.MFABound(t.Context(), user1); !errors.Is(err, cloud.ErrTransient) || calls != maxMFAPages {
		t.Fatalf("endless pages: %v after %d calls", err, calls)
	}
}

func TestLastLoginConvertsTheAnswer(t *testing.T) {
	at := time.Date(2023, 9, 13, 3, 32, 2, 563e6, time.UTC)
	tests := []struct {
		name string
		resp *model.ShowUserLastLoginV5Response
		want time.Time
	}{
		{"logged in", &model.ShowUserLastLoginV5Response{HttpStatusCode: 200, UserLastLogin: &model.UserLastLogin{LastLoginAt: sdkTime(at)}}, at},
		{"never", &model.ShowUserLastLoginV5Response{HttpStatusCode: 200, UserLastLogin: &model.UserLastLogin{}}, time.Time{}},
		{"no user_last_login", &model.ShowUserLastLoginV5Response{HttpStatusCode: 200}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked string
			p, _ := fakeProvider(t, &fakeIAM{login: func(r *model.ShowUserLastLoginV5Request) (*model.ShowUserLastLoginV5Response, error) {
				asked = r.UserId
				return tt.resp, nil
			}})
			got, err := p.LastLogin(t.Context(), user1)
			if err != nil || !got.Equal(tt.want) || asked != user1 {
				t.Fatalf("LastLogin = %v, %v (asked %q); want %v", got, err, asked, tt.want)
			}
		})
	}
}
