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
	"net/url"
	"strings"
	"testing"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// answerError is the SDK error of a toy cloud: an answer.
type answerError struct{ a Answer }

func (e *answerError) Error() string { return "answer " + e.a.Text }

var toy = &Classifier{
	Cloud:        "toy",
	TokenService: "TOKENS",
	Answer: func(err error) (Answer, bool) {
		var e *answerError
		if errors.As(err, &e) {
			return e.a, true
		}
		return Answer{}, false
	},
	Table: Table{
		{Class: cloud.ErrThrottled, When: CodePrefixes("slow")},
		{Class: cloud.ErrUserNotFound, When: All(Statuses(404), Codes("NoUser"))},
		{Class: cloud.ErrPasswordReused, When: func(_ Call, a Answer) bool { return strings.Contains(a.Message, "reuse") }},
		{Class: cloud.ErrAuth, When: Any(Statuses(401), Codes("Denied"))},
	},
}

func TestTable(t *testing.T) {
	for _, tc := range []struct {
		a    Answer
		want error
	}{
		{Answer{Status: 400, Code: "Slow.Down"}, cloud.ErrThrottled},
		{Answer{Status: 404, Code: "nouser"}, cloud.ErrUserNotFound},
		{Answer{Status: 400, Code: "NoUser"}, cloud.ErrTransient},
		{Answer{Status: 401}, cloud.ErrAuth},
		{Answer{Status: 400, Code: "Denied"}, cloud.ErrAuth},
		{Answer{Status: 418, Code: "Teapot"}, cloud.ErrTransient},
	} {
		if got := toy.Table.Classify(Call{}, tc.a); !errors.Is(got, tc.want) || !errors.Is(tc.want, got) {
			t.Errorf("Classify(%+v) = %v, want %v", tc.a, got, tc.want)
		}
	}
}

func TestClassify(t *testing.T) {
	pw := cloud.NewSensitive("reuse-Me-9")
	call := Call{Action: "Update", User: "u", Password: pw}
	secrets := []cloud.Sensitive{cloud.NewSensitive("key-Secret")}

	// An answer: the cloud's fields kept, redacted; the password in the message does not sway the
	// table (its text says "reuse").
	err := toy.Classify(context.Background(), call,
		&answerError{Answer{Status: 400, Code: "Bad", Message: "weak: reuse-Me-9", RequestID: "r-1", Text: "weak: reuse-Me-9 key-Secret"}}, secrets)
	var ce *cloud.Error
	if !errors.As(err, &ce) || !errors.Is(err, cloud.ErrTransient) || ce.Cloud != "toy" || ce.Action != "Update" || ce.Code != "Bad" ||
		ce.HTTPStatus != 400 || ce.RequestID != "r-1" || ce.Message != "weak: [redacted] [redacted]" {
		t.Fatalf("answer: %#v", err)
	}
	if err := toy.Classify(context.Background(), call, &answerError{Answer{Status: 400, Message: "do not reuse"}}, nil); !errors.Is(err, cloud.ErrPasswordReused) {
		t.Fatalf("the table does not read the message: %v", err)
	}

	// A transport failure: ErrTransient, the URL left out.
	err = toy.Classify(context.Background(), call, &url.Error{Op: "Post", URL: "https://h/?p=reuse-Me-9", Err: errors.New("EOF")}, secrets)
	if !errors.As(err, &ce) || !errors.Is(err, cloud.ErrTransient) || ce.Message != "Post request failed: EOF" {
		t.Fatalf("transport: %#v", err)
	}

	// A credentials failure: the token service's code in the message only, never the call's class.
	err = toy.Classify(context.Background(), call, &CredentialsError{Err: &answerError{Answer{Status: 404, Code: "NoUser", Text: "no idp"}}}, secrets)
	if !errors.As(err, &ce) || !errors.Is(err, cloud.ErrAuth) || ce.Code != "" || ce.Message != "obtaining credentials from TOKENS: NoUser: no idp" {
		t.Fatalf("credentials: %#v", err)
	}
	err = toy.Classify(context.Background(), call, &CredentialsError{Err: &answerError{Answer{Status: 400, Code: "Slow"}}}, secrets)
	if !errors.Is(err, cloud.ErrThrottled) {
		t.Fatalf("credentials throttled: %v", err)
	}

	// Already classified: kept.
	refused := toy.Refuse("Update", cloud.ErrInvalidInput, "no user %s", "id")
	if err := toy.Classify(context.Background(), call, refused, secrets); !errors.Is(err, cloud.ErrInvalidInput) || err.Error() != "toy Update: no user id" {
		t.Fatalf("classified error not kept: %v", err)
	}

	// Interrupted: ErrTransient and context.Canceled; an answer stays what it is.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = toy.Classify(ctx, call, errors.New("EOF"), secrets)
	if !errors.As(err, &ce) || !errors.Is(err, cloud.ErrTransient) || !errors.Is(err, context.Canceled) || ce.Message != "call interrupted: context canceled" {
		t.Fatalf("interrupted: %#v", err)
	}
	if err := toy.Classify(ctx, call, &answerError{Answer{Status: 401}}, secrets); !cloud.IsAuth(err) || errors.Is(err, context.Canceled) {
		t.Fatalf("answer of an interrupted call: %v", err)
	}
	if err := toy.NotStarted("Get", context.Canceled); !errors.Is(err, cloud.ErrTransient) || !errors.Is(err, context.Canceled) ||
		err.Error() != "toy Get: not started: context canceled" {
		t.Fatalf("NotStarted() = %v", err)
	}
	if err := toy.Classify(context.Background(), call, nil, secrets); err != nil {
		t.Fatalf("Classify(nil) = %v", err)
	}
}
