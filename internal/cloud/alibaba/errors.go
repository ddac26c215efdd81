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
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// This file is the one place that turns what the SDK returns into a classified *cloud.Error.
//
// Secrets: the V1 SDK sends every parameter, the password and the security token included, in the
// URL, so nothing here ever uses an SDK error's Error() text: a *url.Error prints the whole URL, a
// *errors.ServerError prints the client's string to sign, and the cloud's own message for
// SignatureDoesNotMatch quotes the server's string to sign (every parameter again, percent-encoded).
// Messages are built from the parts known to be clean, then passed through cloud.Redact with every
// secret of the call, in each encoding the wire uses, as a second line of defence.

// Alibaba Cloud error codes the provider acts on.
const (
	codeUserNotFound          = "EntityNotExist.User"
	codeProfileNotFound       = "EntityNotExist.User.LoginProfile"
	codeProfileExists         = "EntityAlreadyExists.User.LoginProfile"
	codeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	codeIncompleteSignature   = "IncompleteSignature"
)

// maxMessageLen caps the cloud's message kept in an error (a status condition is not a log).
const maxMessageLen = 512

// classifyCode maps an Alibaba Cloud error code and HTTP status to a sentinel of package cloud.
//
// The code decides when it is known, whatever the status (Throttling comes back with 400 or 503
// depending on the gateway). An unknown code is classified by its status: 401/403 ErrAuth, 429
// ErrThrottled, and anything else, unknown 4xx included, ErrTransient. ErrInvalidInput stops the
// reconciliation until the spec changes; a code this table does not know does not prove the
// request is wrong (new gateway codes, a proxy's 404 or 409, a conflict that clears), so it is
// retried with backoff, which the client-side rate limiter bounds, and its code is kept in the
// status condition for a human. Codes whose names say the request is malformed (Invalid*,
// Missing*) are ErrInvalidInput.
func classifyCode(code string, status int) error {
	switch {
	// Exact codes first: "EntityNotExist.User" is a prefix of the profile's code.
	case code == codeProfileNotFound:
		return cloud.ErrProfileNotFound
	case code == codeUserNotFound:
		return cloud.ErrUserNotFound
	case code == codeProfileExists:
		return cloud.ErrAlreadyExists

	case hasPrefixFold(code, "Throttling"):
		return cloud.ErrThrottled

	case hasPrefixFold(code, "NoPermission"),
		hasPrefixFold(code, "Forbidden"),
		strings.EqualFold(code, codeSignatureDoesNotMatch),
		strings.EqualFold(code, codeIncompleteSignature),
		hasPrefixFold(code, "InvalidAccessKeyId"),
		hasPrefixFold(code, "InvalidSecurityToken"),
		// The request's timestamp is outside the server's window: the clock of the node, which no
		// retry fixes and which shows up like a credentials problem.
		hasPrefixFold(code, "InvalidTimeStamp"):
		return cloud.ErrAuth

	case isPasswordCode(code):
		if saysReused(code) {
			return cloud.ErrPasswordReused
		}
		return cloud.ErrInvalidPassword
	// InvalidParameter*, MissingParameter*, and the other names of a malformed request (InvalidAction,
	// InvalidVersion, Missing<Param>); the Invalid* codes of credentials are matched above.
	case hasPrefixFold(code, "Invalid"), hasPrefixFold(code, "Missing"):
		return cloud.ErrInvalidInput

	case hasPrefixFold(code, "ServiceUnavailable"), hasPrefixFold(code, "InternalError"):
		return cloud.ErrTransient
	}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return cloud.ErrAuth
	case http.StatusTooManyRequests:
		return cloud.ErrThrottled
	default:
		// 5xx, unknown 4xx, no status at all.
		return cloud.ErrTransient
	}
}

// saysReused reports whether a password code is the reuse prevention's
// (InvalidParameter.Password.Reused, ...History...).
func saysReused(code string) bool {
	c := strings.ToLower(code)
	return strings.Contains(c, "reuse") || strings.Contains(c, "history")
}

// isPasswordCode reports whether the cloud refused the password itself: InvalidParameter.Password
// and every code below it (TooWeak, Reused, Length, ...), InvalidParameter.NewPassword*, and
// InvalidPassword*. InvalidParameter.PasswordResetRequired is a boolean, not the password.
func isPasswordCode(code string) bool {
	if hasPrefixFold(code, "InvalidPassword") {
		return true
	}
	const p = "InvalidParameter."
	if !hasPrefixFold(code, p) {
		return false
	}
	param, _, _ := strings.Cut(code[len(p):], ".")
	return strings.EqualFold(param, "Password") || strings.EqualFold(param, "NewPassword")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// credentialsError marks a failure to obtain credentials (the OIDC exchange with STS, an unreadable
// token file): its codes are STS's, not IMS's, and must not be read as the IMS call's.
type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return "obtaining credentials: " + e.err.Error() }
func (e *credentialsError) Unwrap() error { return e.err }

// classify turns an error of an SDK call into a *cloud.Error; secrets are the values to redact
// (the password of the call and the credentials). ctx is the caller's: when it is done, the
// result also wraps ctx.Err() so that errors.Is(err, context.Canceled) works.
func classify(ctx context.Context, action string, err error, secrets []cloud.Sensitive) error {
	if err == nil {
		return nil
	}
	var ce *cloud.Error
	if errors.As(err, &ce) {
		return err
	}
	out := classifyError(action, err, secrets)
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

func classifyError(action string, err error, secrets []cloud.Sensitive) *cloud.Error {
	out := &cloud.Error{Cloud: providerName, Action: action}

	var credErr *credentialsError
	if errors.As(err, &credErr) {
		return classifyCredentialsError(out, credErr.err, secrets)
	}

	var serverErr *sdkerrors.ServerError
	if errors.As(err, &serverErr) {
		// The code and the request id come from the body like the message: redacted like it.
		out.Code = cloud.Redact(serverErr.ErrorCode(), encodedVariants(secrets)...)
		out.HTTPStatus = serverErr.HttpStatus()
		out.RequestID = cloud.Redact(serverErr.RequestId(), encodedVariants(secrets)...)
		out.Kind = classifyCode(serverErr.ErrorCode(), out.HTTPStatus)
		out.Message = serverMessage(serverErr, secrets)
		return out
	}

	out.Kind = cloud.ErrTransient
	out.Message = transportMessage(err, secrets)
	return out
}

// classifyCredentialsError classifies a failure of the credentials provider. STS refusing the
// exchange (4xx) is ErrAuth; STS throttling ErrThrottled; a network failure or a 5xx
// ErrTransient; anything local (unreadable token file) ErrAuth, which no retry soon fixes.
func classifyCredentialsError(out *cloud.Error, err error, secrets []cloud.Sensitive) *cloud.Error {
	out.Kind = cloud.ErrAuth
	var serverErr *sdkerrors.ServerError
	var urlErr *url.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &serverErr):
		// Keep STS's code in the message only: Code is the IMS call's.
		status := serverErr.HttpStatus()
		switch {
		case hasPrefixFold(serverErr.ErrorCode(), "Throttling") || status == http.StatusTooManyRequests:
			out.Kind = cloud.ErrThrottled
		case status >= 500:
			out.Kind = cloud.ErrTransient
		}
		out.Message = "obtaining credentials from STS: "
		if c := serverErr.ErrorCode(); c != "" {
			out.Message += clean(c, secrets) + ": "
		}
		out.Message += serverMessage(serverErr, secrets)
	case errors.As(err, &urlErr), errors.As(err, &opErr):
		out.Kind = cloud.ErrTransient
		out.Message = "obtaining credentials from STS: " + transportMessage(err, secrets)
	default:
		out.Message = "obtaining credentials: " + clean(err.Error(), secrets)
	}
	return out
}

// serverMessage is the cloud's message of a server error, without the string to sign that
// SignatureDoesNotMatch quotes, redacted and shortened.
func serverMessage(e *sdkerrors.ServerError, secrets []cloud.Sensitive) string {
	if e.ErrorCode() == "" {
		// Not an Alibaba Cloud error document (a proxy's page, a wrong endpoint): the SDK keeps the
		// whole body as the message; it is not the cloud's and may echo the request.
		return fmt.Sprintf("HTTP %d without an Alibaba Cloud error code (is the endpoint right?)", e.HttpStatus())
	}
	msg := e.Message()
	for _, marker := range []string{sdkerrors.MessageContain, "string to sign"} {
		if i := indexFold(msg, marker); i >= 0 {
			msg = strings.TrimSpace(msg[:i]) + " (string to sign removed)"
			break
		}
	}
	return clean(msg, secrets)
}

// transportMessage describes an error that is not the cloud's answer: a *url.Error (its URL holds
// every parameter, so only its Op and its cause are used), a timeout, a malformed response.
func transportMessage(err error, secrets []cloud.Sensitive) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		msg := urlErr.Op + " request failed"
		if urlErr.Err != nil {
			msg += ": " + urlErr.Err.Error()
		}
		if urlErr.Timeout() {
			msg += " (timeout)"
		}
		return clean(msg, secrets)
	}
	var clientErr *sdkerrors.ClientError
	if errors.As(err, &clientErr) {
		// The SDK's own constant messages; the wrapped cause may hold a URL.
		return clean("SDK error "+clientErr.ErrorCode()+": "+clientErr.Message(), secrets)
	}
	return clean(err.Error(), secrets)
}

// urlPattern matches anything that looks like a URL or a query string, wherever it appears.
var urlPattern = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://\S*|/?\?\S*=\S*`)

// clean removes URLs and query strings, redacts the secrets in every encoding and shortens s.
func clean(s string, secrets []cloud.Sensitive) string {
	s = urlPattern.ReplaceAllString(s, "[url removed]")
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

// encodedVariants returns each secret as it may appear in a text: raw, query-escaped (as in the
// URL), RFC 3986-escaped (as in the canonical string), both escaped again (as in the string to
// sign) and JSON-escaped (as in a JSON body an error quotes whole), longest first so that no
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
		q := url.QueryEscape(v)
		r := percentEncode(v)
		add(v)
		add(q)
		add(r)
		add(url.PathEscape(v))
		add(url.QueryEscape(q))
		add(url.QueryEscape(r))
		add(cloud.JSONEscape(v, true))
		add(cloud.JSONEscape(v, false))
	}
	sort.SliceStable(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	out := make([]cloud.Sensitive, len(vals))
	for i, v := range vals {
		out[i] = cloud.NewSensitive(v)
	}
	return out
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
