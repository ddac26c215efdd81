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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/cloudtest"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

// The shapes of error FuzzClassify builds from its text, as the SDK returns them.
const (
	shapeResponseBody      = iota // IAM's answer: the text is the HTTP body
	shapeResponseFields           // IAM's answer: the text's lines are error_code and error_msg
	shapeResponseValue            // the SDK's error value as is (a 2xx it could not read, ...): lines as above
	shapeURLError                 // a transport failure: the text is the cause
	shapeCredsResponseBody        // the token API's answer to the OIDC exchange: the text is the body
	shapeCredsURLError            // the OIDC exchange failed in transit
	shapeCredsTypeError           // the SDK's credentials error (an empty token file, ...)
	shapeCredsOther               // any other credentials failure: the text is the error's
	shapeOther                    // any other error: the text is the error's
	numShapes
)

var actions = []string{actionGet, actionCreate, actionUpdate, actionDelete, actionPasswordPolicy, actionListMFA, actionLastLogin}

// neutralPassword stands for the password when checking that its text does not sway the class.
const neutralPassword = "0000-0000"

// FuzzClassify drives the classifier with SDK errors built from arbitrary text, in which the password
// is inserted in each form it may take ({pw} raw, {json} and {jsonhtml} JSON-escaped as in the
// request body or a model's String(), {q} query-escaped, {path} path-escaped) and {user} is the
// user id of the call. Properties:
//
//   - the result is a *cloud.Error that wraps exactly one sentinel, its Kind (or the class
//     ErrPasswordReused refines), and the predicates agree with it; it wraps context.Canceled
//     exactly when the call was interrupted;
//   - an answer of IAM is classified as the table of the comment of answers says (by status,
//     code and request id), keeps its status, code and request id, and its class does not depend
//     on the text of the password its message quotes; ErrInvalidPassword only for a call that
//     sent one, ErrUserNotFound for every 404 of a create, of ListMfaDevicesV5 and of
//     ShowUserLastLoginV5, ErrTransient for a 404 of ShowPasswordPolicyV5;
//   - a credentials failure never takes the token API's code for the call's, nor reads as a
//     missing user or profile, an existing profile or refused input;
//   - the message is bounded, and valid UTF-8 when the input is;
//   - when the call sent the password, neither Error() nor Summary() holds it, in any form.
func FuzzClassify(f *testing.F) {
	const pw = `S3cret/pass*~!"<word>&`
	for _, tc := range []struct {
		shape  int
		status int
		text   string
		action int
	}{
		// Answers of the simulator (internal/sim/huawei) and of the documented gateway.
		{shapeResponseBody, 404, `{"error_code":"IAM.0004","error_msg":"Could not find user: {user}.","request_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9"}`, 0},
		{shapeResponseBody, 404, `{"error_code":"IAM.0104","error_msg":"Could not find the login profile of the user.","request_id":"r-2"}`, 0},
		{shapeResponseBody, 404, `{"error_code":"IAM.0004","error_msg":"Could not find user: {user}."}`, 1},
		{shapeResponseBody, 409, `{"error_code":"IAM.0109","error_msg":"The login profile of the user already exists."}`, 1},
		{shapeResponseBody, 400, `{"error_code":"IAM.0111","error_msg":"The password does not meet the password policy."}`, 2},
		{shapeResponseBody, 400, `{"error_code":"IAM.0112","error_msg":"The password was used recently and cannot be reused."}`, 2},
		{shapeResponseBody, 400, `{"error_code":"IAM.0011","error_msg":"Request body is invalid: {\"password\":\"{json}\"}"}`, 1},
		{shapeResponseBody, 401, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}`, 0},
		{shapeResponseBody, 403, `{"error_code":"PAP5.0001","error_msg":"access denied"}`, 3},
		{shapeResponseBody, 429, `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second"}`, 0},
		{shapeResponseBody, 404, `{"error_code":"APIGW.0101","error_msg":"The API does not exist or has not been published in the environment."}`, 3},
		{shapeResponseBody, 500, `{"error_code":"IAM.0006","error_msg":"An unexpected error prevented the server from fulfilling your request."}`, 0},
		{shapeResponseBody, 404, `{"error_code":"IAM.0004","error_msg":"Could not find user: {user}.","request_id":"r-3"}`, 5},
		{shapeResponseBody, 404, `{"error_code":"IAM.0004","error_msg":"Could not find user: {user}.","request_id":"r-4"}`, 6},
		{shapeResponseBody, 404, `{"error_code":"IAM.0004","error_msg":"Could not find the login profile.","request_id":"r-5"}`, 4},
		{shapeResponseBody, 400, `{"error_code":"PAP5.0010","error_msg":"invalid marker","request_id":"r-6"}`, 5},
		{shapeResponseBody, 400, `{"code":"IAM.0011","message":"nested","details":[{"error_code":"X","error_msg":"{pw}"}]}`, 2},
		// Bodies that are not IAM's: a proxy's page echoing the request.
		{shapeResponseBody, 502, `<html>502 Bad Gateway {"login_profile":{"password":"{json}"}}</html>`, 1},
		{shapeResponseBody, 404, `<html>not found</html>`, 3},
		{shapeResponseFields, 400, "IAM.0112\nThe password {pw} is among the last 3 passwords.", 2},
		{shapeResponseFields, 404, "IAM.0004\nCould not find user: {user}.", 0},
		{shapeResponseValue, 201, "\njson: cannot unmarshal string into Go value of type int: {jsonhtml}", 1},
		{shapeResponseValue, 302, "\n", 3},
		{shapeURLError, 0, "dial tcp 10.0.0.1:443: connect: connection refused", 1},
		{shapeURLError, 1, "context deadline exceeded (Client.Timeout exceeded while awaiting headers)", 0},
		{shapeURLError, 0, `proxy refused {"password":"{json}","password_reset_required":false}`, 2},
		{shapeCredsResponseBody, 404, `{"error_code":"IAM.0004","error_msg":"The identity provider does not exist."}`, 3},
		{shapeCredsResponseBody, 429, `{"error_code":"APIGW.0308","error_msg":"throttled"}`, 0},
		{shapeCredsURLError, 0, "i/o timeout", 0},
		{shapeCredsTypeError, 0, "/var/run/secrets/tokens/oidc-token file content is empty", 0},
		{shapeCredsOther, 0, "stat /var/run/secrets/tokens/oidc-token: no such file or directory", 0},
		{shapeOther, 0, "odd failure with {pw}, {q} and {path}", 1},
	} {
		f.Add(uint8(tc.shape), tc.status, tc.text, "0a1b2c3d4e5f60718293a4b5c6d7e8f9", pw, uint8(tc.action), true, false)
	}
	f.Add(uint8(shapeURLError), 0, "context canceled", "", pw, uint8(0), false, true)
	f.Add(uint8(shapeResponseFields), 404, "IAM.0004\nCould not find user.", "r", pw, uint8(0), false, true)

	f.Fuzz(func(t *testing.T, shape uint8, status int, text, requestID, password string, action uint8, sent, canceled bool) {
		if !cloudtest.RealisticPassword(password) {
			t.Skip()
		}
		c := providerkit.Call{Action: actions[int(action)%len(actions)], User: user1}
		if sent {
			c.Password = cloud.NewSensitive(password)
		}
		answer, creds, err := classifyShape(t, int(shape)%numShapes, status, expand(text, password), expand(requestID, password), c, canceled)

		ce, interrupted, class := cloudtest.CheckClassified(t, err, providerName, c.Action, canceled)
		forms := cloudtest.PasswordForms(password)

		switch {
		case creds:
			cloudtest.CheckCredentialsFailure(t, ce, class, "the token API's")
		case answer != nil && !interrupted:
			code := ""
			if answer.StatusCode >= 400 {
				code = answer.ErrorCode
			}
			want := documentedClasses(c, answer.StatusCode, code, answer.RequestId)
			if !cloudtest.IsOneOf(class, want...) {
				t.Fatalf("HTTP %d, code %q, request id %q, %s: %v, want one of %v", answer.StatusCode, code, answer.RequestId, c.Action, ce.Kind, want)
			}
			if errors.Is(ce.Kind, cloud.ErrPasswordReused) && c.Password.IsZero() {
				t.Fatalf("ErrPasswordReused for a call that sent no password")
			}
			if ce.HTTPStatus != answer.StatusCode {
				t.Fatalf("HTTP status %d, want %d", ce.HTTPStatus, answer.StatusCode)
			}
			// The cloud's code and request id are kept, unless they quote the password.
			if !cloudtest.ContainsAny(code, forms) && ce.Code != code {
				t.Fatalf("code %q, want %q", ce.Code, code)
			}
			if !cloudtest.ContainsAny(answer.RequestId, forms) && ce.RequestID != answer.RequestId {
				t.Fatalf("request id %q, want %q", ce.RequestID, answer.RequestId)
			}
			// The password quoted in the message does not sway the class (the code decides as it
			// is: a code quoting the password is not looked at). The raw body is left out: a
			// password can change how it parses.
			if sent && (shape%numShapes == shapeResponseFields || shape%numShapes == shapeResponseValue) &&
				!strings.Contains(strings.SplitN(text, "\n", 2)[0], "{") {
				c2 := c
				c2.Password = cloud.NewSensitive(neutralPassword)
				_, _, err2 := classifyShape(t, int(shape)%numShapes, status, expand(text, neutralPassword), expand(requestID, neutralPassword), c2, canceled)
				var ce2 *cloud.Error
				if !errors.As(err2, &ce2) || !cloudtest.SameKind(ce2.Kind, ce.Kind) {
					t.Fatalf("the password's text sways the class: %v with it, %v with a neutral one", ce.Kind, err2)
				}
			}
		default:
			cloudtest.CheckNoAnswer(t, ce)
		}
		if !creds && len(ce.Message) > len("unexpected response: ")+providerkit.MaxMessageLen+len("...") {
			t.Fatalf("message not shortened: %d bytes", len(ce.Message))
		}
		cloudtest.CheckValidUTF8(t, err, text, requestID)

		// No password, in any form, when the call sent it (otherwise it is not the call's secret).
		if sent {
			cloudtest.CheckNoPassword(t, err, forms)
		}
	})
}

// classifyShape builds the SDK error of shape from text and classifies it as the provider does,
// with the secrets of a call: the credentials and c.Password. It returns the SDK's error of the
// answer when there is one, whether the failure is the credentials', and the classified error.
func classifyShape(t *testing.T, shape, status int, text, requestID string, c providerkit.Call, canceled bool) (*sdkerr.ServiceResponseError, bool, error) {
	ctx := cloudtest.Context(canceled)
	secrets := []cloud.Sensitive{cloud.NewSensitive(testAKSecret), cloud.NewSensitive(testToken), cloud.NewSensitive(testAKID), c.Password}
	rawURL := "https://iam.myhuaweicloud.com/v5/users/" + c.User + "/login-profile"
	code, msg, _ := strings.Cut(text, "\n")

	var in error
	var answer *sdkerr.ServiceResponseError
	creds := false
	switch shape {
	case shapeResponseBody:
		answer = sdkResponseError(t, status, text, requestID)
		in = answer
	case shapeResponseFields:
		b, _ := json.Marshal(map[string]string{"error_code": code, "error_msg": msg, "request_id": requestID})
		answer = sdkResponseError(t, status, string(b), requestID)
		in = answer
	case shapeResponseValue:
		answer = &sdkerr.ServiceResponseError{StatusCode: status, ErrorCode: code, ErrorMessage: msg, RequestId: requestID}
		in = *answer // the SDK returns some as values
	case shapeURLError:
		in = cloudtest.URLError("Post", rawURL, text, status)
	case shapeCredsResponseBody:
		in = &providerkit.CredentialsError{Err: sdkResponseError(t, status, text, requestID)}
		creds = true
	case shapeCredsURLError:
		in = &providerkit.CredentialsError{Err: cloudtest.URLError("Post", "https://iam.myhuaweicloud.com/v3.0/OS-AUTH/id-token/tokens", text, status)}
		creds = true
	case shapeCredsTypeError:
		in = &providerkit.CredentialsError{Err: sdkerr.NewCredentialsTypeError(text)}
		creds = true
	case shapeCredsOther:
		in = &providerkit.CredentialsError{Err: errors.New(text)}
		creds = true
	default:
		in = fmt.Errorf("calling IAM: %w", errors.New(text))
	}
	return answer, creds, classifier.Classify(ctx, c, in, secrets)
}

// sdkResponseError is the SDK's error for an answer with this status and body, as its HTTP client
// builds it.
func sdkResponseError(t *testing.T, status int, body, requestID string) *sdkerr.ServiceResponseError {
	resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
	resp.Header.Set("Content-Type", "application/json;charset=UTF-8")
	resp.Header[http.CanonicalHeaderKey("X-Request-Id")] = []string{requestID}
	return cloudtest.SkipIfSDKPanics(t, func() *sdkerr.ServiceResponseError { return sdkerr.NewServiceResponseError(resp) })
}

// documentedClasses is the table of the comment of answers: the classes an answer may have.
func documentedClasses(c providerkit.Call, status int, code, requestID string) []error {
	isGateway := len(code) >= len(gatewayCodePrefix) && strings.EqualFold(code[:len(gatewayCodePrefix)], gatewayCodePrefix)
	switch {
	case status == http.StatusTooManyRequests || strings.EqualFold(code, "APIGW.0308"):
		return []error{cloud.ErrThrottled}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return []error{cloud.ErrAuth}
	case status < 400 || status >= 500, code == "" && requestID == "":
		return []error{cloud.ErrTransient}
	case isGateway && status == http.StatusBadRequest:
		return []error{cloud.ErrInvalidInput}
	case isGateway:
		return []error{cloud.ErrTransient}
	case status == http.StatusNotFound && c.Action == actionPasswordPolicy:
		return []error{cloud.ErrTransient}
	case status == http.StatusNotFound && (c.Action == actionCreate || c.Action == actionListMFA || c.Action == actionLastLogin):
		return []error{cloud.ErrUserNotFound}
	case status == http.StatusNotFound:
		return []error{cloud.ErrUserNotFound, cloud.ErrProfileNotFound}
	case status == http.StatusConflict:
		return []error{cloud.ErrAlreadyExists}
	case status == http.StatusBadRequest && !c.Password.IsZero():
		return []error{cloud.ErrInvalidPassword}
	case status == http.StatusBadRequest:
		return []error{cloud.ErrInvalidInput}
	default:
		return []error{cloud.ErrTransient}
	}
}

// expand puts the password's forms and the user id in place of their placeholders.
func expand(s, pw string) string {
	return strings.ReplaceAll(cloudtest.Expand(s, cloudtest.PasswordForms(pw)), "{user}", user1)
}
