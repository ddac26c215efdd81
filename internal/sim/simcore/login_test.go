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
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// rulesPolicy is a RulesPolicy checking its rules with CheckRules.
type rulesPolicy struct{ r Rules }

func (p rulesPolicy) Check(user, password string) string { return CheckRules(p.r, user, password) }
func (p rulesPolicy) ReuseWindow() int                   { return p.r.ReusePrevention }
func (rulesPolicy) Expiry(time.Time) time.Time           { return time.Time{} }
func (p rulesPolicy) Rules() Rules                       { return p.r }

// errNoDistinct is what the cloud of newLoginCore answers for a rule it cannot express.
var errNoDistinct = errors.New("this cloud has no minimum of different characters")

// newLoginCore is a core whose profile has the last login time, with a RulesPolicy, one read and
// one write a second, and a clock the test moves.
func newLoginCore(now *time.Time, lastLoginInProfile bool) *Core {
	return New(Options{
		Cloud:        "rules",
		Capabilities: Capabilities{Status: true, LastLoginTime: lastLoginInProfile, DateResolution: time.Second},
		Translate: func(e *Error) *APIError {
			return &APIError{Code: string(e.Kind), HTTPStatus: http.StatusBadRequest, Message: e.Error()}
		},
		Now: func() time.Time { return *now }, DefaultReadsPerSecond: 1, DefaultWritesPerSecond: 1,
		PasswordPolicy: rulesPolicy{Rules{MinLength: 8}},
		PolicyFromRules: func(r Rules) (PasswordPolicy, error) {
			if r.MinDistinct > 0 {
				return nil, errNoDistinct
			}
			return rulesPolicy{r}, nil
		},
	})
}

func TestOpsReadOrWrite(t *testing.T) {
	var reads []Op
	for _, op := range Ops {
		if op.IsRead() {
			reads = append(reads, op)
		}
	}
	if want := []Op{OpGet, OpGetPasswordPolicy, OpGetMFA, OpGetLastLogin}; !slices.Equal(reads, want) {
		t.Fatalf("reads %q, want %q", reads, want)
	}
}

// The login lifecycle's reads run through Do like Get: the read quota, the faults, the call log.
func TestLoginReadsInProcess(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	c := newLoginCore(&now, true)
	c.AddUser("alice")
	if err := c.SetMFABound("alice", true); err != nil {
		t.Fatal(err)
	}
	login := now.Add(-time.Hour)
	if err := c.SetLastLogin("alice", login.Add(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	tick := func() { now = now.Add(time.Second) } // a fresh read each second

	var policy PasswordPolicy
	_, err := c.Do(Request{Op: OpGetPasswordPolicy, Action: "GetPasswordPolicy"}, func(a Account) (Answer, error) {
		policy = a.PasswordPolicy()
		return Answer{Status: http.StatusOK}, nil
	})
	if rp, ok := policy.(RulesPolicy); err != nil || !ok || rp.Rules() != (Rules{MinLength: 8}) {
		t.Fatalf("GetPasswordPolicy = %#v, %v", policy, err)
	}
	mfa := func(user string) (bool, error) {
		var bound bool
		_, err := c.Do(Request{Op: OpGetMFA, Action: "GetMFA", User: user}, func(a Account) (Answer, error) {
			var err error
			bound, err = a.MFABound(user)
			return Answer{Status: http.StatusOK}, err
		})
		return bound, err
	}
	lastLogin := func(user string) (time.Time, error) {
		var at time.Time
		_, err := c.Do(Request{Op: OpGetLastLogin, Action: "GetLastLogin", User: user}, func(a Account) (Answer, error) {
			var err error
			at, err = a.LastLogin(user)
			return Answer{Status: http.StatusOK}, err
		})
		return at, err
	}
	if _, err := mfa("alice"); kindOf(err) != Throttled {
		t.Fatalf("a second read within the second = %v, want throttled", err)
	}
	tick()
	if bound, err := mfa("alice"); err != nil || !bound {
		t.Fatalf("GetMFA = %v, %v; want bound", bound, err)
	}
	tick()
	if at, err := lastLogin("alice"); err != nil || !at.Equal(login) {
		t.Fatalf("GetLastLogin = %v, %v; want %v (to the second)", at, err, login)
	}
	tick()
	if _, err := mfa("nobody"); kindOf(err) != UserNotFound {
		t.Fatalf("GetMFA of a missing user = %v, want UserNotFound", err)
	}
	tick()
	if _, err := lastLogin("nobody"); kindOf(err) != UserNotFound {
		t.Fatalf("GetLastLogin of a missing user = %v, want UserNotFound", err)
	}
	// The reads left the write quota alone.
	if _, err := c.Do(Request{Op: OpCreate, Action: "Create", User: "alice"}, func(a Account) (Answer, error) {
		_, err := a.Create(Profile{User: "alice"}, "long-enough")
		return Answer{Status: http.StatusCreated}, err
	}); err != nil {
		t.Fatalf("a write after the reads: %v", err)
	}
	tick()
	c.InjectFault(Fault{Action: string(OpGetMFA), Code: "unavailable", HTTPStatus: http.StatusServiceUnavailable, Times: 1})
	var ae *APIError
	if _, err := mfa("alice"); !errors.As(err, &ae) || ae.Code != "unavailable" {
		t.Fatalf("a fault named by the Op = %v", err)
	}

	var log []string
	for _, call := range c.Calls() {
		log = append(log, string(call.Op)+":"+call.User+":"+call.Code)
	}
	want := "GetPasswordPolicy::  GetMFA:alice:throttled  GetMFA:alice:  GetLastLogin:alice:  GetMFA:nobody:userNotFound  " +
		"GetLastLogin:nobody:userNotFound  Create:alice:  GetMFA:alice:unavailable"
	if got := strings.Join(log, "  "); got != want {
		t.Fatalf("calls\n%s\nwant\n%s", got, want)
	}
}

// A user's last login is the profile's LastLoginTime: setting one shows in the other.
func TestLastLoginIsTheProfiles(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	c := newLoginCore(&now, true)
	c.AddUser("alice")
	if at, err := c.LastLogin("alice"); err != nil || !at.IsZero() {
		t.Fatalf("LastLogin of a new user = %v, %v; want zero", at, err)
	}
	// Without a profile, the user has a last login all the same.
	login := now.Add(-48 * time.Hour)
	if err := c.SetLastLogin("alice", login); err != nil {
		t.Fatal(err)
	}
	c.SetProfile(Profile{User: "alice", LastLoginTime: login})
	if p, _ := c.Profile("alice"); !p.LastLoginTime.Equal(login) {
		t.Fatalf("profile's LastLoginTime %v, want %v", p.LastLoginTime, login)
	}
	later := login.Add(time.Hour)
	if err := c.SetLastLogin("alice", later); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.Profile("alice"); !p.LastLoginTime.Equal(later) {
		t.Fatalf("after SetLastLogin, the profile's LastLoginTime %v, want %v", p.LastLoginTime, later)
	}
	c.SetProfile(Profile{User: "alice", LastLoginTime: login})
	if at, _ := c.LastLogin("alice"); !at.Equal(login) {
		t.Fatalf("after SetProfile, LastLogin %v, want %v", at, login)
	}
	if err := c.UserResetsPassword("alice", "a-new-password"); err != nil {
		t.Fatal(err)
	}
	if at, _ := c.LastLogin("alice"); !at.Equal(now) {
		t.Fatalf("after the user logged in, LastLogin %v, want now %v", at, now)
	}
	if err := c.SetLastLogin("alice", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.Profile("alice"); !p.LastLoginTime.IsZero() {
		t.Fatalf("a last login set to never shows %v", p.LastLoginTime)
	}
	if err := c.SetLastLogin("nobody", now); kindOf(err) != UserNotFound {
		t.Fatalf("SetLastLogin of a missing user = %v", err)
	}
	if err := c.SetMFABound("nobody", true); kindOf(err) != UserNotFound {
		t.Fatalf("SetMFABound of a missing user = %v", err)
	}

	// A cloud whose profile lacks the time keeps the user's last login apart.
	c = newLoginCore(&now, false)
	c.AddUser("bob")
	c.SetProfile(Profile{User: "bob"})
	if err := c.SetLastLogin("bob", login); err != nil {
		t.Fatal(err)
	}
	c.SetProfile(Profile{User: "bob", Status: StatusInactive}) // no LastLoginTime on this cloud
	if p, _ := c.Profile("bob"); !p.LastLoginTime.IsZero() {
		t.Fatalf("a profile without the field shows %v", p.LastLoginTime)
	}
	if at, _ := c.LastLogin("bob"); !at.Equal(login) {
		t.Fatalf("LastLogin %v, want %v", at, login)
	}
}

func TestSetRules(t *testing.T) {
	now := time.Now()
	c := newLoginCore(&now, true)
	if err := c.SetRules(Rules{MinLength: 10, RequireDigit: true, ReusePrevention: 3}); err != nil {
		t.Fatal(err)
	}
	if r, err := c.Rules(); err != nil || r != (Rules{MinLength: 10, RequireDigit: true, ReusePrevention: 3}) {
		t.Fatalf("Rules = %+v, %v", r, err)
	}
	c.AddUser("alice")
	c.SetProfile(Profile{User: "alice"})
	if err := c.UserResetsPassword("alice", "no-digits-here"); kindOf(err) != PasswordWeak {
		t.Fatalf("a password the new policy refuses = %v", err)
	}
	if err := c.SetRules(Rules{MinDistinct: 3}); !errors.Is(err, errNoDistinct) {
		t.Fatalf("a rule the cloud cannot express = %v", err)
	}
	if err := c.SetRules(Rules{MinLength: -1}); err == nil {
		t.Fatal("a negative length was accepted")
	}
	if r, _ := c.Rules(); r.MinLength != 10 {
		t.Fatalf("a refused policy replaced the policy: %+v", r)
	}
	c.SetPasswordPolicy(lengthPolicy{})
	if _, err := c.Rules(); !errors.Is(err, ErrNoRules) {
		t.Fatalf("Rules of a policy without rules = %v", err)
	}
	if err := newMemory(nil).SetRules(Rules{}); !errors.Is(err, ErrNoRules) {
		t.Fatalf("SetRules without PolicyFromRules = %v", err)
	}
}
