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
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

// This file is what the provider knows of IAM's errors: its table and how the SDK reports an
// answer; the classification itself is providerkit's.
//
// Secrets: the password travels in the JSON body, and a request model's String() prints it, so no
// request is ever printed or wrapped; the redactor's JSON forms of a secret cover a model's
// String(). An SDK error's own Error() is used only for errors that carry no request.

// Error codes of the Huawei Cloud API gateway (APIG) in front of IAM. IAM's own codes for a missing
// user, a missing or existing login profile and a refused password are not confirmed: those are
// classified by HTTP status.
const (
	// codeThrottled: the gateway's flow control (HTTP 429).
	codeThrottled = "APIGW.0308"
	// gatewayCodePrefix starts every code of the gateway itself (APIGW.0101 "API not found",
	// APIGW.0301 "incorrect IAM authentication information", ...), as opposed to IAM's.
	gatewayCodePrefix = "APIGW."
)

// answers maps an answer of IAM (or of the gateway in front of it) to a class of package cloud,
// by HTTP status first:
//
//   - 429, or the gateway's throttling code: ErrThrottled.
//   - 401, 403 (PAP5.0001 no permission, APIGW.0301 bad signature or key, ...): ErrAuth.
//   - 5xx, and a 2xx the SDK could not read: ErrTransient.
//   - A 4xx with neither an error code nor a request id is not IAM's answer (a proxy, a wrong
//     endpoint): ErrTransient, whatever its status, so that a stray 404 never makes a delete
//     "succeed" or a profile look absent. A 4xx of the gateway itself (APIGW.*: no such API, bad
//     request) is not about the user or the profile either: ErrInvalidInput for a 400, otherwise
//     ErrTransient.
//   - 404 of ShowPasswordPolicyV5, which names no user and no profile: ErrTransient.
//   - 404: the user or its login profile is missing. For CreateLoginProfileV5, ListMfaDevicesV5
//     and ShowUserLastLoginV5 it can only be the user (the last two need no profile). For the
//     other actions IAM's codes are not known, so a heuristic decides: when the code or message
//     mentions a user and mentions neither "login" nor "profile" ("The user does not exist",
//     "Could not find user"), ErrUserNotFound; otherwise ErrProfileNotFound. A missing user taken
//     for a missing profile costs one create, whose 404 then says ErrUserNotFound; Delete treats
//     both as success.
//   - 409: ErrAlreadyExists.
//   - 400 of a call that sent a password (a create, an update that rotates it): ErrInvalidPassword
//     (too weak, against the password policy), ErrPasswordReused when the message says the
//     password was used before (IAM's codes are not known); any other 400: ErrInvalidInput.
//   - Any other 4xx: ErrTransient, retried with backoff; its code is kept for a human.
var answers = providerkit.Table{
	{Class: cloud.ErrThrottled, When: providerkit.Any(providerkit.Statuses(http.StatusTooManyRequests), providerkit.Codes(codeThrottled))},
	{Class: cloud.ErrAuth, When: providerkit.Statuses(http.StatusUnauthorized, http.StatusForbidden)},
	{Class: cloud.ErrTransient, When: func(_ providerkit.Call, a providerkit.Answer) bool { return a.Status < 400 || a.Status >= 500 }},
	{Class: cloud.ErrTransient, When: func(_ providerkit.Call, a providerkit.Answer) bool { return a.Code == "" && a.RequestID == "" }},
	{Class: cloud.ErrInvalidInput, When: providerkit.All(providerkit.CodePrefixes(gatewayCodePrefix), providerkit.Statuses(http.StatusBadRequest))},
	{Class: cloud.ErrTransient, When: providerkit.CodePrefixes(gatewayCodePrefix)},
	{Class: cloud.ErrTransient, When: providerkit.All(providerkit.Statuses(http.StatusNotFound), onActions(actionPasswordPolicy))},
	{Class: cloud.ErrUserNotFound, When: providerkit.All(providerkit.Statuses(http.StatusNotFound), userMissing)},
	{Class: cloud.ErrProfileNotFound, When: providerkit.Statuses(http.StatusNotFound)},
	{Class: cloud.ErrAlreadyExists, When: providerkit.Statuses(http.StatusConflict)},
	{Class: cloud.ErrInvalidInput, When: providerkit.All(providerkit.Statuses(http.StatusBadRequest), sentNoPassword)},
	{Class: cloud.ErrPasswordReused, When: providerkit.All(providerkit.Statuses(http.StatusBadRequest), saysReused)},
	{Class: cloud.ErrInvalidPassword, When: providerkit.Statuses(http.StatusBadRequest)},
}

func sentNoPassword(c providerkit.Call, _ providerkit.Answer) bool { return c.Password.IsZero() }

// saysReused is the heuristic of a refused password (see answers): the reuse prevention's answer
// speaks of a password used recently, reused, of the password history, or of the user's last
// passwords.
func saysReused(_ providerkit.Call, a providerkit.Answer) bool {
	s := strings.ToLower(a.Code + " " + a.Message)
	return strings.Contains(s, "reuse") || strings.Contains(s, "used recently") || strings.Contains(s, "history") ||
		(strings.Contains(s, "last") && strings.Contains(s, "passwords"))
}

// onActions matches the calls of the actions given.
func onActions(names ...string) providerkit.Match {
	return func(c providerkit.Call, _ providerkit.Answer) bool { return slices.Contains(names, c.Action) }
}

// userMissing is the heuristic of a 404 (see answers): always the user for a create and for the
// reads that need no profile. The user id is taken out of the message first ("Could not find user:
// <id>."), so that an id cannot sway it.
func userMissing(c providerkit.Call, a providerkit.Answer) bool {
	switch c.Action {
	case actionCreate, actionListMFA, actionLastLogin:
		return true
	}
	message := a.Message
	if c.User != "" {
		message = strings.ReplaceAll(message, c.User, "")
	}
	s := strings.ToLower(a.Code + " " + message)
	if strings.Contains(s, "login") || strings.Contains(s, "profile") {
		return false
	}
	return strings.Contains(s, "user")
}

// classifier makes every error of the provider.
var classifier = &providerkit.Classifier{
	Cloud:        providerName,
	TokenService: "IAM",
	Answer:       answerOf,
	Describe:     describeCredentialsTypeError,
	Table:        answers,
}

// answerOf finds the answer of IAM (or of its token API, for the credentials) in an SDK error, as
// a pointer or a value. The code of an answer that is no error (a 2xx the SDK could not read) is
// not IAM's.
func answerOf(err error) (providerkit.Answer, bool) {
	e := responseError(err)
	if e == nil {
		return providerkit.Answer{}, false
	}
	a := providerkit.Answer{Status: e.StatusCode, Message: e.ErrorMessage, RequestID: e.RequestId, Text: responseText(e)}
	if e.StatusCode >= 400 {
		a.Code = e.ErrorCode
	}
	return a, true
}

func responseError(err error) *sdkerr.ServiceResponseError {
	var p *sdkerr.ServiceResponseError
	if errors.As(err, &p) && p != nil {
		return p
	}
	var v sdkerr.ServiceResponseError
	if errors.As(err, &v) {
		return &v
	}
	return nil
}

// responseText is the cloud's message of an answer. The SDK puts the whole body in ErrorMessage
// when it finds no error_code/error_msg pair: that body is not IAM's message (it may be a proxy's
// page) and is not kept. A 2xx error is the SDK failing to read a success (ErrorMessage is a JSON
// decoding error).
func responseText(e *sdkerr.ServiceResponseError) string {
	switch {
	case e.StatusCode < 400:
		return "unexpected response: " + e.ErrorMessage
	case e.ErrorCode == "":
		return fmt.Sprintf("HTTP %d without a Huawei Cloud error code (is the endpoint right?)", e.StatusCode)
	default:
		return e.ErrorMessage
	}
}

// describeCredentialsTypeError describes the SDK's credentials errors by their message, which
// names what is missing and never a value.
func describeCredentialsTypeError(err error) (string, bool) {
	var e *sdkerr.CredentialsTypeError
	if !errors.As(err, &e) {
		return "", false
	}
	return e.ErrorMessage, true
}

// checkStatus refuses an answer the SDK took for a success though it is no 2xx: a redirect, which
// the SDK does not follow and reads as a success with an empty body. It proves nothing (a delete
// did not happen, an empty Show is no missing profile): ErrTransient.
func checkStatus(action string, status int) error {
	if status >= 200 && status < 300 {
		return nil
	}
	return &cloud.Error{Kind: cloud.ErrTransient, Cloud: providerName, Action: action, HTTPStatus: status,
		Message: fmt.Sprintf("unexpected HTTP %d answer (is the endpoint right?)", status)}
}
