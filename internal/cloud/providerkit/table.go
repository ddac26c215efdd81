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
	"strings"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// Call is the call an error comes from.
type Call struct {
	// Action is the cloud's name of the call, e.g. "GetLoginProfile".
	Action string
	// User is the user the call is about.
	User string
	// Password is the password the call sent, zero when it sent none.
	Password cloud.Sensitive
}

// Answer is the cloud's answer to a failed call, as its SDK's error reports it.
type Answer struct {
	// Status is the HTTP status.
	Status int
	// Code is the cloud's error code, "" when it gave none.
	Code string
	// Message is the cloud's message as it came, for the heuristics of a Table; the classifier
	// takes the call's password out of it first, so that its text cannot sway them.
	Message string
	// RequestID identifies the call for the cloud's support.
	RequestID string
	// Text is what the error says of the answer: the cloud's message, or a description when the
	// body is not the cloud's error document. The classifier redacts and shortens it.
	Text string
}

// Rule gives Class to the answers When matches.
type Rule struct {
	Class error
	When  Match
}

// Match reports whether a rule applies to answer a of call c.
type Match func(c Call, a Answer) bool

// Table is a cloud's map from its answers to the classes of package cloud: the first rule that
// matches decides, and an answer no rule matches is cloud.ErrTransient (retried with backoff; its
// code is kept in the status condition for a human).
type Table []Rule

// Classify returns the class of answer a to call c.
func (t Table) Classify(c Call, a Answer) error {
	for _, r := range t {
		if r.When(c, a) {
			return r.Class
		}
	}
	return cloud.ErrTransient
}

// Codes matches the answers whose code is one of codes, ignoring case.
func Codes(codes ...string) Match {
	return func(_ Call, a Answer) bool {
		for _, c := range codes {
			if strings.EqualFold(a.Code, c) {
				return true
			}
		}
		return false
	}
}

// CodePrefixes matches the answers whose code starts with one of prefixes, ignoring case.
func CodePrefixes(prefixes ...string) Match {
	return func(_ Call, a Answer) bool {
		for _, p := range prefixes {
			if HasPrefixFold(a.Code, p) {
				return true
			}
		}
		return false
	}
}

// Statuses matches the answers whose HTTP status is one of statuses.
func Statuses(statuses ...int) Match {
	return func(_ Call, a Answer) bool {
		for _, s := range statuses {
			if a.Status == s {
				return true
			}
		}
		return false
	}
}

// Any matches what one of ms matches.
func Any(ms ...Match) Match {
	return func(c Call, a Answer) bool {
		for _, m := range ms {
			if m(c, a) {
				return true
			}
		}
		return false
	}
}

// All matches what every one of ms matches.
func All(ms ...Match) Match {
	return func(c Call, a Answer) bool {
		for _, m := range ms {
			if !m(c, a) {
				return false
			}
		}
		return true
	}
}

// HasPrefixFold is strings.HasPrefix ignoring the case of ASCII letters.
func HasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
