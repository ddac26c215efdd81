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

package cloudtest

import (
	"context"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// sentinels are the classes of package cloud; a classified error wraps exactly one.
var sentinels = []error{cloud.ErrUserNotFound, cloud.ErrProfileNotFound, cloud.ErrAlreadyExists,
	cloud.ErrInvalidPassword, cloud.ErrInvalidInput, cloud.ErrThrottled, cloud.ErrAuth, cloud.ErrInvalidConfig,
	cloud.ErrTransient}

// CheckClassified fails unless err, returned by a provider's classify for a call of action that
// was interrupted when canceled is set, is a *cloud.Error of providerName and action that wraps
// exactly one class (see CheckOneClass), not ErrInvalidConfig, and that wraps context.Canceled
// exactly when the call was interrupted (canceled, and no HTTP answer), an interrupted call being
// ErrTransient. It returns the error, whether the call was interrupted, and its class.
func CheckClassified(t testing.TB, err error, providerName, action string, canceled bool) (ce *cloud.Error, interrupted bool, class error) {
	t.Helper()
	if !errors.As(err, &ce) {
		t.Fatalf("not a *cloud.Error: %T %v", err, err)
	}
	class = CheckOneClass(t, err, ce)
	if errors.Is(class, cloud.ErrInvalidConfig) {
		t.Fatalf("a call's error classified as a configuration error: %v", err)
	}
	if ce.Cloud != providerName || ce.Action != action || cloud.Code(err) != ce.Code {
		t.Fatalf("cloud, action or code lost: %#v", ce)
	}
	interrupted = canceled && ce.HTTPStatus == 0
	if errors.Is(err, context.Canceled) != interrupted {
		t.Fatalf("wraps context.Canceled: %v, want %v (HTTP %d)", errors.Is(err, context.Canceled), interrupted, ce.HTTPStatus)
	}
	if interrupted && !SameKind(ce.Kind, cloud.ErrTransient) {
		t.Fatalf("an interrupted call is %v, want ErrTransient", ce.Kind)
	}
	return ce, interrupted, class
}

// CheckOneClass fails unless err wraps exactly one sentinel of package cloud, which is ce.Kind
// or, for ErrPasswordReused (an ErrInvalidPassword that says more), the class ce.Kind refines,
// and unless the predicates of package cloud agree with that class. It returns the class.
func CheckOneClass(t testing.TB, err error, ce *cloud.Error) (class error) {
	t.Helper()
	var matched []error
	for _, s := range sentinels {
		if errors.Is(err, s) {
			matched = append(matched, s)
		}
	}
	if len(matched) != 1 || !errors.Is(ce.Kind, matched[0]) {
		t.Fatalf("wraps %v, want exactly the class of its Kind %v", matched, ce.Kind)
	}
	class = matched[0]
	if errors.Is(err, cloud.ErrPasswordReused) != errors.Is(ce.Kind, cloud.ErrPasswordReused) {
		t.Fatalf("ErrPasswordReused wrapped: %v, Kind %v", errors.Is(err, cloud.ErrPasswordReused), ce.Kind)
	}
	if cloud.IsNotFound(err) != IsOneOf(class, cloud.ErrUserNotFound, cloud.ErrProfileNotFound) ||
		cloud.IsInvalidInput(err) != IsOneOf(class, cloud.ErrInvalidPassword, cloud.ErrInvalidInput) ||
		cloud.IsThrottled(err) != IsOneOf(class, cloud.ErrThrottled) || cloud.IsAuth(err) != IsOneOf(class, cloud.ErrAuth) {
		t.Fatalf("predicates disagree with Kind %v", ce.Kind)
	}
	return class
}

// CheckCredentialsFailure fails unless a failure to obtain credentials kept no code (tokenAPI,
// such as "STS's", names whose code it must not take for the call's) and is of a class a
// credentials failure may have: ErrAuth, ErrThrottled or ErrTransient; never a missing user or
// profile, an existing profile or refused input.
func CheckCredentialsFailure(t testing.TB, ce *cloud.Error, class error, tokenAPI string) {
	t.Helper()
	if ce.Code != "" {
		t.Fatalf("%s code %q taken for the call's", tokenAPI, ce.Code)
	}
	if !IsOneOf(class, cloud.ErrAuth, cloud.ErrThrottled, cloud.ErrTransient) {
		t.Fatalf("a credentials failure classified as %v", ce.Kind)
	}
}

// CheckNoAnswer fails unless a failure that brought no answer of the cloud is ErrTransient, with
// no code.
func CheckNoAnswer(t testing.TB, ce *cloud.Error) {
	t.Helper()
	if !SameKind(ce.Kind, cloud.ErrTransient) || ce.Code != "" {
		t.Fatalf("a failure without an answer is %v (code %q), want ErrTransient", ce.Kind, ce.Code)
	}
}

// CheckValidUTF8 fails if every input is valid UTF-8 but err's text is not.
func CheckValidUTF8(t testing.TB, err error, inputs ...string) {
	t.Helper()
	for _, in := range inputs {
		if !utf8.ValidString(in) {
			return
		}
	}
	if !utf8.ValidString(err.Error()) {
		t.Fatalf("valid UTF-8 in, invalid out: %q", err.Error())
	}
}

// IsOneOf reports whether err is one of the sentinels.
func IsOneOf(err error, sentinels ...error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// SameKind reports whether two kinds are the same sentinel (ErrPasswordReused is an
// ErrInvalidPassword, but not the other way round).
func SameKind(a, b error) bool { return errors.Is(a, b) && errors.Is(b, a) }
