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
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// PasswordPolicy is the account's password policy; its fields are named after IAM v5's password policy
// (ShowPasswordPolicyV5). The zero value is the simulator's model of Huawei Cloud's default policy: 8 to 32
// characters of at least 2 of the 4 character classes, not the user name nor the user name reversed, no reuse
// prevention, no expiry.
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
	// PasswordNotUsernameOrInvert refuses a password that contains the user name or the user name reversed,
	// ignoring case; nil means true, IAM's documented default.
	//
	// The user name is the user id: the simulator knows its users by id only (the key of AddUser, the user_id of
	// the API), and has no user names. The real service checks the IAM user's name, which is not its id.
	// IAM documents that the password must not *be* the name or the name spelled backwards; the simulator refuses a
	// password that *contains* either, the stricter reading, which is what the provider-neutral policy makes of
	// this setting (NoUserName and NoUserNameReversed): a password that policy admits is one the simulator admits.
	PasswordNotUsernameOrInvert *bool
	// PasswordReusePrevention refuses a password among the user's last N passwords (the current one included)
	// with CodePasswordReused. 0 turns it off. At most simcore.MaxPasswordHistory.
	PasswordReusePrevention int
	// PasswordValidityPeriod is how many days a password is valid. When positive, a password set through the API
	// or by the user expires after it, and the login profile then has a password_expires_at; 0 means passwords
	// never expire and password_expires_at is left out. Changing it does not change the expiry of the passwords
	// already set.
	PasswordValidityPeriod int
}

// Defaults of a PasswordPolicy's zero fields.
const (
	// defaultCharCombinations is how many character classes a password needs by default.
	defaultCharCombinations = 2
	// defaultNotUsernameOrInvert is password_not_username_or_invert's default.
	defaultNotUsernameOrInvert = true
)

var _ simcore.RulesPolicy = PasswordPolicy{}

// minLength, maxLength and charCombination are the settings in force: 0 for no bound.
func (p PasswordPolicy) minLength() int {
	return simcore.Setting(p.MinimumPasswordLength, simcore.DefaultMinimumLength)
}

func (p PasswordPolicy) maxLength() int {
	return simcore.Setting(p.MaximumPasswordLength, simcore.DefaultMaximumLength)
}

func (p PasswordPolicy) charCombination() int {
	return simcore.Setting(p.PasswordCharCombination, defaultCharCombinations)
}

func (p PasswordPolicy) maxRepeated() int { return max(p.MaximumConsecutiveIdenticalChars, 0) }

// notUsernameOrInvert is PasswordNotUsernameOrInvert in force.
func (p PasswordPolicy) notUsernameOrInvert() bool {
	if p.PasswordNotUsernameOrInvert == nil {
		return defaultNotUsernameOrInvert
	}
	return *p.PasswordNotUsernameOrInvert
}

// Check implements simcore.PasswordPolicy: what the policy refuses beside the length. user is the user id, which
// stands for the user name (see PasswordNotUsernameOrInvert); the reason names neither it nor the password.
func (p PasswordPolicy) Check(user, password string) string {
	c := simcore.CharsOf(password)
	if want := p.charCombination(); c.Classes() < want {
		return fmt.Sprintf("the password must contain at least %d of: upper-case letters, lower-case letters, digits, symbols", want)
	}
	if n := p.maxRepeated(); n > 0 && c.LongestRun > n {
		return fmt.Sprintf("the password must not repeat a character more than %d times in a row", n)
	}
	if p.notUsernameOrInvert() && user != "" {
		name, pw := strings.ToLower(user), strings.ToLower(password)
		if strings.Contains(pw, name) || strings.Contains(pw, reverse(name)) {
			return "the password must not contain the user name or the user name spelled backwards"
		}
	}
	return ""
}

// reverse is s with its characters in reverse order.
func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
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

// Rules implements simcore.RulesPolicy: the settings in force, as neutral rules. The name rule is both NoUserName
// and NoUserNameReversed (one setting in IAM). The validity period has no neutral rule.
func (p PasswordPolicy) Rules() simcore.Rules {
	notName := p.notUsernameOrInvert()
	return simcore.Rules{
		MinLength:          p.minLength(),
		MaxLength:          p.maxLength(),
		MinClasses:         p.charCombination(),
		MaxRepeated:        p.maxRepeated(),
		NoUserName:         notName,
		NoUserNameReversed: notName,
		ReusePrevention:    simcore.ReuseSetting(p.PasswordReusePrevention),
	}
}

// PolicyFromRules is the policy of neutral rules (simcore.Options.PolicyFromRules, for PUT
// /_sim/password-policy): a zero rule is "no bound" (a negative setting), the name rule is
// PasswordNotUsernameOrInvert, and passwords do not expire. It refuses the rules IAM's password policy has no
// setting for: a particular character class (IAM only counts classes: password_char_combination), a number of
// different characters, and the name rule without its reversed form or the other way round (IAM has one setting
// for both).
//
// Values are taken as they come, as Options.PasswordPolicy takes them, although IAM's own ranges are narrower
// (UpdatePasswordPolicyV5: minimum_password_length 8 to 32, password_char_combination 2 to 4,
// maximum_consecutive_identical_chars 0 to 32, password_reuse_prevention 0 to 24), so that a test may relax
// the policy.
func PolicyFromRules(r simcore.Rules) (simcore.PasswordPolicy, error) {
	var refused []string
	if r.RequireUpper || r.RequireLower || r.RequireDigit || r.RequireSymbol {
		refused = append(refused, "requireUpper, requireLower, requireDigit and requireSymbol (IAM sets how many classes a password needs: minClasses)")
	}
	if r.MinDistinct != 0 {
		refused = append(refused, "minDistinct")
	}
	if r.NoUserName != r.NoUserNameReversed {
		refused = append(refused, "noUserName without noUserNameReversed or the other way round (IAM's password_not_username_or_invert is both)")
	}
	if len(refused) > 0 {
		return nil, errors.New("the password policy of Huawei Cloud IAM has no setting for " + strings.Join(refused, "; "))
	}
	none := func(v int) int { // a zero rule is no bound, which the policy spells as a negative setting
		if v == 0 {
			return -1
		}
		return v
	}
	notName := r.NoUserName
	return PasswordPolicy{
		MinimumPasswordLength:            none(r.MinLength),
		MaximumPasswordLength:            none(r.MaxLength),
		PasswordCharCombination:          none(r.MinClasses),
		MaximumConsecutiveIdenticalChars: r.MaxRepeated,
		PasswordNotUsernameOrInvert:      &notName,
		PasswordReusePrevention:          r.ReusePrevention,
	}, nil
}
