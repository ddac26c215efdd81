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

package alibaba

import (
	"fmt"
	"net/http"
)

// Error codes the simulator answers. Each comes with the HTTP status of DefaultHTTPStatus.
const (
	CodeEntityNotExistUser              = "EntityNotExist.User"
	CodeEntityNotExistLoginProfile      = "EntityNotExist.User.LoginProfile"
	CodeEntityAlreadyExistsLoginProfile = "EntityAlreadyExists.User.LoginProfile"
	CodePasswordTooWeak                 = "InvalidParameter.Password.TooWeak"
	// CodePasswordReused is the simulator's choice for a password refused by the reuse prevention policy: the code
	// the real service answers is not confirmed.
	CodePasswordReused                = "InvalidParameter.Password.Reused"
	CodeMissingParameter              = "MissingParameter"
	CodeInvalidParameter              = "InvalidParameter"
	CodeInvalidVersion                = "InvalidVersion"
	CodeThrottlingUser                = "Throttling.User"
	CodeSignatureDoesNotMatch         = "SignatureDoesNotMatch"
	CodeIncompleteSignature           = "IncompleteSignature"
	CodeInvalidAccessKeyIDNotFound    = "InvalidAccessKeyId.NotFound"
	CodeInvalidSecurityTokenMalformed = "InvalidSecurityToken.Malformed"
	CodeInvalidTimeStampExpired       = "InvalidTimeStamp.Expired"
	CodeInvalidTimeStampFormat        = "InvalidTimeStamp.Format"
	CodeSignatureNonceUsed            = "SignatureNonceUsed"
	CodeServiceUnavailable            = "ServiceUnavailable"
	CodeInternalError                 = "InternalError"
	CodeInvalidActionNotFound         = "InvalidAction.NotFound"
)

type codeInfo struct {
	status  int
	message string
}

var knownCodes = map[string]codeInfo{
	CodeEntityNotExistUser:              {http.StatusNotFound, "The user does not exist."},
	CodeEntityNotExistLoginProfile:      {http.StatusNotFound, "The login profile of the user does not exist."},
	CodeEntityAlreadyExistsLoginProfile: {http.StatusConflict, "The login profile of the user already exists."},
	CodePasswordTooWeak:                 {http.StatusBadRequest, "The password does not comply with the password policy."},
	CodePasswordReused:                  {http.StatusBadRequest, "The password was used recently and cannot be reused."},
	CodeMissingParameter:                {http.StatusBadRequest, "A mandatory parameter is not supplied."},
	CodeInvalidParameter:                {http.StatusBadRequest, "A parameter is invalid."},
	CodeInvalidVersion:                  {http.StatusBadRequest, "Specified parameter Version is not valid."},
	CodeThrottlingUser:                  {http.StatusBadRequest, "Request was denied due to user flow control."},
	CodeSignatureDoesNotMatch:           {http.StatusBadRequest, "Specified signature is not matched with our calculation."},
	CodeIncompleteSignature:             {http.StatusBadRequest, "The request signature does not conform to Aliyun standards."},
	CodeInvalidAccessKeyIDNotFound:      {http.StatusNotFound, "Specified access key is not found."},
	CodeInvalidSecurityTokenMalformed:   {http.StatusBadRequest, "Specified SecurityToken is malformed."},
	CodeInvalidTimeStampExpired:         {http.StatusBadRequest, "Specified time stamp or date value is expired."},
	CodeInvalidTimeStampFormat:          {http.StatusBadRequest, "Specified time stamp or date value is not well formatted."},
	CodeSignatureNonceUsed:              {http.StatusBadRequest, "Specified signature nonce was used already."},
	CodeServiceUnavailable:              {http.StatusServiceUnavailable, "The request has failed due to a temporary failure of the server."},
	CodeInternalError:                   {http.StatusInternalServerError, "The request processing has failed due to some unknown error, exception or failure."},
	CodeInvalidActionNotFound:           {http.StatusNotFound, "Specified api is not found, please check your url and method."},
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

func missingParameter(name string) *APIError {
	return errorf(CodeMissingParameter, "The input parameter %q that is mandatory for processing this request is not supplied.", name)
}

func invalidParameter(name, why string) *APIError {
	return errorf(CodeInvalidParameter, "The specified parameter %q is not valid: %s", name, why)
}
