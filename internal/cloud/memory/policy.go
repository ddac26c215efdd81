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

package memory

import (
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// PasswordPolicy is an in-memory account's password policy. As the reference cloud, it expresses
// every neutral rule (simcore.Rules, cloud.PasswordPolicy); the zero value is 8 to 128 characters
// and nothing else.
type PasswordPolicy struct {
	// MinimumLength and MaximumLength: 0 means 8 and 128, negative no bound.
	MinimumLength, MaximumLength int
	// RequireUpper, RequireLower, RequireDigit and RequireSymbol each ask for one character of the
	// class.
	RequireUpper, RequireLower, RequireDigit, RequireSymbol bool
	// MinClasses asks for characters of at least this many of the four classes.
	MinClasses int
	// MaxRepeated refuses a run of one character longer than this; 0 is no limit.
	MaxRepeated int
	// MinDistinct asks for at least this many different characters.
	MinDistinct int
	// NoUserName refuses a password containing the user's name (case-insensitively);
	// NoUserNameReversed also the name reversed.
	NoUserName, NoUserNameReversed bool
	// ReusePrevention refuses a password among the user's last N (the current one included); 0
	// turns it off.
	ReusePrevention int
}

var _ simcore.RulesPolicy = PasswordPolicy{}
var _ simcore.LengthPolicy = PasswordPolicy{}

// Length implements simcore.LengthPolicy: the length rule, checked before Check.
func (p PasswordPolicy) Length() simcore.Length {
	return simcore.Length{Minimum: simcore.Setting(p.MinimumLength, defaultMinimumLength), Maximum: simcore.Setting(p.MaximumLength, defaultMaximumLength)}
}

// Rules implements simcore.RulesPolicy: the policy's rules, the defaults resolved.
func (p PasswordPolicy) Rules() simcore.Rules {
	l := p.Length()
	return simcore.Rules{
		MinLength: max(l.Minimum, 0), MaxLength: max(l.Maximum, 0),
		RequireUpper: p.RequireUpper, RequireLower: p.RequireLower, RequireDigit: p.RequireDigit, RequireSymbol: p.RequireSymbol,
		MinClasses: p.MinClasses, MaxRepeated: p.MaxRepeated, MinDistinct: p.MinDistinct,
		NoUserName: p.NoUserName, NoUserNameReversed: p.NoUserNameReversed,
		ReusePrevention: simcore.ReuseSetting(p.ReusePrevention),
	}
}

// Check implements simcore.PasswordPolicy: the rules beyond the length (simcore.CheckRules).
func (p PasswordPolicy) Check(user, password string) string {
	r := p.Rules()
	r.MinLength, r.MaxLength = 0, 0 // checked already (Length)
	return simcore.CheckRules(r, user, password)
}

// ReuseWindow implements simcore.PasswordPolicy.
func (p PasswordPolicy) ReuseWindow() int { return p.ReusePrevention }

// Expiry implements simcore.PasswordPolicy: passwords never expire.
func (PasswordPolicy) Expiry(time.Time) time.Time { return time.Time{} }

// policyFromRules is the account's simcore.Options.PolicyFromRules: every rule is expressed.
func policyFromRules(r simcore.Rules) (simcore.PasswordPolicy, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return PasswordPolicy{
		MinimumLength: noBound(r.MinLength), MaximumLength: noBound(r.MaxLength),
		RequireUpper: r.RequireUpper, RequireLower: r.RequireLower, RequireDigit: r.RequireDigit, RequireSymbol: r.RequireSymbol,
		MinClasses: r.MinClasses, MaxRepeated: r.MaxRepeated, MinDistinct: r.MinDistinct,
		NoUserName: r.NoUserName, NoUserNameReversed: r.NoUserNameReversed,
		ReusePrevention: r.ReusePrevention,
	}, nil
}

// noBound is a rule's length bound as the policy keeps it: a rule's 0 (no bound) is negative.
func noBound(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
