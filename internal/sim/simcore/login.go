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
	"errors"
	"time"
)

// The login lifecycle: the account's password policy, the users' MFA devices and last console
// logins. A call reads them through the Account (OpGetPasswordPolicy, OpGetMFA, OpGetLastLogin);
// the Go API and the admin API set them out of band.

func (a account) PasswordPolicy() PasswordPolicy { return a.policy }

func (a account) MFABound(key string) (bool, error) {
	u, err := a.lookup(key, false)
	if err != nil {
		return false, err
	}
	return u.mfaBound, nil
}

func (a account) LastLogin(key string) (time.Time, error) {
	u, err := a.lookup(key, false)
	if err != nil {
		return time.Time{}, err
	}
	return u.lastLogin, nil
}

// ErrNoRules means that the account's password policy is not a RulesPolicy, or the cloud has no
// Options.PolicyFromRules: its rules cannot be shown, or set, as Rules.
var ErrNoRules = errors.New("the password policy cannot be expressed as neutral rules")

// PasswordPolicy is the account's current password policy.
func (c *Core) PasswordPolicy() PasswordPolicy {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.policy
}

// SetPasswordPolicy replaces the password policy. The passwords set already stay.
func (c *Core) SetPasswordPolicy(p PasswordPolicy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.policy = p
}

// Rules are the rules of the current password policy; ErrNoRules when it is not a RulesPolicy.
func (c *Core) Rules() (Rules, error) {
	rp, ok := c.PasswordPolicy().(RulesPolicy)
	if !ok {
		return Rules{}, ErrNoRules
	}
	return rp.Rules(), nil
}

// SetRules replaces the password policy with the cloud's policy of r (Options.PolicyFromRules):
// an error, the policy unchanged, when the rules make no sense (Rules.Validate) or the cloud
// cannot express them; ErrNoRules without Options.PolicyFromRules.
func (c *Core) SetRules(r Rules) error {
	if c.opts.PolicyFromRules == nil {
		return ErrNoRules
	}
	if err := r.Validate(); err != nil {
		return err
	}
	p, err := c.opts.PolicyFromRules(r)
	if err != nil {
		return err
	}
	c.SetPasswordPolicy(p)
	return nil
}

// MFABound tells whether the user has an MFA device bound; a neutral *Error (UserNotFound) for a
// missing user.
func (c *Core) MFABound(key string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return account{c}.MFABound(key)
}

// SetMFABound binds (true) or unbinds (false) the user's MFA device out of band, as the user would
// in the console; a neutral *Error (UserNotFound) for a missing user.
func (c *Core) SetMFABound(key string, bound bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, err := account{c}.lookup(key, false)
	if err != nil {
		return err
	}
	u.mfaBound = bound
	return nil
}

// LastLogin is the user's last console login, zero for never; a neutral *Error (UserNotFound) for
// a missing user.
func (c *Core) LastLogin(key string) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return account{c}.LastLogin(key)
}

// SetLastLogin sets the user's last console login out of band, truncated to the cloud's
// resolution; zero means never. A profile shows it as LastLoginTime on a cloud whose profile has
// it. A neutral *Error (UserNotFound) for a missing user.
func (c *Core) SetLastLogin(key string, t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, err := account{c}.lookup(key, false)
	if err != nil {
		return err
	}
	u.lastLogin = c.truncate(t)
	return nil
}
