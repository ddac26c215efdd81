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

package simcore

import (
	"fmt"
	"strings"
)

// Rules are a password policy's rules, named the same for every cloud: what the admin API shows
// and takes at /_sim/password-policy. They mirror the provider-neutral cloud.PasswordPolicy, field
// for field and in the same order (this package does not import internal/cloud). A zero field
// imposes nothing.
type Rules struct {
	// MinLength and MaxLength bound the length in characters; 0 is no bound.
	MinLength int `json:"minLength"`
	MaxLength int `json:"maxLength"`
	// RequireUpper, RequireLower, RequireDigit and RequireSymbol each ask for one character of the
	// class (a symbol is any character that is not an ASCII letter or digit).
	RequireUpper  bool `json:"requireUpper"`
	RequireLower  bool `json:"requireLower"`
	RequireDigit  bool `json:"requireDigit"`
	RequireSymbol bool `json:"requireSymbol"`
	// MinClasses asks for characters of at least this many of those four classes.
	MinClasses int `json:"minClasses"`
	// MaxRepeated refuses a run of one character longer than this; 0 is no limit.
	MaxRepeated int `json:"maxRepeated"`
	// MinDistinct asks for at least this many different characters.
	MinDistinct int `json:"minDistinct"`
	// NoUserName refuses a password that contains the user's name, case-insensitively;
	// NoUserNameReversed also refuses the name reversed.
	NoUserName         bool `json:"noUserName"`
	NoUserNameReversed bool `json:"noUserNameReversed"`
	// ReusePrevention refuses the user's last N passwords (the current one included); 0 is off.
	ReusePrevention int `json:"reusePrevention"`
}

// RulesPolicy is a cloud's PasswordPolicy that tells its rules: the admin API shows them (GET
// /_sim/password-policy), and a provider reading the policy converts them.
type RulesPolicy interface {
	PasswordPolicy
	Rules() Rules
}

// Validate returns why the rules make no sense whatever the cloud (a negative number, more than 4
// classes, a maximum length below the minimum, a reuse prevention beyond MaxPasswordHistory), or
// nil.
func (r Rules) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"minLength", r.MinLength}, {"maxLength", r.MaxLength}, {"minClasses", r.MinClasses},
		{"maxRepeated", r.MaxRepeated}, {"minDistinct", r.MinDistinct}, {"reusePrevention", r.ReusePrevention}} {
		if f.v < 0 {
			return fmt.Errorf("%s must not be negative", f.name)
		}
	}
	switch {
	case r.MinClasses > 4:
		return fmt.Errorf("minClasses must be at most 4")
	case r.MaxLength > 0 && r.MaxLength < r.MinLength:
		return fmt.Errorf("maxLength %d is below minLength %d", r.MaxLength, r.MinLength)
	case r.ReusePrevention > MaxPasswordHistory:
		return fmt.Errorf("reusePrevention must be at most %d", MaxPasswordHistory)
	}
	return nil
}

// CheckRules returns why password breaks the rules for user, or "" when it complies; the reason
// never contains the password (nor the user's name). The reuse prevention is not checked here:
// the core applies it (PasswordPolicy.ReuseWindow). The user's name is user up to its first "@"
// (the part of a user principal name before the domain). A cloud may use it in its Check, or keep
// checks and messages of its own.
func CheckRules(r Rules, user, password string) string {
	if reason := CheckLength(password, r.MinLength, r.MaxLength); reason != "" {
		return reason
	}
	chars := CharsOf(password)
	for _, c := range []struct {
		required, has bool
		what          string
	}{
		{r.RequireUpper, chars.Upper, "an upper-case letter"},
		{r.RequireLower, chars.Lower, "a lower-case letter"},
		{r.RequireDigit, chars.Digit, "a digit"},
		{r.RequireSymbol, chars.Symbol, "a symbol"},
	} {
		if c.required && !c.has {
			return "the password must contain " + c.what
		}
	}
	if n := chars.Classes(); n < r.MinClasses {
		return fmt.Sprintf("the password must contain characters of at least %d of the classes upper-case letters, lower-case letters, digits and symbols", r.MinClasses)
	}
	if r.MaxRepeated > 0 && chars.LongestRun > r.MaxRepeated {
		return fmt.Sprintf("the password must not repeat a character more than %d times in a row", r.MaxRepeated)
	}
	if r.MinDistinct > 0 && distinct(password) < r.MinDistinct {
		return fmt.Sprintf("the password must contain at least %d different characters", r.MinDistinct)
	}
	name, _, _ := strings.Cut(strings.ToLower(user), "@")
	if name == "" || (!r.NoUserName && !r.NoUserNameReversed) {
		return ""
	}
	lower := strings.ToLower(password)
	if strings.Contains(lower, name) {
		return "the password must not contain the user name"
	}
	if r.NoUserNameReversed && strings.Contains(lower, reverse(name)) {
		return "the password must not contain the user name reversed"
	}
	return ""
}

// distinct is how many different characters s has.
func distinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// reverse is s with its characters in reverse order.
func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
