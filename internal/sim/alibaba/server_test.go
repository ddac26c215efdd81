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
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"
)

func TestLoginProfileRoundTrip(t *testing.T) {
	clock := newFakeClock()
	s, host := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	c := defaultSDK(t, host)
	created := clock.Now()

	cr := c.mustCreate(alice, strongPassword, func(r *ims.CreateLoginProfileRequest) {
		r.PasswordResetRequired = requests.NewBoolean(true)
	})
	want := ims.LoginProfile{
		UserPrincipalName: alice, Status: StatusActive, MFABindRequired: false, PasswordResetRequired: true,
		CreateDate: formatted(created), UpdateDate: formatted(created),
	}
	if cr.LoginProfile != want || cr.RequestId == "" {
		t.Fatalf("CreateLoginProfile answered %+v (request id %q), want %+v", cr.LoginProfile, cr.RequestId, want)
	}
	if pw, ok := s.Password(alice); !ok || pw != strongPassword {
		t.Fatalf("Password after create = %q, %v; want the password sent", pw, ok)
	}

	gr, err := c.get(alice)
	if err != nil {
		t.Fatalf("GetLoginProfile: %v", err)
	}
	if gr.LoginProfile != want {
		t.Fatalf("GetLoginProfile answered %+v, want %+v", gr.LoginProfile, want)
	}

	clock.Advance(time.Minute)
	ur, err := c.update(alice, withStatus(StatusInactive), withMFA(true))
	if err != nil {
		t.Fatalf("UpdateLoginProfile: %v", err)
	}
	want.Status, want.MFABindRequired, want.UpdateDate = StatusInactive, true, formatted(clock.Now())
	if ur.LoginProfile != want {
		t.Fatalf("UpdateLoginProfile answered %+v, want %+v", ur.LoginProfile, want)
	}
	if gr, err = c.get(alice); err != nil || gr.LoginProfile != want {
		t.Fatalf("GetLoginProfile after update = %+v, %v; want %+v", gr.LoginProfile, err, want)
	}
	p, ok := s.Profile(alice)
	wantProfile := Profile{
		User: alice, Status: StatusInactive, MFABindRequired: true, PasswordResetRequired: true,
		CreateDate: created, UpdateDate: clock.Now(),
	}
	if !ok || p != wantProfile {
		t.Fatalf("Profile = %+v, %v; want %+v", p, ok, wantProfile)
	}

	dr, err := c.delete(alice)
	if err != nil || dr.RequestId == "" {
		t.Fatalf("DeleteLoginProfile = %+v, %v", dr, err)
	}
	if _, err := c.get(alice); err != nil {
		wantServerError(t, err, CodeEntityNotExistLoginProfile, http.StatusNotFound)
	} else {
		t.Fatal("GetLoginProfile after delete succeeded")
	}
	if _, ok := s.Profile(alice); ok {
		t.Error("Profile after delete still exists")
	}
	if _, ok := s.Password(alice); ok {
		t.Error("Password after delete still exists")
	}
	// The profile can be created again.
	c.mustCreate(alice, strongPassword2)
}

func TestUpdateChangesOnlyPresentParams(t *testing.T) {
	tests := []struct {
		name         string
		mod          func(*ims.UpdateLoginProfileRequest)
		wantProfile  func(*Profile)
		wantPassword string
	}{
		{"nothing", func(*ims.UpdateLoginProfileRequest) {}, func(*Profile) {}, strongPassword},
		{"status", withStatus(StatusInactive), func(p *Profile) { p.Status = StatusInactive }, strongPassword},
		{"mfa false", withMFA(false), func(p *Profile) { p.MFABindRequired = false }, strongPassword},
		{"reset false", withReset(false), func(p *Profile) { p.PasswordResetRequired = false }, strongPassword},
		{"reset true (unchanged value)", withReset(true), func(*Profile) {}, strongPassword},
		{"password", withPassword(strongPassword2), func(*Profile) {}, strongPassword2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			s, host := startServer(t, Options{Now: clock.Now})
			s.AddUser(alice)
			c := defaultSDK(t, host)
			c.mustCreate(alice, strongPassword, func(r *ims.CreateLoginProfileRequest) {
				r.MFABindRequired = requests.NewBoolean(true)
				r.PasswordResetRequired = requests.NewBoolean(true)
			})
			before, _ := s.Profile(alice)
			clock.Advance(time.Hour)

			if _, err := c.update(alice, tt.mod); err != nil {
				t.Fatalf("UpdateLoginProfile: %v", err)
			}
			want := before
			tt.wantProfile(&want)
			want.UpdateDate = clock.Now()
			if got, _ := s.Profile(alice); got != want {
				t.Errorf("Profile = %+v, want %+v", got, want)
			}
			if pw, _ := s.Password(alice); pw != tt.wantPassword {
				t.Errorf("Password = %q, want %q", pw, tt.wantPassword)
			}
		})
	}
}

func TestServerErrors(t *testing.T) {
	s, host := startServer(t, Options{PasswordPolicy: PasswordPolicy{PasswordNotContainUserName: true}})
	s.AddUser(alice)
	s.AddUser(bob)
	c := defaultSDK(t, host)
	c.mustCreate(alice, strongPassword)
	aliceBefore, _ := s.Profile(alice)

	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"get, no such user", func() error { _, err := c.get("nobody@example.onaliyun.com"); return err }, CodeEntityNotExistUser, 404},
		{"get, no profile", func() error { _, err := c.get(bob); return err }, CodeEntityNotExistLoginProfile, 404},
		{"get, no user principal name", func() error { _, err := c.get(""); return err }, CodeMissingParameter, 400},
		{"create, no such user", func() error { _, err := c.create("nobody@example.onaliyun.com", strongPassword); return err }, CodeEntityNotExistUser, 404},
		{"create, already exists", func() error { _, err := c.create(alice, strongPassword2); return err }, CodeEntityAlreadyExistsLoginProfile, 409},
		{"create, no password", func() error { _, err := c.create(bob, ""); return err }, CodeMissingParameter, 400},
		{"create, too short", func() error { _, err := c.create(bob, "Sh0rt!"); return err }, CodePasswordTooWeak, 400},
		{"create, contains the user name", func() error { _, err := c.create(bob, "my-BOB-password-1"); return err }, CodePasswordTooWeak, 400},
		{"create, longer than 32", func() error { _, err := c.create(bob, strings.Repeat("x", 33)); return err }, CodePasswordTooWeak, 400},
		{"create, invalid status", func() error {
			_, err := c.create(bob, strongPassword, func(r *ims.CreateLoginProfileRequest) { r.Status = "Disabled" })
			return err
		}, CodeInvalidParameter, 400},
		{"update, no profile", func() error { _, err := c.update(bob, withStatus(StatusActive)); return err }, CodeEntityNotExistLoginProfile, 404},
		{"update, no such user", func() error { _, err := c.update("nobody@example.onaliyun.com"); return err }, CodeEntityNotExistUser, 404},
		{"update, weak password", func() error { _, err := c.update(alice, withPassword("weak"), withStatus(StatusInactive)); return err }, CodePasswordTooWeak, 400},
		{"update, invalid status", func() error { _, err := c.update(alice, withStatus("active"), withMFA(true)); return err }, CodeInvalidParameter, 400},
		{"update, invalid boolean", func() error {
			_, err := c.update(alice, func(r *ims.UpdateLoginProfileRequest) { r.MFABindRequired = "yes" })
			return err
		}, CodeInvalidParameter, 400},
		{"delete, no profile", func() error { _, err := c.delete(bob); return err }, CodeEntityNotExistLoginProfile, 404},
		{"delete, no such user", func() error { _, err := c.delete("nobody@example.onaliyun.com"); return err }, CodeEntityNotExistUser, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := requireServerError(t, tt.call(), tt.code, tt.status)
			if tt.code == CodeEntityNotExistUser && se.Message() != "The user does not exist." {
				t.Errorf("message %q", se.Message())
			}
		})
	}
	// No failed call changed anything.
	if got, _ := s.Profile(alice); got != aliceBefore {
		t.Errorf("alice's profile changed by failed calls: %+v, was %+v", got, aliceBefore)
	}
	if pw, _ := s.Password(alice); pw != strongPassword {
		t.Errorf("alice's password changed by failed calls")
	}
	if _, ok := s.Profile(bob); ok {
		t.Errorf("bob got a profile from failed calls")
	}
	if n := len(s.Calls()); n != len(tests)+1 {
		t.Errorf("%d calls recorded, want %d", n, len(tests)+1)
	}
}

func TestPasswordPolicyClassesThroughSDK(t *testing.T) {
	s, host := startServer(t, Options{PasswordPolicy: PasswordPolicy{
		MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true,
	}})
	s.AddUser(alice)
	c := defaultSDK(t, host)
	for _, pw := range []string{"Abcdef1!", "abcdefgh123!", "ABCDEFGH123!", "Abcdefghijk!", "Abcdefghij12"} {
		_, err := c.create(alice, pw)
		se := requireServerError(t, err, CodePasswordTooWeak, 400)
		if strings.Contains(se.Message(), pw) {
			t.Errorf("the error message contains the password: %q", se.Message())
		}
	}
	c.mustCreate(alice, "Abcdefgh12!?")
}

func TestPasswordReusePrevention(t *testing.T) {
	s, host := startServer(t, Options{PasswordPolicy: PasswordPolicy{ReusePrevention: 2}})
	s.AddUser(alice)
	c := defaultSDK(t, host)
	c.mustCreate(alice, strongPassword)

	step := func(pw, wantCode string) {
		t.Helper()
		_, err := c.update(alice, withPassword(pw))
		if wantCode == "" {
			if err != nil {
				t.Fatalf("update to %q: %v", pw, err)
			}
			return
		}
		wantServerError(t, err, wantCode, 400)
	}
	step(strongPassword, CodePasswordReused) // the current password
	step(strongPassword2, "")
	step(strongPassword, CodePasswordReused) // the previous one
	step(strongPassword3, "")
	step(strongPassword, "") // three passwords back: allowed again
	if pw, _ := s.Password(alice); pw != strongPassword {
		t.Fatalf("Password = %q", pw)
	}

	// The history outlives the profile.
	if _, err := c.delete(alice); err != nil {
		t.Fatal(err)
	}
	_, err := c.create(alice, strongPassword3)
	wantServerError(t, err, CodePasswordReused, 400)
	c.mustCreate(alice, strongPassword2)

	// The user resetting the password is held to it too.
	var ae *APIError
	if err := s.UserResetsPassword(alice, strongPassword); !errors.As(err, &ae) || ae.Code != CodePasswordReused {
		t.Fatalf("UserResetsPassword(previous password) = %v, want %s", err, CodePasswordReused)
	}

	// Without reuse prevention the same password is accepted.
	s2, host2 := startServer(t, Options{})
	s2.AddUser(alice)
	c2 := defaultSDK(t, host2)
	c2.mustCreate(alice, strongPassword)
	if _, err := c2.update(alice, withPassword(strongPassword)); err != nil {
		t.Fatalf("update to the same password without reuse prevention: %v", err)
	}
}

func TestWrongSecretIsSignatureDoesNotMatch(t *testing.T) {
	s, host := startServer(t, Options{})
	s.AddUser(alice)
	c := newSDK(t, host, DefaultAccessKeyID, "not-the-secret")
	_, err := c.create(alice, strongPassword)
	se := requireServerError(t, err, CodeSignatureDoesNotMatch, 400)
	// The SDK compares the server's string to sign, echoed in the message, with its own: this recommendation
	// means they are identical, so the simulator canonicalizes the request exactly as the SDK does.
	if !strings.Contains(se.Recommend(), "InvalidAccessKeySecret") {
		t.Errorf("Recommend = %q: the server's string to sign differs from the SDK's", se.Recommend())
	}
	if _, ok := s.Profile(alice); ok {
		t.Error("a call with a wrong signature created a profile")
	}
	calls := s.Calls()
	if len(calls) != 1 || calls[0].Code != CodeSignatureDoesNotMatch || calls[0].HTTPStatus != 400 {
		t.Errorf("calls = %+v", calls)
	}
}

func TestUnknownAccessKey(t *testing.T) {
	_, host := startServer(t, Options{AccessKeys: map[string]string{"my-id": "my-secret"}})
	_, err := defaultSDK(t, host).get(alice) // the default pair is not accepted once AccessKeys is set
	wantServerError(t, err, CodeInvalidAccessKeyIDNotFound, 404)
	_, err = newSDK(t, host, "my-id", "my-secret").get(alice)
	wantServerError(t, err, CodeEntityNotExistUser, 404)
}

func TestSecurityToken(t *testing.T) {
	s, host := startServer(t, Options{
		AccessKeys:     map[string]string{"STS.test-id": "sts-secret", "long-term-id": "long-term-secret"},
		SecurityTokens: map[string]string{"STS.test-id": "the-token/with+specials="},
	})
	s.AddUser(alice)
	stsClient := func(token string) *sdk {
		cl, err := ims.NewClientWithStsToken("cn-hangzhou", "STS.test-id", "sts-secret", token)
		if err != nil {
			t.Fatal(err)
		}
		return &sdk{t: t, client: cl, host: host}
	}

	stsClient("the-token/with+specials=").mustCreate(alice, strongPassword)
	if _, err := stsClient("the-token/with+specials=").get(alice); err != nil {
		t.Fatalf("GetLoginProfile with the STS token: %v", err)
	}
	_, err := stsClient("another-token").get(alice)
	wantServerError(t, err, CodeInvalidSecurityTokenMalformed, 400)
	_, err = newSDK(t, host, "STS.test-id", "sts-secret").get(alice) // no token
	wantServerError(t, err, CodeInvalidSecurityTokenMalformed, 400)
	cl, err := ims.NewClientWithStsToken("cn-hangzhou", "long-term-id", "long-term-secret", "unexpected-token")
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&sdk{t: t, client: cl, host: host}).get(alice)
	wantServerError(t, err, CodeInvalidSecurityTokenMalformed, 400)
	if _, err := newSDK(t, host, "long-term-id", "long-term-secret").get(alice); err != nil {
		t.Fatalf("GetLoginProfile with the long-term key: %v", err)
	}
	if c := s.CallsFor(ActionGetLoginProfile)[0]; len(c.Params) != 1 || c.Params[ParamUserPrincipalName] != alice {
		t.Errorf("the SecurityToken leaked into the business params: %v", c.Params)
	}
}

func TestThrottling(t *testing.T) {
	clock := newFakeClock()
	s, host := startServer(t, Options{Now: clock.Now, ReadsPerSecond: 3, WritesPerSecond: 2})
	s.AddUser(alice)
	c := defaultSDK(t, host)
	other := defaultSDK(t, host) // another caller of the same account shares the quota

	c.mustCreate(alice, strongPassword)
	if _, err := other.update(alice, withMFA(true)); err != nil {
		t.Fatalf("second write: %v", err)
	}
	_, err := c.update(alice, withMFA(false))
	se := requireServerError(t, err, CodeThrottlingUser, 400)
	if se.Message() != "Request was denied due to user flow control." {
		t.Errorf("message %q", se.Message())
	}
	if p, _ := s.Profile(alice); !p.MFABindRequired {
		t.Error("a throttled update was applied")
	}
	for i := range 3 {
		if _, err := []*sdk{c, other}[i%2].get(alice); err != nil {
			t.Fatalf("read %d: %v", i+1, err)
		}
	}
	_, err = other.get(alice)
	wantServerError(t, err, CodeThrottlingUser, 400)

	clock.Advance(time.Second)
	if _, err := c.get(alice); err != nil {
		t.Fatalf("read after a second: %v", err)
	}
	if _, err := c.update(alice, withMFA(false)); err != nil {
		t.Fatalf("write after a second: %v", err)
	}
	if got := len(s.CallsFor(ActionUpdateLoginProfile)); got != 3 {
		t.Errorf("%d update calls recorded, want 3 (throttled calls included)", got)
	}

	s.SetQuota(-1, -1)
	for i := range 10 {
		if _, err := c.get(alice); err != nil {
			t.Fatalf("unlimited read %d: %v", i+1, err)
		}
	}
	s.SetQuota(1, 0)
	if _, err := c.get(alice); err != nil {
		t.Fatal(err)
	}
	_, err = c.get(alice)
	wantServerError(t, err, CodeThrottlingUser, 400)
}

func TestTimestampChecked(t *testing.T) {
	wall := newFakeClock()
	wall.Advance(16 * time.Minute) // the SDK stamps the real wall clock, 16 minutes behind the server's
	s := NewServer(Options{})
	s.creds.Wall = wall.Now
	_, host := serve(t, s)
	_, err := defaultSDK(t, host).get(alice)
	wantServerError(t, err, CodeInvalidTimeStampExpired, 400)

	wall.Advance(-2 * time.Minute) // 14 minutes: accepted
	_, err = defaultSDK(t, host).get(alice)
	wantServerError(t, err, CodeEntityNotExistUser, 404)

	wall.Advance(time.Hour)
	s = NewServer(Options{TimestampTolerance: -1})
	s.creds.Wall = wall.Now
	_, host = serve(t, s)
	_, err = defaultSDK(t, host).get(alice)
	wantServerError(t, err, CodeEntityNotExistUser, 404)

	// The injected clock does not matter.
	clock := newFakeClock()
	clock.Advance(24 * time.Hour)
	_, host = startServer(t, Options{Now: clock.Now})
	_, err = defaultSDK(t, host).get(alice)
	wantServerError(t, err, CodeEntityNotExistUser, 404)
}

// rawCall signs params itself and sends them over plain net/http, in the query or in a form body.
func rawCall(t *testing.T, host, method string, params map[string]string, inBody bool) (int, map[string]any) {
	t.Helper()
	params[ParamSignature] = Sign(StringToSign(method, params), DefaultAccessKeySecret)
	values := url.Values{}
	for k, v := range params {
		values.Set(k, v)
	}
	target, body := "http://"+host+"/?"+values.Encode(), ""
	if inBody {
		target, body = "http://"+host+"/", values.Encode()
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func commonParamsFor(action, nonce, ts string) map[string]string {
	return map[string]string{
		ParamAction: action, ParamVersion: APIVersion, ParamFormat: "JSON", ParamAccessKeyID: DefaultAccessKeyID,
		ParamSignatureMethod: "HMAC-SHA1", ParamSignatureVersion: "1.0", ParamSignatureNonce: nonce,
		ParamSignatureType: "", ParamTimestamp: ts, ParamRegionID: "cn-hangzhou",
		ParamUserPrincipalName: alice,
	}
}

func TestRawProtocol(t *testing.T) {
	clock := newFakeClock()
	s, host := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	ts := formatted(time.Now())

	t.Run("form body and GET are accepted", func(t *testing.T) {
		p := commonParamsFor(ActionCreateLoginProfile, "n-body", ts)
		p[ParamPassword] = "with space+plus*star~tilde"
		if status, out := rawCall(t, host, http.MethodPost, p, true); status != 200 {
			t.Fatalf("form body: %d %v", status, out)
		}
		if pw, _ := s.Password(alice); pw != "with space+plus*star~tilde" {
			t.Fatalf("Password = %q", pw)
		}
		if status, out := rawCall(t, host, http.MethodGet, commonParamsFor(ActionGetLoginProfile, "n-get", ts), false); status != 200 {
			t.Fatalf("GET: %d %v", status, out)
		}
	})
	t.Run("nonce", func(t *testing.T) {
		if status, out := rawCall(t, host, http.MethodPost, commonParamsFor(ActionGetLoginProfile, "n-1", ts), false); status != 200 {
			t.Fatalf("first use: %d %v", status, out)
		}
		status, out := rawCall(t, host, http.MethodPost, commonParamsFor(ActionGetLoginProfile, "n-1", ts), false)
		if status != 400 || out["Code"] != CodeSignatureNonceUsed {
			t.Fatalf("second use: %d %v", status, out)
		}
		clock.Advance(nonceWindow + time.Second)
		if status, out := rawCall(t, host, http.MethodPost, commonParamsFor(ActionGetLoginProfile, "n-1", ts), false); status != 200 {
			t.Fatalf("use after the window: %d %v", status, out)
		}
	})
	t.Run("error bodies hold strings only", func(t *testing.T) {
		status, out := rawCall(t, host, http.MethodPost, commonParamsFor("ListUsers", "n-2", ts), false)
		if status != 404 || out["Code"] != CodeInvalidActionNotFound {
			t.Fatalf("unknown action: %d %v", status, out)
		}
		for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
			if _, ok := out[k].(string); !ok {
				t.Errorf("%s = %#v, want a string", k, out[k])
			}
		}
	})
	t.Run("incomplete signature", func(t *testing.T) {
		p := commonParamsFor(ActionGetLoginProfile, "n-3", ts)
		delete(p, ParamSignatureNonce)
		if status, out := rawCall(t, host, http.MethodPost, p, false); status != 400 || out["Code"] != CodeIncompleteSignature {
			t.Fatalf("no nonce: %d %v", status, out)
		}
	})
	t.Run("wrong version", func(t *testing.T) {
		p := commonParamsFor(ActionGetLoginProfile, "n-4", ts)
		p[ParamVersion] = "2015-05-01"
		if status, out := rawCall(t, host, http.MethodPost, p, false); status != 400 || out["Code"] != CodeInvalidVersion {
			t.Fatalf("wrong version: %d %v", status, out)
		}
	})
}

func TestUnknownActionThroughSDK(t *testing.T) {
	_, host := startServer(t, Options{})
	c := defaultSDK(t, host)
	req := requests.NewCommonRequest()
	req.Method, req.Scheme, req.Domain = "POST", "http", host
	req.Product, req.Version, req.ApiName = "Ims", APIVersion, "ListUsers"
	_, err := c.client.ProcessCommonRequest(req)
	wantServerError(t, err, CodeInvalidActionNotFound, 404)
}

func TestFaults(t *testing.T) {
	s, host := startServer(t, Options{})
	s.AddUser(alice)
	c := defaultSDK(t, host)

	s.InjectFault(Fault{Action: ActionGetLoginProfile, Code: CodeServiceUnavailable, Times: 1})
	c.mustCreate(alice, strongPassword) // another action: not affected
	_, err := c.get(alice)
	wantServerError(t, err, CodeServiceUnavailable, 503)
	if _, err := c.get(alice); err != nil {
		t.Fatalf("get after the fault was used up: %v", err)
	}

	s.InjectFault(Fault{Code: CodeInternalError}) // any action, until cleared
	for range 3 {
		_, err := c.update(alice, withMFA(true))
		wantServerError(t, err, CodeInternalError, 500)
	}
	if p, _ := s.Profile(alice); p.MFABindRequired {
		t.Error("a failed update was applied")
	}
	s.ClearFaults()

	s.InjectFault(Fault{Code: "Custom.Code", HTTPStatus: 429, Message: "custom message", Times: 2})
	_, err = c.get(alice)
	if se := requireServerError(t, err, "Custom.Code", 429); se.Message() != "custom message" {
		t.Errorf("message %q", se.Message())
	}
	_, err = c.get(alice)
	wantServerError(t, err, "Custom.Code", 429)
	if _, err := c.get(alice); err != nil {
		t.Fatal(err)
	}

	// A fault with a code and no status takes the code's status.
	s.InjectFault(Fault{Code: CodeThrottlingUser, Times: 1})
	_, err = c.get(alice)
	wantServerError(t, err, CodeThrottlingUser, 400)

	s.ResetCalls()
	s.InjectFault(Fault{Action: ActionUpdateLoginProfile, DropConnection: true, Times: 1})
	_, err = c.update(alice, withStatus(StatusInactive))
	var se *sdkerrors.ServerError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("dropped connection: got %v, want a transport error", err)
	}
	if p, _ := s.Profile(alice); p.Status != StatusActive {
		t.Error("the dropped update was applied")
	}
	s.InjectFault(Fault{Action: ActionUpdateLoginProfile, DropAfterAction: true, Times: 1})
	_, err = c.update(alice, withStatus(StatusInactive))
	if err == nil || errors.As(err, &se) {
		t.Fatalf("answer lost: got %v, want a transport error", err)
	}
	if p, _ := s.Profile(alice); p.Status != StatusInactive {
		t.Error("the update whose answer was lost was not applied")
	}
	calls := s.Calls()
	if len(calls) != 2 || !calls[0].Dropped || !calls[1].Dropped || calls[0].HTTPStatus != 0 || calls[1].Code != "" {
		t.Errorf("calls = %+v", calls)
	}
	if _, err := c.update(alice, withStatus(StatusActive)); err != nil {
		t.Fatalf("update after the drops: %v", err)
	}
}

func TestLatencyTimesTheClientOut(t *testing.T) {
	s, host := startServer(t, Options{})
	s.AddUser(alice)
	c := defaultSDK(t, host)
	s.InjectFault(Fault{Action: ActionGetLoginProfile, Latency: time.Hour, Times: 1})
	req := ims.CreateGetLoginProfileRequest()
	req.Scheme, req.Domain, req.UserPrincipalName = "http", host, alice
	req.SetReadTimeout(50 * time.Millisecond)
	_, err := c.client.GetLoginProfile(req)
	var se *sdkerrors.ServerError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("got %v, want a client timeout", err)
	}
	// The fault is used up: the next call is answered, though the first still waits. (A fresh client: the SDK
	// keeps a request's read timeout for the client's next requests.)
	_, err = defaultSDK(t, host).get(alice)
	wantServerError(t, err, CodeEntityNotExistLoginProfile, 404)

	s.SetLatency(time.Hour)
	_, err = c.client.GetLoginProfile(req)
	if err == nil || errors.As(err, &se) {
		t.Fatalf("got %v, want a client timeout", err)
	}
	s.SetLatency(0)
	_, err = defaultSDK(t, host).get(alice)
	wantServerError(t, err, CodeEntityNotExistLoginProfile, 404)
	// The calls that timed out are still waiting: not recorded yet.
	if n := len(s.Calls()); n != 2 {
		t.Errorf("%d calls recorded, want 2", n)
	}
}

func TestRecordedCalls(t *testing.T) {
	s, host := startServer(t, Options{})
	s.AddUser(alice)
	c := defaultSDK(t, host)
	cr := c.mustCreate(alice, "p@ss word+*~ é1", func(r *ims.CreateLoginProfileRequest) {
		r.Status = StatusInactive
		r.MFABindRequired = requests.NewBoolean(true)
		r.PasswordResetRequired = requests.NewBoolean(false)
	})
	if _, err := c.update(alice, withStatus(StatusActive)); err != nil {
		t.Fatal(err)
	}
	_, _ = c.get("nobody@example.onaliyun.com")

	calls := s.Calls()
	if len(calls) != 3 {
		t.Fatalf("%d calls, want 3: %+v", len(calls), calls)
	}
	wantParams := map[string]string{
		"UserPrincipalName": alice, "Password": "p@ss word+*~ é1", "Status": "Inactive",
		"MFABindRequired": "true", "PasswordResetRequired": "false",
	}
	if c0 := calls[0]; c0.Action != ActionCreateLoginProfile || !maps.Equal(c0.Params, wantParams) ||
		c0.Code != "" || c0.HTTPStatus != 200 || c0.RequestID != cr.RequestId || c0.Time.IsZero() {
		t.Errorf("create call = %+v, want params %v and request id %s", c0, wantParams, cr.RequestId)
	}
	if c1 := calls[1]; c1.Action != ActionUpdateLoginProfile ||
		!maps.Equal(c1.Params, map[string]string{"UserPrincipalName": alice, "Status": "Active"}) {
		t.Errorf("update call = %+v", c1)
	}
	if c2 := calls[2]; c2.Action != ActionGetLoginProfile || c2.Code != CodeEntityNotExistUser || c2.HTTPStatus != 404 {
		t.Errorf("get call = %+v", c2)
	}
	if got := s.CallsFor(ActionUpdateLoginProfile); len(got) != 1 || got[0].Params["Status"] != "Active" {
		t.Errorf("CallsFor(update) = %+v", got)
	}
	if got := s.CallsFor(ActionDeleteLoginProfile); len(got) != 0 {
		t.Errorf("CallsFor(delete) = %+v", got)
	}
	calls[0].Params["Password"] = "changed"
	if s.Calls()[0].Params["Password"] != "p@ss word+*~ é1" {
		t.Error("Calls does not return a copy")
	}
	s.ResetCalls()
	if n := len(s.Calls()); n != 0 {
		t.Errorf("%d calls after ResetCalls", n)
	}
}

func TestUserResetsPassword(t *testing.T) {
	clock := newFakeClock()
	s, host := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	c := defaultSDK(t, host)
	c.mustCreate(alice, strongPassword, func(r *ims.CreateLoginProfileRequest) {
		r.PasswordResetRequired = requests.NewBoolean(true)
	})
	if gr, err := c.get(alice); err != nil || gr.LoginProfile.LastLoginTime != "" {
		t.Fatalf("before login: %+v, %v; want no LastLoginTime", gr, err)
	}
	clock.Advance(time.Hour)

	var ae *APIError
	if err := s.UserResetsPassword(alice, "short"); !errors.As(err, &ae) || ae.Code != CodePasswordTooWeak {
		t.Fatalf("weak password: %v", err)
	}
	if err := s.UserResetsPassword(bob, strongPassword2); !errors.As(err, &ae) || ae.Code != CodeEntityNotExistUser {
		t.Fatalf("unknown user: %v", err)
	}
	if err := s.UserResetsPassword(alice, strongPassword2); err != nil {
		t.Fatal(err)
	}
	gr, err := c.get(alice)
	if err != nil {
		t.Fatal(err)
	}
	if gr.LoginProfile.PasswordResetRequired || gr.LoginProfile.LastLoginTime != formatted(clock.Now()) {
		t.Errorf("after the reset: %+v", gr.LoginProfile)
	}
	if pw, _ := s.Password(alice); pw != strongPassword2 {
		t.Errorf("Password = %q", pw)
	}

	if _, err := c.update(alice, withStatus(StatusInactive)); err != nil {
		t.Fatal(err)
	}
	if err := s.UserResetsPassword(alice, strongPassword3); err == nil {
		t.Error("an inactive user reset the password")
	}
}

func TestSetProfileIsDrift(t *testing.T) {
	clock := newFakeClock()
	s, host := startServer(t, Options{Now: clock.Now})
	s.AddUser(alice)
	c := defaultSDK(t, host)
	c.mustCreate(alice, strongPassword)
	created, _ := s.Profile(alice)
	clock.Advance(time.Minute)

	s.SetProfile(Profile{User: alice, Status: StatusInactive, MFABindRequired: true})
	gr, err := c.get(alice)
	if err != nil {
		t.Fatal(err)
	}
	want := ims.LoginProfile{
		UserPrincipalName: alice, Status: StatusInactive, MFABindRequired: true,
		CreateDate: formatted(created.CreateDate), UpdateDate: formatted(clock.Now()),
	}
	if gr.LoginProfile != want {
		t.Errorf("after drift: %+v, want %+v", gr.LoginProfile, want)
	}
	if pw, _ := s.Password(alice); pw != strongPassword {
		t.Error("SetProfile changed the password")
	}
	defer func() {
		if recover() == nil {
			t.Error("SetProfile of an unknown user did not panic")
		}
	}()
	s.SetProfile(Profile{User: "nobody@example.onaliyun.com"})
}

func TestConcurrentUse(t *testing.T) {
	s, host := startServer(t, Options{ReadsPerSecond: -1, WritesPerSecond: -1})
	const users = 8
	var wg sync.WaitGroup
	errs := make(chan error, users)
	for i := range users {
		upn := fmt.Sprintf("user%d@example.onaliyun.com", i)
		s.AddUser(upn)
		wg.Go(func() {
			c := defaultSDK(t, host)
			if _, err := c.create(upn, strongPassword); err != nil {
				errs <- err
				return
			}
			if _, err := c.update(upn, withPassword(strongPassword2), withReset(true)); err != nil {
				errs <- err
				return
			}
			if _, err := c.get(upn); err != nil {
				errs <- err
				return
			}
			if _, err := c.delete(upn); err != nil {
				errs <- err
			}
		})
		wg.Go(func() {
			_ = s.Calls()
			_, _ = s.Profile(upn)
			_, _ = s.Password(upn)
			s.SetLatency(0)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(s.Calls()); n != users*4 {
		t.Errorf("%d calls, want %d", n, users*4)
	}
}

func TestLoggerNeverLogsPassword(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), nil))
	s, host := startServer(t, Options{Logger: logger})
	s.AddUser(alice)
	defaultSDK(t, host).mustCreate(alice, strongPassword)
	_, _ = newSDK(t, host, DefaultAccessKeyID, "wrong").update(alice, withPassword(strongPassword2))
	_, _ = defaultSDK(t, host).update(alice, withPassword("weak-"+strongPassword3[:2]))

	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, secret := range []string{strongPassword, strongPassword2, "weak-", DefaultAccessKeySecret, alice} {
		if strings.Contains(out, secret) {
			t.Errorf("the log contains %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"action=CreateLoginProfile", "code=" + CodeSignatureDoesNotMatch, "code=" + CodePasswordTooWeak} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

var _ io.Writer = writerFunc(nil)

func TestListenAndClose(t *testing.T) {
	s := NewServer(Options{})
	base, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Start(); err == nil {
		t.Error("a second Start succeeded")
	}
	resp, err := http.Get(base + "/_sim/users")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := http.Get(base + "/_sim/users"); err == nil {
		t.Error("the server still answers after Close")
	}
	if _, err := s.Start(); err == nil {
		t.Error("Start after Close succeeded")
	}
}
