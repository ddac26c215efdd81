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
	"net/http"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// Error codes the simulator answers, each with the HTTP status the codes table gives it.
//
// Confirmed against Huawei Cloud's public documentation: APIGW.0301 (401, the API gateway's "Incorrect IAM
// authentication information", answered for an unknown access key, a bad signature and the other authentication
// failures), APIGW.0308 (429, the gateway's "The throttling threshold has been reached"), APIGW.0101 (404, the
// gateway's "The API does not exist or has not been published in the environment"), PAP5.0001 (403, IAM v5's
// "access denied") and PAP5.0010 (400, IAM v5's "invalid marker"). IAM.0004 (404, "Could not find %(target)s: %(target_id)s."), IAM.0011 (400, "Request body is
// invalid."), IAM.0007 (400, "Request parameter %(key)s is invalid.") and IAM.0006 (500, "An unexpected error prevented the server from fulfilling your request.") are
// IAM v3's codes, with the meaning the simulator gives them; IAM v5 may answer others (its documented codes are
// PAP5.*, and the table published does not say which of them the login-profile API answers).
//
// The simulator's own choices, not confirmed: CodeLoginProfileNotFound, CodeLoginProfileExists,
// CodePasswordTooWeak, CodePasswordReused and CodeServiceUnavailable, and CodeUserNotFound (404) for
// ListMfaDevicesV5 of a missing user, for which IAM documents no 404 (only 400 and 403). A client should classify
// the answers by HTTP status, not by code.
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
	// CodeInvalidParameter: a query parameter is invalid (400): ListMfaDevicesV5's limit out of 1..200, or its
	// user_id missing (which the simulator requires).
	CodeInvalidParameter = "IAM.0007"
	// CodeInvalidMarker: ListMfaDevicesV5's marker is not one the service handed out (400). The simulator never
	// hands one out.
	CodeInvalidMarker = "PAP5.0010"
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

// codes is the table of the codes the simulator answers, and of the neutral errors they answer; the messages of
// those name the user, as IAM's do.
var codes = simcore.CodeTable{
	// The codes that answer the neutral errors, in the order of simcore.Kinds.
	CodeUserNotFound: {Status: http.StatusNotFound, Message: "Could not find user.", Kind: simcore.UserNotFound,
		KindMessage: "Could not find user: {user}."},
	CodeLoginProfileNotFound: {Status: http.StatusNotFound, Message: "Could not find the login profile of the user.", Kind: simcore.ProfileNotFound,
		KindMessage: "Could not find the login profile of user: {user}."},
	CodeLoginProfileExists: {Status: http.StatusConflict, Message: "The login profile of the user already exists.", Kind: simcore.ProfileExists,
		KindMessage: "The login profile of user {user} already exists."},
	CodePasswordTooWeak: {Status: http.StatusBadRequest, Message: "The password does not meet the password policy.", Kind: simcore.PasswordWeak,
		KindMessage: "The password does not meet the password policy: {reason}."},
	CodePasswordReused: {Status: http.StatusBadRequest, Message: "The password was used recently and cannot be reused.", Kind: simcore.PasswordReused,
		KindMessage: "The password must not be one of the last {count} passwords of the user."},
	CodeThrottled: {Status: http.StatusTooManyRequests, Message: "The throttling threshold has been reached.", Kind: simcore.Throttled,
		KindMessage: "The throttling threshold has been reached: policy domain over ratelimit,limit:{count},time:1 second"},
	CodeServiceUnavailable: {Status: http.StatusServiceUnavailable, Message: "The service is temporarily unavailable.", Kind: simcore.Unavailable},
	// The codes only the API gateway, the REST protocol and the faults answer.
	CodeInvalidRequestBody:   {Status: http.StatusBadRequest, Message: "Request body is invalid."},
	CodeInvalidParameter:     {Status: http.StatusBadRequest, Message: "Request parameter is invalid."},
	CodeInvalidMarker:        {Status: http.StatusBadRequest, Message: "invalid marker"},
	CodeAccessDenied:         {Status: http.StatusForbidden, Message: "access denied"},
	CodeAuthenticationFailed: {Status: http.StatusUnauthorized, Message: "Incorrect IAM authentication information"},
	CodeAPINotFound:          {Status: http.StatusNotFound, Message: "The API does not exist or has not been published in the environment."},
	CodeInternalError:        {Status: http.StatusInternalServerError, Message: "An unexpected error prevented the server from fulfilling your request."},
}

// authFailed is the gateway's authentication error, with the reason after its usual prefix.
func authFailed(format string, args ...any) *APIError {
	return codes.Errorf(CodeAuthenticationFailed, "Incorrect IAM authentication information: "+format, args...)
}

func invalidBody(format string, args ...any) *APIError {
	return codes.Errorf(CodeInvalidRequestBody, "Request body is invalid: "+format, args...)
}

// invalidParameter is IAM.0007 for a query parameter, saying what it must be.
func invalidParameter(name, want string) *APIError {
	return codes.Errorf(CodeInvalidParameter, "Request parameter %s is invalid: %s.", name, want)
}
