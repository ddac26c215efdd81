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
