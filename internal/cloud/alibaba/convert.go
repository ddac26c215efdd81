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
	"fmt"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// timeLayouts are the forms of IMS dates: ISO 8601 in UTC to the second ("2020-10-14T07:48:41Z");
// the others are accepted in case the service varies (fractions, offsets, minutes only).
var timeLayouts = []string{
	time.RFC3339Nano, // also parses "2020-10-14T07:48:41Z"
	"2006-01-02T15:04Z07:00",
	"2006-01-02 15:04:05",
}

// parseTime parses an IMS date; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised date %q", s)
}

// toLoginProfile converts the LoginProfile of an IMS response. user is the user asked for, used
// when the response does not name one. A profile without status or with a date that does not
// parse is an error: the controller compares UpdateDate to tell whether a write landed, and a
// silent zero would mislead it.
func toLoginProfile(user string, in ims.LoginProfile) (*cloud.LoginProfile, error) {
	if in.Status == "" {
		// IMS always reports the status: this is not its answer (a wrong endpoint that says 200).
		return nil, fmt.Errorf("the response has no LoginProfile")
	}
	out := &cloud.LoginProfile{
		User:                  in.UserPrincipalName,
		Status:                in.Status,
		MFABindRequired:       in.MFABindRequired,
		PasswordResetRequired: in.PasswordResetRequired,
	}
	if out.User == "" {
		out.User = user
	}
	var err error
	if out.CreateDate, err = parseTime(in.CreateDate); err != nil {
		return nil, fmt.Errorf("CreateDate: %w", err)
	}
	if out.UpdateDate, err = parseTime(in.UpdateDate); err != nil {
		return nil, fmt.Errorf("UpdateDate: %w", err)
	}
	if out.LastLoginTime, err = parseTime(in.LastLoginTime); err != nil {
		return nil, fmt.Errorf("LastLoginTime: %w", err)
	}
	return out, nil
}

// maxPasswordLength is the longest console password IMS takes, as far as the documentation shows:
// it has no setting for a maximum, and MinimumPasswordLength may be set up to 32 at most
// (InvalidParameter.MinimumPasswordLength.Range: "MUST be in the range of 8 and 32"). That 32 is
// also the longest password is an inference, not a documented limit.
const maxPasswordLength = 32

// toPasswordPolicy converts GetPasswordPolicy's policy to the rules it imposes on a password's
// content. IMS has no number of character classes nor a limit on repeated characters, and refuses
// only the user name itself, not reversed: those stay zero. MaxPasswordAge, HardExpire and
// MaxLoginAttemps govern expiry and logins, not the content, and are not kept.
func toPasswordPolicy(in ims.PasswordPolicy) *cloud.PasswordPolicy {
	return &cloud.PasswordPolicy{
		MinLength:       in.MinimumPasswordLength,
		MaxLength:       maxPasswordLength,
		RequireUpper:    in.RequireUppercaseCharacters,
		RequireLower:    in.RequireLowercaseCharacters,
		RequireDigit:    in.RequireNumbers,
		RequireSymbol:   in.RequireSymbols,
		MinDistinct:     in.MinimumPasswordDifferentCharacter,
		NoUserName:      in.PasswordNotContainUserName,
		ReusePrevention: in.PasswordReusePrevention,
	}
}

// mfaBound reads GetUserMFAInfo's answer: a device reported, or IsMFAEnable, is a device bound.
// (IMS answers a user without a device with an error, EntityNotExist.User.MFADevice.)
func mfaBound(resp *ims.GetUserMFAInfoResponse) bool {
	return resp.IsMFAEnable || resp.MFADevice.SerialNumber != ""
}

// validStatus reports whether s is a login status IMS accepts.
func validStatus(s string) bool { return s == cloud.StatusActive || s == cloud.StatusInactive }

// newCreateRequest builds CreateLoginProfile with every field set: the booleans through
// requests.NewBoolean (an unset requests.Boolean is not sent, and the cloud's default would apply).
func newCreateRequest(req cloud.CreateRequest) *ims.CreateLoginProfileRequest {
	r := ims.CreateCreateLoginProfileRequest()
	r.UserPrincipalName = req.User
	r.Password = req.Password.Reveal()
	r.Status = req.Status
	r.MFABindRequired = requests.NewBoolean(req.MFABindRequired)
	r.PasswordResetRequired = requests.NewBoolean(req.PasswordResetRequired)
	return r
}

// newUpdateRequest builds UpdateLoginProfile with the non-nil fields of req only: the SDK sends no
// parameter for an empty string or an unset requests.Boolean, and IMS changes only what it is sent.
func newUpdateRequest(req cloud.UpdateRequest) *ims.UpdateLoginProfileRequest {
	r := ims.CreateUpdateLoginProfileRequest()
	r.UserPrincipalName = req.User
	if req.Password != nil {
		r.Password = req.Password.Reveal()
	}
	if req.Status != nil {
		r.Status = *req.Status
	}
	if req.MFABindRequired != nil {
		r.MFABindRequired = requests.NewBoolean(*req.MFABindRequired)
	}
	if req.PasswordResetRequired != nil {
		r.PasswordResetRequired = requests.NewBoolean(*req.PasswordResetRequired)
	}
	return r
}
