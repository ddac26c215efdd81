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
	"strings"
	"testing"
)

func TestCheckRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rules    Rules
		user, pw string
		reason   string // a part of it; "" complies
	}{
		{"no rules", Rules{}, "alice", "x", ""},
		{"too short", Rules{MinLength: 8}, "alice", "Ab1!", "at least 8 characters"},
		{"too long", Rules{MaxLength: 4}, "alice", "Ab1!x", "at most 4 characters"},
		{"upper", Rules{RequireUpper: true}, "alice", "ab1!", "an upper-case letter"},
		{"lower", Rules{RequireLower: true}, "alice", "AB1!", "a lower-case letter"},
		{"digit", Rules{RequireDigit: true}, "alice", "Ab!x", "a digit"},
		{"symbol", Rules{RequireSymbol: true}, "alice", "Ab1x", "a symbol"},
		{"every class", Rules{RequireUpper: true, RequireLower: true, RequireDigit: true, RequireSymbol: true}, "alice", "Ab1!", ""},
		{"classes", Rules{MinClasses: 3}, "alice", "abcDEF", "at least 3 of the classes"},
		{"classes met", Rules{MinClasses: 3}, "alice", "abcDEF1", ""},
		{"repeated", Rules{MaxRepeated: 2}, "alice", "Abbb1", "more than 2 times in a row"},
		{"repeated at the limit", Rules{MaxRepeated: 2}, "alice", "Abb1bb", ""},
		{"distinct", Rules{MinDistinct: 4}, "alice", "aabbcc", "at least 4 different"},
		{"distinct met", Rules{MinDistinct: 3}, "alice", "aabbcc", ""},
		{"user name", Rules{NoUserName: true}, "alice@example.com", "xxALICExx", "the user name"},
		{"user name reversed allowed", Rules{NoUserName: true}, "alice", "xxecilaxx", ""},
		{"user name reversed", Rules{NoUserNameReversed: true}, "alice", "xxECILAxx", "the user name reversed"},
		{"the domain is not the name", Rules{NoUserName: true}, "alice@example.com", "example.com1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckRules(tc.rules, tc.user, tc.pw)
			if (got == "") != (tc.reason == "") || !strings.Contains(got, tc.reason) {
				t.Fatalf("CheckRules = %q, want %q", got, tc.reason)
			}
			if got != "" && strings.Contains(got, tc.pw) {
				t.Fatalf("the reason %q contains the password", got)
			}
		})
	}
}
