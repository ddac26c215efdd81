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

// Integration tests: the provider, through the real SDK, against the IMS simulator.

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	alibabasim "github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
)

const (
	alice       = "alice@corp.onaliyun.com"
	simPassword = "Corr3ct-Horse!"
	testAKID    = "ak-test"
)

// startSim starts a simulator that accepts testAKID/testAKSecret besides the options' keys.
func startSim(t testing.TB, opts alibabasim.Options) (*alibabasim.Server, string) {
	t.Helper()
	if opts.AccessKeys == nil {
		opts.AccessKeys = map[string]string{testAKID: testAKSecret}
	}
	sim := alibabasim.NewServer(opts)
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

func newSimProvider(t testing.TB, base string, creds cloud.Credentials, opts cloud.Options) cloud.Provider {
	t.Helper()
	p, err := Driver.Connect(&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{Endpoint: base}}, creds, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// simSetup is a simulator with the user alice and a provider using testAKID.
func simSetup(t testing.TB, opts alibabasim.Options) (*alibabasim.Server, cloud.Provider) {
	t.Helper()
	sim, base := startSim(t, opts)
	sim.AddUser(alice)
	return sim, newSimProvider(t, base, secretCreds(testAKID, testAKSecret, ""), cloud.Options{})
}

func onlyCall(t *testing.T, sim *alibabasim.Server, action string) alibabasim.Call {
	t.Helper()
	calls := sim.CallsFor(action)
	if len(calls) != 1 {
		t.Fatalf("%d %s calls, want 1: %+v", len(calls), action, sim.Calls())
	}
	return calls[0]
}

func TestSimCreateSendsEveryField(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
	// Values opposite to the service's defaults, and false booleans, which the SDK omits unless set.
	lp, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(simPassword),
		Status: cloud.StatusInactive, MFABindRequired: false, PasswordResetRequired: false})
	if err != nil {
		t.Fatal(err)
	}
	c := onlyCall(t, sim, alibabasim.ActionCreateLoginProfile)
	want := map[string]string{"UserPrincipalName": alice, "Password": simPassword, "Status": "Inactive",
		"MFABindRequired": "false", "PasswordResetRequired": "false"}
	for k, v := range want {
		if got, ok := c.Params[k]; !ok || got != v {
			t.Errorf("param %s = %q (sent %v), want %q", k, got, ok, v)
		}
	}
	if lp.User != alice || lp.Status != cloud.StatusInactive || lp.MFABindRequired || lp.PasswordResetRequired ||
		lp.CreateDate.IsZero() || lp.UpdateDate.IsZero() {
		t.Fatalf("profile %+v", lp)
	}
	if pw, _ := sim.Password(alice); pw != simPassword {
		t.Fatalf("password in the cloud %q", pw)
	}

	// And true values.
	bob := "bob@corp.onaliyun.com"
	sim.AddUser(bob)
	lp, err = p.Create(t.Context(), cloud.CreateRequest{User: bob, Password: cloud.NewSensitive(simPassword),
		Status: cloud.StatusActive, MFABindRequired: true, PasswordResetRequired: true})
	if err != nil {
		t.Fatal(err)
	}
	if !lp.MFABindRequired || !lp.PasswordResetRequired || lp.Status != cloud.StatusActive {
		t.Fatalf("profile %+v", lp)
	}
	got, _ := sim.Profile(bob)
	if !got.MFABindRequired || !got.PasswordResetRequired {
		t.Fatalf("cloud profile %+v", got)
	}
}

func createAlice(t *testing.T, sim *alibabasim.Server, p cloud.Provider) {
	t.Helper()
	if _, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(simPassword), Status: cloud.StatusActive}); err != nil {
		t.Fatal(err)
	}
	sim.ResetCalls()
}

func TestSimUpdateWithoutPasswordSendsNoPassword(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
	createAlice(t, sim, p)
	inactive, yes := cloud.StatusInactive, true
	lp, err := p.Update(t.Context(), cloud.UpdateRequest{User: alice, Status: &inactive, MFABindRequired: &yes})
	if err != nil {
		t.Fatal(err)
	}
	c := onlyCall(t, sim, alibabasim.ActionUpdateLoginProfile)
	if _, sent := c.Params["Password"]; sent {
		t.Fatalf("a Password parameter was sent: %v", c.Params)
	}
	if _, sent := c.Params["PasswordResetRequired"]; sent {
		t.Fatalf("an unset PasswordResetRequired was sent: %v", c.Params)
	}
	if c.Params["Status"] != "Inactive" || c.Params["MFABindRequired"] != "true" {
		t.Fatalf("params %v", c.Params)
	}
	if lp.Status != cloud.StatusInactive || !lp.MFABindRequired {
		t.Fatalf("profile %+v", lp)
	}
	if pw, _ := sim.Password(alice); pw != simPassword {
		t.Fatal("the password changed")
	}
}

func TestSimUpdateWithPasswordSendsItOnce(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
	createAlice(t, sim, p)
	pw := cloud.NewSensitive("N3w-Passw0rd!")
	f := false
	if _, err := p.Update(t.Context(), cloud.UpdateRequest{User: alice, Password: &pw, PasswordResetRequired: &f}); err != nil {
		t.Fatal(err)
	}
	c := onlyCall(t, sim, alibabasim.ActionUpdateLoginProfile)
	if c.Params["Password"] != "N3w-Passw0rd!" || c.Params["PasswordResetRequired"] != "false" {
		t.Fatalf("params %v", c.Params)
	}
	if len(sim.Calls()) != 1 {
		t.Fatalf("calls %+v", sim.Calls())
	}
	if got, _ := sim.Password(alice); got != "N3w-Passw0rd!" {
		t.Fatalf("password in the cloud %q", got)
	}
}

func TestSimGetClassifiesMissingUserAndProfile(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
	_, err := p.Get(t.Context(), "nobody@corp.onaliyun.com")
	var ce *cloud.Error
	if !errors.Is(err, cloud.ErrUserNotFound) || !errors.As(err, &ce) || ce.Code != "EntityNotExist.User" ||
		ce.HTTPStatus != 404 || ce.RequestID == "" || ce.Action != "GetLoginProfile" || ce.Cloud != "alibaba" {
		t.Fatalf("missing user: %#v", err)
	}
	_, err = p.Get(t.Context(), alice)
	if !errors.Is(err, cloud.ErrProfileNotFound) || errors.Is(err, cloud.ErrUserNotFound) {
		t.Fatalf("missing profile: %v", err)
	}

	createAlice(t, sim, p)
	sim.SetProfile(alibabasim.Profile{User: alice, Status: "Active", MFABindRequired: true,
		LastLoginTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	lp, err := p.Get(t.Context(), alice)
	if err != nil || !lp.MFABindRequired || !lp.LastLoginTime.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("get: %+v, %v", lp, err)
	}
}

func TestSimCreateOfAnExistingProfile(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
	createAlice(t, sim, p)
	_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(simPassword)})
	if !errors.Is(err, cloud.ErrAlreadyExists) || cloud.Code(err) != "EntityAlreadyExists.User.LoginProfile" {
		t.Fatalf("got %v", err)
	}
}

func TestSimRefusedPasswords(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{PasswordPolicy: alibabasim.PasswordPolicy{ReusePrevention: 3}})
	weak := cloud.NewSensitive("Ab1!")
	_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: weak})
	if !errors.Is(err, cloud.ErrInvalidPassword) || !cloud.IsInvalidInput(err) {
		t.Fatalf("weak password: %v", err)
	}
	if strings.Contains(err.Error(), "Ab1!") {
		t.Fatalf("error shows the password: %s", err)
	}

	createAlice(t, sim, p)
	same := cloud.NewSensitive(simPassword)
	_, err = p.Update(t.Context(), cloud.UpdateRequest{User: alice, Password: &same})
	if !errors.Is(err, cloud.ErrInvalidPassword) || cloud.Code(err) != alibabasim.CodePasswordReused {
		t.Fatalf("reused password: %v", err)
	}
}

func TestSimThrottling(t *testing.T) {
	t.Run("quota", func(t *testing.T) {
		sim, p := simSetup(t, alibabasim.Options{})
		sim.SetQuota(1, 1)
		var throttled error
		for range 5 {
			if _, err := p.Get(t.Context(), alice); cloud.IsThrottled(err) {
				throttled = err
				break
			}
		}
		if throttled == nil || cloud.Code(throttled) != "Throttling.User" {
			t.Fatalf("never throttled: %+v", sim.Calls())
		}
		if errors.Is(throttled, cloud.ErrInvalidInput) || errors.Is(throttled, cloud.ErrTransient) {
			t.Fatalf("misclassified: %v", throttled)
		}
	})
	t.Run("injected", func(t *testing.T) {
		sim, p := simSetup(t, alibabasim.Options{})
		for _, f := range []alibabasim.Fault{
			{Action: alibabasim.ActionGetLoginProfile, Code: "Throttling.User", Times: 1},
			{Action: alibabasim.ActionGetLoginProfile, Code: "Throttling.Api", HTTPStatus: 503, Times: 1},
			{Action: alibabasim.ActionGetLoginProfile, Code: "Throttling", HTTPStatus: 400, Times: 1},
		} {
			sim.InjectFault(f)
			if _, err := p.Get(t.Context(), alice); !cloud.IsThrottled(err) || cloud.Code(err) != f.Code {
				t.Fatalf("%s: got %v", f.Code, err)
			}
		}
	})
}

func TestSimServerFaultsAreTransient(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
	for _, code := range []string{alibabasim.CodeServiceUnavailable, alibabasim.CodeInternalError} {
		sim.InjectFault(alibabasim.Fault{Code: code, Times: 1})
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
	if strings.Contains(err.Error(), "Password=") || strings.Contains(err.Error(), "Password%3D") {
		t.Fatalf("error shows the request: %s", err)
	}
}

func TestSimDroppedConnectionIsTransientAndLeaksNothing(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
	for _, f := range []alibabasim.Fault{
		{Action: alibabasim.ActionCreateLoginProfile, DropConnection: true, Times: 1},
		{Action: alibabasim.ActionCreateLoginProfile, DropAfterAction: true, Times: 1},
	} {
		sim.InjectFault(f)
		_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(testPassword)})
		if !errors.Is(err, cloud.ErrTransient) {
			t.Fatalf("got %v", err)
		}
		assertNoSimSecret(t, err, testPassword)
		t.Logf("dropped connection: %v", err)
	}
}

func TestSimSignatureMismatchLeaksNothing(t *testing.T) {
	// The simulator, as the service, quotes its string to sign, Password included.
	sim, base := startSim(t, alibabasim.Options{AccessKeys: map[string]string{testAKID: "another secret"}})
	sim.AddUser(alice)
	p := newSimProvider(t, base, secretCreds(testAKID, testAKSecret, ""), cloud.Options{})
	_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(testPassword)})
	if !cloud.IsAuth(err) || cloud.Code(err) != "SignatureDoesNotMatch" {
		t.Fatalf("got %v", err)
	}
	assertNoSimSecret(t, err, testPassword)
	t.Logf("signature mismatch: %v", err)

	p = newSimProvider(t, base, secretCreds("unknown-ak", testAKSecret, ""), cloud.Options{})
	if _, err := p.Get(t.Context(), alice); !cloud.IsAuth(err) || cloud.Code(err) != "InvalidAccessKeyId.NotFound" {
		t.Fatalf("unknown key: %v", err)
	}
}

func TestSimDeleteOfAMissingProfileSucceeds(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
	if err := p.Delete(t.Context(), alice); err != nil {
		t.Fatalf("user without profile: %v", err)
	}
	if err := p.Delete(t.Context(), "nobody@corp.onaliyun.com"); err != nil {
		t.Fatalf("missing user: %v", err)
	}
	createAlice(t, sim, p)
	if err := p.Delete(t.Context(), alice); err != nil {
		t.Fatal(err)
	}
	if _, ok := sim.Profile(alice); ok {
		t.Fatal("profile still there")
	}
	sim.InjectFault(alibabasim.Fault{Action: alibabasim.ActionDeleteLoginProfile, Code: alibabasim.CodeInternalError, Times: 1})
	if err := p.Delete(t.Context(), alice); !errors.Is(err, cloud.ErrTransient) {
		t.Fatalf("a failed delete succeeded: %v", err)
	}
}

func TestSimSTSToken(t *testing.T) {
	sim, base := startSim(t, alibabasim.Options{
		AccessKeys:     map[string]string{"STS.ak": testAKSecret},
		SecurityTokens: map[string]string{"STS.ak": testToken},
	})
	sim.AddUser(alice)
	p := newSimProvider(t, base, secretCreds("STS.ak", testAKSecret, testToken), cloud.Options{})
	if _, err := p.Get(t.Context(), alice); !errors.Is(err, cloud.ErrProfileNotFound) {
		t.Fatalf("with the token: %v", err)
	}
	p = newSimProvider(t, base, secretCreds("STS.ak", testAKSecret, "forged-token"), cloud.Options{})
	_, err := p.Create(t.Context(), cloud.CreateRequest{User: alice, Password: cloud.NewSensitive(testPassword)})
	if !cloud.IsAuth(err) {
		t.Fatalf("with a wrong token: %v", err)
	}
	assertNoSimSecret(t, err, testPassword)
}

func TestSimEnvironmentCredentials(t *testing.T) {
	sim, base := startSim(t, alibabasim.Options{})
	sim.AddUser(alice)
	t.Setenv(EnvAccessKeyID, testAKID)
	t.Setenv(EnvAccessKeySecret, testAKSecret)
	t.Setenv(EnvSecurityToken, "")
	p := newSimProvider(t, base, cloud.Credentials{Source: v1alpha1.CredentialsSourceEnvironment}, cloud.Options{})
	if _, err := p.Get(t.Context(), alice); !errors.Is(err, cloud.ErrProfileNotFound) {
		t.Fatal(err)
	}
}

// A provider is shared by every LoginProfile of a ProviderConfig: run it from 8 goroutines under -race, over a
// caller's *http.Transport, which the SDK would rewrite if it could see it.
func TestSimConcurrentCalls(t *testing.T) {
	sim, base := startSim(t, alibabasim.Options{ReadsPerSecond: -1, WritesPerSecond: -1})
	var counted atomic.Int32
	transport := http.DefaultTransport.(*http.Transport).Clone()
	providers := []cloud.Provider{
		// The caller's *http.Transport itself: the SDK must never see it.
		newSimProvider(t, base, secretCreds(testAKID, testAKSecret, ""), cloud.Options{Transport: transport}),
		newSimProvider(t, base, secretCreds(testAKID, testAKSecret, ""), cloud.Options{
			Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				counted.Add(1)
				return transport.RoundTrip(r)
			}),
		}),
	}
	var wg sync.WaitGroup
	for i := range 8 {
		user := fmt.Sprintf("user%d@corp.onaliyun.com", i)
		sim.AddUser(user)
		p := providers[i%2]
		wg.Go(func() {
			ctx := t.Context()
			for j := range 5 {
				if _, err := p.Create(ctx, cloud.CreateRequest{User: user, Password: cloud.NewSensitive(fmt.Sprintf("Passw0rd-%d!", j))}); err != nil {
					t.Error(err)
					return
				}
				inactive := cloud.StatusInactive
				if _, err := p.Update(ctx, cloud.UpdateRequest{User: user, Status: &inactive}); err != nil {
					t.Error(err)
					return
				}
				if lp, err := p.Get(ctx, user); err != nil || lp.Status != cloud.StatusInactive {
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
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSimCanceledContextMakesNoCall(t *testing.T) {
	sim, p := simSetup(t, alibabasim.Options{})
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
	sim, base := startSim(t, alibabasim.Options{})
	sim.AddUser(alice)
	sim.InjectFault(alibabasim.Fault{Action: alibabasim.ActionGetLoginProfile, Latency: 5 * time.Second})

	t.Run("Options.Timeout", func(t *testing.T) {
		p := newSimProvider(t, base, secretCreds(testAKID, testAKSecret, ""), cloud.Options{Timeout: 200 * time.Millisecond})
		start := time.Now()
		_, err := p.Get(t.Context(), alice)
		if !errors.Is(err, cloud.ErrTransient) || errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("the call took %v", d)
		}
		t.Logf("timeout: %v", err)
	})
	t.Run("caller's context", func(t *testing.T) {
		p := newSimProvider(t, base, secretCreds(testAKID, testAKSecret, ""), cloud.Options{Timeout: time.Minute})
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := p.Get(ctx, alice)
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, cloud.ErrTransient) {
			t.Fatalf("got %v", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("the call took %v", d)
		}
	})
}

// TestSimOIDCCredentials exchanges a projected token for STS credentials (RRSA) at a fake STS, then calls the
// simulator with them: concurrent first calls make one exchange.
func TestSimOIDCCredentials(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("projected-sa-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	var exchanges atomic.Int32
	// The exchange is answered only once all eight first calls have started: without the lock
	// around the SDK's refreshing provider, each of them would reach STS meanwhile.
	const callers = 8
	release := make(chan struct{})
	var launched sync.WaitGroup
	launched.Add(callers)
	go func() { launched.Wait(); close(release) }()
	sts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		exchanges.Add(1)
		if err := r.ParseForm(); err != nil || r.Form.Get("Action") != "AssumeRoleWithOIDC" ||
			r.PostForm.Get("OIDCToken") != "projected-sa-token" || r.PostForm.Get("RoleArn") != "acs:ram::1:role/operator" ||
			r.PostForm.Get("OIDCProviderArn") != "acs:ram::1:oidc-provider/ack" || r.PostForm.Get("RoleSessionName") != oidcRoleSessionName {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprint(w, `{"RequestId":"sts-1","Code":"InvalidParameter","Message":"bad exchange"}`)
			return
		}
		<-release
		_ = json.NewEncoder(w).Encode(map[string]any{"RequestId": "sts-2", "Credentials": map[string]string{
			"AccessKeyId": "STS.oidc", "AccessKeySecret": testAKSecret, "SecurityToken": testToken,
			"Expiration": time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05Z"),
		}})
	}))
	t.Cleanup(sts.Close)
	// The SDK's exchange clones http.DefaultTransport and cannot be given another.
	oldTransport, oldEndpoint := http.DefaultTransport, oidcSTSEndpoint
	http.DefaultTransport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: sts.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}}
	oidcSTSEndpoint = strings.TrimPrefix(sts.URL, "https://")
	t.Cleanup(func() { http.DefaultTransport, oidcSTSEndpoint = oldTransport, oldEndpoint })
	t.Setenv(EnvRoleARN, "acs:ram::1:role/operator")
	t.Setenv(EnvOIDCProviderARN, "acs:ram::1:oidc-provider/ack")
	t.Setenv(EnvOIDCTokenFile, tokenFile)

	sim, base := startSim(t, alibabasim.Options{
		AccessKeys:     map[string]string{"STS.oidc": testAKSecret},
		SecurityTokens: map[string]string{"STS.oidc": testToken},
	})
	sim.AddUser(alice)
	p := newSimProvider(t, base, cloud.Credentials{Source: v1alpha1.CredentialsSourceOIDC},
		cloud.Options{Transport: oldTransport.(*http.Transport).Clone()})
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
	if n := exchanges.Load(); n != 1 {
		t.Fatalf("%d exchanges with STS, want 1", n)
	}

	// A refused exchange is an auth error that names STS, not an IMS code.
	t.Setenv(EnvRoleARN, "acs:ram::1:role/other")
	p = newSimProvider(t, base, cloud.Credentials{Source: v1alpha1.CredentialsSourceOIDC},
		cloud.Options{Transport: oldTransport.(*http.Transport).Clone()})
	_, err := p.Get(t.Context(), alice)
	if !cloud.IsAuth(err) || cloud.Code(err) != "" || !strings.Contains(err.Error(), "STS") {
		t.Fatalf("refused exchange: %v", err)
	}
}

// BenchmarkGetThroughSDK is one steady-state observation: GetLoginProfile through the real SDK
// (signing, a client per call, JSON) against the simulator on loopback, quotas off.
func BenchmarkGetThroughSDK(b *testing.B) {
	sim, p := simSetup(b, alibabasim.Options{ReadsPerSecond: -1, WritesPerSecond: -1})
	_ = sim
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
