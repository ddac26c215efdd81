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
	"fmt"
	"maps"
	"slices"
	"time"
)

// Status values of a login profile, on a cloud whose profiles have a status.
const (
	StatusActive   = "Active"
	StatusInactive = "Inactive"
)

// Profile is a user's login profile as the core keeps it. The fields the cloud's Capabilities
// lack stay empty. Dates are UTC, truncated to the cloud's resolution.
type Profile struct {
	User string
	// Status is Active or Inactive.
	Status                                 string
	MFABindRequired, PasswordResetRequired bool
	CreateDate, UpdateDate                 time.Time
	// LastLoginTime is the user's last console login (Account.LastLogin), on a cloud whose profile
	// has it; zero while the user never logged in.
	LastLoginTime time.Time
	// PasswordExpiresAt is zero while the password does not expire (PasswordPolicy.Expiry).
	PasswordExpiresAt time.Time
}

// Change is an update of a login profile: the fields left nil (Password "") keep their value.
type Change struct {
	Password                               string
	Status                                 *string
	MFABindRequired, PasswordResetRequired *bool
}

// Account is the users' login profiles as a call's action reads and changes them. Each method is
// the operation of the same name, with the account's rules: it returns a neutral *Error for a
// missing user or profile, an existing profile, or a password the policy or the reuse prevention
// refuses.
type Account interface {
	Get(user string) (Profile, error)
	// Create creates the profile of p.User with password; an empty p.Status means Active.
	Create(p Profile, password string) (Profile, error)
	Update(user string, ch Change) (Profile, error)
	// Delete deletes the profile; the password history stays, as reuse prevention outlives it.
	Delete(user string) error
	// PasswordPolicy is the account's current password policy: the cloud's own type, which the
	// cloud type-asserts.
	PasswordPolicy() PasswordPolicy
	// MFABound tells whether the user has an MFA device bound; UserNotFound for a missing user.
	MFABound(user string) (bool, error)
	// LastLogin is the user's last console login, zero when the user never logged in;
	// UserNotFound for a missing user. It does not need a login profile.
	LastLogin(user string) (time.Time, error)
}

type user struct {
	profile  *Profile
	password string   // current password; "" while the user has none
	history  []string // hashes of the last passwords, most recent (the current one) first
	// mfaBound: the user has an MFA device bound.
	mfaBound bool
	// lastLogin is the user's last console login (truncated), zero for never. It belongs to the
	// user, not the profile: a profile shows it (Core.profileOf) on a cloud whose profile has it.
	lastLogin time.Time
}

func (u *user) setPassword(key, password string) {
	u.password = password
	u.history = append([]string{hashPassword(key, password)}, u.history...)
	if len(u.history) > MaxPasswordHistory {
		u.history = u.history[:MaxPasswordHistory]
	}
}

func (u *user) usedRecently(key, password string, n int) bool {
	h := hashPassword(key, password)
	return slices.Contains(u.history[:min(n, len(u.history))], h)
}

// account is the Account of a core whose lock is held.
type account struct{ *Core }

func (a account) lookup(key string, wantProfile bool) (*user, error) {
	u, ok := a.users[key]
	if !ok {
		return nil, &Error{Kind: UserNotFound, User: key}
	}
	if wantProfile && u.profile == nil {
		return nil, &Error{Kind: ProfileNotFound, User: key}
	}
	return u, nil
}

func (a account) Get(key string) (Profile, error) {
	u, err := a.lookup(key, true)
	if err != nil {
		return Profile{}, err
	}
	return a.profileOf(u), nil
}

func (a account) Create(p Profile, password string) (Profile, error) {
	u, err := a.lookup(p.User, false)
	if err != nil {
		return Profile{}, err
	}
	if u.profile != nil {
		return Profile{}, &Error{Kind: ProfileExists, User: p.User}
	}
	if err := a.checkPassword(u, p.User, password); err != nil {
		return Profile{}, err
	}
	now := a.timestamp()
	p.CreateDate, p.UpdateDate = now, now
	u.profile = a.masked(p)
	a.setPassword(u, p.User, password)
	return a.profileOf(u), nil
}

func (a account) Update(key string, ch Change) (Profile, error) {
	u, err := a.lookup(key, true)
	if err != nil {
		return Profile{}, err
	}
	if ch.Password != "" {
		if err := a.checkPassword(u, key, ch.Password); err != nil {
			return Profile{}, err
		}
		a.setPassword(u, key, ch.Password)
	}
	p := *u.profile
	if ch.Status != nil {
		p.Status = *ch.Status
	}
	if ch.MFABindRequired != nil {
		p.MFABindRequired = *ch.MFABindRequired
	}
	if ch.PasswordResetRequired != nil {
		p.PasswordResetRequired = *ch.PasswordResetRequired
	}
	p.UpdateDate = a.timestamp()
	u.profile = a.masked(p)
	return a.profileOf(u), nil
}

func (a account) Delete(key string) error {
	u, err := a.lookup(key, true)
	if err != nil {
		return err
	}
	u.profile, u.password = nil, ""
	return nil
}

func (a account) checkPassword(u *user, key, password string) error {
	if reason := CheckPassword(a.policy, key, password); reason != "" {
		return &Error{Kind: PasswordWeak, User: key, Reason: reason}
	}
	if n := ReuseSetting(a.policy.ReuseWindow()); n > 0 && u.usedRecently(key, password, n) {
		return &Error{Kind: PasswordReused, User: key, Count: n}
	}
	return nil
}

// setPassword sets the password of a user with a profile, and its expiry.
func (a account) setPassword(u *user, key, password string) {
	u.setPassword(key, password)
	u.profile.PasswordExpiresAt = a.truncate(a.policy.Expiry(a.timestamp()))
}

// profileOf is the login profile of a user who has one, with the user's last login on a cloud
// whose profile has it.
func (c *Core) profileOf(u *user) Profile {
	p := *u.profile
	p.LastLoginTime = u.lastLogin
	return *c.masked(p)
}

// masked is p with the dates truncated and the fields the cloud lacks emptied; an empty status
// is Active.
func (c *Core) masked(p Profile) *Profile {
	caps := c.opts.Capabilities
	switch {
	case !caps.Status:
		p.Status = ""
	case p.Status == "":
		p.Status = StatusActive
	}
	if !caps.MFABindRequired {
		p.MFABindRequired = false
	}
	if !caps.UpdateDate {
		p.UpdateDate = time.Time{}
	}
	if !caps.LastLoginTime {
		p.LastLoginTime = time.Time{}
	}
	p.CreateDate, p.UpdateDate = c.truncate(p.CreateDate), c.truncate(p.UpdateDate)
	p.LastLoginTime, p.PasswordExpiresAt = c.truncate(p.LastLoginTime), c.truncate(p.PasswordExpiresAt)
	return &p
}

// AddUser creates a user without login profile. Adding an existing user does nothing.
func (c *Core) AddUser(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.users[key]; !ok {
		c.users[key] = &user{}
	}
}

// DeleteUser deletes a user, with its login profile and password history.
func (c *Core) DeleteUser(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.users, key)
}

// Users returns the users' keys, sorted.
func (c *Core) Users() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Sorted(maps.Keys(c.users))
}

// Profile returns the login profile of a user; false when the user or the profile does not exist.
func (c *Core) Profile(key string) (Profile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := account{c}.Get(key)
	return p, err == nil
}

// SetProfile changes a login profile out of band, as a change made in the console would (drift).
// The user must exist: SetProfile panics otherwise. A zero CreateDate keeps the current one (now,
// for a new profile); a zero UpdateDate means now; an empty Status means Active. The password is
// left alone (a profile created this way has none). On a cloud whose profile has LastLoginTime,
// it sets the user's last login (SetLastLogin; zero: never); elsewhere it is ignored.
func (c *Core) SetProfile(p Profile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.setProfileLocked(p); err != nil {
		panic(err)
	}
}

func (c *Core) setProfileLocked(p Profile) error {
	u, ok := c.users[p.User]
	if !ok {
		return fmt.Errorf("%s: SetProfile: user %q does not exist", c.name, p.User)
	}
	now := c.timestamp()
	if p.CreateDate.IsZero() {
		p.CreateDate = now
		if u.profile != nil {
			p.CreateDate = u.profile.CreateDate
		}
	}
	if p.UpdateDate.IsZero() {
		p.UpdateDate = now
	}
	u.profile = c.masked(p)
	if c.opts.Capabilities.LastLoginTime {
		u.lastLogin = u.profile.LastLoginTime
	}
	u.profile.LastLoginTime = time.Time{} // the user's lastLogin is the one kept
	return nil
}

// DeleteProfile deletes a login profile out of band, as a deletion in the console would (drift);
// false when the user or the profile does not exist. The password history stays.
func (c *Core) DeleteProfile(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return account{c}.Delete(key) == nil
}

// Password returns the current password of a user; false when the user has no login profile or
// no password.
func (c *Core) Password(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.users[key]
	if !ok || u.profile == nil || u.password == "" {
		return "", false
	}
	return u.password, true
}

// UserResetsPassword simulates the user logging in to the console and choosing a new password:
// the password must comply with the policy and the reuse prevention (a neutral *Error otherwise);
// PasswordResetRequired is cleared, LastLoginTime set to now and the expiry moved. UpdateDate is
// left alone. A user without login profile, or with an inactive one, cannot log in.
func (c *Core) UserResetsPassword(key, newPassword string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := account{c}
	u, err := a.lookup(key, true)
	if err != nil {
		return err
	}
	if u.profile.Status == StatusInactive {
		return fmt.Errorf("%s: the login profile of %q is %s: the user cannot log in", c.name, key, u.profile.Status)
	}
	if err := a.checkPassword(u, key, newPassword); err != nil {
		return err
	}
	a.setPassword(u, key, newPassword)
	u.profile.PasswordResetRequired = false
	u.lastLogin = c.timestamp()
	return nil
}
