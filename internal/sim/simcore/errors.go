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
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Kind is a neutral class of error: what the account's rules refuse, named the same for every
// cloud. Each cloud answers it with a code of its own (Options.Translate, usually built from
// data by CodeTable.Translator).
type Kind string

// The kinds the core returns, and Unavailable, which only a fault answers (see Core.Code).
const (
	UserNotFound    Kind = "userNotFound"
	ProfileNotFound Kind = "profileNotFound"
	ProfileExists   Kind = "profileExists"
	PasswordWeak    Kind = "passwordWeak"
	PasswordReused  Kind = "passwordReused"
	Throttled       Kind = "throttled"
	Unavailable     Kind = "unavailable"
)

// Kinds are every Kind, in the order the admin API lists their codes.
var Kinds = []Kind{UserNotFound, ProfileNotFound, ProfileExists, PasswordWeak, PasswordReused, Throttled, Unavailable}

// Error is a neutral error of the core: the Account's operations, the quota and the user's own
// password reset return it, and the cloud's Translate turns it into the code it answers.
type Error struct {
	Kind Kind
	// User is the user the call was about.
	User string
	// Reason says why a password is weak; it never contains the password.
	Reason string
	// Count is, for PasswordReused, how many of the last passwords are refused; for Throttled, the
	// quota per second that was exceeded.
	Count int
}

func (e *Error) Error() string {
	msg := string(e.Kind) + ": " + e.User
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// APIError is an error as a cloud answers it on the wire.
type APIError struct {
	Code       string
	HTTPStatus int
	Message    string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.HTTPStatus, e.Message)
}

// CodeInfo is what a cloud answers with an error code: the HTTP status and the usual message, and
// for a code that answers a neutral error, its Kind and the message then answered.
type CodeInfo struct {
	Status  int
	Message string
	// Kind is the neutral error the code answers (see Translator); "" for a code only the cloud's
	// protocol or a fault answers.
	Kind Kind
	// KindMessage is the message answered for an error of Kind, a template in which {user},
	// {reason} and {count} stand for the error's User, Reason and Count; "" answers Message.
	KindMessage string
}

// CodeTable is a cloud's error codes.
type CodeTable map[string]CodeInfo

// Status is the HTTP status answered with code; 500 for a code the table does not know.
func (t CodeTable) Status(code string) int {
	if info, ok := t[code]; ok {
		return info.Status
	}
	return http.StatusInternalServerError
}

// New builds the error of code; message replaces the usual message when not empty.
func (t CodeTable) New(code, message string) *APIError {
	info, ok := t[code]
	if !ok {
		info = CodeInfo{Status: http.StatusInternalServerError, Message: "The request processing has failed."}
	}
	if message == "" {
		message = info.Message
	}
	return &APIError{Code: code, HTTPStatus: info.Status, Message: message}
}

// Errorf builds the error of code with a formatted message.
func (t CodeTable) Errorf(code, format string, args ...any) *APIError {
	return t.New(code, fmt.Sprintf(format, args...))
}

// Translator returns the Options.Translate that answers a neutral error of each kind with the
// code of the table whose CodeInfo.Kind it is, worded by its KindMessage. Every one of Kinds must
// have exactly one code: otherwise it panics, at construction, as the programming error it is.
func (t CodeTable) Translator() func(*Error) *APIError {
	byKind := map[Kind]string{}
	for code, info := range t {
		if info.Kind == "" {
			continue
		}
		if other, dup := byKind[info.Kind]; dup {
			panic("simcore: the codes " + other + " and " + code + " both answer the error kind " + string(info.Kind))
		}
		byKind[info.Kind] = code
	}
	for _, k := range Kinds {
		if _, ok := byKind[k]; !ok {
			panic("simcore: no code answers the error kind " + string(k))
		}
	}
	return func(e *Error) *APIError {
		code := byKind[e.Kind]
		return t.New(code, strings.NewReplacer(
			"{user}", e.User, "{reason}", e.Reason, "{count}", strconv.Itoa(e.Count),
		).Replace(t[code].KindMessage))
	}
}
