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
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

func TestCheckNamesEveryBrokenRule(t *testing.T) {
	strict := &cloud.PasswordPolicy{MinLength: 12, MaxLength: 32, RequireUpper: true, RequireLower: true, RequireDigit: true,
		RequireSymbol: true, MinDistinct: 6, NoUserName: true}
	for _, tc := range []struct {
		name   string
		policy *cloud.PasswordPolicy
		user   string
		pw     string
		want   []string
	}{
		{"complies", strict, "alice@corp.onaliyun.com", "Correct-Horse-9", nil},
		{"no policy", nil, "alice", "a", nil},
		{"short", strict, "bob@x", "Ab1!", []string{"at least 12 characters", "needs at least 6 different characters"}},
		{"no symbol", strict, "bob@x", "CorrectHorse99", []string{"needs a symbol"}},
		{"no classes but lower", strict, "bob@x", "correcthorsebattery",
			[]string{"needs an upper-case letter", "needs a digit", "needs a symbol"}},
		{"too long", &cloud.PasswordPolicy{MaxLength: 8}, "bob", "123456789", []string{"at most 8 characters"}},
		{"user name, any case", strict, "alice@corp.onaliyun.com", "xx-ALICE-Secret-1", []string{"must not contain the user name"}},
		{"short user name", strict, "al@corp", "xx-Al-Secret-12", []string{"must not contain the user name"}},
		{"reversed", &cloud.PasswordPolicy{NoUserNameReversed: true}, "u-alice", "ecila-u-Pw", []string{"must not contain the user name reversed"}},
		{"classes", &cloud.PasswordPolicy{MinClasses: 3}, "bob", "abcdef12",
			[]string{"needs characters of at least 3 of: upper-case letters, lower-case letters, digits, symbols"}},
		{"runs", &cloud.PasswordPolicy{MaxRepeated: 2}, "bob", "Paaassword1", []string{"must not repeat a character more than 2 times in a row"}},
		{"distinct", &cloud.PasswordPolicy{MinDistinct: 5}, "bob", "abababab", []string{"needs at least 5 different characters"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.policy, tc.user, tc.pw)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Check = %q, want %q", got, tc.want)
			}
			for _, rule := range got {
				if strings.Contains(rule, tc.pw) {
					t.Fatalf("a rule contains the password: %q", rule)
				}
			}
		})
	}
}

func TestGenerateRefusesAPolicyNothingSatisfies(t *testing.T) {
	for _, p := range []*cloud.PasswordPolicy{{MaxLength: 3}, {MinLength: 10, MaxLength: 8}} {
		if pw, err := Generate(p, "bob"); !errors.Is(err, ErrUnsatisfiable) {
			t.Fatalf("Generate(%+v) = %q, %v; want ErrUnsatisfiable", *p, pw, err)
		}
	}
}

func TestGeneratedPasswordsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		pw, err := Generate(nil, "bob")
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != GeneratedLength || seen[pw] {
			t.Fatalf("generated %d characters, seen before: %t", len(pw), seen[pw])
		}
		seen[pw] = true
	}
}

// FuzzGenerateSatisfiesThePolicy: whatever the policy, a generated password satisfies it, or no
// password could (its length bounds are too tight for the four classes).
func FuzzGenerateSatisfiesThePolicy(f *testing.F) {
	f.Add(uint8(8), uint8(32), uint8(0xff), uint8(3), uint8(2), uint8(6), "alice@corp.onaliyun.com")
	f.Add(uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), "u")
	f.Add(uint8(30), uint8(0), uint8(0x0f), uint8(4), uint8(1), uint8(20), "abcdefghijkmnopq")
	f.Fuzz(func(t *testing.T, minLen, maxLen, flags, classes, repeated, distinct uint8, user string) {
		p := &cloud.PasswordPolicy{
			MinLength: int(minLen % 64), MaxLength: int(maxLen % 64),
			RequireUpper: flags&1 != 0, RequireLower: flags&2 != 0, RequireDigit: flags&4 != 0, RequireSymbol: flags&8 != 0,
			NoUserName: flags&16 != 0, NoUserNameReversed: flags&32 != 0,
			MinClasses: int(classes % 5), MaxRepeated: int(repeated % 4), MinDistinct: int(distinct % 40),
		}
		pw, err := Generate(p, user)
		if err != nil {
			if !errors.Is(err, ErrUnsatisfiable) {
				t.Fatalf("Generate(%+v): %v", *p, err)
			}
			if p.MaxLength == 0 || p.MaxLength >= 4 && p.MaxLength >= p.MinLength && p.MaxLength >= p.MinDistinct {
				t.Fatalf("Generate(%+v) refused a satisfiable policy: %v", *p, err)
			}
			return
		}
		if broken := Check(p, user, pw); len(broken) > 0 {
			t.Fatalf("Generate(%+v) breaks %q", *p, broken)
		}
	})
}
