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
	"net/http"
	"testing"
)

// table answers every kind, the weak password and the throttling with a template.
func table() CodeTable {
	t := CodeTable{
		"Weak":      {Status: http.StatusBadRequest, Message: "weak", Kind: PasswordWeak, KindMessage: "{user}: {reason}."},
		"Slow":      {Status: http.StatusTooManyRequests, Message: "slow", Kind: Throttled, KindMessage: "over {count}/s"},
		"Protocol":  {Status: http.StatusBadRequest, Message: "not for a kind"},
		"NoProfile": {Status: http.StatusNotFound, Message: "no profile", Kind: ProfileNotFound},
	}
	for _, k := range []Kind{UserNotFound, ProfileExists, PasswordReused, Unavailable} {
		t[string(k)] = CodeInfo{Status: http.StatusConflict, Message: string(k), Kind: k}
	}
	return t
}

func TestTranslator(t *testing.T) {
	tr := table().Translator()
	for _, tt := range []struct {
		err  Error
		want APIError
	}{
		{Error{Kind: PasswordWeak, User: "u1", Reason: "too short"}, APIError{Code: "Weak", HTTPStatus: 400, Message: "u1: too short."}},
		{Error{Kind: Throttled, Count: 20}, APIError{Code: "Slow", HTTPStatus: 429, Message: "over 20/s"}},
		{Error{Kind: ProfileNotFound, User: "u1"}, APIError{Code: "NoProfile", HTTPStatus: 404, Message: "no profile"}},
	} {
		if got := tr(&tt.err); *got != tt.want {
			t.Errorf("%+v: got %+v, want %+v", tt.err, *got, tt.want)
		}
	}
}

func TestTranslatorRefusesAnIncompleteOrAmbiguousTable(t *testing.T) {
	missing := table()
	delete(missing, "Slow")
	twice := table()
	twice["Slow2"] = twice["Slow"]
	for name, codes := range map[string]CodeTable{"a kind without code": missing, "a kind with two codes": twice} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("Translator did not panic")
				}
			}()
			codes.Translator()
		})
	}
}
