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

package providerkit

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// Classifier turns what a cloud's SDK returns into a classified *cloud.Error: the one place a
// provider's errors are made. A cloud package gives it what it knows of its SDK and its table.
//
// Secrets: an SDK error's own text may hold the request (a URL with every parameter, a request
// model printing its JSON body), so texts are built from the parts known to be clean (the cloud's
// code and message, a transport failure's operation and cause), then passed through the Redactor
// with the call's password and the credentials.
type Classifier struct {
	// Cloud names the cloud in the errors, e.g. "alibaba".
	Cloud string
	// TokenService names the service credentials are obtained from (an OIDC exchange), in
	// messages, e.g. "STS".
	TokenService string
	// Answer finds the cloud's answer in an SDK error; false when err carries none (a transport
	// failure, an SDK failure before the request left).
	Answer func(err error) (Answer, bool)
	// Describe, if set, describes an SDK error that is no answer better than its Error() text
	// does (an SDK error type whose text holds the request, or a prefix that says nothing);
	// false leaves err to its Error().
	Describe func(err error) (string, bool)
	// Table classifies the answers.
	Table Table
	// Redactor cleans every text of an error.
	Redactor Redactor
}

// CredentialsError marks a failure to obtain or apply credentials (the OIDC exchange, an
// unreadable token file, signing): its codes are the token service's, not the call's, and must not
// be read as the call's (a 404 there is no missing user or profile). A provider's credentials
// wrapper returns its errors as these.
type CredentialsError struct{ Err error }

func (e *CredentialsError) Error() string { return "obtaining credentials: " + e.Err.Error() }
func (e *CredentialsError) Unwrap() error { return e.Err }

// Classify turns err, the failure of call c, into a *cloud.Error; secrets are the credentials'
// values to redact besides the call's password. An error that is already a *cloud.Error is kept.
// ctx is the caller's: when it is done and the cloud did not answer, the failure is the
// interruption, ErrTransient, and the result also wraps ctx.Err() so that
// errors.Is(err, context.Canceled) works.
func (k *Classifier) Classify(ctx context.Context, c Call, err error, secrets []cloud.Sensitive) error {
	if err == nil {
		return nil
	}
	var ce *cloud.Error
	if errors.As(err, &ce) {
		return err
	}
	secrets = append(secrets[:len(secrets):len(secrets)], c.Password)
	out := &cloud.Error{Cloud: k.Cloud, Action: c.Action}
	var credErr *CredentialsError
	if errors.As(err, &credErr) {
		k.credentialsFailure(out, c, credErr.Err, secrets)
	} else if a, ok := k.Answer(err); ok {
		// A message that quotes the password must not sway the table's heuristics (one with
		// "reuse" in it would make a weak password look reused): it is taken out first.
		a.Message = k.Redactor.Redact(a.Message, c.Password)
		out.Kind = k.Table.Classify(c, a)
		out.HTTPStatus = a.Status
		// The code and the request id come from the answer like the message: redacted like it.
		out.Code = k.Redactor.Redact(a.Code, secrets...)
		out.RequestID = k.Redactor.Redact(a.RequestID, secrets...)
		out.Message = k.Redactor.Clean(a.Text, secrets...)
	} else {
		out.Kind = cloud.ErrTransient
		out.Message = k.transportMessage(err, secrets)
	}
	if ctxErr := ctx.Err(); ctxErr != nil && out.HTTPStatus == 0 {
		// No answer from the cloud: the failure is the cancellation (or deadline) of the caller's
		// context.
		out.Kind = cloud.ErrTransient
		out.Code = ""
		out.Message = "call interrupted: " + ctxErr.Error()
		return &contextError{ce: out, ctxErr: ctxErr}
	}
	return out
}

// credentialsFailure classifies a failure of the credentials. The token service refusing the
// exchange (a 4xx) is ErrAuth; it throttling, ErrThrottled; a network failure, a 5xx or an answer
// that is no error, ErrTransient; anything local (an unreadable token file) ErrAuth, which no
// retry soon fixes. The token service's code goes in the message only: Code is the call's.
func (k *Classifier) credentialsFailure(out *cloud.Error, c Call, err error, secrets []cloud.Sensitive) {
	out.Kind = cloud.ErrAuth
	from := "obtaining credentials from " + k.TokenService + ": "
	var urlErr *url.Error
	var opErr *net.OpError
	if a, ok := k.Answer(err); ok {
		switch {
		case a.Status == http.StatusTooManyRequests || errors.Is(k.Table.Classify(c, a), cloud.ErrThrottled):
			out.Kind = cloud.ErrThrottled
		case a.Status >= 500 || a.Status < 400:
			out.Kind = cloud.ErrTransient
		}
		out.Message = from
		if a.Code != "" {
			out.Message += k.Redactor.Clean(a.Code, secrets...) + ": "
		}
		out.Message += k.Redactor.Clean(a.Text, secrets...)
		return
	}
	if errors.As(err, &urlErr) || errors.As(err, &opErr) {
		out.Kind = cloud.ErrTransient
		out.Message = from + k.transportMessage(err, secrets)
		return
	}
	out.Message = "obtaining credentials: " + k.Redactor.Clean(k.describe(err), secrets...)
}

// transportMessage describes an error that is not the cloud's answer: of a *url.Error only its Op
// and its cause (its URL may hold every parameter), otherwise what describe says.
func (k *Classifier) transportMessage(err error, secrets []cloud.Sensitive) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		msg := urlErr.Op + " request failed"
		if urlErr.Err != nil {
			msg += ": " + urlErr.Err.Error()
		}
		if urlErr.Timeout() && !strings.Contains(msg, "timeout") && !strings.Contains(msg, "deadline") {
			msg += " (timeout)"
		}
		return k.Redactor.Clean(msg, secrets...)
	}
	return k.Redactor.Clean(k.describe(err), secrets...)
}

func (k *Classifier) describe(err error) string {
	if k.Describe != nil {
		if s, ok := k.Describe(err); ok {
			return s
		}
	}
	return err.Error()
}

// Refuse is the error of a request refused before any call: kind is its class.
func (k *Classifier) Refuse(action string, kind error, format string, args ...any) error {
	return cloud.Errorf(kind, k.Cloud, action, format, args...)
}

// NotStarted is the error of a call refused because the caller's context is done: ErrTransient,
// and ctxErr too.
func (k *Classifier) NotStarted(action string, ctxErr error) error {
	return &contextError{ce: cloud.Errorf(cloud.ErrTransient, k.Cloud, action, "not started: %v", ctxErr), ctxErr: ctxErr}
}

// contextError is a classified error caused by the caller's context: errors.As finds the
// *cloud.Error, errors.Is matches both its sentinel (ErrTransient) and context.Canceled or
// context.DeadlineExceeded; its text is the cloud.Error's.
type contextError struct {
	ce     *cloud.Error
	ctxErr error
}

func (e *contextError) Error() string   { return e.ce.Error() }
func (e *contextError) Unwrap() []error { return []error{e.ce, e.ctxErr} }
