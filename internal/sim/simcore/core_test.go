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

package simcore

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"
)

// lengthPolicy refuses passwords shorter than 8 characters and the last 2 passwords; they expire
// after a day.
type lengthPolicy struct{}

func (lengthPolicy) Check(_, password string) string { return CheckLength(password, 8, 0) }
func (lengthPolicy) ReuseWindow() int                { return 2 }
func (lengthPolicy) Expiry(t time.Time) time.Time    { return t.Add(24 * time.Hour) }

// newMemory is a core without wire, as an in-process provider would drive it: its error codes are
// the kinds' names.
func newMemory(now func() time.Time) *Core {
	return New(Options{
		Cloud:        "memory",
		Capabilities: Capabilities{Status: true, DateResolution: time.Second},
		Codes:        CodeTable{"throttled": {Status: http.StatusTooManyRequests, Message: "slow down"}},
		Translate: func(e *Error) *APIError {
			return &APIError{Code: string(e.Kind), HTTPStatus: http.StatusBadRequest, Message: e.Error()}
		},
		Now: now, DefaultReadsPerSecond: 1, DefaultWritesPerSecond: -1,
		PasswordPolicy: lengthPolicy{},
	})
}

func kindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

func TestDoInProcess(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 500, time.UTC)
	c := newMemory(func() time.Time { return now })
	c.AddUser("alice")
	create := func(pw string) (Profile, error) {
		var got Profile
		_, err := c.Do(Request{Op: OpCreate, Action: "Create", User: "alice", Params: map[string]string{"pw": pw}},
			func(a Account) (Answer, error) {
				p, err := a.Create(Profile{User: "alice", MFABindRequired: true}, pw)
				got = p
				return Answer{Status: http.StatusCreated}, err
			})
		return got, err
	}
	if _, err := create("short"); kindOf(err) != PasswordWeak {
		t.Fatalf("weak password: %v", err)
	}
	p, err := create("long-enough")
	if err != nil {
		t.Fatal(err)
	}
	want := Profile{User: "alice", Status: StatusActive, CreateDate: now.Truncate(time.Second),
		PasswordExpiresAt: now.Add(24 * time.Hour).Truncate(time.Second)}
	if p != want {
		t.Fatalf("created %+v, want %+v (no MFA flag, no update date on this cloud; dates to the second)", p, want)
	}
	if _, err := create("long-enough"); kindOf(err) != ProfileExists {
		t.Fatalf("second create: %v", err)
	}

	// The read quota is one a second; the clock does not move.
	get := func() error {
		_, err := c.Do(Request{Op: OpGet, Action: "Get", User: "alice"}, func(a Account) (Answer, error) {
			_, err := a.Get("alice")
			return Answer{Status: http.StatusOK}, err
		})
		return err
	}
	if err := get(); err != nil {
		t.Fatal(err)
	}
	if err := get(); kindOf(err) != Throttled {
		t.Fatalf("over quota: %v", err)
	}

	// A fault named by the Op; a dropped answer after the action.
	c.InjectFault(Fault{Action: string(OpCreate), Code: "throttled", Times: 1})
	c.DeleteProfile("alice")
	var ae *APIError
	if _, err := create("another-one"); !errors.As(err, &ae) || ae.HTTPStatus != http.StatusTooManyRequests || ae.Message != "slow down" {
		t.Fatalf("injected fault: %v", err)
	}
	if _, err := create("long-enough"); kindOf(err) != PasswordReused {
		t.Fatalf("a password of the history after the profile was deleted: %v", err)
	}
	c.InjectFault(Fault{DropAfterAction: true, Times: 1})
	if _, err := create("another-one"); !errors.Is(err, ErrDropped) {
		t.Fatalf("answer lost: %v", err)
	}
	if _, ok := c.Profile("alice"); !ok {
		t.Fatal("the action of a call whose answer was lost did not run")
	}

	calls := c.CallsFor(string(OpCreate))
	codes := []string{}
	for _, call := range calls {
		codes = append(codes, call.Code)
	}
	if want := []string{"passwordWeak", "", "profileExists", "throttled", "passwordReused", ""}; !slices.Equal(codes, want) {
		t.Fatalf("codes %q, want %q", codes, want)
	}
	if last := calls[len(calls)-1]; !last.Dropped || last.HTTPStatus != 0 || c.NeutralParams(last)["pw"] != "another-one" {
		t.Fatalf("dropped call %+v", last)
	}
}
