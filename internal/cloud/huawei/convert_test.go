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
	"encoding/json"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdktime"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/utils"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

func TestToLoginProfile(t *testing.T) {
	// As the SDK decodes the API page's example.
	var resp model.ShowLoginProfileV5Response
	if err := utils.Unmarshal([]byte(`{"login_profile":{"user_id":"07e7a4c2","password_reset_required":true,
		"password_expires_at":"2023-09-13T08:03:10.781Z","created_at":"2023-09-13T08:03:10.781Z"}}`), &resp); err != nil {
		t.Fatal(err)
	}
	got := toLoginProfile("asked", resp.LoginProfile)
	at := time.Date(2023, 9, 13, 8, 3, 10, 781e6, time.UTC)
	want := cloud.LoginProfile{User: "07e7a4c2", Status: cloud.StatusActive, PasswordResetRequired: true, CreateDate: at, PasswordExpiresAt: at}
	if *got != want || got.CreateDate.Location() != time.UTC {
		t.Fatalf("got %+v\nwant %+v", *got, want)
	}

	// Optional fields absent; no user id in the answer.
	got = toLoginProfile("asked", &model.LoginProfile{})
	if *got != (cloud.LoginProfile{User: "asked", Status: cloud.StatusActive}) {
		t.Fatalf("got %+v", *got)
	}
	zero := sdktime.SdkTime(time.Time{})
	if got := toLoginProfile("asked", &model.LoginProfile{CreatedAt: &zero}); !got.CreateDate.IsZero() {
		t.Fatalf("zero date: %+v", got)
	}
	// Offsets end up in UTC.
	local := sdktime.SdkTime(time.Date(2026, 1, 2, 11, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	if got := toLoginProfile("u", &model.LoginProfile{CreatedAt: &local}); !got.CreateDate.Equal(time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)) ||
		got.CreateDate.Location() != time.UTC {
		t.Fatalf("got %v", got.CreateDate)
	}
}

func bodyJSON(t *testing.T, body any) map[string]any {
	t.Helper()
	b, err := utils.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNewCreateRequestSendsBothFields(t *testing.T) {
	r := newCreateRequest(cloud.CreateRequest{User: "u1", Password: cloud.NewSensitive(testPassword)})
	if r.UserId != "u1" {
		t.Fatalf("user %q", r.UserId)
	}
	// false is sent, not omitted: IAM requires the field.
	if got := bodyJSON(t, r.Body); len(got) != 2 || got["password"] != testPassword || got["password_reset_required"] != false {
		t.Fatalf("body %v", got)
	}
	r = newCreateRequest(cloud.CreateRequest{User: "u1", Password: cloud.NewSensitive("p"), PasswordResetRequired: true})
	if got := bodyJSON(t, r.Body); got["password_reset_required"] != true {
		t.Fatalf("body %v", got)
	}
}

func TestNewUpdateRequestSendsOnlyTheSetFields(t *testing.T) {
	pw, f, tr := cloud.NewSensitive(testPassword), false, true
	tests := []struct {
		req  cloud.UpdateRequest
		want map[string]any
	}{
		{cloud.UpdateRequest{User: "u1", PasswordResetRequired: &f}, map[string]any{"password_reset_required": false}},
		{cloud.UpdateRequest{User: "u1", PasswordResetRequired: &tr}, map[string]any{"password_reset_required": true}},
		{cloud.UpdateRequest{User: "u1", Password: &pw}, map[string]any{"password": testPassword}},
		{cloud.UpdateRequest{User: "u1", Password: &pw, PasswordResetRequired: &f}, map[string]any{"password": testPassword, "password_reset_required": false}},
	}
	for _, tc := range tests {
		r := newUpdateRequest(tc.req)
		got := bodyJSON(t, r.Body)
		if r.UserId != "u1" || len(got) != len(tc.want) {
			t.Fatalf("request for %+v: user %q, body %v", tc.req, r.UserId, got)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Fatalf("request for %+v: body %v", tc.req, got)
			}
		}
	}
	// The request keeps its own copy of the flag.
	r := newUpdateRequest(cloud.UpdateRequest{User: "u1", PasswordResetRequired: &f})
	f = true
	if *r.Body.PasswordResetRequired {
		t.Fatal("the request shares the caller's bool")
	}
}

func sdkTime(t time.Time) *sdktime.SdkTime {
	st := sdktime.SdkTime(t)
	return &st
}

func TestToPasswordPolicy(t *testing.T) {
	// As the SDK decodes an answer shaped like the API page's example.
	var resp model.ShowPasswordPolicyV5Response
	if err := utils.Unmarshal([]byte(`{"password_policy":{"maximum_consecutive_identical_chars":2,"maximum_password_length":32,
		"minimum_password_age":20,"minimum_password_length":8,"password_reuse_prevention":3,"password_not_username_or_invert":true,
		"password_requirements":"","password_validity_period":90,"password_char_combination":2,"allow_user_to_change_password":true}}`), &resp); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   *model.PasswordPolicy
		want cloud.PasswordPolicy
	}{
		{"example", resp.PasswordPolicy, cloud.PasswordPolicy{MinLength: 8, MaxLength: 32, MinClasses: 2, MaxRepeated: 2,
			NoUserName: true, NoUserNameReversed: true, ReusePrevention: 3}},
		{"nothing", &model.PasswordPolicy{}, cloud.PasswordPolicy{}},
		{"the name rule off", &model.PasswordPolicy{MinimumPasswordLength: 12, PasswordCharCombination: 4},
			cloud.PasswordPolicy{MinLength: 12, MinClasses: 4}},
		// Out of range: no rule rather than a negative one; at most the 4 classes there are.
		{"negative", &model.PasswordPolicy{MinimumPasswordLength: -1, MaximumPasswordLength: -2, PasswordCharCombination: -3,
			MaximumConsecutiveIdenticalChars: -4, PasswordReusePrevention: -5}, cloud.PasswordPolicy{}},
		{"5 classes", &model.PasswordPolicy{PasswordCharCombination: 5}, cloud.PasswordPolicy{MinClasses: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := toPasswordPolicy(tt.in); *got != tt.want {
				t.Fatalf("got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestLastLoginOf(t *testing.T) {
	var resp model.ShowUserLastLoginV5Response
	if err := utils.Unmarshal([]byte(`{"user_last_login":{"last_login_at":"2023-09-13T03:32:02.563Z"}}`), &resp); err != nil {
		t.Fatal(err)
	}
	if got := lastLoginOf(resp.UserLastLogin); !got.Equal(time.Date(2023, 9, 13, 3, 32, 2, 563e6, time.UTC)) || got.Location() != time.UTC {
		t.Fatalf("got %v", got)
	}
	for _, body := range []string{`{"user_last_login":{"last_login_at":null}}`, `{"user_last_login":{}}`, `{}`} {
		var resp model.ShowUserLastLoginV5Response
		if err := utils.Unmarshal([]byte(body), &resp); err != nil {
			t.Fatal(err)
		}
		if got := lastLoginOf(resp.UserLastLogin); !got.IsZero() {
			t.Errorf("%s: got %v, want zero", body, got)
		}
	}
}
