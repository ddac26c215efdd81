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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
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
	// with CodePasswordReused. 0 turns it off. At most 24.
	PasswordReusePrevention int
	// PasswordValidityPeriod is how many days a password is valid. When positive, a password set through the API
	// or by the user expires after it, and the login profile then has a password_expires_at; 0 means passwords
	// never expire and password_expires_at is left out. Changing it does not change the expiry of the passwords
	// already set.
	PasswordValidityPeriod int
}

// maxPasswordHistory is how many password hashes are kept per user.
const maxPasswordHistory = 24

const (
	defaultMinimumLength    = 8
	defaultMaximumLength    = 32
	defaultCharCombinations = 2
)

func (p PasswordPolicy) minimumLength() int {
	switch {
	case p.MinimumPasswordLength == 0:
		return defaultMinimumLength
	case p.MinimumPasswordLength < 0:
		return 0
	}
	return p.MinimumPasswordLength
}

func (p PasswordPolicy) maximumLength() int {
	switch {
	case p.MaximumPasswordLength == 0:
		return defaultMaximumLength
	case p.MaximumPasswordLength < 0:
		return 0
	}
	return p.MaximumPasswordLength
}

func (p PasswordPolicy) charCombination() int {
	switch {
	case p.PasswordCharCombination == 0:
		return defaultCharCombinations
	case p.PasswordCharCombination < 0:
		return 0
	}
	return p.PasswordCharCombination
}

func (p PasswordPolicy) reusePrevention() int {
	return min(max(p.PasswordReusePrevention, 0), maxPasswordHistory)
}

// expiry is when a password set at setAt expires; zero when passwords do not expire.
func (p PasswordPolicy) expiry(setAt time.Time) time.Time {
	if p.PasswordValidityPeriod <= 0 {
		return time.Time{}
	}
	return setAt.AddDate(0, 0, p.PasswordValidityPeriod)
}

// check returns the reason why password violates the policy, or "" when it complies. The reason never contains
// the password.
func (p PasswordPolicy) check(password string) string {
	runes := []rune(password)
	if minLen := p.minimumLength(); len(runes) < minLen {
		return fmt.Sprintf("the password must be at least %d characters long", minLen)
	}
	if maxLen := p.maximumLength(); maxLen > 0 && len(runes) > maxLen {
		return fmt.Sprintf("the password must be at most %d characters long", maxLen)
	}
	var upper, lower, digit, symbol bool
	run, longest := 0, 0
	for i, r := range runes {
		switch {
		case 'A' <= r && r <= 'Z':
			upper = true
		case 'a' <= r && r <= 'z':
			lower = true
		case '0' <= r && r <= '9':
			digit = true
		default:
			symbol = true
		}
		if i > 0 && runes[i-1] == r {
			run++
		} else {
			run = 1
		}
		longest = max(longest, run)
	}
	classes := 0
	for _, has := range []bool{upper, lower, digit, symbol} {
		if has {
			classes++
		}
	}
	if want := p.charCombination(); classes < want {
		return fmt.Sprintf("the password must contain at least %d of: upper-case letters, lower-case letters, digits, symbols", want)
	}
	if n := p.MaximumConsecutiveIdenticalChars; n > 0 && longest > n {
		return fmt.Sprintf("the password must not repeat a character more than %d times in a row", n)
	}
	return ""
}

// hashPassword is how the simulator keeps the password history: a password is compared, never listed.
func hashPassword(userID, password string) string {
	sum := sha256.Sum256([]byte(userID + "\x00" + password))
	return hex.EncodeToString(sum[:])
}
