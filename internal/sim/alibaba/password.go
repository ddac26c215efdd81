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
	"strings"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// PasswordPolicy is the account's password policy. The zero value is Alibaba Cloud's default policy as the
// simulator models it: at least 8 characters, at most 32, not containing the user name. Passwords do not expire.
type PasswordPolicy struct {
	// MinimumLength: 0 means 8; negative means no minimum.
	MinimumLength int
	// RequireUppercase, RequireLowercase, RequireNumbers and RequireSymbols each require one character of the class
	// (a symbol is any character that is not an ASCII letter or digit).
	RequireUppercase, RequireLowercase, RequireNumbers, RequireSymbols bool
	// ReusePrevention refuses a password among the user's last N passwords (the current one included) with
	// CodePasswordReused. 0 turns it off. At most simcore.MaxPasswordHistory.
	ReusePrevention int
	// MaximumLength: 0 means 32 (the longest console password the service takes, as the simulator models it);
	// negative means no maximum.
	MaximumLength int
}

// minUserNameLength: the "must not contain the user name" rule applies only to a user name part (before @) of at
// least this many characters, so that a one-letter test user does not forbid a letter.
const minUserNameLength = 3

// Check implements simcore.PasswordPolicy: what the policy refuses beside the length.
func (p PasswordPolicy) Check(upn, password string) string {
	name, _, _ := strings.Cut(upn, "@")
	if len(name) >= minUserNameLength && strings.Contains(strings.ToLower(password), strings.ToLower(name)) {
		return "the password must not contain the user name"
	}
	c := simcore.CharsOf(password)
	switch {
	case p.RequireUppercase && !c.Upper:
		return "the password must contain an upper-case letter"
	case p.RequireLowercase && !c.Lower:
		return "the password must contain a lower-case letter"
	case p.RequireNumbers && !c.Digit:
		return "the password must contain a digit"
	case p.RequireSymbols && !c.Symbol:
		return "the password must contain a symbol"
	}
	return ""
}

// Length implements simcore.LengthPolicy: the core checks it before Check.
func (p PasswordPolicy) Length() simcore.Length {
	return simcore.Length{Minimum: p.MinimumLength, Maximum: p.MaximumLength}
}

// ReuseWindow implements simcore.PasswordPolicy.
func (p PasswordPolicy) ReuseWindow() int { return p.ReusePrevention }

// Expiry implements simcore.PasswordPolicy: the simulated passwords never expire.
func (PasswordPolicy) Expiry(time.Time) time.Time { return time.Time{} }
