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
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

// This file is what the provider knows of IMS's errors: its error-code table and how the SDK
// reports an answer; the classification itself is providerkit's.
//
// Secrets: the V1 SDK sends every parameter, the password and the security token included, in the
// URL, so nothing here ever uses an SDK error's Error() text: a *url.Error prints the whole URL, a
// *errors.ServerError prints the client's string to sign, and the cloud's own message for
// SignatureDoesNotMatch quotes the server's string to sign (every parameter again, percent-encoded).
// So the redactor also removes URLs, and knows the signature's encodings of a secret.

// Alibaba Cloud error codes the provider acts on.
const (
	codeUserNotFound    = "EntityNotExist.User"
	codeProfileNotFound = "EntityNotExist.User.LoginProfile"
	codeProfileExists   = "EntityAlreadyExists.User.LoginProfile"
	// codeNoMFADevice is GetUserMFAInfo's answer for a user without an MFA device (RAM's error
	// reference: HTTP 404, "The user has not bound any MFA device.").
	codeNoMFADevice           = "EntityNotExist.User.MFADevice"
	codeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	codeIncompleteSignature   = "IncompleteSignature"
)

// codes maps an Alibaba Cloud error code and HTTP status to a class of package cloud.
//
// The code decides when it is known, whatever the status (Throttling comes back with 400 or 503
// depending on the gateway). An unknown code is classified by its status: 401/403 ErrAuth, 429
// ErrThrottled, and anything else, unknown 4xx included, ErrTransient. ErrInvalidInput stops the
// reconciliation until the spec changes; a code this table does not know does not prove the
// request is wrong (new gateway codes, a proxy's 404 or 409, a conflict that clears), so it is
// retried with backoff, which the client-side rate limiter bounds, and its code is kept in the
// status condition for a human. Codes whose names say the request is malformed (Invalid*,
// Missing*) are ErrInvalidInput.
var codes = providerkit.Table{
	// Exact codes first: "EntityNotExist.User" is a prefix of the profile's code.
	//
	// A user without an MFA device is not an error: MFABound answers it as false (noMFADevice).
	// Anywhere else it is no answer the provider expects, and it must not pass for a missing user
	// or login profile (on which the controller would give up, or create a profile): it is
	// retried, as any answer the provider cannot read.
	{Class: cloud.ErrTransient, When: providerkit.Codes(codeNoMFADevice)},
	{Class: cloud.ErrProfileNotFound, When: providerkit.Codes(codeProfileNotFound)},
	{Class: cloud.ErrUserNotFound, When: providerkit.Codes(codeUserNotFound)},
	{Class: cloud.ErrAlreadyExists, When: providerkit.Codes(codeProfileExists)},
	{Class: cloud.ErrThrottled, When: providerkit.CodePrefixes("Throttling")},
	{Class: cloud.ErrAuth, When: providerkit.Any(
		providerkit.CodePrefixes("NoPermission", "Forbidden", "InvalidAccessKeyId", "InvalidSecurityToken",
			// The request's timestamp is outside the server's window: the clock of the node, which
			// no retry fixes and which shows up like a credentials problem.
			"InvalidTimeStamp"),
		providerkit.Codes(codeSignatureDoesNotMatch, codeIncompleteSignature))},
	{Class: cloud.ErrPasswordReused, When: providerkit.All(passwordCode, reuseCode)},
	{Class: cloud.ErrInvalidPassword, When: passwordCode},
	// InvalidParameter*, MissingParameter*, and the other names of a malformed request (InvalidAction,
	// InvalidVersion, Missing<Param>); the Invalid* codes of credentials are matched above.
	{Class: cloud.ErrInvalidInput, When: providerkit.CodePrefixes("Invalid", "Missing")},
	{Class: cloud.ErrTransient, When: providerkit.CodePrefixes("ServiceUnavailable", "InternalError")},
	{Class: cloud.ErrAuth, When: providerkit.Statuses(http.StatusUnauthorized, http.StatusForbidden)},
	{Class: cloud.ErrThrottled, When: providerkit.Statuses(http.StatusTooManyRequests)},
}

// noMFADevice reports whether err is IMS's answer for a user without an MFA device.
func noMFADevice(err error) bool {
	return err != nil && strings.EqualFold(cloud.Code(err), codeNoMFADevice)
}

// reuseCode matches the password codes of the reuse prevention (InvalidParameter.Password.Reused,
// ...History...).
func reuseCode(_ providerkit.Call, a providerkit.Answer) bool {
	c := strings.ToLower(a.Code)
	return strings.Contains(c, "reuse") || strings.Contains(c, "history")
}

// passwordCode matches the codes of a refused password itself: InvalidParameter.Password and
// every code below it (TooWeak, Reused, Length, ...), InvalidParameter.NewPassword*, and
// InvalidPassword*. InvalidParameter.PasswordResetRequired is a boolean, not the password.
func passwordCode(_ providerkit.Call, a providerkit.Answer) bool {
	if providerkit.HasPrefixFold(a.Code, "InvalidPassword") {
		return true
	}
	const p = "InvalidParameter."
	if !providerkit.HasPrefixFold(a.Code, p) {
		return false
	}
	param, _, _ := strings.Cut(a.Code[len(p):], ".")
	return strings.EqualFold(param, "Password") || strings.EqualFold(param, "NewPassword")
}

// classifier makes every error of the provider.
var classifier = &providerkit.Classifier{
	Cloud:        providerName,
	TokenService: "STS",
	Answer:       answerOf,
	Describe:     describeClientError,
	Table:        codes,
	Redactor: providerkit.Redactor{
		StripURLs: true,
		// In the canonical string (RFC 3986), and escaped again as in the string to sign.
		Encodings: []func(string) string{
			percentEncode,
			func(v string) string { return url.QueryEscape(url.QueryEscape(v)) },
			func(v string) string { return url.QueryEscape(percentEncode(v)) },
		},
	},
}

// answerOf finds the answer of IMS (or of STS, for the credentials) in an SDK error.
func answerOf(err error) (providerkit.Answer, bool) {
	var e *sdkerrors.ServerError
	if !errors.As(err, &e) {
		return providerkit.Answer{}, false
	}
	return providerkit.Answer{Status: e.HttpStatus(), Code: e.ErrorCode(), Message: e.Message(), RequestID: e.RequestId(), Text: serverText(e)}, true
}

// serverText is the cloud's message of a server error, without the string to sign that
// SignatureDoesNotMatch quotes.
func serverText(e *sdkerrors.ServerError) string {
	if e.ErrorCode() == "" {
		// Not an Alibaba Cloud error document (a proxy's page, a wrong endpoint): the SDK keeps the
		// whole body as the message; it is not the cloud's and may echo the request.
		return fmt.Sprintf("HTTP %d without an Alibaba Cloud error code (is the endpoint right?)", e.HttpStatus())
	}
	msg := e.Message()
	for _, marker := range []string{sdkerrors.MessageContain, "string to sign"} {
		if i := indexFold(msg, marker); i >= 0 {
			return strings.TrimSpace(msg[:i]) + " (string to sign removed)"
		}
	}
	return msg
}

// describeClientError describes the SDK's client errors by their constant code and message: the
// wrapped cause may hold a URL.
func describeClientError(err error) (string, bool) {
	var e *sdkerrors.ClientError
	if !errors.As(err, &e) {
		return "", false
	}
	return "SDK error " + e.ErrorCode() + ": " + e.Message(), true
}

// percentEncode is the RPC signature's encoding: RFC 3986, space as %20, '*' as %2A, '~' as is.
func percentEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// indexFold is strings.Index ignoring the case of ASCII letters (sub is ASCII).
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
