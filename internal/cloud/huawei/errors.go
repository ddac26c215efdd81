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
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// This file is the one place that turns what the SDK returns into a classified *cloud.Error.
//
// Secrets: the password travels in the JSON body, and a request model's String() prints it, so no
// request is ever printed or wrapped. Error texts are built from the parts known to be clean (the
// cloud's error_code and error_msg, a transport failure's operation and cause), then passed through
// cloud.Redact with the password and the credentials, in every encoding they could take, as a
// second line of defence. An SDK error's own Error() is used only for errors that carry no request.

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

// maxMessageLen caps the cloud's message kept in an error (a status condition is not a log).
const maxMessageLen = 512

// classifyResponse maps an answer of IAM (or of the gateway in front of it) to a sentinel of
// package cloud, by HTTP status first:
//
//   - 429, or the gateway's throttling code: ErrThrottled.
//   - 401, 403 (PAP5.0001 no permission, APIGW.0301 bad signature or key, ...): ErrAuth.
//   - 5xx, and a 2xx the SDK could not read: ErrTransient.
//   - A 4xx with neither an error code nor a request id is not IAM's answer (a proxy, a wrong
//     endpoint): ErrTransient, whatever its status, so that a stray 404 never makes a delete
//     "succeed" or a profile look absent. A 4xx of the gateway itself (APIGW.*: no such API, bad
//     request) is not about the user or the profile either: ErrInvalidInput for a 400, otherwise
//     ErrTransient.
//   - 404: the user or its login profile is missing. For CreateLoginProfileV5 it can only be the
//     user. For the other actions IAM's codes are not known, so a heuristic decides: when the code
//     or message mentions a user and mentions neither "login" nor "profile" ("The user does not
//     exist", "Could not find user"), ErrUserNotFound; otherwise ErrProfileNotFound. A missing user
//     taken for a missing profile costs one create, whose 404 then says ErrUserNotFound; Delete
//     treats both as success.
//   - 409: ErrAlreadyExists.
//   - 400 of a call that sent a password (a create, an update that rotates it): ErrInvalidPassword
//     (too weak, against the password policy), ErrPasswordReused when the message says the
//     password was used before (IAM's codes are not known); any other 400: ErrInvalidInput.
//   - Any other 4xx: ErrTransient, retried with backoff; its code is kept for a human.
func classifyResponse(c call, status int, code, message, requestID string) error {
	// A message that quotes the password must not sway the heuristics below (one with "reuse" in
	// it would make a weak password look reused): it is taken out first, like the user id.
	message = cloud.Redact(message, encodedVariants([]cloud.Sensitive{c.password})...)
	switch {
	case status == http.StatusTooManyRequests || strings.EqualFold(code, codeThrottled):
		return cloud.ErrThrottled
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return cloud.ErrAuth
	case status < 400 || status >= 500:
		return cloud.ErrTransient
	case code == "" && requestID == "":
		return cloud.ErrTransient
	case hasPrefixFold(code, gatewayCodePrefix):
		if status == http.StatusBadRequest {
			return cloud.ErrInvalidInput
		}
		return cloud.ErrTransient
	case status == http.StatusNotFound:
		if c.action == actionCreate || saysUserMissing(code, message, c.user) {
			return cloud.ErrUserNotFound
		}
		return cloud.ErrProfileNotFound
	case status == http.StatusConflict:
		return cloud.ErrAlreadyExists
	case status == http.StatusBadRequest:
		if c.password.IsZero() {
			return cloud.ErrInvalidInput
		}
		if saysReused(code, message) {
			return cloud.ErrPasswordReused
		}
		return cloud.ErrInvalidPassword
	default:
		return cloud.ErrTransient
	}
}

// saysReused is the heuristic of a refused password (see classifyResponse): the reuse prevention's
// answer speaks of a password used recently, reused, of the password history, or of the user's
// last passwords.
func saysReused(code, message string) bool {
	s := strings.ToLower(code + " " + message)
	return strings.Contains(s, "reuse") || strings.Contains(s, "used recently") || strings.Contains(s, "history") ||
		(strings.Contains(s, "last") && strings.Contains(s, "passwords"))
}

// saysUserMissing is the heuristic of a 404 (see classifyResponse). The user id is taken out of the
// message first ("Could not find user: <id>."), so that an id cannot sway it.
func saysUserMissing(code, message, user string) bool {
	if user != "" {
		message = strings.ReplaceAll(message, user, "")
	}
	s := strings.ToLower(code + " " + message)
	if strings.Contains(s, "login") || strings.Contains(s, "profile") {
		return false
	}
	return strings.Contains(s, "user")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// credentialsError marks a failure to obtain or apply the credentials (the OIDC exchange with IAM,
// an unreadable token file, signing): its codes are the token API's, not the IAM v5 call's, and a
// 404 there must not read as a missing user or profile.
type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return "obtaining credentials: " + e.err.Error() }
func (e *credentialsError) Unwrap() error { return e.err }

// call describes the call an error comes from.
type call struct {
	action string
	// user is the user id of the path.
	user string
	// password is the password sent, zero when none was.
	password cloud.Sensitive
}

// classify turns an error of an SDK call into a *cloud.Error; secrets are the values to redact (the
// password and the credentials). ctx is the caller's: when it is done and the cloud did not answer,
// the result also wraps ctx.Err() so that errors.Is(err, context.Canceled) works.
func classify(ctx context.Context, c call, err error, secrets []cloud.Sensitive) error {
	if err == nil {
		return nil
	}
	var ce *cloud.Error
	if errors.As(err, &ce) {
		return err
	}
	out := classifyError(c, err, secrets)
	if ctxErr := ctx.Err(); ctxErr != nil && out.HTTPStatus == 0 {
		// No answer from the cloud: the failure is the cancellation (or deadline) of the caller's
		// context.
		out.Kind = cloud.ErrTransient
		out.Code = ""
		out.Message = "call interrupted: " + ctxErr.Error()
		return wrapBoth(out, ctxErr)
	}
	return out
}

func classifyError(c call, err error, secrets []cloud.Sensitive) *cloud.Error {
	out := &cloud.Error{Cloud: providerName, Action: c.action}

	var credErr *credentialsError
	if errors.As(err, &credErr) {
		return classifyCredentialsError(out, credErr.err, secrets)
	}

	if sre := responseError(err); sre != nil {
		out.HTTPStatus = sre.StatusCode
		// The code and the request id come from the answer like the message: redacted like it.
		out.RequestID = cloud.Redact(sre.RequestId, encodedVariants(secrets)...)
		code := ""
		if sre.StatusCode >= 400 {
			code = sre.ErrorCode
			out.Code = cloud.Redact(code, encodedVariants(secrets)...)
		}
		out.Kind = classifyResponse(c, sre.StatusCode, code, sre.ErrorMessage, sre.RequestId)
		out.Message = responseMessage(sre, secrets)
		return out
	}

	out.Kind = cloud.ErrTransient
	out.Message = transportMessage(err, secrets)
	return out
}

// responseError finds the SDK's error of an answer, as a pointer or a value.
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

// responseMessage is the cloud's message of an answer, redacted and shortened. The SDK puts the
// whole body in ErrorMessage when it finds no error_code/error_msg pair: that body is not IAM's
// message (it may be a proxy's page) and is not kept. A 2xx error is the SDK failing to read a
// success (ErrorMessage is a JSON decoding error).
func responseMessage(e *sdkerr.ServiceResponseError, secrets []cloud.Sensitive) string {
	switch {
	case e.StatusCode < 400:
		return "unexpected response: " + clean(e.ErrorMessage, secrets)
	case e.ErrorCode == "":
		return fmt.Sprintf("HTTP %d without a Huawei Cloud error code (is the endpoint right?)", e.StatusCode)
	default:
		return clean(e.ErrorMessage, secrets)
	}
}

// classifyCredentialsError classifies a failure of the credentials. IAM refusing the OIDC exchange
// (4xx) is ErrAuth; IAM throttling it ErrThrottled; a network failure or a 5xx ErrTransient;
// anything local (an unreadable token file) ErrAuth, which no retry soon fixes. The token API's
// code goes in the message only: Code is the IAM v5 call's.
func classifyCredentialsError(out *cloud.Error, err error, secrets []cloud.Sensitive) *cloud.Error {
	out.Kind = cloud.ErrAuth
	var urlErr *url.Error
	if sre := responseError(err); sre != nil {
		switch {
		case sre.StatusCode == http.StatusTooManyRequests || strings.EqualFold(sre.ErrorCode, codeThrottled):
			out.Kind = cloud.ErrThrottled
		case sre.StatusCode >= 500 || sre.StatusCode < 400:
			out.Kind = cloud.ErrTransient
		}
		out.Message = "obtaining credentials from IAM: "
		if sre.ErrorCode != "" && sre.StatusCode >= 400 {
			out.Message += clean(sre.ErrorCode, secrets) + ": "
		}
		out.Message += responseMessage(sre, secrets)
		return out
	}
	if errors.As(err, &urlErr) {
		out.Kind = cloud.ErrTransient
		out.Message = "obtaining credentials from IAM: " + transportMessage(err, secrets)
		return out
	}
	var cte *sdkerr.CredentialsTypeError
	if errors.As(err, &cte) {
		out.Message = "obtaining credentials: " + clean(cte.ErrorMessage, secrets)
		return out
	}
	out.Message = "obtaining credentials: " + clean(err.Error(), secrets)
	return out
}

// transportMessage describes an error that is not the cloud's answer: a *url.Error (only its Op and
// its cause are used, not its URL), a timeout, an SDK failure before the request left.
func transportMessage(err error, secrets []cloud.Sensitive) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		msg := urlErr.Op + " request failed"
		if urlErr.Err != nil {
			msg += ": " + urlErr.Err.Error()
		}
		if urlErr.Timeout() && !strings.Contains(msg, "timeout") && !strings.Contains(msg, "deadline") {
			msg += " (timeout)"
		}
		return clean(msg, secrets)
	}
	return clean(err.Error(), secrets)
}

// clean redacts the secrets in every encoding and shortens s.
func clean(s string, secrets []cloud.Sensitive) string {
	s = cloud.Redact(s, encodedVariants(secrets)...)
	if len(s) > maxMessageLen {
		cut := maxMessageLen
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// encodedVariants returns each secret as it may appear in a text: raw, JSON-escaped (as in a
// request body or a model's String()), query- and path-escaped, longest first so that no
// replacement breaks a longer one.
func encodedVariants(secrets []cloud.Sensitive) []cloud.Sensitive {
	seen := map[string]bool{}
	var vals []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			vals = append(vals, v)
		}
	}
	for _, s := range secrets {
		if s.IsZero() {
			continue
		}
		v := s.Reveal()
		add(v)
		add(jsonEscape(v, true))
		add(jsonEscape(v, false))
		add(url.QueryEscape(v))
		add(url.PathEscape(v))
	}
	sort.SliceStable(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	out := make([]cloud.Sensitive, len(vals))
	for i, v := range vals {
		out[i] = cloud.NewSensitive(v)
	}
	return out
}

// jsonEscape is s as inside a JSON string, with or without HTML escaping (encoding/json's default
// escapes <, > and &; the SDK's marshaller does not).
func jsonEscape(s string, html bool) string { return cloud.JSONEscape(s, html) }

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

// invalidInput is a request refused before any call.
func invalidInput(action string, kind error, format string, args ...any) error {
	return cloud.Errorf(kind, providerName, action, format, args...)
}

// notStarted is the error of a call refused because its context is done.
func notStarted(action string, ctxErr error) error {
	ce := cloud.Errorf(cloud.ErrTransient, providerName, action, "not started: %v", ctxErr)
	return wrapBoth(ce, ctxErr)
}

func wrapBoth(ce *cloud.Error, ctxErr error) error { return &contextError{ce: ce, ctxErr: ctxErr} }

// contextError is a classified error caused by the caller's context: errors.As finds the
// *cloud.Error, errors.Is matches both its sentinel (ErrTransient) and context.Canceled or
// context.DeadlineExceeded; its text is the cloud.Error's.
type contextError struct {
	ce     *cloud.Error
	ctxErr error
}

func (e *contextError) Error() string   { return e.ce.Error() }
func (e *contextError) Unwrap() []error { return []error{e.ce, e.ctxErr} }
