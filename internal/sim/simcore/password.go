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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// PasswordPolicy is the part of an account's password policy that differs between clouds. The
// core keeps the password history and applies the reuse prevention; the cloud says which passwords
// its rules refuse and when they expire.
type PasswordPolicy interface {
	// Check returns why password is refused for user, or "" when it complies. The reason never
	// contains the password.
	Check(user, password string) string
	// ReuseWindow is how many of the user's last passwords (the current one included) are
	// refused; 0 turns it off. At most MaxPasswordHistory.
	ReuseWindow() int
	// Expiry is when a password set at setAt expires; zero when it does not.
	Expiry(setAt time.Time) time.Time
}

// MaxPasswordHistory is how many passwords are remembered per user (the clouds' upper bound for
// the reuse prevention setting).
const MaxPasswordHistory = 24

// Setting resolves a policy's numeric setting: 0 means def, negative means none (0).
func Setting(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// ReuseSetting bounds a reuse prevention setting to 0..MaxPasswordHistory.
func ReuseSetting(n int) int { return min(max(n, 0), MaxPasswordHistory) }

// The length rule of the simulated clouds' default password policies: 8 to 32 characters.
const (
	DefaultMinimumLength = 8
	DefaultMaximumLength = 32
)

// LengthPolicy is a PasswordPolicy whose length rule is the clouds' usual one: the core checks
// the Length before the policy's Check, which then says only what else the cloud refuses.
type LengthPolicy interface {
	PasswordPolicy
	Length() Length
}

// CheckPassword returns why policy refuses password for user, or "" when it complies: the length
// of a LengthPolicy first, then the policy's Check. The reason never contains the password.
func CheckPassword(policy PasswordPolicy, user, password string) string {
	if l, ok := policy.(LengthPolicy); ok {
		if reason := l.Length().Check(password); reason != "" {
			return reason
		}
	}
	return policy.Check(user, password)
}

// Length is a password policy's length rule as the clouds configure it: a Minimum of 0 means
// DefaultMinimumLength, a Maximum of 0 DefaultMaximumLength; a negative one means no bound.
type Length struct{ Minimum, Maximum int }

// Check returns why password breaks the rule, or "" when it complies.
func (l Length) Check(password string) string {
	return CheckLength(password, Setting(l.Minimum, DefaultMinimumLength), Setting(l.Maximum, DefaultMaximumLength))
}

// CheckLength returns why password is not between minLen and maxLen characters (0: no bound), or
// "" when it is. Characters are counted, not bytes.
func CheckLength(password string, minLen, maxLen int) string {
	n := len([]rune(password))
	if n < minLen {
		return fmt.Sprintf("the password must be at least %d characters long", minLen)
	}
	if maxLen > 0 && n > maxLen {
		return fmt.Sprintf("the password must be at most %d characters long", maxLen)
	}
	return ""
}

// Chars is what a password is made of, as password policies count it.
type Chars struct {
	// Upper, Lower, Digit and Symbol: the password has an ASCII upper-case letter, lower-case
	// letter, digit, and any other character.
	Upper, Lower, Digit, Symbol bool
	// LongestRun is the longest run of one character.
	LongestRun int
}

// CharsOf tells what password is made of.
func CharsOf(password string) Chars {
	var c Chars
	var prev rune
	run := 0
	for i, r := range []rune(password) {
		switch {
		case 'A' <= r && r <= 'Z':
			c.Upper = true
		case 'a' <= r && r <= 'z':
			c.Lower = true
		case '0' <= r && r <= '9':
			c.Digit = true
		default:
			c.Symbol = true
		}
		if i > 0 && r == prev {
			run++
		} else {
			run = 1
		}
		prev = r
		c.LongestRun = max(c.LongestRun, run)
	}
	return c
}

// Classes is how many of the 4 character classes the password has.
func (c Chars) Classes() int {
	n := 0
	for _, has := range []bool{c.Upper, c.Lower, c.Digit, c.Symbol} {
		if has {
			n++
		}
	}
	return n
}

// hashPassword is how the history keeps a password: compared, never listed.
func hashPassword(user, password string) string {
	sum := sha256.Sum256([]byte(user + "\x00" + password))
	return hex.EncodeToString(sum[:])
}
