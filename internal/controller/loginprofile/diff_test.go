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

package loginprofile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/ptr"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

func TestDiff(t *testing.T) {
	const user = "alice@example.onaliyun.com"
	inSync := func() *cloud.LoginProfile {
		return &cloud.LoginProfile{User: user, Status: "Active"}
	}
	spec := func(mod func(*v1alpha1.LoginProfileSpec)) *v1alpha1.LoginProfileSpec {
		s := &v1alpha1.LoginProfileSpec{UserPrincipalName: user, Status: v1alpha1.LoginStatusActive}
		if mod != nil {
			mod(s)
		}
		return s
	}
	applied := func(reset bool) *v1alpha1.PasswordStatus {
		return &v1alpha1.PasswordStatus{Digest: "$argon2id$x", ResetRequired: reset}
	}
	for name, tc := range map[string]struct {
		spec            *v1alpha1.LoginProfileSpec
		obs             *cloud.LoginProfile
		applied         *v1alpha1.PasswordStatus
		passwordChanged bool
		limited         bool // a cloud without status and MFA flag
		want            plan
	}{
		"in sync: nothing": {
			spec: spec(nil), obs: inSync(), applied: applied(false),
			want: plan{update: cloud.UpdateRequest{User: user}},
		},
		"empty spec status means Active": {
			spec: spec(func(s *v1alpha1.LoginProfileSpec) { s.Status = "" }), obs: inSync(), applied: applied(false),
			want: plan{update: cloud.UpdateRequest{User: user}},
		},
		"status and MFA drift corrected, no password": {
			spec:    spec(nil),
			obs:     &cloud.LoginProfile{User: user, Status: "Inactive", MFABindRequired: true},
			applied: applied(false),
			want: plan{
				update: cloud.UpdateRequest{User: user, Status: ptr.To("Active"), MFABindRequired: ptr.To(false)},
				fields: []string{"status", "mfaBindRequired"},
			},
		},
		"user reset the password: cleared flag is not drift": {
			spec:    spec(func(s *v1alpha1.LoginProfileSpec) { s.PasswordResetRequired = true }),
			obs:     inSync(),
			applied: applied(true),
			want:    plan{update: cloud.UpdateRequest{User: user}},
		},
		"reset forced out of band is left alone": {
			spec:    spec(nil),
			obs:     &cloud.LoginProfile{User: user, Status: "Active", PasswordResetRequired: true},
			applied: applied(false),
			want:    plan{update: cloud.UpdateRequest{User: user}},
		},
		"reset flag changed in the spec is applied": {
			spec:    spec(func(s *v1alpha1.LoginProfileSpec) { s.PasswordResetRequired = true }),
			obs:     inSync(),
			applied: applied(false),
			want: plan{
				update: cloud.UpdateRequest{User: user, PasswordResetRequired: ptr.To(true)},
				fields: []string{"passwordResetRequired"},
			},
		},
		"reset flag changed in the spec but the cloud already matches": {
			spec:    spec(nil),
			obs:     inSync(),
			applied: applied(true),
			want:    plan{update: cloud.UpdateRequest{User: user}},
		},
		"rotation carries the spec's reset flag": {
			spec:            spec(func(s *v1alpha1.LoginProfileSpec) { s.PasswordResetRequired = true }),
			obs:             inSync(),
			applied:         applied(true),
			passwordChanged: true,
			want: plan{
				update:         cloud.UpdateRequest{User: user, PasswordResetRequired: ptr.To(true)},
				rotatePassword: true,
				fields:         []string{"password", "passwordResetRequired"},
			},
		},
		"rotation with reset false sends false explicitly": {
			spec:            spec(nil),
			obs:             inSync(),
			applied:         applied(false),
			passwordChanged: true,
			want: plan{
				update:         cloud.UpdateRequest{User: user, PasswordResetRequired: ptr.To(false)},
				rotatePassword: true,
				fields:         []string{"password"},
			},
		},
		"adopted profile without a record: reset applied as a spec change": {
			spec:            spec(func(s *v1alpha1.LoginProfileSpec) { s.PasswordResetRequired = true }),
			obs:             inSync(),
			passwordChanged: true,
			want: plan{
				update:         cloud.UpdateRequest{User: user, PasswordResetRequired: ptr.To(true)},
				rotatePassword: true,
				fields:         []string{"password", "passwordResetRequired"},
			},
		},
		"no status or MFA in the cloud: never sent": {
			spec:    spec(func(s *v1alpha1.LoginProfileSpec) { s.MFABindRequired = true }),
			obs:     &cloud.LoginProfile{User: user, Status: "Active"},
			applied: applied(false),
			limited: true,
			want:    plan{update: cloud.UpdateRequest{User: user}},
		},
		"no status or MFA in the cloud: rotation sends password and reset only": {
			spec:            spec(func(s *v1alpha1.LoginProfileSpec) { s.PasswordResetRequired = true }),
			obs:             &cloud.LoginProfile{User: user, Status: "Active"},
			applied:         applied(true),
			passwordChanged: true,
			limited:         true,
			want: plan{
				update:         cloud.UpdateRequest{User: user, PasswordResetRequired: ptr.To(true)},
				rotatePassword: true,
				fields:         []string{"password", "passwordResetRequired"},
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			caps := allCaps
			if tc.limited {
				caps = cloud.Capabilities{}
			}
			got := diff(tc.spec, tc.obs, tc.applied, tc.passwordChanged, caps)
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(plan{}, cloud.Sensitive{})); d != "" {
				t.Errorf("diff() mismatch (-want +got):\n%s", d)
			}
			if got.update.Password != nil {
				t.Error("the plan must never hold the password")
			}
		})
	}
}

var allCaps = cloud.Capabilities{Status: true, MFABindRequired: true, UpdateDate: true}

func TestCreateRequest(t *testing.T) {
	s := &v1alpha1.LoginProfileSpec{MFABindRequired: true, PasswordResetRequired: true}
	for name, tc := range map[string]struct {
		caps cloud.Capabilities
		want cloud.CreateRequest
	}{
		"every field": {allCaps, cloud.CreateRequest{User: "u@x", Password: cloud.NewSensitive("pw"), Status: "Active",
			MFABindRequired: true, PasswordResetRequired: true}},
		"only what the cloud has": {cloud.Capabilities{}, cloud.CreateRequest{User: "u@x", Password: cloud.NewSensitive("pw"),
			PasswordResetRequired: true}},
	} {
		got := createRequest(s, "u@x", cloud.NewSensitive("pw"), tc.caps)
		if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(cloud.Sensitive{})); d != "" {
			t.Errorf("%s: createRequest() mismatch (-want +got):\n%s", name, d)
		}
	}
}

func TestUnsupportedAndNoProfile(t *testing.T) {
	mfa := &v1alpha1.LoginProfileSpec{MFABindRequired: true}
	if why := unsupported(mfa, cloud.Capabilities{}, "huawei"); why == "" || !strings.Contains(why, "huawei") {
		t.Errorf("MFA on a cloud without it: %q", why)
	}
	if why := unsupported(mfa, allCaps, "alibaba"); why != "" {
		t.Errorf("MFA on a cloud with it: %q", why)
	}
	inactive := &v1alpha1.LoginProfileSpec{Status: v1alpha1.LoginStatusInactive}
	if !wantsNoProfile(inactive, cloud.Capabilities{}) || wantsNoProfile(inactive, allCaps) ||
		wantsNoProfile(&v1alpha1.LoginProfileSpec{}, cloud.Capabilities{}) {
		t.Error("wantsNoProfile: Inactive means no profile only where profiles have no status")
	}
}
