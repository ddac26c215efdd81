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

// Integration tests: the provider, through the real SDK (signing, JSON, error parsing), against the IAM v5
// simulator.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	huaweisim "github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"
)

const (
	alice       = "a11ce0000000000000000000000000aa"
	simPassword = "Corr3ct-Horse!"
)

// startSim starts a simulator that accepts testAKID/testAKSecret unless the options name other keys.
func startSim(t testing.TB, opts huaweisim.Options) (*huaweisim.Server, string) {
	t.Helper()
	if opts.AccessKeys == nil {
		opts.AccessKeys = map[string]string{testAKID: testAKSecret}
	}
	sim := huaweisim.NewServer(opts)
	base, err := sim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim, base
}

func secretCreds(id, secret, token string) cloud.Credentials {
	return cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret, AccessKeyID: id,
		AccessKeySecret: cloud.NewSensitive(secret), SecurityToken: cloud.NewSensitive(token)}
}

func newSimProvider(t testing.TB, base, domainID string, creds cloud.Credentials, opts cloud.Options) cloud.Provider {
	t.Helper()
	p, err := Driver.Connect(&v1alpha1.ProviderConfigSpec{Huawei: &v1alpha1.HuaweiProviderConfig{Endpoint: base, DomainID: domainID}}, creds, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// simSetup is a simulator with the user alice and a provider using testAKID.
func simSetup(t testing.TB, opts huaweisim.Options) (*huaweisim.Server, cloud.Provider) {
	t.Helper()
	sim, base := startSim(t, opts)
	sim.AddUser(alice)
	t.Cleanup(func() { assertOnlyLoginProfileCalls(t, sim) })
	return sim, newSimProvider(t, base, sim.DomainID(), secretCreds(testAKID, testAKSecret, ""), cloud.Options{})
}

// assertOnlyLoginProfileCalls fails when the SDK called anything else, such as GET /v3/auth/domains to look the
// domain id up (the simulator records it as a call of no action).
func assertOnlyLoginProfileCalls(t testing.TB, sim *huaweisim.Server) {
	t.Helper()
	for _, c := range sim.Calls() {
		if c.Action == "" {
			t.Errorf("a call to no login-profile API: %+v", c)
		}
	}
}

func onlyCall(t *testing.T, sim *huaweisim.Server, action string) huaweisim.Call {
	t.Helper()
	calls := sim.CallsFor(action)
	if len(calls) != 1 {
		t.Fatalf("%d %s calls, want 1: %+v", len(calls), action, sim.Calls())
	}
	return calls[0]
}

func createAlice(t *testing.T, sim *huaweisim.Server, p cloud.Provider) {
	t.Helper()
	if _, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(simPassword)}); err != nil {
		t.Fatal(err)
	}
	sim.ResetCalls()
}

func TestSimCreateSendsBothFields(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	// false must be sent, not omitted.
	lp, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(simPassword), PasswordResetRequired: false})
	if err != nil {
		t.Fatal(err)
	}
	c := onlyCall(t, sim, huaweisim.ActionCreateLoginProfileV5)
	want := map[string]string{huaweisim.ParamPassword: simPassword, huaweisim.ParamPasswordResetRequired: "false"}
	if len(c.Params) != len(want) || c.User != alice || c.HTTPStatus != http.StatusCreated {
		t.Fatalf("call %+v", c)
	}
	for k, v := range want {
		if got, ok := c.Params[k]; !ok || got != v {
			t.Errorf("param %s = %q (sent %v), want %q", k, got, ok, v)
		}
	}
	if lp.User != alice || lp.Status != cloud.StatusActive || lp.PasswordResetRequired || lp.MFABindRequired ||
		lp.CreateDate.IsZero() || !lp.UpdateDate.IsZero() || !lp.LastLoginTime.IsZero() {
		t.Fatalf("profile %+v", lp)
	}
	if pw, _ := sim.Password(alice); pw != simPassword {
		t.Fatalf("password in the cloud %q", pw)
	}

	// And true, with a password policy that makes passwords expire.
	sim2, p2 := simSetup(t, huaweisim.Options{PasswordPolicy: huaweisim.PasswordPolicy{PasswordValidityPeriod: 90}})
	lp, err = p2.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(simPassword), PasswordResetRequired: true})
	if err != nil {
		t.Fatal(err)
	}
	if c := onlyCall(t, sim2, huaweisim.ActionCreateLoginProfileV5); c.Params[huaweisim.ParamPasswordResetRequired] != "true" {
		t.Fatalf("params %v", c.Params)
	}
	got, _ := sim2.Profile(alice)
	if !lp.PasswordResetRequired || !got.PasswordResetRequired || lp.PasswordExpiresAt.IsZero() ||
		!lp.PasswordExpiresAt.Equal(got.PasswordExpiresAt) || !lp.CreateDate.Equal(got.CreateDate) {
		t.Fatalf("profile %+v, in the cloud %+v", lp, got)
	}
}

func TestSimUpdateWithoutPasswordSendsNoPassword(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	createAlice(t, sim, p)
	yes := true
	lp, err := p.Update(t.Context(), cloud.UpdateRequest{User: alice, PasswordResetRequired: &yes})
	if err != nil {
		t.Fatal(err)
	}
	c := onlyCall(t, sim, huaweisim.ActionUpdateLoginProfileV5)
	if _, sent := c.Params[huaweisim.ParamPassword]; sent {
		t.Fatalf("a password was sent: %v", c.Params)
	}
	if len(c.Params) != 1 || c.Params[huaweisim.ParamPasswordResetRequired] != "true" {
		t.Fatalf("params %v", c.Params)
	}
	if !lp.PasswordResetRequired || lp.User != alice {
		t.Fatalf("profile %+v", lp)
	}
	if pw, _ := sim.Password(alice); pw != simPassword {
		t.Fatal("the password changed")
	}
}

func TestSimUpdateWithPasswordSendsItOnce(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	createAlice(t, sim, p)
	pw := cloud.NewSensitive("N3w-Passw0rd!")
	f := false
	if _, err := p.Update(t.Context(), cloud.UpdateRequest{User: alice, Password: &pw, PasswordResetRequired: &f}); err != nil {
		t.Fatal(err)
	}
	c := onlyCall(t, sim, huaweisim.ActionUpdateLoginProfileV5)
	if c.Params[huaweisim.ParamPassword] != "N3w-Passw0rd!" || c.Params[huaweisim.ParamPasswordResetRequired] != "false" {
		t.Fatalf("params %v", c.Params)
	}
	if len(sim.Calls()) != 1 {
		t.Fatalf("calls %+v", sim.Calls())
	}
	if got, _ := sim.Password(alice); got != "N3w-Passw0rd!" {
		t.Fatalf("password in the cloud %q", got)
	}
	// A password alone.
	pw = cloud.NewSensitive("Th1rd-Passw0rd!")
	sim.ResetCalls()
	if _, err := p.Update(t.Context(), cloud.UpdateRequest{User: alice, Password: &pw}); err != nil {
		t.Fatal(err)
	}
	if c := onlyCall(t, sim, huaweisim.ActionUpdateLoginProfileV5); len(c.Params) != 1 || c.Params[huaweisim.ParamPassword] != "Th1rd-Passw0rd!" {
		t.Fatalf("params %v", c.Params)
	}
}

func TestSimClassifiesMissingUserAndProfile(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	const nobody = "0000000000000000000000000000dead"
	_, err := p.Get(t.Context(), nobody)
	var ce *cloud.Error
	if !errors.Is(err, cloud.ErrUserNotFound) || !errors.As(err, &ce) || ce.Code != huaweisim.CodeUserNotFound ||
		ce.HTTPStatus != 404 || ce.RequestID == "" || ce.Action != "ShowLoginProfileV5" || ce.Cloud != "huawei" {
		t.Fatalf("missing user: %#v", err)
	}
	_, err = p.Get(t.Context(), alice)
	if !errors.Is(err, cloud.ErrProfileNotFound) || errors.Is(err, cloud.ErrUserNotFound) || cloud.Code(err) != huaweisim.CodeLoginProfileNotFound {
		t.Fatalf("missing profile: %v", err)
	}
	pw, yes := cloud.NewSensitive(simPassword), true
	_, err = p.Update(t.Context(), cloud.UpdateRequest{User: alice, Password: &pw})
	if !errors.Is(err, cloud.ErrProfileNotFound) {
		t.Fatalf("update of a missing profile: %v", err)
	}
	_, err = p.Update(t.Context(), cloud.UpdateRequest{User: nobody, PasswordResetRequired: &yes})
	if !errors.Is(err, cloud.ErrUserNotFound) {
		t.Fatalf("update for a missing user: %v", err)
	}
	_, err = p.Create(t.Context(), cloud.CreateRequest{User: nobody, Password: pw})
	if !errors.Is(err, cloud.ErrUserNotFound) {
		t.Fatalf("create for a missing user: %v", err)
	}

	createAlice(t, sim, p)
	created := time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)
	sim.SetProfile(huaweisim.Profile{User: alice, PasswordResetRequired: true, CreateDate: created, PasswordExpiresAt: created.AddDate(0, 3, 0)})
	lp, err := p.Get(t.Context(), alice)
	if err != nil || *lp != (cloud.LoginProfile{User: alice, Status: cloud.StatusActive, PasswordResetRequired: true,
		CreateDate: created, PasswordExpiresAt: created.AddDate(0, 3, 0)}) {
		t.Fatalf("get: %+v, %v", lp, err)
	}
}

// Whether IAM answers a missing profile with a 404 or a 200 without login_profile is not confirmed: both are
// ErrProfileNotFound.
func TestSimEmptyShowIsProfileNotFound(t *testing.T) {
	_, p := simSetup(t, huaweisim.Options{EmptyShowForMissingProfile: true})
	_, err := p.Get(t.Context(), alice)
	if !errors.Is(err, cloud.ErrProfileNotFound) {
		t.Fatalf("got %v", err)
	}
}

func TestSimCreateOfAnExistingProfile(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	createAlice(t, sim, p)
	_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(simPassword)})
	if !errors.Is(err, cloud.ErrAlreadyExists) || cloud.Code(err) != huaweisim.CodeLoginProfileExists {
		t.Fatalf("got %v", err)
	}
}

func TestSimRefusedPasswords(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{PasswordPolicy: huaweisim.PasswordPolicy{PasswordReusePrevention: 3}})
	weak := cloud.NewSensitive("abcdefgh")
	_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: weak})
	if !errors.Is(err, cloud.ErrInvalidPassword) || !cloud.IsInvalidInput(err) || cloud.Code(err) != huaweisim.CodePasswordTooWeak {
		t.Fatalf("weak password: %v", err)
	}
	if strings.Contains(err.Error(), "abcdefgh") {
		t.Fatalf("error shows the password: %s", err)
	}

	createAlice(t, sim, p)
	same := cloud.NewSensitive(simPassword)
	_, err = p.Update(t.Context(), cloud.UpdateRequest{User: alice, Password: &same})
	if !errors.Is(err, cloud.ErrInvalidPassword) || cloud.Code(err) != huaweisim.CodePasswordReused {
		t.Fatalf("reused password: %v", err)
	}
	assertNoSimSecret(t, err, simPassword)
}

func TestSimThrottling(t *testing.T) {
	t.Run("quota", func(t *testing.T) {
		sim, p := simSetup(t, huaweisim.Options{})
		sim.SetQuota(1, 1)
		var throttled error
		for range 5 {
			if _, err := p.Get(t.Context(), alice); cloud.IsThrottled(err) {
				throttled = err
				break
			}
		}
		var ce *cloud.Error
		if !errors.As(throttled, &ce) || ce.Code != huaweisim.CodeThrottled || ce.HTTPStatus != http.StatusTooManyRequests {
			t.Fatalf("never throttled: %+v", sim.Calls())
		}
		if errors.Is(throttled, cloud.ErrInvalidInput) || errors.Is(throttled, cloud.ErrTransient) {
			t.Fatalf("misclassified: %v", throttled)
		}
	})
	t.Run("injected", func(t *testing.T) {
		sim, p := simSetup(t, huaweisim.Options{})
		for _, f := range []huaweisim.Fault{
			{Action: huaweisim.ActionShowLoginProfileV5, Code: huaweisim.CodeThrottled, Times: 1},
			{Action: huaweisim.ActionShowLoginProfileV5, Code: "APIGW.0309", HTTPStatus: 429, Times: 1},
		} {
			sim.InjectFault(f)
			if _, err := p.Get(t.Context(), alice); !cloud.IsThrottled(err) || cloud.Code(err) != f.Code {
				t.Fatalf("%s: got %v", f.Code, err)
			}
		}
	})
}

func TestSimAuthFailures(t *testing.T) {
	sim, base := startSim(t, huaweisim.Options{AccessKeys: map[string]string{testAKID: "another secret"}})
	sim.AddUser(alice)
	// A wrong secret, on a call that carries a password.
	p := newSimProvider(t, base, sim.DomainID(), secretCreds(testAKID, testAKSecret, ""), cloud.Options{})
	_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(testPassword)})
	if !cloud.IsAuth(err) || cloud.Code(err) != huaweisim.CodeAuthenticationFailed {
		t.Fatalf("wrong secret: %v", err)
	}
	assertNoSimSecret(t, err, testPassword)
	t.Logf("wrong secret: %v", err)

	// An unknown access key: the gateway's message names it.
	p = newSimProvider(t, base, sim.DomainID(), secretCreds(testAKID+"X", testAKSecret, ""), cloud.Options{})
	if _, err := p.Get(t.Context(), alice); !cloud.IsAuth(err) || cloud.Code(err) != huaweisim.CodeAuthenticationFailed {
		t.Fatalf("unknown key: %v", err)
	} else {
		assertNoSecret(t, err.Error())
	}

	// Another account's domain id.
	sim2, base2 := startSim(t, huaweisim.Options{})
	sim2.AddUser(alice)
	p = newSimProvider(t, base2, "ffffffffffffffffffffffffffffffff", secretCreds(testAKID, testAKSecret, ""), cloud.Options{})
	if _, err := p.Get(t.Context(), alice); !cloud.IsAuth(err) {
		t.Fatalf("wrong domain: %v", err)
	}

	// IAM's own refusal.
	p = newSimProvider(t, base2, sim2.DomainID(), secretCreds(testAKID, testAKSecret, ""), cloud.Options{})
	sim2.InjectFault(huaweisim.Fault{Action: huaweisim.ActionDeleteLoginProfileV5, Code: huaweisim.CodeAccessDenied, Times: 1})
	if err := p.Delete(t.Context(), alice); !cloud.IsAuth(err) || cloud.Code(err) != huaweisim.CodeAccessDenied {
		t.Fatalf("access denied: %v", err)
	}
}

func TestSimSecurityToken(t *testing.T) {
	sim, base := startSim(t, huaweisim.Options{
		AccessKeys:     map[string]string{"STS-AK": testAKSecret},
		SecurityTokens: map[string]string{"STS-AK": testToken},
	})
	sim.AddUser(alice)
	p := newSimProvider(t, base, sim.DomainID(), secretCreds("STS-AK", testAKSecret, testToken), cloud.Options{})
	if _, err := p.Get(t.Context(), alice); !errors.Is(err, cloud.ErrProfileNotFound) {
		t.Fatalf("with the token: %v", err)
	}
	p = newSimProvider(t, base, sim.DomainID(), secretCreds("STS-AK", testAKSecret, "forged-token"), cloud.Options{})
	_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(testPassword)})
	if !cloud.IsAuth(err) {
		t.Fatalf("with a wrong token: %v", err)
	}
	assertNoSimSecret(t, err, testPassword)
}

func TestSimServerFaultsAreTransient(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	for _, code := range []string{huaweisim.CodeServiceUnavailable, huaweisim.CodeInternalError} {
		sim.InjectFault(huaweisim.Fault{Code: code, Times: 1})
		if _, err := p.Get(t.Context(), alice); !errors.Is(err, cloud.ErrTransient) || cloud.Code(err) != code {
			t.Fatalf("%s: got %v", code, err)
		}
	}
}

// assertNoSimSecret fails when an error text holds the password or a credential.
func assertNoSimSecret(t *testing.T, err error, password string) {
	t.Helper()
	assertNoSecret(t, err.Error())
	for _, v := range classifier.Redactor.Variants(cloud.NewSensitive(password)) {
		if strings.Contains(err.Error(), v.Reveal()) {
			t.Fatalf("error shows the password: %s", err)
		}
	}
	if strings.Contains(err.Error(), `"password"`) || strings.Contains(err.Error(), "LoginProfileV5Request") {
		t.Fatalf("error shows the request: %s", err)
	}
}

func TestSimDroppedConnectionIsTransientAndLeaksNothing(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	for _, f := range []huaweisim.Fault{
		{Action: huaweisim.ActionCreateLoginProfileV5, DropConnection: true, Times: 1},
		{Action: huaweisim.ActionCreateLoginProfileV5, DropAfterAction: true, Times: 1},
	} {
		sim.InjectFault(f)
		_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(testPassword)})
		if !errors.Is(err, cloud.ErrTransient) || cloud.Code(err) != "" {
			t.Fatalf("got %v", err)
		}
		assertNoSimSecret(t, err, testPassword)
		t.Logf("dropped connection: %v", err)
	}
	// The second one landed: the retry finds it.
	_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(testPassword)})
	if !errors.Is(err, cloud.ErrAlreadyExists) {
		t.Fatalf("retry: %v", err)
	}
}

func TestSimDeleteOfAMissingProfileSucceeds(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	if err := p.Delete(t.Context(), alice); err != nil {
		t.Fatalf("user without profile: %v", err)
	}
	if err := p.Delete(t.Context(), "0000000000000000000000000000dead"); err != nil {
		t.Fatalf("missing user: %v", err)
	}
	createAlice(t, sim, p)
	if err := p.Delete(t.Context(), alice); err != nil {
		t.Fatal(err)
	}
	if _, ok := sim.Profile(alice); ok {
		t.Fatal("profile still there")
	}
	if c := onlyCall(t, sim, huaweisim.ActionDeleteLoginProfileV5); c.HTTPStatus != http.StatusNoContent {
		t.Fatalf("call %+v", c)
	}
	sim.InjectFault(huaweisim.Fault{Action: huaweisim.ActionDeleteLoginProfileV5, Code: huaweisim.CodeInternalError, Times: 1})
	if err := p.Delete(t.Context(), alice); !errors.Is(err, cloud.ErrTransient) {
		t.Fatalf("a failed delete succeeded: %v", err)
	}
	// The gateway's 404 (no such API: a wrong endpoint, a proxy) is no proof that the profile is gone.
	sim.InjectFault(huaweisim.Fault{Action: huaweisim.ActionDeleteLoginProfileV5, Code: huaweisim.CodeAPINotFound, Times: 1})
	if err := p.Delete(t.Context(), alice); !errors.Is(err, cloud.ErrTransient) || cloud.Code(err) != huaweisim.CodeAPINotFound {
		t.Fatalf("the gateway's 404 counted as a deleted profile: %v", err)
	}
}

// Asking this cloud for what its login profile does not have is refused before any call.
func TestSimStatusOrMFAMakesNoCall(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	pw := cloud.NewSensitive(simPassword)
	inactive, yes := cloud.StatusInactive, true
	_, err1 := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: pw, Status: cloud.StatusInactive})
	_, err2 := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: pw, MFABindRequired: true})
	_, err3 := p.Update(t.Context(), cloud.UpdateRequest{User: alice, Status: &inactive})
	_, err4 := p.Update(t.Context(), cloud.UpdateRequest{User: alice, Password: &pw, MFABindRequired: &yes})
	for i, err := range []error{err1, err2, err3, err4} {
		if !errors.Is(err, cloud.ErrInvalidInput) {
			t.Errorf("request %d: %v", i+1, err)
		}
	}
	if calls := sim.Calls(); len(calls) != 0 {
		t.Fatalf("calls made: %+v", calls)
	}
}

func TestSimEnvironmentCredentials(t *testing.T) {
	sim, base := startSim(t, huaweisim.Options{})
	sim.AddUser(alice)
	clearSDKEnv(t)
	t.Setenv(EnvAccessKey, testAKID)
	t.Setenv(EnvSecretKey, testAKSecret)
	// The domain id from the spec, the environment's unset.
	p := newSimProvider(t, base, sim.DomainID(), cloud.Credentials{Source: v1alpha1.CredentialsSourceEnvironment}, cloud.Options{})
	if _, err := p.Get(t.Context(), alice); !errors.Is(err, cloud.ErrProfileNotFound) {
		t.Fatal(err)
	}
	assertOnlyLoginProfileCalls(t, sim)
}

// A provider is shared by every LoginProfile of a ProviderConfig: run it from 8 goroutines under -race, over a
// caller's *http.Transport and over a plain RoundTripper.
func TestSimConcurrentCalls(t *testing.T) {
	sim, base := startSim(t, huaweisim.Options{ReadsPerSecond: -1, WritesPerSecond: -1})
	var counted atomic.Int32
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	creds := secretCreds(testAKID, testAKSecret, "")
	providers := []cloud.Provider{
		newSimProvider(t, base, sim.DomainID(), creds, cloud.Options{Transport: transport}),
		newSimProvider(t, base, sim.DomainID(), creds, cloud.Options{
			Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				counted.Add(1)
				return transport.RoundTrip(r)
			}),
		}),
	}
	var wg sync.WaitGroup
	for i := range 8 {
		user := fmt.Sprintf("user%d", i)
		sim.AddUser(user)
		p := providers[i%2]
		wg.Go(func() {
			ctx := t.Context()
			for j := range 5 {
				pw := cloud.NewSensitive(fmt.Sprintf("Passw0rd-%d!", j))
				if _, err := p.Create(ctx, cloud.CreateRequest{User: user, Password: pw}); err != nil {
					t.Error(err)
					return
				}
				yes := true
				if _, err := p.Update(ctx, cloud.UpdateRequest{User: user, PasswordResetRequired: &yes}); err != nil {
					t.Error(err)
					return
				}
				if lp, err := p.Get(ctx, user); err != nil || !lp.PasswordResetRequired || lp.User != user {
					t.Errorf("get: %+v, %v", lp, err)
					return
				}
				if err := p.Delete(ctx, user); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := len(sim.Calls()); n != 8*5*4 || int(counted.Load()) != n/2 {
		t.Fatalf("%d calls in the simulator, %d through the counting transport", n, counted.Load())
	}
	assertOnlyLoginProfileCalls(t, sim)
}

func TestSimCanceledContextMakesNoCall(t *testing.T) {
	sim, p := simSetup(t, huaweisim.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	pw := cloud.NewSensitive(simPassword)
	_, err := p.Create(ctx, cloud.CreateRequest{User: alice, Password: pw})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, cloud.ErrTransient) {
		t.Fatalf("got %v", err)
	}
	_, _ = p.Get(ctx, alice)
	_, _ = p.Update(ctx, cloud.UpdateRequest{User: alice, Password: &pw})
	_ = p.Delete(ctx, alice)
	if calls := sim.Calls(); len(calls) != 0 {
		t.Fatalf("calls made: %+v", calls)
	}
}

func TestSimTimeoutAndCancellation(t *testing.T) {
	sim, base := startSim(t, huaweisim.Options{})
	sim.AddUser(alice)
	sim.InjectFault(huaweisim.Fault{Action: huaweisim.ActionShowLoginProfileV5, Latency: time.Minute})
	creds := secretCreds(testAKID, testAKSecret, "")

	t.Run("Options.Timeout", func(t *testing.T) {
		p := newSimProvider(t, base, sim.DomainID(), creds, cloud.Options{Timeout: 200 * time.Millisecond})
		done := make(chan error, 1)
		go func() { _, err := p.Get(t.Context(), alice); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, cloud.ErrTransient) || errors.Is(err, context.Canceled) || cloud.Code(err) != "" {
				t.Fatalf("got %v", err)
			}
			t.Logf("timeout: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatal("the call outlived its timeout (the SDK's default is 120 s)")
		}
	})
	t.Run("caller's context", func(t *testing.T) {
		p := newSimProvider(t, base, sim.DomainID(), creds, cloud.Options{Timeout: time.Minute})
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		done := make(chan error, 1)
		go func() { _, err := p.Get(ctx, alice); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, cloud.ErrTransient) {
				t.Fatalf("got %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the call outlived the caller's context")
		}
	})
}

// fakeFederation answers IAM's federation API (the OIDC exchange) and hands every other request to the
// simulator.
type fakeFederation struct {
	t         testing.TB
	idpID     string
	idToken   string
	exchanges atomic.Int32
	refuse    atomic.Bool
	sim       http.Handler
	// release, when set, holds the exchange's answer until it is closed.
	release chan struct{}
}

func (f *fakeFederation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "fed-1")
	switch r.URL.Path {
	case "/v3.0/OS-AUTH/id-token/tokens":
		f.exchanges.Add(1)
		var req struct {
			Auth struct {
				IDToken struct {
					ID string `json:"id"`
				} `json:"id_token"`
			} `json:"auth"`
		}
		if f.refuse.Load() || json.Unmarshal(body, &req) != nil || req.Auth.IDToken.ID != f.idToken || r.Header.Get("X-Idp-Id") != f.idpID {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprint(w, `{"error":{"code":"IAM.0006","message":"The id token is invalid.","title":"Unauthorized"}}`)
			return
		}
		if f.release != nil {
			<-f.release
		}
		w.Header().Set("X-Subject-Token", "subject-token")
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprintf(w, `{"token":{"expires_at":%q,"methods":["mapped"]}}`, time.Now().Add(6*time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z"))
	case "/v3.0/OS-CREDENTIAL/securitytokens":
		if !strings.Contains(string(body), `"subject-token"`) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprint(w, `{"error":{"code":"IAM.0006","message":"bad token","title":"Unauthorized"}}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprintf(w, `{"credential":{"access":"STS-OIDC","secret":%q,"securitytoken":%q,"expires_at":%q}}`,
			testAKSecret, testToken, time.Now().Add(6*time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z"))
	default:
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		f.sim.ServeHTTP(w, r)
	}
}

// TestSimOIDCCredentials exchanges a projected token for temporary credentials at a fake federation API on the
// ProviderConfig's endpoint, then calls the simulator with them: concurrent first calls make one exchange.
func TestSimOIDCCredentials(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("projected-sa-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sim, simBase := startSim(t, huaweisim.Options{
		AccessKeys:     map[string]string{"STS-OIDC": testAKSecret},
		SecurityTokens: map[string]string{"STS-OIDC": testToken},
	})
	sim.AddUser(alice)
	simURL, _ := url.Parse(simBase)
	// The exchange is answered only once all eight first calls have started: without the lock around
	// the refreshing credentials, each of them would reach the federation API meanwhile.
	const callers = 8
	var launched sync.WaitGroup
	launched.Add(callers)
	fed := &fakeFederation{t: t, idpID: "k8s-idp", idToken: "projected-sa-token", sim: httputil.NewSingleHostReverseProxy(simURL),
		release: make(chan struct{})}
	go func() { launched.Wait(); close(fed.release) }()
	front := httptest.NewServer(fed)
	t.Cleanup(front.Close)

	clearSDKEnv(t)
	t.Setenv(EnvIdpID, "k8s-idp")
	t.Setenv(EnvIDTokenFile, tokenFile)
	p := newSimProvider(t, front.URL, sim.DomainID(), cloud.Credentials{Source: v1alpha1.CredentialsSourceOIDC}, cloud.Options{})
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			launched.Done()
			if _, err := p.Get(t.Context(), alice); !errors.Is(err, cloud.ErrProfileNotFound) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := fed.exchanges.Load(); n != 1 {
		t.Fatalf("%d exchanges, want 1", n)
	}
	if n := len(sim.CallsFor(huaweisim.ActionShowLoginProfileV5)); n != 8 {
		t.Fatalf("%d calls", n)
	}

	// A refused exchange is an auth error that says credentials, with no IAM v5 code, and makes no IAM v5 call;
	// a delete does not take it for a missing profile.
	fed.refuse.Store(true)
	sim.ResetCalls()
	p = newSimProvider(t, front.URL, sim.DomainID(), cloud.Credentials{Source: v1alpha1.CredentialsSourceOIDC}, cloud.Options{})
	err := p.Delete(t.Context(), alice)
	if !cloud.IsAuth(err) || cloud.Code(err) != "" || !strings.Contains(err.Error(), "credentials") {
		t.Fatalf("refused exchange: %v", err)
	}
	assertNoSecret(t, err.Error())
	if len(sim.Calls()) != 0 {
		t.Fatalf("calls made: %+v", sim.Calls())
	}
	t.Logf("refused exchange: %v", err)
}

// BenchmarkGetThroughSDK is one steady-state observation: ShowLoginProfileV5 through the real SDK (signing, a
// client per call, JSON) against the simulator on loopback, quotas off.
func BenchmarkGetThroughSDK(b *testing.B) {
	_, p := simSetup(b, huaweisim.Options{ReadsPerSecond: -1, WritesPerSecond: -1})
	ctx := context.Background()
	if _, err := p.Create(ctx, cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(simPassword)}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Get(ctx, alice); err != nil {
			b.Fatal(err)
		}
	}
}
