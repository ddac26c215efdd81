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

package cloud

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels classify every error a Provider returns. Test with errors.Is or the predicates below.
var (
	// ErrUserNotFound: the cloud user does not exist.
	ErrUserNotFound = errors.New("cloud user not found")
	// ErrProfileNotFound: the user exists but has no login profile.
	ErrProfileNotFound = errors.New("login profile not found")
	// ErrAlreadyExists: a login profile exists already (observe again).
	ErrAlreadyExists = errors.New("login profile already exists")
	// ErrInvalidPassword: the cloud refused the password (too weak, reused, against policy).
	// Terminal until the spec or the Secret changes.
	ErrInvalidPassword = errors.New("password refused by the cloud")
	// ErrPasswordReused: the cloud refused the password as one the user had recently (its
	// password reuse prevention, which on some clouds counts the current password). It is an
	// ErrInvalidPassword too: errors.Is(err, ErrInvalidPassword) holds.
	ErrPasswordReused = fmt.Errorf("%w: used recently", ErrInvalidPassword)
	// ErrInvalidInput: the cloud refused another parameter. Terminal until the spec changes.
	ErrInvalidInput = errors.New("request refused by the cloud as invalid")
	// ErrThrottled: the account's API quota is exhausted; retry after a delay.
	ErrThrottled = errors.New("throttled by the cloud")
	// ErrAuth: the credentials are wrong or lack permission.
	ErrAuth = errors.New("cloud authentication or authorization failed")
	// ErrInvalidConfig: a ProviderConfig cannot be used as written (no supported cloud, a bad
	// endpoint, credentials its source cannot provide). Building a provider does no I/O, so every
	// Driver.Connect error is one of these (see InvalidConfig).
	ErrInvalidConfig = errors.New("invalid ProviderConfig")
	// ErrTransient: any other failure (network, 5xx); retry with backoff.
	ErrTransient = errors.New("transient cloud error")
)

// Error is a classified cloud error. Its text never contains a password or an access key: the
// providers build it from the cloud's error code and message only.
type Error struct {
	// Kind is one of the sentinels above.
	Kind error
	// Cloud and Action name the call, e.g. "alibaba" and "GetLoginProfile".
	Cloud  string
	Action string
	// Code and HTTPStatus are the cloud's own; RequestID identifies the call for the cloud's support.
	Code       string
	HTTPStatus int
	RequestID  string
	// Message is the cloud's message, or a description of a transport failure, redacted.
	Message string
}

// Error implements error. It includes the request id, so use Summary for condition messages.
func (e *Error) Error() string {
	s := e.Summary()
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	return s
}

// Summary is the error without anything that changes from call to call (no request id), fit for a
// status condition message.
func (e *Error) Summary() string {
	var b strings.Builder
	b.WriteString(e.Cloud)
	b.WriteString(" ")
	b.WriteString(e.Action)
	b.WriteString(": ")
	if e.Code != "" {
		b.WriteString(e.Code)
		b.WriteString(": ")
	}
	if e.Message != "" {
		b.WriteString(e.Message)
	} else {
		b.WriteString(e.Kind.Error())
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrThrottled) and friends work.
func (e *Error) Unwrap() error { return e.Kind }

// Summary returns a deterministic description of err for a status condition: a classified cloud
// error without its request id, or the error text otherwise.
func Summary(err error) string {
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Summary()
	}
	return err.Error()
}

// Code returns the cloud's error code of err, or "" when it has none.
func Code(err error) string {
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Code
	}
	return ""
}

// IsNotFound reports whether the user or its login profile is missing.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrUserNotFound) || errors.Is(err, ErrProfileNotFound)
}

// IsThrottled reports whether the cloud throttled the call.
func IsThrottled(err error) bool { return errors.Is(err, ErrThrottled) }

// IsAuth reports whether the credentials were refused.
func IsAuth(err error) bool { return errors.Is(err, ErrAuth) }

// IsInvalidInput reports whether the cloud refused the request's content: retrying the same
// request cannot succeed.
func IsInvalidInput(err error) bool {
	return errors.Is(err, ErrInvalidPassword) || errors.Is(err, ErrInvalidInput)
}

// Errorf builds a classified error with a formatted message.
func Errorf(kind error, cloudName, action, format string, args ...any) *Error {
	return &Error{Kind: kind, Cloud: cloudName, Action: action, Message: fmt.Sprintf(format, args...)}
}

// InvalidConfig is the error of a ProviderConfig that cloudName cannot use as written, found
// before any call: it wraps ErrInvalidConfig, and its text is "<cloudName>: <message>", without
// the sentinel's, since the condition's reason already says the ProviderConfig is invalid.
func InvalidConfig(cloudName, format string, args ...any) error {
	return &configError{kind: ErrInvalidConfig, msg: cloudName + ": " + fmt.Sprintf(format, args...)}
}

// InvalidSpec is the error of a LoginProfile spec a cloud cannot take (see Driver.UserOf): it
// wraps ErrInvalidInput, and its text is the message alone, which says which field to set.
func InvalidSpec(message string) error {
	return &configError{kind: ErrInvalidInput, msg: message}
}

// configError is an error found before any call: a class of this package, and a message that
// stands alone.
type configError struct {
	kind error
	msg  string
}

func (e *configError) Error() string { return e.msg }
func (e *configError) Unwrap() error { return e.kind }
