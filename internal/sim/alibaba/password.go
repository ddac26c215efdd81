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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// PasswordPolicy is the account's password policy. The zero value is Alibaba Cloud's default policy as the
// simulator models it: at least 8 characters, at most 32, not containing the user name.
type PasswordPolicy struct {
	// MinimumLength: 0 means 8; negative means no minimum.
	MinimumLength int
	// RequireUppercase, RequireLowercase, RequireNumbers and RequireSymbols each require one character of the class
	// (a symbol is any character that is not an ASCII letter or digit).
	RequireUppercase, RequireLowercase, RequireNumbers, RequireSymbols bool
	// ReusePrevention refuses a password among the user's last N passwords (the current one included) with
	// CodePasswordReused. 0 turns it off. At most maxPasswordHistory.
	ReusePrevention int
	// MaximumLength: 0 means 32 (the longest console password the service takes, as the simulator models it);
	// negative means no maximum.
	MaximumLength int
}

// maxPasswordHistory is how many password hashes are kept per user (Alibaba Cloud's upper bound for the reuse
// prevention setting).
const maxPasswordHistory = 24

const (
	defaultMinimumLength = 8
	defaultMaximumLength = 32
	// minUserNameLength: the "must not contain the user name" rule applies only to a user name part (before @) of
	// at least this many characters, so that a one-letter test user does not forbid a letter.
	minUserNameLength = 3
)

func (p PasswordPolicy) minimumLength() int {
	switch {
	case p.MinimumLength == 0:
		return defaultMinimumLength
	case p.MinimumLength < 0:
		return 0
	}
	return p.MinimumLength
}

func (p PasswordPolicy) maximumLength() int {
	switch {
	case p.MaximumLength == 0:
		return defaultMaximumLength
	case p.MaximumLength < 0:
		return 0
	}
	return p.MaximumLength
}

func (p PasswordPolicy) reusePrevention() int {
	return min(max(p.ReusePrevention, 0), maxPasswordHistory)
}

// check returns the reason why password violates the policy for user upn, or "" when it complies. The reason never
// contains the password.
func (p PasswordPolicy) check(upn, password string) string {
	n := len([]rune(password))
	if minLen := p.minimumLength(); n < minLen {
		return fmt.Sprintf("the password must be at least %d characters long", minLen)
	}
	if maxLen := p.maximumLength(); maxLen > 0 && n > maxLen {
		return fmt.Sprintf("the password must be at most %d characters long", maxLen)
	}
	name, _, _ := strings.Cut(upn, "@")
	if len(name) >= minUserNameLength && strings.Contains(strings.ToLower(password), strings.ToLower(name)) {
		return "the password must not contain the user name"
	}
	var upper, lower, digit, symbol bool
	for _, r := range password {
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
	}
	switch {
	case p.RequireUppercase && !upper:
		return "the password must contain an upper-case letter"
	case p.RequireLowercase && !lower:
		return "the password must contain a lower-case letter"
	case p.RequireNumbers && !digit:
		return "the password must contain a digit"
	case p.RequireSymbols && !symbol:
		return "the password must contain a symbol"
	}
	return ""
}

// hashPassword is how the simulator keeps the password history: a password is compared, never listed.
func hashPassword(upn, password string) string {
	sum := sha256.Sum256([]byte(upn + "\x00" + password))
	return hex.EncodeToString(sum[:])
}
