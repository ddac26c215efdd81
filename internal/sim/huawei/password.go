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
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// PasswordPolicy is the account's password policy; its fields are named after IAM v5's password policy
// (ShowPasswordPolicyV5). The zero value is the simulator's model of Huawei Cloud's default policy: 8 to 32
// characters of at least 2 of the 4 character classes, no reuse prevention, no expiry.
type PasswordPolicy struct {
	// MinimumPasswordLength: 0 means 8; negative means no minimum.
	MinimumPasswordLength int
	// MaximumPasswordLength: 0 means 32; negative means no maximum.
	MaximumPasswordLength int
	// PasswordCharCombination is how many of the 4 character classes (upper-case letters, lower-case letters,
	// digits, and symbols: any other character) a password must contain: 0 means 2; negative means any.
	PasswordCharCombination int
	// MaximumConsecutiveIdenticalChars refuses a password with a longer run of one character; 0 means no limit.
	MaximumConsecutiveIdenticalChars int
	// PasswordReusePrevention refuses a password among the user's last N passwords (the current one included)
	// with CodePasswordReused. 0 turns it off. At most simcore.MaxPasswordHistory.
	PasswordReusePrevention int
	// PasswordValidityPeriod is how many days a password is valid. When positive, a password set through the API
	// or by the user expires after it, and the login profile then has a password_expires_at; 0 means passwords
	// never expire and password_expires_at is left out. Changing it does not change the expiry of the passwords
	// already set.
	PasswordValidityPeriod int
}

// defaultCharCombinations is how many character classes a password needs by default.
const defaultCharCombinations = 2

// Check implements simcore.PasswordPolicy: what the policy refuses beside the length; the user id plays no part.
func (p PasswordPolicy) Check(_, password string) string {
	c := simcore.CharsOf(password)
	if want := simcore.Setting(p.PasswordCharCombination, defaultCharCombinations); c.Classes() < want {
		return fmt.Sprintf("the password must contain at least %d of: upper-case letters, lower-case letters, digits, symbols", want)
	}
	if n := p.MaximumConsecutiveIdenticalChars; n > 0 && c.LongestRun > n {
		return fmt.Sprintf("the password must not repeat a character more than %d times in a row", n)
	}
	return ""
}

// Length implements simcore.LengthPolicy: the core checks it before Check.
func (p PasswordPolicy) Length() simcore.Length {
	return simcore.Length{Minimum: p.MinimumPasswordLength, Maximum: p.MaximumPasswordLength}
}

// ReuseWindow implements simcore.PasswordPolicy.
func (p PasswordPolicy) ReuseWindow() int { return p.PasswordReusePrevention }

// Expiry implements simcore.PasswordPolicy: PasswordValidityPeriod days after setAt; zero when passwords do not
// expire.
func (p PasswordPolicy) Expiry(setAt time.Time) time.Time {
	if p.PasswordValidityPeriod <= 0 {
		return time.Time{}
	}
	return setAt.AddDate(0, 0, p.PasswordValidityPeriod)
}
