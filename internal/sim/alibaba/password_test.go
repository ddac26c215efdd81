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
	"testing"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

func TestPasswordPolicyCheck(t *testing.T) {
	all := PasswordPolicy{RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true}
	noName := PasswordPolicy{PasswordNotContainUserName: true}
	tests := []struct {
		name     string
		policy   PasswordPolicy
		upn      string
		password string
		ok       bool
	}{
		{"default, 8 characters", PasswordPolicy{}, alice, "abcdefgh", true},
		{"default, 7 characters", PasswordPolicy{}, alice, "abcdefg", false},
		{"default, 32 characters", PasswordPolicy{}, alice, strings.Repeat("x", 32), true},
		{"default, 33 characters", PasswordPolicy{}, alice, strings.Repeat("x", 33), false},
		{"no maximum", PasswordPolicy{MaximumLength: -1}, alice, strings.Repeat("x", 100), true},
		{"no minimum", PasswordPolicy{MinimumLength: -1}, alice, "x", true},
		{"minimum 12", PasswordPolicy{MinimumLength: 12}, alice, "abcdefghijk", false},
		{"default, contains the user name", PasswordPolicy{}, alice, "xxALICExx1", true},
		{"contains the user name", noName, alice, "xxALICExx1", false},
		{"contains the domain only", noName, alice, "example-onaliyun", true},
		{"contains a short user name", noName, "al@example.onaliyun.com", "al-password", false},
		{"8 different characters", PasswordPolicy{MinimumPasswordDifferentCharacter: 8}, alice, "abcdefgh", true},
		{"7 different characters", PasswordPolicy{MinimumPasswordDifferentCharacter: 8}, alice, "abcdefgg", false},
		{"all classes", all, alice, "Abcdef1!", true},
		{"no upper", all, alice, "abcdef1!", false},
		{"no lower", all, alice, "ABCDEF1!", false},
		{"no digit", all, alice, "Abcdefg!", false},
		{"no symbol", all, alice, "Abcdefg1", false},
		{"non-ASCII counts as a symbol", all, alice, "Abcdef1é", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason := simcore.CheckPassword(tt.policy, tt.upn, tt.password)
			if (reason == "") != tt.ok {
				t.Fatalf("check(%q) = %q, want ok=%v", tt.password, reason, tt.ok)
			}
			if reason != "" && strings.Contains(reason, tt.password) {
				t.Errorf("the reason %q contains the password", reason)
			}
		})
	}
}
