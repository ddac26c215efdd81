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

// Integration tests of the login lifecycle's reads: the provider, through the real SDK, against the IMS simulator.

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	alibabasim "github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// callCodes are the codes of the calls the simulator received, in order ("" for a success), each with its action.
func callCodes(sim *alibabasim.Server) [][2]string {
	var out [][2]string
	for _, c := range sim.Calls() {
		out = append(out, [2]string{c.Action, c.Code})
	}
	return out
}

func TestSimPasswordPolicy(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
	got, err := p.PasswordPolicy(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&cloud.PasswordPolicy{MinLength: 8, MaxLength: 32}, got); diff != "" {
		t.Fatalf("default policy (-want +got):\n%s", diff)
	}
	c := onlyCall(t, sim, alibabasim.ActionGetPasswordPolicy)
	if c.Op != simcore.OpGetPasswordPolicy || c.User != "" || len(c.Params) != 0 || c.Code != "" {
		t.Fatalf("call %+v", c)
	}

	sim.SetPasswordPolicy(alibabasim.PasswordPolicy{
		MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true,
		ReusePrevention: 4, MinimumPasswordDifferentCharacter: 7, PasswordNotContainUserName: true,
	})
	got, err = p.PasswordPolicy(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := &cloud.PasswordPolicy{MinLength: 12, MaxLength: 32, RequireUpper: true, RequireLower: true, RequireDigit: true,
		RequireSymbol: true, MinDistinct: 7, NoUserName: true, ReusePrevention: 4}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("policy (-want +got):\n%s", diff)
	}

	// What the provider reads is what the simulator enforces: its neutral rules are the same.
	rules, err := sim.Rules()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(simcore.Rules{MinLength: 12, MaxLength: 32, RequireUpper: true, RequireLower: true, RequireDigit: true,
		RequireSymbol: true, MinDistinct: 7, NoUserName: true, ReusePrevention: 4}, rules); diff != "" {
		t.Fatalf("simulator rules (-want +got):\n%s", diff)
	}
}

func TestSimPasswordPolicyErrors(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
	sim.InjectFault(alibabasim.Fault{Action: alibabasim.ActionGetPasswordPolicy, Code: "NoPermission", HTTPStatus: 403, Times: 1})
	if _, err := p.PasswordPolicy(t.Context()); !cloud.IsAuth(err) || cloud.Code(err) != "NoPermission" {
		t.Fatalf("got %v", err)
	}
	sim.SetQuota(1, 1)
	var throttled error
	for range 5 {
		if _, err := p.PasswordPolicy(t.Context()); cloud.IsThrottled(err) {
			throttled = err
			break
		}
	}
	if throttled == nil {
		t.Fatalf("never throttled: %+v", sim.Calls())
	}
}

func TestSimLifecycleReadsLeakNoCredential(t *testing.T) {
	sim, base := startSim(t, alibabasim.Options{AccessKeys: map[string]string{testAKID: "another secret"}})
	sim.AddUser(alice)
	p := newSimProvider(t, base, secretCreds(testAKID, testAKSecret, ""), cloud.Options{})
	_, err1 := p.PasswordPolicy(t.Context())
	_, err2 := p.MFABound(t.Context(), alice)
	_, err3 := p.LastLogin(t.Context(), alice)
	for _, err := range []error{err1, err2, err3} {
		if !cloud.IsAuth(err) || cloud.Code(err) != "SignatureDoesNotMatch" {
			t.Fatalf("got %v", err)
		}
		assertNoSecret(t, err.Error())
	}
}

func TestSimMFABound(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})

	bound, err := p.MFABound(t.Context(), alice)
	if err != nil || bound {
		t.Fatalf("without a device: %v, %v", bound, err)
	}
	if err := sim.SetMFABound(alice, true); err != nil {
		t.Fatal(err)
	}
	if bound, err = p.MFABound(t.Context(), alice); err != nil || !bound {
		t.Fatalf("with a device: %v, %v", bound, err)
	}
	_, err = p.MFABound(t.Context(), "nobody@corp.onaliyun.com")
	var ce *cloud.Error
	if !errors.Is(err, cloud.ErrUserNotFound) || !errors.As(err, &ce) || ce.Action != "GetUserMFAInfo" || ce.Code != "EntityNotExist.User" {
		t.Fatalf("missing user: %v", err)
	}

	want := [][2]string{
		{alibabasim.ActionGetUserMFAInfo, alibabasim.CodeEntityNotExistUserMFADevice},
		{alibabasim.ActionGetUserMFAInfo, ""},
		{alibabasim.ActionGetUserMFAInfo, alibabasim.CodeEntityNotExistUser},
	}
	if diff := cmp.Diff(want, callCodes(sim)); diff != "" {
		t.Fatalf("calls (-want +got):\n%s", diff)
	}
	for _, c := range sim.Calls() {
		if c.Op != simcore.OpGetMFA || c.Params["UserPrincipalName"] != c.User || len(c.Params) != 1 {
			t.Fatalf("call %+v", c)
		}
	}
}

func TestSimLastLogin(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})

	// No login profile: never logged in, not an error.
	if got, err := p.LastLogin(t.Context(), alice); err != nil || !got.IsZero() {
		t.Fatalf("without a profile: %v, %v", got, err)
	}
	createAlice(t, sim, p)
	if got, err := p.LastLogin(t.Context(), alice); err != nil || !got.IsZero() {
		t.Fatalf("before any login: %v, %v", got, err)
	}
	login := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := sim.SetLastLogin(alice, login); err != nil {
		t.Fatal(err)
	}
	if got, err := p.LastLogin(t.Context(), alice); err != nil || !got.Equal(login) {
		t.Fatalf("after a login: %v, %v; want %v", got, err, login)
	}
	// Get reports the same time (Capabilities.LastLoginInProfile).
	if lp, err := p.Get(t.Context(), alice); err != nil || !lp.LastLoginTime.Equal(login) {
		t.Fatalf("Get: %+v, %v", lp, err)
	}
	if _, err := p.LastLogin(t.Context(), "nobody@corp.onaliyun.com"); !errors.Is(err, cloud.ErrUserNotFound) {
		t.Fatalf("missing user: %v", err)
	}

	// IMS has no last-login action: every call is GetLoginProfile.
	want := [][2]string{
		{alibabasim.ActionGetLoginProfile, ""},
		{alibabasim.ActionGetLoginProfile, ""},
		{alibabasim.ActionGetLoginProfile, ""},
		{alibabasim.ActionGetLoginProfile, alibabasim.CodeEntityNotExistUser},
	}
	if diff := cmp.Diff(want, callCodes(sim)); diff != "" {
		t.Fatalf("calls after the profile's creation (-want +got):\n%s", diff)
	}
}
