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
	"errors"
	"fmt"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// Bounds of the settings of SetPasswordPolicy, as the IMS 2019-08-15 reference gives them: MinimumPasswordLength
// 8 to 32, MinimumPasswordDifferentCharacter 0 to 8, PasswordReusePrevention 0 to 24 (simcore.MaxPasswordHistory).
const (
	minMinimumLength              = 8
	maxMinimumLength              = 32
	maxMinimumDifferentCharacters = 8
)

// PasswordPolicy is the account's password policy. The zero value is Alibaba Cloud's default policy (the defaults
// of SetPasswordPolicy): at least 8 characters, no character class required, the user name allowed, no reuse
// prevention; at most 32 characters, as the simulator models the service. Passwords do not expire.
type PasswordPolicy struct {
	// MinimumLength is MinimumPasswordLength: 0 means 8; negative means no minimum (which the service cannot set;
	// GetPasswordPolicy then answers 0).
	MinimumLength int
	// RequireUppercase, RequireLowercase, RequireNumbers and RequireSymbols each require one character of the class
	// (a symbol is any character that is not an ASCII letter or digit).
	RequireUppercase, RequireLowercase, RequireNumbers, RequireSymbols bool
	// ReusePrevention is PasswordReusePrevention: it refuses a password among the user's last N passwords (the
	// current one included) with CodePasswordReused. 0 turns it off. At most simcore.MaxPasswordHistory.
	ReusePrevention int
	// MaximumLength: 0 means 32 (the longest console password the service takes, as the simulator models it: the
	// service has no setting for it, and 32 is the top of MinimumPasswordLength's range); negative means no
	// maximum.
	MaximumLength int
	// MinimumPasswordDifferentCharacter asks for at least this many different characters; 0 (the service's
	// default) turns it off.
	MinimumPasswordDifferentCharacter int
	// PasswordNotContainUserName refuses a password that contains the user name (the part of the user principal
	// name before "@"), case-insensitively. Off by default, as on the service.
	PasswordNotContainUserName bool
}

// Rules implements simcore.RulesPolicy: the policy in neutral terms, its defaults resolved (a zero MinimumLength
// is a MinLength of 8).
func (p PasswordPolicy) Rules() simcore.Rules {
	return simcore.Rules{
		MinLength:       simcore.Setting(p.MinimumLength, simcore.DefaultMinimumLength),
		MaxLength:       simcore.Setting(p.MaximumLength, simcore.DefaultMaximumLength),
		RequireUpper:    p.RequireUppercase,
		RequireLower:    p.RequireLowercase,
		RequireDigit:    p.RequireNumbers,
		RequireSymbol:   p.RequireSymbols,
		MinDistinct:     max(p.MinimumPasswordDifferentCharacter, 0),
		NoUserName:      p.PasswordNotContainUserName,
		ReusePrevention: simcore.ReuseSetting(p.ReusePrevention),
	}
}

// Check implements simcore.PasswordPolicy: what the policy's rules refuse (simcore.CheckRules).
func (p PasswordPolicy) Check(upn, password string) string {
	return simcore.CheckRules(p.Rules(), upn, password)
}

// Length implements simcore.LengthPolicy: the core checks it before Check.
func (p PasswordPolicy) Length() simcore.Length {
	return simcore.Length{Minimum: p.MinimumLength, Maximum: p.MaximumLength}
}

// ReuseWindow implements simcore.PasswordPolicy.
func (p PasswordPolicy) ReuseWindow() int { return p.ReusePrevention }

// Expiry implements simcore.PasswordPolicy: the simulated passwords never expire.
func (PasswordPolicy) Expiry(time.Time) time.Time { return time.Time{} }

// errCannotExpress is wrapped by the errors of PolicyFromRules.
var errCannotExpress = errors.New("the password policy of Alibaba Cloud cannot express this")

// PolicyFromRules is the policy of neutral rules, for the admin API's PUT /_sim/password-policy
// (simcore.Options.PolicyFromRules). It refuses what SetPasswordPolicy cannot set: a minimum length outside 8 to 32
// (0 is the default, 8), a maximum length other than the service's 32 (0 is that), a number of character classes
// the required classes do not imply, a limit on repeated characters, more than 8 different characters, and the
// user name reversed.
func PolicyFromRules(r simcore.Rules) (simcore.PasswordPolicy, error) {
	refuse := func(format string, args ...any) (simcore.PasswordPolicy, error) {
		return nil, fmt.Errorf("%w: %s", errCannotExpress, fmt.Sprintf(format, args...))
	}
	required := 0
	for _, b := range []bool{r.RequireUpper, r.RequireLower, r.RequireDigit, r.RequireSymbol} {
		if b {
			required++
		}
	}
	switch {
	case r.MinLength != 0 && (r.MinLength < minMinimumLength || r.MinLength > maxMinimumLength):
		return refuse("minLength must be between %d and %d (MinimumPasswordLength)", minMinimumLength, maxMinimumLength)
	case r.MaxLength != 0 && r.MaxLength != simcore.DefaultMaximumLength:
		return refuse("the maximum length is always %d: the service has no setting for it", simcore.DefaultMaximumLength)
	case r.MinClasses > required:
		return refuse("minClasses %d: the service only requires each class on its own (requireUpper, requireLower, requireDigit, requireSymbol), and %d are required", r.MinClasses, required)
	case r.MaxRepeated != 0:
		return refuse("maxRepeated: the service has no limit on repeated characters")
	case r.MinDistinct > maxMinimumDifferentCharacters:
		return refuse("minDistinct must be at most %d (MinimumPasswordDifferentCharacter)", maxMinimumDifferentCharacters)
	case r.NoUserNameReversed:
		return refuse("noUserNameReversed: the service refuses only the user name itself (PasswordNotContainUserName)")
	case r.ReusePrevention > simcore.MaxPasswordHistory:
		return refuse("reusePrevention must be at most %d (PasswordReusePrevention)", simcore.MaxPasswordHistory)
	}
	return PasswordPolicy{
		MinimumLength:    r.MinLength,
		RequireUppercase: r.RequireUpper, RequireLowercase: r.RequireLower, RequireNumbers: r.RequireDigit, RequireSymbols: r.RequireSymbol,
		ReusePrevention:                   r.ReusePrevention,
		MinimumPasswordDifferentCharacter: r.MinDistinct,
		PasswordNotContainUserName:        r.NoUserName,
	}, nil
}
