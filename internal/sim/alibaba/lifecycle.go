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

// The login lifecycle's actions: GetPasswordPolicy and GetUserMFAInfo. The last login has no action: GetLoginProfile's
// LastLoginTime carries it.

import (
	"net/http"
	"strings"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// getPasswordPolicy answers GetPasswordPolicy: {"PasswordPolicy": {...}}.
func getPasswordPolicy(a simcore.Account) (simcore.Answer, error) {
	w, ok := wirePolicyOf(a.PasswordPolicy())
	if !ok {
		return simcore.Answer{}, codes.New(CodeInternalError, "The password policy set on the simulator is not an IMS password policy.")
	}
	return simcore.Answer{Status: http.StatusOK, Body: map[string]any{"PasswordPolicy": w}}, nil
}

// getUserMFAInfo answers GetUserMFAInfo: the user's virtual MFA device, or EntityNotExist.User.MFADevice (HTTP 404)
// when the user has none. That code is RAM's for "The user has not bound any MFA device." in its error reference, and
// the one the tools that read GetUserMFAInfo (ScoutSuite, CloudSploit) take for "no MFA"; the IMS reference lists no
// codes of its own.
func getUserMFAInfo(a simcore.Account, upn string) (simcore.Answer, error) {
	bound, err := a.MFABound(upn)
	switch {
	case err != nil:
		return simcore.Answer{}, err
	case !bound:
		return simcore.Answer{}, codes.New(CodeEntityNotExistUserMFADevice, "")
	}
	return simcore.Answer{Status: http.StatusOK, Body: map[string]any{
		"IsMFAEnable": true,
		"MFADevice":   wireMFADevice{SerialNumber: MFASerialNumber(upn), Type: MFADeviceTypeVirtual},
	}}, nil
}

// wirePasswordPolicy is the PasswordPolicy of GetPasswordPolicy, every field of the SDK's ims.PasswordPolicy.
type wirePasswordPolicy struct {
	MinimumPasswordLength             int  `json:"MinimumPasswordLength"`
	RequireLowercaseCharacters        bool `json:"RequireLowercaseCharacters"`
	RequireUppercaseCharacters        bool `json:"RequireUppercaseCharacters"`
	RequireNumbers                    bool `json:"RequireNumbers"`
	RequireSymbols                    bool `json:"RequireSymbols"`
	HardExpire                        bool `json:"HardExpire"`
	MaxLoginAttemps                   int  `json:"MaxLoginAttemps"`
	PasswordReusePrevention           int  `json:"PasswordReusePrevention"`
	MaxPasswordAge                    int  `json:"MaxPasswordAge"`
	MinimumPasswordDifferentCharacter int  `json:"MinimumPasswordDifferentCharacter"`
	PasswordNotContainUserName        bool `json:"PasswordNotContainUserName"`
}

// wirePolicyOf is the answer of GetPasswordPolicy for the account's policy: a PasswordPolicy, or another cloud's
// policy that tells its rules (set through the core), as far as IMS can say it. The simulated passwords never
// expire and logins are never locked: MaxPasswordAge and MaxLoginAttemps are 0, HardExpire false (the service's
// defaults). false when the policy cannot be told.
func wirePolicyOf(pp simcore.PasswordPolicy) (wirePasswordPolicy, bool) {
	var r simcore.Rules
	switch p := pp.(type) {
	case PasswordPolicy:
		r = p.Rules()
	case simcore.RulesPolicy:
		r = p.Rules()
	default:
		return wirePasswordPolicy{}, false
	}
	return wirePasswordPolicy{
		MinimumPasswordLength:      r.MinLength,
		RequireLowercaseCharacters: r.RequireLower, RequireUppercaseCharacters: r.RequireUpper,
		RequireNumbers: r.RequireDigit, RequireSymbols: r.RequireSymbol,
		PasswordReusePrevention:           r.ReusePrevention,
		MinimumPasswordDifferentCharacter: r.MinDistinct,
		PasswordNotContainUserName:        r.NoUserName,
	}, true
}

// wireMFADevice is the MFADevice of GetUserMFAInfo.
type wireMFADevice struct {
	SerialNumber string `json:"SerialNumber"`
	Type         string `json:"Type"`
}

// MFADeviceTypeVirtual is the Type of a virtual MFA device, the only kind the simulator binds.
const MFADeviceTypeVirtual = "VMFA"

// AccountID is the simulated account's id, in the serial numbers of MFA devices.
const AccountID = "1234567890123456"

// MFASerialNumber is the serial number of the virtual MFA device bound to a user: the device's ARN,
// acs:ram::<account id>:mfa/<user name>, as the service names a virtual device after its user.
func MFASerialNumber(upn string) string {
	name, _, _ := strings.Cut(upn, "@")
	return "acs:ram::" + AccountID + ":mfa/" + name
}
