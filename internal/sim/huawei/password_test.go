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
	"strings"
	"testing"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

func TestPasswordPolicyCheck(t *testing.T) {
	tests := []struct {
		name     string
		policy   PasswordPolicy
		password string
		ok       bool
	}{
		{"default, 8 characters of 2 classes", PasswordPolicy{}, "abcdefg1", true},
		{"default, 7 characters", PasswordPolicy{}, "abcdef1", false},
		{"default, one class", PasswordPolicy{}, "abcdefgh", false},
		{"default, letters of both cases are 2 classes", PasswordPolicy{}, "abcdEFGH", true},
		{"default, non-ASCII is a symbol", PasswordPolicy{}, "abcdefgé", true},
		{"default, 32 characters", PasswordPolicy{}, strings.Repeat("a1", 16), true},
		{"default, 33 characters", PasswordPolicy{}, strings.Repeat("a1", 16) + "a", false},
		{"default, length counts characters, not bytes", PasswordPolicy{}, strings.Repeat("é1", 16), true},
		{"no maximum", PasswordPolicy{MaximumPasswordLength: -1}, strings.Repeat("a1", 100), true},
		{"no minimum, any class", PasswordPolicy{MinimumPasswordLength: -1, PasswordCharCombination: -1}, "x", true},
		{"minimum 12", PasswordPolicy{MinimumPasswordLength: 12}, "abcdefghij1", false},
		{"4 classes", PasswordPolicy{PasswordCharCombination: 4}, "Abcdef1!", true},
		{"4 classes, no symbol", PasswordPolicy{PasswordCharCombination: 4}, "Abcdefg1", false},
		{"3 classes", PasswordPolicy{PasswordCharCombination: 3}, "abcdef1!", true},
		{"3 classes, 2 given", PasswordPolicy{PasswordCharCombination: 3}, "abcdefg1", false},
		{"at most 2 identical in a row", PasswordPolicy{MaximumConsecutiveIdenticalChars: 2}, "aab1ccd2", true},
		{"3 identical in a row", PasswordPolicy{MaximumConsecutiveIdenticalChars: 2}, "aaab1cd2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason := simcore.CheckPassword(tt.policy, "", tt.password)
			if (reason == "") != tt.ok {
				t.Fatalf("check(%q) = %q, want ok=%v", tt.password, reason, tt.ok)
			}
			if reason != "" && strings.Contains(reason, tt.password) {
				t.Errorf("the reason %q contains the password", reason)
			}
		})
	}
}

func TestPasswordPolicyExpiry(t *testing.T) {
	at := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	if got := (PasswordPolicy{}).Expiry(at); !got.IsZero() {
		t.Errorf("no validity period: expiry %v", got)
	}
	if got, want := (PasswordPolicy{PasswordValidityPeriod: 90}).Expiry(at), time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("90 days: expiry %v, want %v", got, want)
	}
}
