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
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

const (
	testPassword = "S3cret pass*~!word"
	testAKSecret = "ak-Secret/with+chars="
	testToken    = "sts-Token/AAAA+BBBB=="
)

func testSecrets() []cloud.Sensitive {
	return []cloud.Sensitive{cloud.NewSensitive(testPassword), cloud.NewSensitive(testAKSecret), cloud.NewSensitive(testToken)}
}

// assertNoSecret fails when s holds a secret of the tests in any encoding the wire uses.
func assertNoSecret(t *testing.T, s string) {
	t.Helper()
	for _, v := range classifier.Redactor.Variants(testSecrets()...) {
		if strings.Contains(s, v.Reveal()) {
			t.Fatalf("text leaks a secret (%q): %s", v.Reveal(), s)
		}
	}
	for _, v := range []string{"S3cret", "ak-Secret", "sts-Token"} {
		if strings.Contains(s, v) {
			t.Fatalf("text leaks part of a secret (%q): %s", v, s)
		}
	}
}

func serverError(status int, code, message string) error {
	body, _ := json.Marshal(map[string]string{"RequestId": "req-1", "HostId": "ims.aliyuncs.com", "Code": code, "Message": message})
	return sdkerrors.NewServerError(status, string(body), "")
}

func TestCodes(t *testing.T) {
	tests := []struct {
		code   string
		status int
		want   error
	}{
		{"EntityNotExist.User", 404, cloud.ErrUserNotFound},
		{"EntityNotExist.User.LoginProfile", 404, cloud.ErrProfileNotFound},
		{"EntityAlreadyExists.User.LoginProfile", 409, cloud.ErrAlreadyExists},
		// Answered as "no MFA device" by MFABound; elsewhere never a missing user or profile.
		{"EntityNotExist.User.MFADevice", 404, cloud.ErrTransient},
		{"InvalidParameter.Password.TooWeak", 400, cloud.ErrInvalidPassword},
		{"InvalidParameter.Password.Reused", 400, cloud.ErrPasswordReused},
		{"InvalidParameter.NewPassword.InHistory", 400, cloud.ErrPasswordReused},
		{"InvalidParameter.Password.Length", 400, cloud.ErrInvalidPassword},
		{"InvalidParameter.Password", 400, cloud.ErrInvalidPassword},
		{"InvalidParameter.NewPassword.TooWeak", 400, cloud.ErrInvalidPassword},
		{"InvalidPassword.Policy", 400, cloud.ErrInvalidPassword},
		{"InvalidParameter.PasswordResetRequired", 400, cloud.ErrInvalidInput},
		{"InvalidParameter", 400, cloud.ErrInvalidInput},
		{"InvalidParameter.UserPrincipalName.Format", 400, cloud.ErrInvalidInput},
		{"MissingParameter", 400, cloud.ErrInvalidInput},
		{"MissingUserPrincipalName", 400, cloud.ErrInvalidInput},
		{"InvalidVersion", 400, cloud.ErrInvalidInput},
		{"InvalidAction.NotFound", 404, cloud.ErrInvalidInput},
		{"Throttling", 400, cloud.ErrThrottled},
		{"Throttling.User", 400, cloud.ErrThrottled},
		{"Throttling.Api", 503, cloud.ErrThrottled},
		{"Throttling.User", 0, cloud.ErrThrottled},
		{"NoPermission", 403, cloud.ErrAuth},
		{"NoPermission.User", 400, cloud.ErrAuth},
		{"Forbidden.AccessKeyDisabled", 403, cloud.ErrAuth},
		{"SignatureDoesNotMatch", 400, cloud.ErrAuth},
		{"IncompleteSignature", 400, cloud.ErrAuth},
		{"InvalidAccessKeyId.NotFound", 404, cloud.ErrAuth},
		{"InvalidAccessKeyId.Inactive", 400, cloud.ErrAuth},
		{"InvalidSecurityToken.Expired", 400, cloud.ErrAuth},
		{"InvalidSecurityToken.Malformed", 400, cloud.ErrAuth},
		{"InvalidTimeStamp.Expired", 400, cloud.ErrAuth},
		{"ServiceUnavailable", 503, cloud.ErrTransient},
		{"InternalError", 500, cloud.ErrTransient},
		{"SignatureNonceUsed", 400, cloud.ErrTransient},
		// Unknown codes: by status.
		{"Something.New", 401, cloud.ErrAuth},
		{"Something.New", 403, cloud.ErrAuth},
		{"Something.New", 429, cloud.ErrThrottled},
		{"Something.New", 500, cloud.ErrTransient},
		{"Something.New", 502, cloud.ErrTransient},
		{"Something.New", 400, cloud.ErrTransient},
		{"DeleteConflict.User.LoginProfile", 409, cloud.ErrTransient},
		{"", 404, cloud.ErrTransient},
		{"", 403, cloud.ErrAuth},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%d", tc.code, tc.status), func(t *testing.T) {
			got := codes.Classify(providerkit.Call{}, providerkit.Answer{Code: tc.code, Status: tc.status})
			if !errors.Is(got, tc.want) {
				t.Fatalf("codes.Classify(%q, %d) = %v, want %v", tc.code, tc.status, got, tc.want)
			}
			if !errors.Is(tc.want, cloud.ErrPasswordReused) && errors.Is(got, cloud.ErrPasswordReused) {
				t.Fatalf("codes.Classify(%q, %d) = %v: not a reuse refusal", tc.code, tc.status, got)
			}
		})
	}
}

func TestClassifyServerErrorKeepsTheCloudsFields(t *testing.T) {
	err := classifier.Classify(context.Background(), providerkit.Call{Action: actionCreate}, serverError(400, "Throttling.User", "Request was denied due to user flow control."), testSecrets())
	var ce *cloud.Error
	if !errors.As(err, &ce) {
		t.Fatalf("not a *cloud.Error: %T %v", err, err)
	}
	if !cloud.IsThrottled(err) || ce.Cloud != "alibaba" || ce.Action != actionCreate || ce.Code != "Throttling.User" ||
		ce.HTTPStatus != 400 || ce.RequestID != "req-1" || ce.Message != "Request was denied due to user flow control." {
		t.Fatalf("unexpected error: %#v", ce)
	}
	if got, want := ce.Summary(), "alibaba CreateLoginProfile: Throttling.User: Request was denied due to user flow control."; got != want {
		t.Fatalf("Summary() = %q, want %q", got, want)
	}
}

func TestSignatureDoesNotMatchDropsTheStringToSign(t *testing.T) {
	sts := "POST&%2F&AccessKeyId%3Dak%26Password%3D" + url.QueryEscape(percentEncode(testPassword)) + "%26SecurityToken%3D" + url.QueryEscape(percentEncode(testToken))
	for _, code := range []string{"SignatureDoesNotMatch", "IncompleteSignature"} {
		err := classifier.Classify(context.Background(), providerkit.Call{Action: actionUpdate},
			serverError(400, code, "Specified signature is not matched with our calculation. server string to sign is:"+sts), testSecrets())
		if !cloud.IsAuth(err) {
			t.Fatalf("%s: not ErrAuth: %v", code, err)
		}
		assertNoSecret(t, err.Error())
		if strings.Contains(err.Error(), "POST&") {
			t.Fatalf("%s: string to sign kept: %s", code, err)
		}
		if !strings.Contains(err.Error(), "not matched with our calculation") {
			t.Fatalf("%s: cloud's message lost: %s", code, err)
		}
	}
}

func TestServerMessageIsRedactedAndShortened(t *testing.T) {
	// A message that (against all expectations) quotes the password, raw and encoded.
	msg := "bad " + testPassword + " and " + url.QueryEscape(testPassword) + " " + strings.Repeat("x", 2000)
	err := classifier.Classify(context.Background(), providerkit.Call{Action: actionUpdate}, serverError(400, "InvalidParameter.Password.TooWeak", msg), testSecrets())
	if !errors.Is(err, cloud.ErrInvalidPassword) {
		t.Fatalf("not ErrInvalidPassword: %v", err)
	}
	assertNoSecret(t, err.Error())
	if len(cloud.Summary(err)) > providerkit.MaxMessageLen+200 {
		t.Fatalf("message not shortened: %d bytes", len(cloud.Summary(err)))
	}
}

func TestNonJSONErrorBodyIsNotKept(t *testing.T) {
	body := "<html>502 Bad Gateway for POST /?Password=" + url.QueryEscape(testPassword) + "</html>"
	for status, want := range map[int]error{502: cloud.ErrTransient, 403: cloud.ErrAuth, 404: cloud.ErrTransient, 429: cloud.ErrThrottled} {
		err := classifier.Classify(context.Background(), providerkit.Call{Action: actionGet}, sdkerrors.NewServerError(status, body, ""), testSecrets())
		if !errors.Is(err, want) {
			t.Fatalf("HTTP %d: got %v, want %v", status, err, want)
		}
		assertNoSecret(t, err.Error())
		if strings.Contains(err.Error(), "html") || cloud.Code(err) != "" {
			t.Fatalf("HTTP %d: body kept: %s", status, err)
		}
	}
}

// The V1 SDK puts every parameter in the URL, so a *url.Error's text has the password.
func TestTransportErrorNeverShowsTheURL(t *testing.T) {
	rawURL := "https://ims.aliyuncs.com/?AccessKeyId=ak&Action=CreateLoginProfile&Password=" + url.QueryEscape(testPassword) +
		"&SecurityToken=" + url.QueryEscape(testToken) + "&UserPrincipalName=alice%40corp.onaliyun.com"
	causes := []error{
		&net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}},
		errors.New("EOF"),
		// A cause that quotes the URL, or the secrets themselves.
		fmt.Errorf("proxy refused %s", rawURL),
		fmt.Errorf("odd failure with %s and %s", testPassword, testAKSecret),
		context.DeadlineExceeded,
	}
	for _, cause := range causes {
		uerr := &url.Error{Op: "Post", URL: rawURL, Err: cause}
		if !strings.Contains(uerr.Error(), url.QueryEscape(testPassword)) {
			t.Fatal("test premise: the url.Error's text holds the password")
		}
		err := classifier.Classify(context.Background(), providerkit.Call{Action: actionCreate}, uerr, testSecrets())
		if !errors.Is(err, cloud.ErrTransient) {
			t.Fatalf("not ErrTransient: %v", err)
		}
		assertNoSecret(t, err.Error())
		if strings.Contains(err.Error(), "ims.aliyuncs.com/?") || strings.Contains(err.Error(), "UserPrincipalName=") {
			t.Fatalf("URL kept: %s", err)
		}
		if !strings.Contains(err.Error(), "Post request failed") {
			t.Fatalf("Op lost: %s", err)
		}
	}
	err := classifier.Classify(context.Background(), providerkit.Call{Action: actionCreate}, &url.Error{Op: "Post", URL: rawURL, Err: causes[0]}, testSecrets())
	if !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("cause lost: %s", err)
	}
}

func TestClientErrorUsesTheSDKMessageOnly(t *testing.T) {
	cause := &url.Error{Op: "Post", URL: "https://x/?Password=" + url.QueryEscape(testPassword), Err: errors.New("boom")}
	err := classifier.Classify(context.Background(), providerkit.Call{Action: actionGet}, sdkerrors.NewClientError(sdkerrors.JsonUnmarshalErrorCode, sdkerrors.JsonUnmarshalErrorMessage, cause), testSecrets())
	if !errors.Is(err, cloud.ErrTransient) {
		t.Fatalf("not ErrTransient: %v", err)
	}
	assertNoSecret(t, err.Error())
	if !strings.Contains(err.Error(), sdkerrors.JsonUnmarshalErrorCode) {
		t.Fatalf("code lost: %s", err)
	}
}

func TestCredentialsErrorsAreNotReadAsIMSCodes(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		// STS's InvalidParameter must not become ErrInvalidInput of the IMS call.
		{"sts refuses", serverError(400, "InvalidParameter.OIDCToken", "bad token"), cloud.ErrAuth},
		{"sts entity", serverError(404, "EntityNotExist.Role", "no role"), cloud.ErrAuth},
		{"sts throttles", serverError(400, "Throttling.User", "flow control"), cloud.ErrThrottled},
		{"sts down", serverError(503, "ServiceUnavailable", "down"), cloud.ErrTransient},
		{"network", &url.Error{Op: "Post", URL: "https://sts.aliyuncs.com/?x=y", Err: errors.New("i/o timeout")}, cloud.ErrTransient},
		{"token file", &fs.PathError{Op: "open", Path: "/var/run/secrets/tokens/oidc-token", Err: syscall.ENOENT}, cloud.ErrAuth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := classifier.Classify(context.Background(), providerkit.Call{Action: actionGet}, &providerkit.CredentialsError{Err: tc.err}, testSecrets())
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if cloud.Code(err) != "" {
				t.Fatalf("STS's code taken as the IMS call's: %q", cloud.Code(err))
			}
			if !strings.Contains(err.Error(), "credentials") {
				t.Fatalf("message does not say credentials: %s", err)
			}
		})
	}
}

func TestCanceledContextIsBothTransientAndCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := classifier.Classify(ctx, providerkit.Call{Action: actionGet}, &url.Error{Op: "Post", URL: "https://x/?Password=p", Err: context.Canceled}, testSecrets())
	var ce *cloud.Error
	if !errors.As(err, &ce) || !errors.Is(err, cloud.ErrTransient) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %T %v", err, err)
	}
	// An answer of the cloud stays what it is.
	err = classifier.Classify(ctx, providerkit.Call{Action: actionGet}, serverError(404, "EntityNotExist.User", "no user"), testSecrets())
	if !errors.Is(err, cloud.ErrUserNotFound) {
		t.Fatalf("got %v", err)
	}
}

func TestRedactorVariants(t *testing.T) {
	got := map[string]bool{}
	for _, v := range classifier.Redactor.Variants(cloud.NewSensitive("a b*~/"), cloud.Sensitive{}) {
		got[v.Reveal()] = true
	}
	for _, want := range []string{
		"a b*~/",             // raw
		"a+b%2A~%2F",         // in the URL (query escaping)
		"a%20b%2A~%2F",       // in the canonical string (RFC 3986)
		"a%2Bb%252A~%252F",   // the URL form escaped again
		"a%2520b%252A~%252F", // in the string to sign
	} {
		if !got[want] {
			t.Errorf("missing variant %q in %v", want, got)
		}
	}
}
