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
	// Content is every other rule (its lengths are not read): the reference cloud takes them all.
	Content simcore.Rules
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
	r := p.Content
	r.MinLength, r.MaxLength = max(l.Minimum, 0), max(l.Maximum, 0)
	r.ReusePrevention = simcore.ReuseSetting(r.ReusePrevention)
	return r
}

// Check implements simcore.PasswordPolicy: the rules beyond the length (simcore.CheckRules).
func (p PasswordPolicy) Check(user, password string) string {
	r := p.Rules()
	r.MinLength, r.MaxLength = 0, 0 // checked already (Length)
	return simcore.CheckRules(r, user, password)
}

// ReuseWindow implements simcore.PasswordPolicy.
func (p PasswordPolicy) ReuseWindow() int { return p.Content.ReusePrevention }

// Expiry implements simcore.PasswordPolicy: passwords never expire.
func (PasswordPolicy) Expiry(time.Time) time.Time { return time.Time{} }

// policyFromRules is the account's simcore.Options.PolicyFromRules: every rule is expressed.
func policyFromRules(r simcore.Rules) (simcore.PasswordPolicy, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return PasswordPolicy{MinimumLength: noBound(r.MinLength), MaximumLength: noBound(r.MaxLength), Content: r}, nil
}

// noBound is a rule's length bound as the policy keeps it: a rule's 0 (no bound) is negative.
func noBound(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
