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
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

func newProvider(t *testing.T, name string, o Options) (*Account, cloud.Provider) {
	t.Helper()
	a := NewAccount(o)
	if err := Register(name, a); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Unregister(name) })
	f, err := cloud.DriverFor(&v1alpha1.ProviderConfigSpec{InMemory: &v1alpha1.InMemoryProviderConfig{Account: name}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Connect(&v1alpha1.ProviderConfigSpec{InMemory: &v1alpha1.InMemoryProviderConfig{Account: name}}, cloud.Credentials{}, cloud.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return a, p
}

func TestALoginProfilesLife(t *testing.T) {
	a, p := newProvider(t, "life", Options{})
	ctx := context.Background()
	if _, err := p.Get(ctx, "alice"); !errors.Is(err, cloud.ErrUserNotFound) {
		t.Fatalf("Get of an unknown user = %v, want ErrUserNotFound", err)
	}
	a.AddUser("alice")
	if _, err := p.Get(ctx, "alice"); !errors.Is(err, cloud.ErrProfileNotFound) {
		t.Fatalf("Get before Create = %v, want ErrProfileNotFound", err)
	}
	created, err := p.Create(ctx, cloud.CreateRequest{User: "alice", Password: cloud.NewSensitive("Passw0rd-1"), Status: cloud.StatusActive, MFABindRequired: true})
	if err != nil || created.Status != cloud.StatusActive || !created.MFABindRequired || created.UpdateDate.IsZero() {
		t.Fatalf("Create = %+v, %v", created, err)
	}
	if _, err := p.Create(ctx, cloud.CreateRequest{User: "alice", Password: cloud.NewSensitive("Passw0rd-2")}); !errors.Is(err, cloud.ErrAlreadyExists) {
		t.Fatalf("a second Create = %v, want ErrAlreadyExists", err)
	}
	weak := cloud.NewSensitive("short")
	_, err = p.Update(ctx, cloud.UpdateRequest{User: "alice", Password: &weak})
	if !errors.Is(err, cloud.ErrInvalidPassword) || cloud.Code(err) != string(simcore.PasswordWeak) || strings.Contains(err.Error(), "short") {
		t.Fatalf("Update with a weak password = %v, want ErrInvalidPassword without the password", err)
	}
	inactive := cloud.StatusInactive
	updated, err := p.Update(ctx, cloud.UpdateRequest{User: "alice", Status: &inactive})
	if err != nil || updated.Status != cloud.StatusInactive || !updated.UpdateDate.After(created.UpdateDate) {
		t.Fatalf("Update = %+v, %v", updated, err)
	}
	if pw, _ := a.Password("alice"); pw != "Passw0rd-1" {
		t.Fatal("the refused password must not have been set")
	}
	if err := p.Delete(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete(ctx, "alice"); err != nil {
		t.Fatalf("deleting a missing profile is not an error: %v", err)
	}
	var ops []string
	for _, c := range a.Calls() {
		ops = append(ops, string(c.Op)+":"+c.Code)
	}
	want := "Get:userNotFound Get:profileNotFound Create: Create:profileExists Update:passwordWeak Update: Delete: Delete:profileNotFound"
	if got := strings.Join(ops, " "); got != want {
		t.Fatalf("calls = %s\nwant    %s", got, want)
	}
}

func TestFaultsQuotasAndReuse(t *testing.T) {
	a, p := newProvider(t, "faults", Options{WritesPerSecond: 1, PasswordPolicy: PasswordPolicy{Content: simcore.Rules{ReusePrevention: 2}}})
	ctx := context.Background()
	a.AddUser("bob")
	a.InjectFault(simcore.Fault{Action: string(simcore.OpGet), Code: a.Code(simcore.Unavailable), Times: 1})
	if _, err := p.Get(ctx, "bob"); !errors.Is(err, cloud.ErrTransient) || cloud.Code(err) != string(simcore.Unavailable) {
		t.Fatalf("an injected 503 = %v, want ErrTransient", err)
	}
	a.InjectFault(simcore.Fault{Action: string(simcore.OpGet), DropAfterAction: true, Times: 1})
	if _, err := p.Get(ctx, "bob"); !errors.Is(err, cloud.ErrTransient) {
		t.Fatalf("a dropped answer = %v, want ErrTransient", err)
	}
	a.InjectFault(simcore.Fault{Action: string(simcore.OpGet), Code: "Denied", HTTPStatus: 403, Times: 1})
	if _, err := p.Get(ctx, "bob"); !errors.Is(err, cloud.ErrAuth) {
		t.Fatalf("a 403 of no kind = %v, want ErrAuth (by its status)", err)
	}
	if _, err := p.Create(ctx, cloud.CreateRequest{User: "bob", Password: cloud.NewSensitive("Passw0rd-1")}); err != nil {
		t.Fatal(err)
	}
	same := cloud.NewSensitive("Passw0rd-1")
	_, err := p.Update(ctx, cloud.UpdateRequest{User: "bob", Password: &same})
	if !errors.Is(err, cloud.ErrThrottled) || cloud.Code(err) != string(simcore.Throttled) {
		t.Fatalf("a second write within the second = %v, want throttled (1 write/s)", err)
	}
	a.SetQuota(0, -1)
	if _, err := p.Update(ctx, cloud.UpdateRequest{User: "bob", Password: &same}); !errors.Is(err, cloud.ErrPasswordReused) {
		t.Fatalf("re-sending the current password = %v, want ErrPasswordReused", err)
	}
}

func TestThePasswordPolicy(t *testing.T) {
	a, p := newProvider(t, "policy", Options{PasswordPolicy: PasswordPolicy{MinimumLength: 10, Content: simcore.Rules{RequireDigit: true, ReusePrevention: 3}}})
	ctx := context.Background()
	got, err := p.PasswordPolicy(ctx)
	if want := (cloud.PasswordPolicy{MinLength: 10, MaxLength: 128, RequireDigit: true, ReusePrevention: 3}); err != nil || *got != want {
		t.Fatalf("PasswordPolicy = %+v, %v; want %+v", got, err, want)
	}
	a.SetPasswordPolicy(PasswordPolicy{})
	if got, err := p.PasswordPolicy(ctx); err != nil || *got != (cloud.PasswordPolicy{MinLength: 8, MaxLength: 128}) {
		t.Fatalf("the zero policy = %+v, %v; want 8 to 128 characters", got, err)
	}

	// Every neutral rule, set through the admin API, reads back the same and applies.
	every := simcore.Rules{MinLength: 12, MaxLength: 40, RequireUpper: true, RequireLower: true, RequireDigit: true, RequireSymbol: true,
		MinClasses: 4, MaxRepeated: 2, MinDistinct: 6, NoUserName: true, NoUserNameReversed: true, ReusePrevention: 24}
	body := `{"minLength": 12, "maxLength": 40, "requireUpper": true, "requireLower": true, "requireDigit": true, "requireSymbol": true,
		"minClasses": 4, "maxRepeated": 2, "minDistinct": 6, "noUserName": true, "noUserNameReversed": true, "reusePrevention": 24}`
	w := httptest.NewRecorder()
	a.ServeHTTP(w, httptest.NewRequest(http.MethodPut, "/_sim/password-policy", strings.NewReader(body)))
	if w.Code != http.StatusOK {
		t.Fatalf("PUT /_sim/password-policy = %d %s", w.Code, w.Body)
	}
	if got, err := p.PasswordPolicy(ctx); err != nil || *got != cloud.PasswordPolicy(every) {
		t.Fatalf("PasswordPolicy = %+v, %v; want %+v", got, err, every)
	}
	if err := a.SetRules(simcore.Rules{}); err != nil {
		t.Fatal(err)
	}
	if got, err := p.PasswordPolicy(ctx); err != nil || *got != (cloud.PasswordPolicy{}) {
		t.Fatalf("no rules = %+v, %v; want none (no length bound either)", got, err)
	}
	a.AddUser("dave")
	if err := a.SetRules(every); err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"Short1!", "Aa1!aaaaaaaaaa", "Aa1!Aa1!Aa1!Aa1!", "Xy9#DAVE-Zq7&", "Xy9#evad-Zq7&", "Xy9#-Zq7&Pw3$"} {
		_, err := p.Create(ctx, cloud.CreateRequest{User: "dave", Password: cloud.NewSensitive(pw)})
		if ok := pw == "Xy9#-Zq7&Pw3$"; ok != (err == nil) || (!ok && !errors.Is(err, cloud.ErrInvalidPassword)) {
			t.Fatalf("Create with %q = %v", pw, err)
		}
	}
	if a.SetRules(simcore.Rules{MinClasses: 5}) == nil {
		t.Fatal("SetRules accepted 5 classes of characters")
	}
}

func TestMFAAndLastLogin(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a, p := newProvider(t, "login", Options{ReadsPerSecond: 1, Now: func() time.Time { return now }})
	ctx := context.Background()
	if _, err := p.MFABound(ctx, "erin"); !errors.Is(err, cloud.ErrUserNotFound) {
		t.Fatalf("MFABound of an unknown user = %v, want ErrUserNotFound", err)
	}
	now = now.Add(time.Second)
	if _, err := p.LastLogin(ctx, "erin"); !errors.Is(err, cloud.ErrUserNotFound) {
		t.Fatalf("LastLogin of an unknown user = %v, want ErrUserNotFound", err)
	}
	a.AddUser("erin")
	now = now.Add(time.Second)
	if at, err := p.LastLogin(ctx, "erin"); err != nil || !at.IsZero() {
		t.Fatalf("LastLogin of a user who never logged in = %v, %v", at, err)
	}
	if _, err := p.MFABound(ctx, "erin"); !errors.Is(err, cloud.ErrThrottled) {
		t.Fatalf("a second read within the second = %v, want throttled (1 read/s)", err)
	}
	if err := a.SetMFABound("erin", true); err != nil {
		t.Fatal(err)
	}
	login := now.Add(-time.Hour)
	if err := a.SetLastLogin("erin", login); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	if bound, err := p.MFABound(ctx, "erin"); err != nil || !bound {
		t.Fatalf("MFABound = %v, %v; want bound", bound, err)
	}
	now = now.Add(time.Second)
	if at, err := p.LastLogin(ctx, "erin"); err != nil || !at.Equal(login) {
		t.Fatalf("LastLogin = %v, %v; want %v", at, err, login)
	}
	a.SetProfile(simcore.Profile{User: "erin", LastLoginTime: login})
	now = now.Add(time.Second)
	if lp, err := p.Get(ctx, "erin"); err != nil || !lp.LastLoginTime.Equal(login) {
		t.Fatalf("Get = %+v, %v; want LastLoginTime %v (Capabilities.LastLoginInProfile)", lp, err, login)
	}
	if !Driver.Capabilities().LastLoginInProfile {
		t.Fatal("the in-memory profile carries the last login")
	}
	var ops []string
	for _, c := range a.Calls() {
		ops = append(ops, c.Action+":"+c.Code)
	}
	want := "GetMFA:userNotFound GetLastLogin:userNotFound GetLastLogin: GetMFA:throttled GetMFA: GetLastLogin: Get:"
	if got := strings.Join(ops, " "); got != want {
		t.Fatalf("calls = %s\nwant    %s", got, want)
	}
}

func TestACallEndsWithItsTimeout(t *testing.T) {
	a, p := newProvider(t, "slow", Options{})
	a.AddUser("carol")
	a.SetLatency(time.Hour)
	t.Cleanup(func() { _ = a.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := p.Get(ctx, "carol"); !errors.Is(err, cloud.ErrTransient) || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("a call past its deadline = %v, want an interrupted, transient error", err)
	}
}

func TestTheDriver(t *testing.T) {
	f := Driver
	if _, err := f.Connect(&v1alpha1.ProviderConfigSpec{InMemory: &v1alpha1.InMemoryProviderConfig{Account: "nowhere"}}, cloud.Credentials{}, cloud.Options{}); !errors.Is(err, cloud.ErrInvalidConfig) ||
		err.Error() != `memory: no in-memory account "nowhere" in this process` {
		t.Fatalf("New for an unknown account = %v", err)
	}
	if _, err := f.UserOf(&v1alpha1.LoginProfileSpec{UserPrincipalName: "a@b"}); !errors.Is(err, cloud.ErrInvalidInput) {
		t.Fatalf("UserOf without userId = %v, want ErrInvalidInput", err)
	}
	if err := Register("twice", NewAccount(Options{})); err != nil {
		t.Fatal(err)
	}
	defer Unregister("twice")
	if err := Register("twice", NewAccount(Options{})); err == nil {
		t.Fatal("a name is registered once")
	}
}

// The released manager must not serve in-memory accounts: its binary does not import this package.
func TestTheManagerDoesNotIncludeIt(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/loginprofile-operator/loginprofile-operator/cmd").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasSuffix(dep, "/internal/cloud/memory") {
			t.Fatal("cmd (the manager) imports the in-memory cloud")
		}
	}
}
