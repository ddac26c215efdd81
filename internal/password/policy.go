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

package password

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// Check returns the rules of policy that pw breaks, each said the way a person fixes it ("needs a
// symbol", "at least 12 characters"); none when it complies. user is the cloud's key of the user
// (a user principal name: only the part before "@" is its name). Nothing returned contains the
// password.
func Check(policy *cloud.PasswordPolicy, user, pw string) []string {
	if policy == nil {
		return nil
	}
	var broken []string
	c := classify(pw)
	n := len([]rune(pw))
	if policy.MinLength > 0 && n < policy.MinLength {
		broken = append(broken, fmt.Sprintf("at least %d characters", policy.MinLength))
	}
	if policy.MaxLength > 0 && n > policy.MaxLength {
		broken = append(broken, fmt.Sprintf("at most %d characters", policy.MaxLength))
	}
	for _, r := range []struct {
		required, has bool
		rule          string
	}{
		{policy.RequireUpper, c.upper, "needs an upper-case letter"},
		{policy.RequireLower, c.lower, "needs a lower-case letter"},
		{policy.RequireDigit, c.digit, "needs a digit"},
		{policy.RequireSymbol, c.symbol, "needs a symbol"},
	} {
		if r.required && !r.has {
			broken = append(broken, r.rule)
		}
	}
	if policy.MinClasses > 0 && c.classes() < policy.MinClasses {
		broken = append(broken, fmt.Sprintf("needs characters of at least %d of: upper-case letters, lower-case letters, digits, symbols", policy.MinClasses))
	}
	if policy.MaxRepeated > 0 && c.longestRun > policy.MaxRepeated {
		broken = append(broken, fmt.Sprintf("must not repeat a character more than %d times in a row", policy.MaxRepeated))
	}
	if policy.MinDistinct > 0 && c.distinct < policy.MinDistinct {
		broken = append(broken, fmt.Sprintf("needs at least %d different characters", policy.MinDistinct))
	}
	if name := userName(user); name != "" {
		lower := strings.ToLower(pw)
		switch {
		case (policy.NoUserName || policy.NoUserNameReversed) && strings.Contains(lower, name):
			broken = append(broken, "must not contain the user name")
		case policy.NoUserNameReversed && strings.Contains(lower, reverse(name)):
			broken = append(broken, "must not contain the user name reversed")
		}
	}
	return broken
}

// userName is the name part of a user key, lower-cased: before "@" for a user principal name.
func userName(user string) string {
	name, _, _ := strings.Cut(user, "@")
	return strings.ToLower(name)
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// chars is what a password is made of, as password policies count it.
type chars struct {
	upper, lower, digit, symbol bool
	longestRun, distinct        int
}

func classify(pw string) chars {
	var c chars
	seen := map[rune]bool{}
	var prev rune
	run := 0
	for i, r := range []rune(pw) {
		switch {
		case 'A' <= r && r <= 'Z':
			c.upper = true
		case 'a' <= r && r <= 'z':
			c.lower = true
		case '0' <= r && r <= '9':
			c.digit = true
		default:
			c.symbol = true
		}
		if i > 0 && r == prev {
			run++
		} else {
			run = 1
		}
		prev = r
		c.longestRun = max(c.longestRun, run)
		seen[r] = true
	}
	c.distinct = len(seen)
	return c
}

func (c chars) classes() int {
	n := 0
	for _, has := range []bool{c.upper, c.lower, c.digit, c.symbol} {
		if has {
			n++
		}
	}
	return n
}

// GeneratedLength is the length of a generated password when the policy allows it: long enough
// that guessing it is out of the question (about 128 bits), short enough to type once.
const GeneratedLength = 20

// The alphabets of a generated password. The symbols are those every cloud's console accepts;
// characters easily confused (0/O, 1/l/I) are left out, as the user may have to type it once.
const (
	upperChars  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	lowerChars  = "abcdefghijkmnopqrstuvwxyz"
	digitChars  = "23456789"
	symbolChars = "!#$%&*+-=?@^_"
)

// ErrUnsatisfiable means that no password satisfies the policy (its length bounds cannot hold
// every class it requires, or it contradicts itself).
var ErrUnsatisfiable = errors.New("no password can satisfy the account's password policy")

// Generate returns a random password that satisfies policy for user: GeneratedLength characters
// (more when the policy's minimum is higher, fewer when its maximum is lower), with a character of
// every class and no character twice, drawn from crypto/rand.
func Generate(policy *cloud.PasswordPolicy, user string) (string, error) {
	p := cloud.PasswordPolicy{}
	if policy != nil {
		p = *policy
	}
	n := max(GeneratedLength, p.MinLength, p.MinDistinct)
	if p.MaxLength > 0 {
		n = min(n, p.MaxLength)
	}
	if n < 4 || (p.MinLength > 0 && n < p.MinLength) {
		return "", fmt.Errorf("%w: it allows at most %d characters and a generated password has one of each of the 4 classes", ErrUnsatisfiable, n)
	}
	classes := []string{upperChars, lowerChars, digitChars, symbolChars}
	all := strings.Join(classes, "")
	// A draw breaks a rule only by chance (a run, the user's name): a few draws are enough.
	// No character twice while the alphabet allows it: every distinct-characters and repeated-run
	// rule then holds by construction.
	distinct := n <= len(all)
	for range 64 {
		pw := make([]byte, n)
		used := map[byte]bool{}
		for i := range pw {
			set := all
			if i < len(classes) {
				set = classes[i]
			}
			if distinct {
				set = strings.Map(func(r rune) rune {
					if used[byte(r)] {
						return -1
					}
					return r
				}, set)
			}
			c, err := pick(set)
			if err != nil {
				return "", err
			}
			pw[i], used[c] = c, true
		}
		if err := shuffle(pw); err != nil {
			return "", err
		}
		if len(Check(&p, user, string(pw))) == 0 {
			return string(pw), nil
		}
	}
	return "", fmt.Errorf("%w: %s", ErrUnsatisfiable, strings.Join(Check(&p, user, strings.Repeat("A", n)), ", "))
}

func pick(set string) (byte, error) {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
	if err != nil {
		return 0, fmt.Errorf("reading random bytes: %w", err)
	}
	return set[i.Int64()], nil
}

// shuffle is a Fisher-Yates shuffle with crypto/rand, so that the class of each position is not
// known either.
func shuffle(b []byte) error {
	for i := len(b) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return fmt.Errorf("reading random bytes: %w", err)
		}
		b[i], b[j.Int64()] = b[j.Int64()], b[i]
	}
	return nil
}
