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
	"fmt"
	"net/http"
)

// Error codes the simulator answers, each with the HTTP status of DefaultHTTPStatus.
//
// Confirmed against Huawei Cloud's public documentation: APIGW.0301 (401, the API gateway's "Incorrect IAM
// authentication information", answered for an unknown access key, a bad signature and the other authentication
// failures), APIGW.0308 (429, the gateway's "The throttling threshold has been reached"), APIGW.0101 (404, the
// gateway's "The API does not exist or has not been published in the environment") and PAP5.0001 (403, IAM v5's
// "access denied"). IAM.0004 (404, "Could not find %(target)s: %(target_id)s."), IAM.0011 (400, "Request body is
// invalid.") and IAM.0006 (500, "An unexpected error prevented the server from fulfilling your request.") are
// IAM v3's codes, with the meaning the simulator gives them; IAM v5 may answer others (its documented codes are
// PAP5.*, and the table published does not say which of them the login-profile API answers).
//
// The simulator's own choices, not confirmed: CodeLoginProfileNotFound, CodeLoginProfileExists,
// CodePasswordTooWeak, CodePasswordReused and CodeServiceUnavailable. A client should classify the answers by HTTP
// status, not by code.
const (
	// CodeUserNotFound: the user does not exist (404).
	CodeUserNotFound = "IAM.0004"
	// CodeLoginProfileNotFound: the user exists but has no login profile (404). The simulator's choice.
	CodeLoginProfileNotFound = "IAM.0104"
	// CodeLoginProfileExists: CreateLoginProfileV5 for a user that has a login profile (409). The simulator's
	// choice.
	CodeLoginProfileExists = "IAM.0109"
	// CodeInvalidRequestBody: the body is not a JSON object, a field has the wrong type, or a mandatory field is
	// missing (400).
	CodeInvalidRequestBody = "IAM.0011"
	// CodePasswordTooWeak: the password does not comply with the password policy (400). The simulator's choice.
	CodePasswordTooWeak = "IAM.0111"
	// CodePasswordReused: the password is among the user's last passwords, refused by the reuse prevention
	// (400). The simulator's choice.
	CodePasswordReused = "IAM.0112"
	// CodeAccessDenied: the caller is not allowed the action (403). The simulator answers it only when injected
	// (Fault).
	CodeAccessDenied = "PAP5.0001"
	// CodeAuthenticationFailed: missing or malformed Authorization, unknown access key, wrong signature,
	// X-Sdk-Date too far from the wall clock, wrong or missing X-Security-Token, X-Domain-Id other than the
	// account's (401).
	CodeAuthenticationFailed = "APIGW.0301"
	// CodeAPINotFound: no API at this method and path (404).
	CodeAPINotFound = "APIGW.0101"
	// CodeThrottled: over the account's quota (429).
	CodeThrottled = "APIGW.0308"
	// CodeInternalError: a transient server error (500). The simulator answers it only when injected.
	CodeInternalError = "IAM.0006"
	// CodeServiceUnavailable: a transient unavailability (503). The simulator's choice; answered only when
	// injected.
	CodeServiceUnavailable = "IAM.0503"
)

type codeInfo struct {
	status  int
	message string
}

var knownCodes = map[string]codeInfo{
	CodeUserNotFound:         {http.StatusNotFound, "Could not find user."},
	CodeLoginProfileNotFound: {http.StatusNotFound, "Could not find the login profile of the user."},
	CodeLoginProfileExists:   {http.StatusConflict, "The login profile of the user already exists."},
	CodeInvalidRequestBody:   {http.StatusBadRequest, "Request body is invalid."},
	CodePasswordTooWeak:      {http.StatusBadRequest, "The password does not meet the password policy."},
	CodePasswordReused:       {http.StatusBadRequest, "The password was used recently and cannot be reused."},
	CodeAccessDenied:         {http.StatusForbidden, "access denied"},
	CodeAuthenticationFailed: {http.StatusUnauthorized, "Incorrect IAM authentication information"},
	CodeAPINotFound:          {http.StatusNotFound, "The API does not exist or has not been published in the environment."},
	CodeThrottled:            {http.StatusTooManyRequests, "The throttling threshold has been reached."},
	CodeInternalError:        {http.StatusInternalServerError, "An unexpected error prevented the server from fulfilling your request."},
	CodeServiceUnavailable:   {http.StatusServiceUnavailable, "The service is temporarily unavailable."},
}

// DefaultHTTPStatus is the HTTP status the simulator answers with code; 500 for a code it does not know.
func DefaultHTTPStatus(code string) int {
	if info, ok := knownCodes[code]; ok {
		return info.status
	}
	return http.StatusInternalServerError
}

// APIError is an error answered by the simulator: by the wire, or returned by UserResetsPassword.
type APIError struct {
	Code       string
	HTTPStatus int
	Message    string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.HTTPStatus, e.Message)
}

// newError builds the error for a known code; message replaces the default message when not empty.
func newError(code, message string) *APIError {
	info, ok := knownCodes[code]
	if !ok {
		info = codeInfo{http.StatusInternalServerError, "The request processing has failed."}
	}
	if message == "" {
		message = info.message
	}
	return &APIError{Code: code, HTTPStatus: info.status, Message: message}
}

func errorf(code, format string, args ...any) *APIError {
	return newError(code, fmt.Sprintf(format, args...))
}

// authFailed is the gateway's authentication error, with the reason after its usual prefix.
func authFailed(format string, args ...any) *APIError {
	return errorf(CodeAuthenticationFailed, "Incorrect IAM authentication information: "+format, args...)
}

func invalidBody(format string, args ...any) *APIError {
	return errorf(CodeInvalidRequestBody, "Request body is invalid: "+format, args...)
}
