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
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// The login lifecycle's reads: ShowPasswordPolicyV5, ListMfaDevicesV5 and ShowUserLastLoginV5, with the paths,
// parameters and answers of the SDK's request definitions (services/iam/v5/iam_meta.go) and models.

// Query parameters of ListMfaDevicesV5, and the keys of its Call.Params (but user_id, which is Call.User).
const (
	QueryUserID = "user_id"
	QueryLimit  = "limit"
	QueryMarker = "marker"
)

// maxMFALimit is the largest limit of ListMfaDevicesV5 (IAM documents 1 to 200, 100 by default).
const maxMFALimit = 200

// wirePasswordPolicy is the password_policy of ShowPasswordPolicyV5, fields in the SDK model's order (every one
// always present: the model has no omitempty).
type wirePasswordPolicy struct {
	MaximumConsecutiveIdenticalChars int    `json:"maximum_consecutive_identical_chars"`
	MaximumPasswordLength            int    `json:"maximum_password_length"`
	MinimumPasswordAge               int    `json:"minimum_password_age"`
	MinimumPasswordLength            int    `json:"minimum_password_length"`
	PasswordReusePrevention          int    `json:"password_reuse_prevention"`
	PasswordNotUsernameOrInvert      bool   `json:"password_not_username_or_invert"`
	PasswordRequirements             string `json:"password_requirements"`
	PasswordValidityPeriod           int    `json:"password_validity_period"`
	PasswordCharCombination          int    `json:"password_char_combination"`
	AllowUserToChangePassword        bool   `json:"allow_user_to_change_password"`
}

// wire is the policy as ShowPasswordPolicyV5 answers it: the settings in force, 0 for no bound. What the
// simulator does not model is answered as a policy that does not use it: minimum_password_age 0, an empty
// password_requirements (whose format IAM does not document), allow_user_to_change_password true (users do change
// their password: UserResetsPassword).
func (p PasswordPolicy) wire() wirePasswordPolicy {
	return wirePasswordPolicy{
		MaximumConsecutiveIdenticalChars: p.maxRepeated(),
		MaximumPasswordLength:            p.maxLength(),
		MinimumPasswordLength:            p.minLength(),
		PasswordReusePrevention:          simcore.ReuseSetting(p.PasswordReusePrevention),
		PasswordNotUsernameOrInvert:      p.notUsernameOrInvert(),
		PasswordValidityPeriod:           max(p.PasswordValidityPeriod, 0),
		PasswordCharCombination:          p.charCombination(),
		AllowUserToChangePassword:        true,
	}
}

// showPasswordPolicy answers ShowPasswordPolicyV5: {"password_policy": {...}}.
func showPasswordPolicy(a simcore.Account) (simcore.Answer, error) {
	policy, ok := a.PasswordPolicy().(PasswordPolicy)
	if !ok { // set through the embedded Core with another cloud's type
		return simcore.Answer{}, codes.Errorf(CodeInternalError, "An unexpected error prevented the server from fulfilling your request: the password policy is a %T, not a huawei.PasswordPolicy.", a.PasswordPolicy())
	}
	return simcore.Answer{Status: http.StatusOK, Body: map[string]any{"password_policy": policy.wire()}}, nil
}

// wireMFADevice is an entry of ListMfaDevicesV5's mfa_devices (the SDK's MfaDeviceMetadata).
type wireMFADevice struct {
	SerialNumber string `json:"serial_number"`
	UserID       string `json:"user_id"`
	Enabled      bool   `json:"enabled"`
}

// wirePageInfo is ListMfaDevicesV5's page_info (the SDK's PageInfo).
type wirePageInfo struct {
	NextMarker   string `json:"next_marker,omitempty"`
	CurrentCount int    `json:"current_count"`
}

// listMFADevices answers ListMfaDevicesV5 for one user: {"mfa_devices": [...], "page_info": {"current_count"}}.
// A user with an MFA device bound has one virtual device, enabled (IAM allows one per user), whose serial number
// is iam:<domain id>:mfa/<user id> (IAM's form, iam:<domain id>:mfa/<device name>, the device named after the
// user); a user without has none. The list fits one page: no next_marker, so any marker is one the simulator did
// not hand out (PAP5.0010). The simulator keeps MFA devices per user only: without user_id, which asks for every
// device of the account, it answers IAM.0007. A missing user is CodeUserNotFound, 404: the simulator's choice,
// as for the other APIs naming a user (IAM documents only 400 and 403 for ListMfaDevicesV5, and that the user id
// must exist).
func listMFADevices(a simcore.Account, domainID, userID string, query url.Values) (simcore.Answer, error) {
	if v := query.Get(QueryLimit); query.Has(QueryLimit) {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > maxMFALimit {
			return simcore.Answer{}, invalidParameter(QueryLimit, fmt.Sprintf("an integer from 1 to %d", maxMFALimit))
		}
	}
	if query.Has(QueryMarker) {
		return simcore.Answer{}, codes.Errorf(CodeInvalidMarker, "invalid marker")
	}
	if userID == "" {
		return simcore.Answer{}, invalidParameter(QueryUserID, "required by the simulator, which lists the MFA devices of one user only")
	}
	bound, err := a.MFABound(userID)
	if err != nil {
		return simcore.Answer{}, err
	}
	devices := []wireMFADevice{}
	if bound {
		devices = append(devices, wireMFADevice{SerialNumber: "iam:" + domainID + ":mfa/" + userID, UserID: userID, Enabled: true})
	}
	return simcore.Answer{Status: http.StatusOK, Body: map[string]any{
		"mfa_devices": devices,
		"page_info":   wirePageInfo{CurrentCount: len(devices)},
	}}, nil
}

// wireLastLogin is ShowUserLastLoginV5's user_last_login (the SDK's UserLastLogin): last_login_at is absent while
// the user never logged in.
type wireLastLogin struct {
	LastLoginAt string `json:"last_login_at,omitempty"`
}

// showLastLogin answers ShowUserLastLoginV5: {"user_last_login": {"last_login_at"}}; CodeUserNotFound, 404, for a
// missing user. The user needs no login profile.
func showLastLogin(a simcore.Account, userID string) (simcore.Answer, error) {
	at, err := a.LastLogin(userID)
	if err != nil {
		return simcore.Answer{}, err
	}
	return simcore.Answer{Status: http.StatusOK, Body: map[string]any{"user_last_login": wireLastLogin{LastLoginAt: formatTime(at)}}}, nil
}
