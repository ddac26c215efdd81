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
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdktime"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// toLoginProfile converts the login_profile of a response. user is the user asked for, used when
// the response does not name one. A profile that exists is active; the dates the SDK could not
// parse fail the whole response in the SDK already (an error with the 2xx status, see errors.go).
// UpdateDate and LastLoginTime stay zero: IAM v5 reports neither.
func toLoginProfile(user string, in *model.LoginProfile) *cloud.LoginProfile {
	out := &cloud.LoginProfile{
		User:                  in.UserId,
		Status:                cloud.StatusActive,
		PasswordResetRequired: in.PasswordResetRequired,
		CreateDate:            timeOf(in.CreatedAt),
		PasswordExpiresAt:     timeOf(in.PasswordExpiresAt),
	}
	if out.User == "" {
		out.User = user
	}
	return out
}

// timeOf is t in UTC, or the zero time when absent.
func timeOf(t *sdktime.SdkTime) time.Time {
	if t == nil || time.Time(*t).IsZero() {
		return time.Time{}
	}
	return time.Time(*t).UTC()
}

// newCreateRequest builds CreateLoginProfileV5: both body fields are always sent (the SDK's body
// has no omitempty on them). Status and MFABindRequired are checked by the caller.
func newCreateRequest(req cloud.CreateRequest) *model.CreateLoginProfileV5Request {
	return &model.CreateLoginProfileV5Request{
		UserId: req.User,
		Body: &model.CreateLoginProfileReqBody{
			Password:              req.Password.Reveal(),
			PasswordResetRequired: req.PasswordResetRequired,
		},
	}
}

// newUpdateRequest builds UpdateLoginProfileV5 with the non-nil password and
// password_reset_required only: the body's fields are pointers with omitempty, and IAM changes only
// what it is sent.
func newUpdateRequest(req cloud.UpdateRequest) *model.UpdateLoginProfileV5Request {
	body := &model.UpdateLoginProfileReqBody{}
	if req.Password != nil {
		pw := req.Password.Reveal()
		body.Password = &pw
	}
	if req.PasswordResetRequired != nil {
		reset := *req.PasswordResetRequired
		body.PasswordResetRequired = &reset
	}
	return &model.UpdateLoginProfileV5Request{UserId: req.User, Body: body}
}

// toPasswordPolicy converts IAM's password policy to the rules of the neutral one. A zero number
// imposes nothing, as in both. password_not_username_or_invert is both NoUserName and
// NoUserNameReversed: IAM refuses a password that is the user's name or the name spelled
// backwards, and the neutral rule, which refuses one that contains either, is the stricter reading.
// IAM counts character classes (password_char_combination, MinClasses) and never asks for a
// particular one. What constrains no password's content is left out: minimum_password_age,
// password_validity_period, allow_user_to_change_password, and password_requirements, whose
// format IAM does not document.
func toPasswordPolicy(in *model.PasswordPolicy) *cloud.PasswordPolicy {
	return &cloud.PasswordPolicy{
		MinLength:          nonNegative(in.MinimumPasswordLength),
		MaxLength:          nonNegative(in.MaximumPasswordLength),
		MinClasses:         min(nonNegative(in.PasswordCharCombination), 4),
		MaxRepeated:        nonNegative(in.MaximumConsecutiveIdenticalChars),
		NoUserName:         in.PasswordNotUsernameOrInvert,
		NoUserNameReversed: in.PasswordNotUsernameOrInvert,
		ReusePrevention:    nonNegative(in.PasswordReusePrevention),
	}
}

// nonNegative is v as an int, 0 (no rule) when negative.
func nonNegative(v int32) int { return int(max(v, 0)) }

// mfaEnabled reports whether devices holds an enabled device of user. A device that names another
// user does not count (the list was asked for user's devices only); one that names none does.
func mfaEnabled(user string, devices *[]model.MfaDeviceMetadata) bool {
	if devices == nil {
		return false
	}
	for _, d := range *devices {
		if d.Enabled && (d.UserId == user || d.UserId == "") {
			return true
		}
	}
	return false
}

// nextMarker is the marker of the next page; "" when there is none.
func nextMarker(page *model.PageInfo) string {
	if page == nil || page.NextMarker == nil {
		return ""
	}
	return *page.NextMarker
}

// lastLoginOf is the last login of ShowUserLastLoginV5's answer, in UTC; zero when absent.
func lastLoginOf(in *model.UserLastLogin) time.Time {
	if in == nil {
		return time.Time{}
	}
	return timeOf(in.LastLoginAt)
}
