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
	"reflect"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"
	"github.com/google/go-cmp/cmp"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"", time.Time{}, false},
		{"2020-10-14T07:48:41Z", time.Date(2020, 10, 14, 7, 48, 41, 0, time.UTC), false},
		{"2020-10-14T07:48:41.250Z", time.Date(2020, 10, 14, 7, 48, 41, 250e6, time.UTC), false},
		{"2020-10-14T15:48:41+08:00", time.Date(2020, 10, 14, 7, 48, 41, 0, time.UTC), false},
		{"2020-10-14T07:48Z", time.Date(2020, 10, 14, 7, 48, 0, 0, time.UTC), false},
		{"2020-10-14 07:48:41", time.Date(2020, 10, 14, 7, 48, 41, 0, time.UTC), false},
		{"yesterday", time.Time{}, true},
	}
	for _, tc := range tests {
		got, err := parseTime(tc.in)
		if (err != nil) != tc.wantErr || !got.Equal(tc.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
		if err == nil && !got.IsZero() && got.Location() != time.UTC {
			t.Errorf("parseTime(%q) not in UTC: %v", tc.in, got.Location())
		}
	}
}

func TestToLoginProfile(t *testing.T) {
	got, err := toLoginProfile("alice@corp.onaliyun.com", ims.LoginProfile{
		UserPrincipalName:     "alice@corp.onaliyun.com",
		Status:                "Inactive",
		MFABindRequired:       true,
		PasswordResetRequired: true,
		CreateDate:            "2020-10-14T07:48:41Z",
		UpdateDate:            "2020-10-15T07:48:41Z",
		LastLoginTime:         "",
		Password:              "never copied",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &cloud.LoginProfile{
		User: "alice@corp.onaliyun.com", Status: cloud.StatusInactive, MFABindRequired: true, PasswordResetRequired: true,
		CreateDate: time.Date(2020, 10, 14, 7, 48, 41, 0, time.UTC),
		UpdateDate: time.Date(2020, 10, 15, 7, 48, 41, 0, time.UTC),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}

	got, err = toLoginProfile("bob@corp.onaliyun.com", ims.LoginProfile{Status: "Active"})
	if err != nil || got.User != "bob@corp.onaliyun.com" {
		t.Fatalf("user not defaulted: %+v, %v", got, err)
	}
	if _, err := toLoginProfile("bob@corp.onaliyun.com", ims.LoginProfile{Status: "Active", UpdateDate: "soon"}); err == nil {
		t.Fatal("an unparseable UpdateDate was accepted")
	}
	if _, err := toLoginProfile("bob@corp.onaliyun.com", ims.LoginProfile{}); err == nil {
		t.Fatal("a response without LoginProfile was accepted")
	}
}

func TestToPasswordPolicy(t *testing.T) {
	tests := []struct {
		name string
		in   ims.PasswordPolicy
		want cloud.PasswordPolicy
	}{
		{"the default policy", ims.PasswordPolicy{MinimumPasswordLength: 8},
			cloud.PasswordPolicy{MinLength: 8, MaxLength: 32}},
		{"every content rule", ims.PasswordPolicy{
			MinimumPasswordLength: 14, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, RequireNumbers: true,
			RequireSymbols: true, MinimumPasswordDifferentCharacter: 6, PasswordNotContainUserName: true, PasswordReusePrevention: 5,
			// Not about the content: dropped.
			MaxPasswordAge: 90, HardExpire: true, MaxLoginAttemps: 5,
		}, cloud.PasswordPolicy{
			MinLength: 14, MaxLength: 32, RequireUpper: true, RequireLower: true, RequireDigit: true, RequireSymbol: true,
			MinDistinct: 6, NoUserName: true, ReusePrevention: 5,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(&tc.want, toPasswordPolicy(tc.in)); diff != "" {
				t.Fatalf("toPasswordPolicy (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMFABoundOfAnAnswer(t *testing.T) {
	tests := []struct {
		resp ims.GetUserMFAInfoResponse
		want bool
	}{
		{ims.GetUserMFAInfoResponse{IsMFAEnable: true, MFADevice: ims.MFADevice{SerialNumber: "acs:ram::1:mfa/u", Type: "VMFA"}}, true},
		{ims.GetUserMFAInfoResponse{MFADevice: ims.MFADevice{SerialNumber: "acs:ram::1:mfa/u", Type: "U2F"}}, true},
		{ims.GetUserMFAInfoResponse{IsMFAEnable: true}, true},
		{ims.GetUserMFAInfoResponse{}, false},
	}
	for _, tc := range tests {
		if got := mfaBound(&tc.resp); got != tc.want {
			t.Errorf("mfaBound(%+v) = %v, want %v", tc.resp, got, tc.want)
		}
	}
}

// queryOf returns the business parameters the SDK would send for r.
func queryOf(t *testing.T, r requests.AcsRequest) map[string]string {
	t.Helper()
	if err := requests.InitParams(r); err != nil {
		t.Fatal(err)
	}
	return r.GetQueryParams()
}

func TestNewCreateRequestSetsEveryField(t *testing.T) {
	for _, b := range []bool{false, true} {
		q := queryOf(t, newCreateRequest(cloud.CreateRequest{
			User: "alice@corp.onaliyun.com", Password: cloud.NewSensitive("Passw0rd!"), Status: cloud.StatusInactive,
			MFABindRequired: b, PasswordResetRequired: b,
		}))
		want := map[string]string{
			"UserPrincipalName": "alice@corp.onaliyun.com", "Password": "Passw0rd!", "Status": "Inactive",
			"MFABindRequired": boolString(b), "PasswordResetRequired": boolString(b),
		}
		if !reflect.DeepEqual(q, want) {
			t.Fatalf("query = %v, want %v", q, want)
		}
	}
}

func TestNewUpdateRequestSendsOnlyTheSetFields(t *testing.T) {
	pw := cloud.NewSensitive("Passw0rd!")
	inactive := cloud.StatusInactive
	f := false
	tests := []struct {
		name string
		req  cloud.UpdateRequest
		want map[string]string
	}{
		{"status only", cloud.UpdateRequest{User: "u@x", Status: &inactive},
			map[string]string{"UserPrincipalName": "u@x", "Status": "Inactive"}},
		{"false booleans are sent", cloud.UpdateRequest{User: "u@x", MFABindRequired: &f, PasswordResetRequired: &f},
			map[string]string{"UserPrincipalName": "u@x", "MFABindRequired": "false", "PasswordResetRequired": "false"}},
		{"password", cloud.UpdateRequest{User: "u@x", Password: &pw},
			map[string]string{"UserPrincipalName": "u@x", "Password": "Passw0rd!"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if q := queryOf(t, newUpdateRequest(tc.req)); !reflect.DeepEqual(q, tc.want) {
				t.Fatalf("query = %v, want %v", q, tc.want)
			}
		})
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
