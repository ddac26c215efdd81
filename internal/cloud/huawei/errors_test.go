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

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

const (
	testPassword = `S3cret pass*~!"<word>&`
	testAKID     = "AKTESTHUAWEI0001"
	testAKSecret = "sk-Secret/with+chars="
	testToken    = "sts-Token/AAAA+BBBB=="
)

func testSecrets() []cloud.Sensitive {
	return []cloud.Sensitive{cloud.NewSensitive(testPassword), cloud.NewSensitive(testAKSecret),
		cloud.NewSensitive(testToken), cloud.NewSensitive(testAKID)}
}

// assertNoSecret fails when s holds a secret of the tests in any encoding.
func assertNoSecret(t testing.TB, s string) {
	t.Helper()
	for _, v := range classifier.Redactor.Variants(testSecrets()...) {
		if strings.Contains(s, v.Reveal()) {
			t.Fatalf("text leaks a secret (%q): %s", v.Reveal(), s)
		}
	}
	for _, v := range []string{"S3cret", "sk-Secret", "sts-Token", "AKTESTHUAWEI"} {
		if strings.Contains(s, v) {
			t.Fatalf("text leaks part of a secret (%q): %s", v, s)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// classifyAnswer is the class the table answers gives an answer of IAM to call c.
func classifyAnswer(c providerkit.Call, status int, code, message, requestID string) error {
	return answers.Classify(c, providerkit.Answer{Status: status, Code: code, Message: message, RequestID: requestID})
}

func responseErr(status int, code, message string) error {
	return &sdkerr.ServiceResponseError{StatusCode: status, ErrorCode: code, ErrorMessage: message, RequestId: "req-1"}
}

func TestAnswers(t *testing.T) {
	const (
		noPassword = false
		password   = true
	)
	tests := []struct {
		action   string
		status   int
		code     string
		message  string
		password bool
		want     error
	}{
		// 404: user or profile.
		{actionGet, 404, "IAM.1001", "The user does not exist.", noPassword, cloud.ErrUserNotFound},
		{actionGet, 404, "IAM.1002", "Could not find user: 07e7a4c2.", noPassword, cloud.ErrUserNotFound},
		{actionGet, 404, "IAM.1003", "The login profile does not exist.", noPassword, cloud.ErrProfileNotFound},
		{actionGet, 404, "IAM.1004", "User's login profile not found.", noPassword, cloud.ErrProfileNotFound},
		{actionGet, 404, "IAM.1005", "The resource does not exist.", noPassword, cloud.ErrProfileNotFound},
		{actionGet, 404, "NoSuchEntity.User", "not found", noPassword, cloud.ErrUserNotFound},
		{actionGet, 404, "NoSuchEntity.LoginProfile", "not found", noPassword, cloud.ErrProfileNotFound},
		{actionUpdate, 404, "IAM.1001", "The user does not exist.", password, cloud.ErrUserNotFound},
		{actionUpdate, 404, "IAM.1003", "The login profile does not exist.", password, cloud.ErrProfileNotFound},
		{actionDelete, 404, "IAM.1001", "The user does not exist.", noPassword, cloud.ErrUserNotFound},
		{actionDelete, 404, "IAM.1003", "The login profile does not exist.", noPassword, cloud.ErrProfileNotFound},
		// A create's 404 is the user, whatever the message.
		{actionCreate, 404, "IAM.1003", "The resource does not exist.", password, cloud.ErrUserNotFound},
		{actionCreate, 404, "IAM.1003", "The login profile does not exist.", password, cloud.ErrUserNotFound},
		// The reads that need no profile: a 404 is the user, whatever the message.
		{actionListMFA, 404, "IAM.0004", "Could not find user.", noPassword, cloud.ErrUserNotFound},
		{actionListMFA, 404, "IAM.1003", "The resource does not exist.", noPassword, cloud.ErrUserNotFound},
		{actionLastLogin, 404, "IAM.1003", "The login profile does not exist.", noPassword, cloud.ErrUserNotFound},
		{actionLastLogin, 404, "PAP5.0004", "no such entity", noPassword, cloud.ErrUserNotFound},
		// The password policy names no user nor profile.
		{actionPasswordPolicy, 404, "IAM.0004", "Could not find user.", noPassword, cloud.ErrTransient},
		{actionPasswordPolicy, 403, "PAP5.0001", "access denied", noPassword, cloud.ErrAuth},
		{actionListMFA, 400, "PAP5.0010", "invalid marker", noPassword, cloud.ErrInvalidInput},
		{actionListMFA, 400, "IAM.0007", "Request parameter user_id is invalid.", noPassword, cloud.ErrInvalidInput},
		{actionLastLogin, 429, "APIGW.0308", "throttled", noPassword, cloud.ErrThrottled},
		// 409.
		{actionCreate, 409, "IAM.1101", "The login profile already exists.", password, cloud.ErrAlreadyExists},
		{actionUpdate, 409, "IAM.1101", "Conflict.", password, cloud.ErrAlreadyExists},
		// 400: the password when one was sent, the request otherwise.
		{actionCreate, 400, "IAM.1201", "The password is too weak.", password, cloud.ErrInvalidPassword},
		{actionUpdate, 400, "IAM.1202", "The password was used recently.", password, cloud.ErrPasswordReused},
		{actionUpdate, 400, "IAM.0112", "The password must not be one of the last 3 passwords of the user.", password, cloud.ErrPasswordReused},
		{actionUpdate, 400, "IAM.0111", "The password does not meet the password policy: at least 8 characters.", password, cloud.ErrInvalidPassword},
		{actionUpdate, 400, "IAM.1204", "The new password cannot be reused.", password, cloud.ErrPasswordReused},
		{actionUpdate, 400, "IAM.1203", "Invalid password_reset_required.", noPassword, cloud.ErrInvalidInput},
		{actionGet, 400, "IAM.0001", "Invalid user_id.", noPassword, cloud.ErrInvalidInput},
		{actionCreate, 400, "APIGW.0201", "Request body too large.", password, cloud.ErrInvalidInput},
		// Auth.
		{actionGet, 403, "PAP5.0001", "You do not have permission to perform action iam:users:getLoginProfileV5.", noPassword, cloud.ErrAuth},
		{actionCreate, 403, "PAP5.0001", "no permission", password, cloud.ErrAuth},
		{actionGet, 401, "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail", noPassword, cloud.ErrAuth},
		{actionGet, 401, "", "", noPassword, cloud.ErrAuth},
		{actionGet, 403, "", "", noPassword, cloud.ErrAuth},
		// Throttling.
		{actionGet, 429, "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second", noPassword, cloud.ErrThrottled},
		{actionCreate, 429, "", "", password, cloud.ErrThrottled},
		{actionCreate, 400, "APIGW.0308", "throttled", password, cloud.ErrThrottled},
		// Transient.
		{actionGet, 500, "IAM.0000", "Internal error.", noPassword, cloud.ErrTransient},
		{actionGet, 502, "", "", noPassword, cloud.ErrTransient},
		{actionGet, 503, "APIGW.0101", "unavailable", noPassword, cloud.ErrTransient},
		{actionCreate, 201, "", "json: cannot unmarshal", password, cloud.ErrTransient},
		{actionGet, 405, "IAM.0002", "Method not allowed.", noPassword, cloud.ErrTransient},
		// The gateway's own 404 (no such API: a wrong endpoint) is not a missing user or profile.
		{actionDelete, 404, "APIGW.0101", "The API does not exist or has not been published in the environment", noPassword, cloud.ErrTransient},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%d/%s/%s", tc.action, tc.status, tc.code, tc.message), func(t *testing.T) {
			c := providerkit.Call{Action: tc.action, User: user1}
			if tc.password {
				c.Password = cloud.NewSensitive(testPassword)
			}
			got := classifyAnswer(c, tc.status, tc.code, tc.message, "req-1")
			if !errors.Is(got, tc.want) {
				t.Fatalf("classifyAnswer = %v, want %v", got, tc.want)
			}
			if !errors.Is(tc.want, cloud.ErrPasswordReused) && errors.Is(got, cloud.ErrPasswordReused) {
				t.Fatalf("classifyAnswer = %v: not a reuse refusal", got)
			}
		})
	}
}

// The user id in a message does not sway the heuristic.
func TestUserIDInTheMessageIsIgnored(t *testing.T) {
	c := providerkit.Call{Action: actionGet, User: "login-profile-user"}
	if got := classifyAnswer(c, 404, "IAM.0004", "Could not find user: login-profile-user.", "req-1"); !errors.Is(got, cloud.ErrUserNotFound) {
		t.Errorf("missing user: %v", got)
	}
	c.User = "user-7"
	if got := classifyAnswer(c, 404, "IAM.0104", "Could not find the login profile of user: user-7.", "req-1"); !errors.Is(got, cloud.ErrProfileNotFound) {
		t.Errorf("missing profile: %v", got)
	}
}

// A 4xx with neither code nor request id is not IAM's answer: a 404 must not make a delete succeed.
func TestAnswerWithoutCodeOrRequestIDIsNotIAMs(t *testing.T) {
	for status, want := range map[int]error{404: cloud.ErrTransient, 409: cloud.ErrTransient, 400: cloud.ErrTransient,
		403: cloud.ErrAuth, 429: cloud.ErrThrottled, 502: cloud.ErrTransient} {
		if got := classifyAnswer(providerkit.Call{Action: actionDelete, User: user1}, status, "", "<html>not found</html>", ""); !errors.Is(got, want) {
			t.Errorf("HTTP %d: %v, want %v", status, got, want)
		}
	}
	// With a request id, IAM answered even if the SDK found no code: by status.
	if got := classifyAnswer(providerkit.Call{Action: actionDelete, User: user1}, 404, "", `{"error_code":"IAM.1003"}`, "req-1"); !errors.Is(got, cloud.ErrProfileNotFound) {
		t.Errorf("404 with a request id: %v", got)
	}
}

func TestClassifyKeepsTheCloudsFields(t *testing.T) {
	err := classifier.Classify(context.Background(), providerkit.Call{Action: actionCreate, User: user1, Password: cloud.NewSensitive(testPassword)}, responseErr(429, "APIGW.0308", "The throttling threshold has been reached"), testSecrets())
	var ce *cloud.Error
	if !errors.As(err, &ce) {
		t.Fatalf("not a *cloud.Error: %T %v", err, err)
	}
	if !cloud.IsThrottled(err) || ce.Cloud != "huawei" || ce.Action != actionCreate || ce.Code != "APIGW.0308" ||
		ce.HTTPStatus != 429 || ce.RequestID != "req-1" || ce.Message != "The throttling threshold has been reached" {
		t.Fatalf("unexpected error: %#v", ce)
	}
	if got, want := ce.Summary(), "huawei CreateLoginProfileV5: APIGW.0308: The throttling threshold has been reached"; got != want {
		t.Fatalf("Summary() = %q, want %q", got, want)
	}
	// The SDK's value form too.
	err = classifier.Classify(context.Background(), providerkit.Call{Action: actionGet, User: user1}, sdkerr.ServiceResponseError{StatusCode: 403, ErrorCode: "PAP5.0001", ErrorMessage: "denied"}, nil)
	if !cloud.IsAuth(err) || cloud.Code(err) != "PAP5.0001" {
		t.Fatalf("value error: %v", err)
	}
	// A weak password is refused as such, only when one was sent.
	err = classifier.Classify(context.Background(), providerkit.Call{Action: actionUpdate, User: user1, Password: cloud.NewSensitive(testPassword)}, responseErr(400, "IAM.1201", "too weak"), testSecrets())
	if !errors.Is(err, cloud.ErrInvalidPassword) {
		t.Fatalf("weak password: %v", err)
	}
	err = classifier.Classify(context.Background(), providerkit.Call{Action: actionUpdate, User: user1}, responseErr(400, "IAM.1203", "bad flag"), testSecrets())
	if !errors.Is(err, cloud.ErrInvalidInput) || errors.Is(err, cloud.ErrInvalidPassword) {
		t.Fatalf("bad flag: %v", err)
	}
}

func TestResponseMessageIsRedactedAndShortened(t *testing.T) {
	// A message that (against all expectations) quotes the password and the credentials.
	msg := "bad " + testPassword + " and " + url.QueryEscape(testPassword) + " " + providerkit.JSONEscape(testPassword, true) +
		" sk " + testAKSecret + " token " + testToken + " ak " + testAKID + " " + strings.Repeat("x", 2000)
	err := classifier.Classify(context.Background(), providerkit.Call{Action: actionUpdate, User: user1, Password: cloud.NewSensitive(testPassword)}, responseErr(400, "IAM.1201", msg), testSecrets())
	if !errors.Is(err, cloud.ErrInvalidPassword) {
		t.Fatalf("not ErrInvalidPassword: %v", err)
	}
	assertNoSecret(t, err.Error())
	if len(cloud.Summary(err)) > providerkit.MaxMessageLen+200 {
		t.Fatalf("message not shortened: %d bytes", len(cloud.Summary(err)))
	}
}

// Without an error_code/error_msg pair the SDK keeps the whole body as the message: not kept.
func TestBodyWithoutErrorCodeIsNotKept(t *testing.T) {
	body := `<html>502 Bad Gateway {"password":"` + providerkit.JSONEscape(testPassword, false) + `"}</html>`
	for status, want := range map[int]error{502: cloud.ErrTransient, 403: cloud.ErrAuth, 404: cloud.ErrTransient, 429: cloud.ErrThrottled} {
		err := classifier.Classify(context.Background(), providerkit.Call{Action: actionCreate, User: user1, Password: cloud.NewSensitive(testPassword)}, &sdkerr.ServiceResponseError{StatusCode: status, ErrorMessage: body},
			testSecrets())
		if !errors.Is(err, want) {
			t.Fatalf("HTTP %d: got %v, want %v", status, err, want)
		}
		assertNoSecret(t, err.Error())
		if strings.Contains(err.Error(), "html") || cloud.Code(err) != "" || !strings.Contains(err.Error(), "without a Huawei Cloud error code") {
			t.Fatalf("HTTP %d: body kept: %s", status, err)
		}
	}
}

// A 2xx the SDK cannot read comes back as a ServiceResponseError with the 2xx status.
func TestUnreadableSuccessIsTransient(t *testing.T) {
	err := classifier.Classify(context.Background(), providerkit.Call{Action: actionCreate, User: user1, Password: cloud.NewSensitive(testPassword)},
		&sdkerr.ServiceResponseError{StatusCode: 201, RequestId: "req-7", ErrorMessage: `parsing time "tomorrow"`}, nil)
	var ce *cloud.Error
	if !errors.As(err, &ce) || !errors.Is(ce.Kind, cloud.ErrTransient) || ce.Code != "" || ce.HTTPStatus != 201 || ce.RequestID != "req-7" ||
		!strings.Contains(ce.Message, "unexpected response") {
		t.Fatalf("got %#v", err)
	}
}

func TestTransportErrorNeverShowsTheRequest(t *testing.T) {
	rawURL := "https://iam.myhuaweicloud.com/v5/users/07e7a4c2/login-profile"
	// The request as the SDK's model prints it.
	req := newCreateRequest(cloud.CreateRequest{User: "07e7a4c2", Password: cloud.NewSensitive(testPassword)})
	if !strings.Contains(req.String(), providerkit.JSONEscape(testPassword, false)) {
		t.Fatalf("test premise: the model's String() holds the password: %s", req)
	}
	causes := []error{
		&net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}},
		errors.New("EOF"),
		// Causes that quote the request or the secrets themselves.
		fmt.Errorf("proxy refused %s", req),
		fmt.Errorf("odd failure with %s, %s, %s and %s", testPassword, testAKSecret, testToken, testAKID),
		context.DeadlineExceeded,
	}
	for _, cause := range causes {
		err := classifier.Classify(context.Background(), providerkit.Call{Action: actionCreate, User: user1, Password: cloud.NewSensitive(testPassword)}, &url.Error{Op: "Post", URL: rawURL, Err: cause}, testSecrets())
		if !errors.Is(err, cloud.ErrTransient) {
			t.Fatalf("not ErrTransient: %v", err)
		}
		assertNoSecret(t, err.Error())
		if strings.Contains(err.Error(), rawURL) || !strings.Contains(err.Error(), "Post request failed") {
			t.Fatalf("URL kept or Op lost: %s", err)
		}
		// And a bare error quoting the request.
		err = classifier.Classify(context.Background(), providerkit.Call{Action: actionCreate, User: user1, Password: cloud.NewSensitive(testPassword)}, cause, testSecrets())
		assertNoSecret(t, err.Error())
	}
	err := classifier.Classify(context.Background(), providerkit.Call{Action: actionCreate, User: user1, Password: cloud.NewSensitive(testPassword)}, &url.Error{Op: "Post", URL: rawURL, Err: causes[0]}, testSecrets())
	if !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("cause lost: %s", err)
	}
}

func TestCredentialsErrorsAreNotReadAsIAMv5Codes(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		// The token API's 404 (no such identity provider) must not read as a missing profile, which
		// would make a delete succeed.
		{"idp missing", responseErr(404, "IAM.0004", "The identity provider does not exist."), cloud.ErrAuth},
		{"token refused", responseErr(401, "IAM.0006", "bad id token"), cloud.ErrAuth},
		{"bad request", responseErr(400, "IAM.0007", "bad request"), cloud.ErrAuth},
		{"throttled", responseErr(429, "APIGW.0308", "throttled"), cloud.ErrThrottled},
		{"down", responseErr(503, "IAM.0000", "down"), cloud.ErrTransient},
		{"network", &url.Error{Op: "Post", URL: "https://iam.myhuaweicloud.com/v3.0/OS-AUTH/id-token/tokens", Err: errors.New("i/o timeout")}, cloud.ErrTransient},
		{"token file", &fs.PathError{Op: "stat", Path: "/var/run/secrets/tokens/oidc-token", Err: syscall.ENOENT}, cloud.ErrAuth},
		{"empty token file", sdkerr.NewCredentialsTypeError("/var/run/secrets/tokens/oidc-token file content is empty"), cloud.ErrAuth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := classifier.Classify(context.Background(), providerkit.Call{Action: actionDelete, User: user1}, &providerkit.CredentialsError{Err: tc.err}, testSecrets())
			if !errors.Is(err, tc.want) || cloud.IsNotFound(err) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if cloud.Code(err) != "" {
				t.Fatalf("the token API's code taken as the IAM v5 call's: %q", cloud.Code(err))
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
	err := classifier.Classify(ctx, providerkit.Call{Action: actionGet, User: user1}, &url.Error{Op: "Get", URL: "https://x/v5/users/u/login-profile", Err: context.Canceled}, testSecrets())
	var ce *cloud.Error
	if !errors.As(err, &ce) || !errors.Is(err, cloud.ErrTransient) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %T %v", err, err)
	}
	// An answer of the cloud stays what it is.
	err = classifier.Classify(ctx, providerkit.Call{Action: actionGet, User: user1}, responseErr(404, "IAM.1001", "The user does not exist."), testSecrets())
	if !errors.Is(err, cloud.ErrUserNotFound) || errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

func TestRedactorVariants(t *testing.T) {
	got := map[string]bool{}
	for _, v := range classifier.Redactor.Variants(cloud.NewSensitive(`a b"<\/`), cloud.Sensitive{}) {
		got[v.Reveal()] = true
	}
	for _, want := range []string{
		`a b"<\/`,           // raw
		`a b\"\u003c\\/`,    // JSON, HTML-escaped (encoding/json)
		`a b\"<\\/`,         // JSON without HTML escaping (the SDK's marshaller)
		`a+b%22%3C%5C%2F`,   // query
		`a%20b%22%3C%5C%2F`, // path
	} {
		if !got[want] {
			t.Errorf("missing variant %q in %v", want, got)
		}
	}
}

// The model's String() is the SDK's marshaller's JSON: the JSON variants cover it.
func TestRequestStringIsRedacted(t *testing.T) {
	pw := cloud.NewSensitive(testPassword)
	for _, s := range []string{
		newCreateRequest(cloud.CreateRequest{User: "u", Password: pw}).String(),
		newUpdateRequest(cloud.UpdateRequest{User: "u", Password: &pw}).String(),
		(&model.UpdateLoginProfileReqBody{Password: &[]string{testPassword}[0]}).String(),
	} {
		if !strings.Contains(s, "S3cret") {
			t.Fatalf("test premise: %s", s)
		}
		assertNoSecret(t, classifier.Redactor.Clean(s, testSecrets()...))
	}
}
