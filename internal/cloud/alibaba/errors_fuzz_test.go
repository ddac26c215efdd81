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
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/cloudtest"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

// The shapes of error FuzzClassify builds from its text, as the SDK returns them.
const (
	shapeServerBody        = iota // the cloud's answer: the text is the HTTP body
	shapeServerFields             // the cloud's answer: the text's lines are Code, Message, RequestId
	shapeURLError                 // a transport failure: the text is the cause; the URL holds the password
	shapeClientError              // an SDK client error: the text's lines are the code and the message
	shapeCredsServerBody          // STS's answer to the credentials exchange: the text is the body
	shapeCredsServerFields        // STS's answer, the text's lines as Code, Message, RequestId
	shapeCredsURLError            // the credentials exchange failed in transit
	shapeCredsOther               // any other credentials failure: the text is the error's
	shapeOther                    // any other error: the text is the error's
	numShapes
)

// FuzzClassify drives the classifier with SDK errors built from arbitrary text, in which the password
// is inserted in each form the wire gives it ({pw} raw, {q} query-escaped as in the URL, {r} the
// signature's RFC 3986 encoding, {qq} and {qr} those escaped again as in the string to sign,
// {path} path-escaped, {json} and {jsonhtml} JSON-escaped). Properties:
//
//   - the result is a *cloud.Error that wraps exactly one sentinel, its Kind (or the class
//     ErrPasswordReused refines), and the predicates agree with it; it wraps context.Canceled exactly when the call was interrupted;
//   - an answer of IMS is classified by the table codes, from its code and status, and keeps its code
//     and request id; a credentials failure never takes STS's code for the call's, nor reads as a
//     missing user or profile, an existing profile or refused input;
//   - the message is bounded, and valid UTF-8 when the input is;
//   - neither Error() nor Summary() holds the password, in any of those forms.
func FuzzClassify(f *testing.F) {
	const pw = `S3cret/pass*~!word`
	for _, tc := range []struct {
		shape  int
		status int
		text   string
	}{
		// Answers of the simulator (internal/sim/alibaba), which copies the cloud's.
		{shapeServerBody, 404, `{"RequestId":"7A3F0C1E-2B4D-4E5F-8A9B-0C1D2E3F4A5B","HostId":"ims.aliyuncs.com","Code":"EntityNotExist.User","Message":"The user does not exist.","Recommend":"https://api.aliyun.com/troubleshoot?q=EntityNotExist.User&product=Ims&requestId=7A3F0C1E"}`},
		{shapeServerBody, 404, `{"RequestId":"r-2","HostId":"ims.aliyuncs.com","Code":"EntityNotExist.User.LoginProfile","Message":"The login profile of the user does not exist."}`},
		{shapeServerBody, 409, `{"RequestId":"r-3","HostId":"ims.aliyuncs.com","Code":"EntityAlreadyExists.User.LoginProfile","Message":"The login profile of the user already exists."}`},
		{shapeServerBody, 400, `{"RequestId":"r-4","HostId":"ims.aliyuncs.com","Code":"InvalidParameter.Password.TooWeak","Message":"The password does not comply with the password policy: {pw}"}`},
		{shapeServerBody, 400, `{"RequestId":"r-5","HostId":"ims.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}`},
		{shapeServerBody, 400, `{"RequestId":"r-6","HostId":"ims.aliyuncs.com","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3Dak%26Action%3DCreateLoginProfile%26Password%3D{qr}%26UserPrincipalName%3Dalice%2540corp.onaliyun.com"}`},
		{shapeServerBody, 503, `{"RequestId":"r-7","HostId":"ims.aliyuncs.com","Code":"ServiceUnavailable","Message":"The request has failed due to a temporary failure of the server."}`},
		{shapeServerBody, 403, `{"RequestId":"r-8","Code":"NoPermission","Message":"You are not authorized to do this action.","AccessDeniedDetail":{"AuthAction":"ram:CreateLoginProfile"}}`},
		{shapeServerBody, 200, `{"RequestId":"r-9","Code":"InvalidTimeStamp.Expired","Message":"Specified time stamp or date value is expired."}`},
		// Bodies that are not IMS's: a proxy's page echoing the request, a JSON document without Code.
		{shapeServerBody, 502, `<html>502 Bad Gateway for POST /?Password={q}&UserPrincipalName=alice%40corp.onaliyun.com</html>`},
		{shapeServerBody, 400, `{"Code":"InvalidParameter","Detail":{"Password":"{json}"}}`},
		{shapeServerFields, 400, "InvalidParameter.NewPassword.Reused\nThe password {pw} was used recently.\nr-10"},
		{shapeServerFields, 400, "InvalidParameter.PasswordResetRequired\nbad flag\nr-11"},
		{shapeURLError, 0, "dial tcp 10.0.0.1:443: connect: connection refused"},
		{shapeURLError, 0, "proxy refused https://ims.aliyuncs.com/?Action=UpdateLoginProfile&Password={q}&SecurityToken=x"},
		{shapeURLError, 1, "net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)"},
		{shapeClientError, 0, sdkerrors.JsonUnmarshalErrorCode + "\n" + sdkerrors.JsonUnmarshalErrorMessage},
		{shapeClientError, 0, "SDK.InvalidParam\nbad Password: {path} and {jsonhtml}"},
		{shapeCredsServerBody, 400, `{"RequestId":"r-12","Code":"InvalidParameter.OIDCToken","Message":"The OIDC token is invalid."}`},
		{shapeCredsServerFields, 400, "Throttling.User\nflow control\nr-13"},
		{shapeCredsServerFields, 404, "EntityNotExist.Role\nThe role does not exist.\nr-14"},
		{shapeCredsURLError, 0, "i/o timeout"},
		{shapeCredsOther, 0, "open /var/run/secrets/tokens/oidc-token: no such file or directory"},
		{shapeOther, 0, "unexpected EOF after {r} and {qq}"},
	} {
		f.Add(uint8(tc.shape), tc.status, tc.text, pw, "Post", false)
	}
	f.Add(uint8(shapeURLError), 0, "context canceled", pw, "Post", true)
	f.Add(uint8(shapeServerBody), 404, `{"Code":"EntityNotExist.User","Message":"no user","RequestId":"r"}`, pw, "Post", true)
	f.Add(uint8(shapeServerFields), 400, "InvalidParameter.Password\n{pw} {q} {r} {qq} {qr} {path} {json} {jsonhtml}\nr-15", `a"b<c>&d\e+f%g~h*i/j`, "Post", false)

	f.Fuzz(func(t *testing.T, shape uint8, status int, text, password, op string, canceled bool) {
		if !cloudtest.RealisticPassword(password) {
			t.Skip()
		}
		forms := passwordForms(password)
		text = cloudtest.Expand(text, forms)
		ctx := cloudtest.Context(canceled)
		secrets := []cloud.Sensitive{cloud.NewSensitive(password), cloud.NewSensitive(testAKSecret), cloud.NewSensitive(testToken)}
		// The request's URL, as the SDK builds it: every parameter, the password included.
		rawURL := "https://ims.aliyuncs.com/?AccessKeyId=ak&Action=UpdateLoginProfile&Password=" + url.QueryEscape(password) +
			"&SecurityToken=" + url.QueryEscape(testToken)

		var in error
		var server *sdkerrors.ServerError // the cloud's answer to the call, if in is one
		creds := false
		switch int(shape) % numShapes {
		case shapeServerBody, shapeServerFields:
			server = newServerError(t, int(shape)%numShapes == shapeServerFields, status, text, forms)
			in = server
		case shapeURLError:
			in = cloudtest.URLError(op, rawURL, text, status)
		case shapeClientError:
			code, msg, _ := strings.Cut(text, "\n")
			in = sdkerrors.NewClientError(code, msg, cloudtest.URLError(op, rawURL, text, status))
		case shapeCredsServerBody, shapeCredsServerFields:
			in = &providerkit.CredentialsError{Err: newServerError(t, int(shape)%numShapes == shapeCredsServerFields, status, text, forms)}
			creds = true
		case shapeCredsURLError:
			in = &providerkit.CredentialsError{Err: cloudtest.URLError(op, rawURL, text, status)}
			creds = true
		case shapeCredsOther:
			in = &providerkit.CredentialsError{Err: errors.New(text)}
			creds = true
		default:
			in = fmt.Errorf("calling IMS: %w", errors.New(text))
		}

		err := classifier.Classify(ctx, providerkit.Call{Action: actionUpdate}, in, secrets)

		// One class, consistently.
		ce, interrupted, class := cloudtest.CheckClassified(t, err, providerName, actionUpdate, canceled)

		switch {
		case creds:
			cloudtest.CheckCredentialsFailure(t, ce, class, "STS's")
		case server != nil && !interrupted:
			answer := providerkit.Answer{Code: server.ErrorCode(), Status: server.HttpStatus()}
			if want := codes.Classify(providerkit.Call{}, answer); !cloudtest.SameKind(ce.Kind, want) {
				t.Fatalf("Kind %v, want codes.Classify(%q, %d) = %v", ce.Kind, server.ErrorCode(), server.HttpStatus(), want)
			}
			if ce.HTTPStatus != server.HttpStatus() {
				t.Fatalf("HTTP status %d, want %d", ce.HTTPStatus, server.HttpStatus())
			}
			// The cloud's code and request id are kept, unless they quote a secret.
			if !cloudtest.ContainsAny(server.ErrorCode(), forms) && ce.Code != server.ErrorCode() {
				t.Fatalf("code %q, want %q", ce.Code, server.ErrorCode())
			}
			if !cloudtest.ContainsAny(server.RequestId(), forms) && ce.RequestID != server.RequestId() {
				t.Fatalf("request id %q, want %q", ce.RequestID, server.RequestId())
			}
		default:
			cloudtest.CheckNoAnswer(t, ce)
		}
		if !creds && len(ce.Message) > providerkit.MaxMessageLen+len("...") {
			t.Fatalf("message not shortened: %d bytes", len(ce.Message))
		}
		cloudtest.CheckValidUTF8(t, err, text, op)

		// No password, in any form.
		cloudtest.CheckNoPassword(t, err, forms)
	})
}

// passwordForms returns pw in each form an error text may quote it, keyed by its placeholder:
// cloudtest's, and the signature's: {r} its RFC 3986 encoding, {qq} and {qr} the query-escaped
// and RFC 3986 forms escaped again as in the string to sign.
func passwordForms(pw string) map[string]string {
	forms := cloudtest.PasswordForms(pw)
	r := rfc3986(pw)
	forms["{r}"], forms["{qq}"], forms["{qr}"] = r, url.QueryEscape(forms["{q}"]), url.QueryEscape(r)
	return forms
}

// rfc3986 percent-encodes every byte but the unreserved characters, with upper-case digits.
func rfc3986(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// newServerError builds the SDK's error for an answer, as its client does: from the body, or from
// a body that holds the text's lines as Code, Message and RequestId; then the wrapping of
// SignatureDoesNotMatch with the client's string to sign (which holds the password). It skips
// bodies on which the SDK itself panics (a field of the wrong JSON type: the SDK asserts strings).
func newServerError(t *testing.T, fields bool, status int, text string, forms map[string]string) *sdkerrors.ServerError {
	body := text
	if fields {
		parts := strings.SplitN(text, "\n", 3)
		parts = append(parts, "", "", "")
		b, _ := json.Marshal(map[string]string{"Code": parts[0], "Message": parts[1], "RequestId": parts[2], "HostId": "ims.aliyuncs.com"})
		body = string(b)
	}
	se := cloudtest.SkipIfSDKPanics(t, func() *sdkerrors.ServerError {
		return sdkerrors.NewServerError(status, body, "").(*sdkerrors.ServerError)
	})
	sts := "POST&%2F&AccessKeyId%3Dak%26Password%3D" + forms["{qr}"]
	return sdkerrors.WrapServerError(se, map[string]string{"StringToSign": sts})
}
