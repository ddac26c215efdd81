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

// Integration tests of the login lifecycle's reads: the provider, through the real SDK, against the IAM v5
// simulator, asserting the calls it records.

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	huaweisim "github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// onlySimCall asserts the simulator recorded exactly one call, of action about user, answered with status and
// with params, and returns it.
func onlySimCall(t *testing.T, sim *huaweisim.Server, action, user string, status int, params map[string]string) huaweisim.Call {
	t.Helper()
	calls := sim.Calls()
	if len(calls) != 1 {
		t.Fatalf("%d calls, want one %s: %+v", len(calls), action, calls)
	}
	c := calls[0]
	if c.Action != action || c.User != user || c.HTTPStatus != status || len(c.Params) != len(params) {
		t.Fatalf("call %+v, want %s about %q answered %d with params %v", c, action, user, status, params)
	}
	for k, v := range params {
		if c.Params[k] != v {
			t.Fatalf("call %+v, want params %v", c, params)
		}
	}
	return c
}

func TestSimPasswordPolicy(t *testing.T) {
	no := false
	tests := []struct {
		name   string
		policy huaweisim.PasswordPolicy
		want   cloud.PasswordPolicy
	}{
		{"default", huaweisim.PasswordPolicy{},
			cloud.PasswordPolicy{MinLength: 8, MaxLength: 32, MinClasses: 2, NoUserName: true, NoUserNameReversed: true}},
		{"set", huaweisim.PasswordPolicy{MinimumPasswordLength: 14, MaximumPasswordLength: 30, PasswordCharCombination: 4,
			MaximumConsecutiveIdenticalChars: 2, PasswordNotUsernameOrInvert: &no, PasswordReusePrevention: 6, PasswordValidityPeriod: 90},
			cloud.PasswordPolicy{MinLength: 14, MaxLength: 30, MinClasses: 4, MaxRepeated: 2, ReusePrevention: 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, p := simSetup(t, huaweisim.Options{PasswordPolicy: tt.policy})
			got, err := p.PasswordPolicy(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Fatalf("policy %+v, want %+v", *got, tt.want)
			}
			onlySimCall(t, sim, huaweisim.ActionShowPasswordPolicyV5, "", http.StatusOK, nil)
			// The simulator's own rules are the provider's.
			if r := sim.PasswordPolicy().(huaweisim.PasswordPolicy).Rules(); r != (simcore.Rules{MinLength: got.MinLength, MaxLength: got.MaxLength,
				MinClasses: got.MinClasses, MaxRepeated: got.MaxRepeated, NoUserName: got.NoUserName, NoUserNameReversed: got.NoUserNameReversed,
				ReusePrevention: got.ReusePrevention}) {
				t.Fatalf("the simulator's rules %+v, the provider's policy %+v", r, *got)
			}
		})
	}
}

// Neutral rules set through the simulator come back as the same policy.
func TestSimPasswordPolicyOfRules(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	rules := simcore.Rules{MinLength: 12, MinClasses: 3, MaxRepeated: 3, NoUserName: true, NoUserNameReversed: true, ReusePrevention: 4}
	if err := sim.SetRules(rules); err != nil {
		t.Fatal(err)
	}
	got, err := p.PasswordPolicy(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := cloud.PasswordPolicy{MinLength: 12, MinClasses: 3, MaxRepeated: 3, NoUserName: true, NoUserNameReversed: true, ReusePrevention: 4}
	if *got != want {
		t.Fatalf("policy %+v, want %+v", *got, want)
	}
}

func TestSimMFABound(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	bound, err := p.MFABound(t.Context(), alice)
	if err != nil || bound {
		t.Fatalf("no device: %v, %v", bound, err)
	}
	// The SDK sends user_id in the query, and neither limit nor marker.
	onlySimCall(t, sim, huaweisim.ActionListMfaDevicesV5, alice, http.StatusOK, nil)

	if err := sim.SetMFABound(alice, true); err != nil {
		t.Fatal(err)
	}
	sim.ResetCalls()
	if bound, err := p.MFABound(t.Context(), alice); err != nil || !bound {
		t.Fatalf("bound: %v, %v", bound, err)
	}
	onlySimCall(t, sim, huaweisim.ActionListMfaDevicesV5, alice, http.StatusOK, nil)

	// The user needs no login profile, and a missing user is ErrUserNotFound.
	sim.ResetCalls()
	const nobody = "0000000000000000000000000000dead"
	_, err = p.MFABound(t.Context(), nobody)
	var ce *cloud.Error
	if !errors.Is(err, cloud.ErrUserNotFound) || !errors.As(err, &ce) || ce.Code != huaweisim.CodeUserNotFound ||
		ce.Action != actionListMFA || ce.RequestID == "" {
		t.Fatalf("missing user: %#v", err)
	}
	onlySimCall(t, sim, huaweisim.ActionListMfaDevicesV5, nobody, http.StatusNotFound, nil)
}

func TestSimLastLogin(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	got, err := p.LastLogin(t.Context(), alice)
	if err != nil || !got.IsZero() {
		t.Fatalf("never: %v, %v", got, err)
	}
	onlySimCall(t, sim, huaweisim.ActionShowUserLastLoginV5, alice, http.StatusOK, nil)

	// The user logs in to the console: the login profile does not say it, LastLogin does.
	createAlice(t, sim, p)
	if err := sim.UserResetsPassword(alice, "N3w-Passw0rd!"); err != nil {
		t.Fatal(err)
	}
	want, err := sim.LastLogin(alice)
	if err != nil || want.IsZero() {
		t.Fatalf("the simulator's last login: %v, %v", want, err)
	}
	lp, err := p.Get(t.Context(), alice)
	if err != nil || !lp.LastLoginTime.IsZero() {
		t.Fatalf("profile %+v, %v", lp, err)
	}
	sim.ResetCalls()
	got, err = p.LastLogin(t.Context(), alice)
	if err != nil || !got.Equal(want) || got.Location() != time.UTC {
		t.Fatalf("after a login: %v, %v; want %v", got, err, want)
	}
	onlySimCall(t, sim, huaweisim.ActionShowUserLastLoginV5, alice, http.StatusOK, nil)

	at := time.Date(2026, 5, 6, 7, 8, 9, 123e6, time.UTC)
	if err := sim.SetLastLogin(alice, at); err != nil {
		t.Fatal(err)
	}
	if got, err := p.LastLogin(t.Context(), alice); err != nil || !got.Equal(at) {
		t.Fatalf("set: %v, %v; want %v", got, err, at)
	}

	if _, err := p.LastLogin(t.Context(), "0000000000000000000000000000dead"); !errors.Is(err, cloud.ErrUserNotFound) ||
		cloud.Code(err) != huaweisim.CodeUserNotFound {
		t.Fatalf("missing user: %v", err)
	}
}

func TestSimLoginReadsClassifyAnswers(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	calls := []struct {
		action string
		call   func() error
	}{
		{huaweisim.ActionShowPasswordPolicyV5, func() error { _, err := p.PasswordPolicy(t.Context()); return err }},
		{huaweisim.ActionListMfaDevicesV5, func() error { _, err := p.MFABound(t.Context(), alice); return err }},
		{huaweisim.ActionShowUserLastLoginV5, func() error { _, err := p.LastLogin(t.Context(), alice); return err }},
	}
	for _, c := range calls {
		for _, tt := range []struct {
			fault huaweisim.Fault
			want  error
		}{
			{huaweisim.Fault{Code: huaweisim.CodeThrottled}, cloud.ErrThrottled},
			{huaweisim.Fault{Code: huaweisim.CodeAccessDenied}, cloud.ErrAuth},
			{huaweisim.Fault{Code: huaweisim.CodeServiceUnavailable}, cloud.ErrTransient},
			{huaweisim.Fault{DropConnection: true}, cloud.ErrTransient},
		} {
			// Until cleared: net/http sends a GET again, once, when a reused connection drops.
			tt.fault.Action = c.action
			sim.InjectFault(tt.fault)
			err := c.call()
			sim.ClearFaults()
			var ce *cloud.Error
			if !errors.Is(err, tt.want) || !errors.As(err, &ce) || ce.Action != c.action || ce.Code != tt.fault.Code {
				t.Fatalf("%s, fault %+v: got %#v, want %v", c.action, tt.fault, err, tt.want)
			}
			assertNoSecret(t, err.Error())
		}
	}
	// The quota is the read quota: reads throttled, writes not.
	sim.SetQuota(1, -1)
	sim.ResetCalls()
	if _, err := p.PasswordPolicy(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.MFABound(t.Context(), alice); !cloud.IsThrottled(err) {
		t.Fatalf("second read: %v", err)
	}
	if _, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(simPassword)}); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// A wrong secret fails the reads as it fails the rest, and no secret reaches the error.
func TestSimLoginReadsAuthFailure(t *testing.T) {
	sim, base := startSim(t, huaweisim.Options{AccessKeys: map[string]string{testAKID: "another secret"}})
	sim.AddUser(alice)
	p := newSimProvider(t, base, sim.DomainID(), secretCreds(testAKID, testAKSecret, ""), cloud.Options{})
	for _, err := range []error{
		func() error { _, err := p.PasswordPolicy(t.Context()); return err }(),
		func() error { _, err := p.MFABound(t.Context(), alice); return err }(),
		func() error { _, err := p.LastLogin(t.Context(), alice); return err }(),
	} {
		if !cloud.IsAuth(err) || cloud.Code(err) != huaweisim.CodeAuthenticationFailed {
			t.Fatalf("got %v", err)
		}
		assertNoSecret(t, err.Error())
	}
}
