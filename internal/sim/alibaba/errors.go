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
	"net/http"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
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

// codes is the table of the codes the simulator answers.
var codes = simcore.CodeTable{
	CodeEntityNotExistUser:              {Status: http.StatusNotFound, Message: "The user does not exist."},
	CodeEntityNotExistLoginProfile:      {Status: http.StatusNotFound, Message: "The login profile of the user does not exist."},
	CodeEntityAlreadyExistsLoginProfile: {Status: http.StatusConflict, Message: "The login profile of the user already exists."},
	CodePasswordTooWeak:                 {Status: http.StatusBadRequest, Message: "The password does not comply with the password policy."},
	CodePasswordReused:                  {Status: http.StatusBadRequest, Message: "The password was used recently and cannot be reused."},
	CodeMissingParameter:                {Status: http.StatusBadRequest, Message: "A mandatory parameter is not supplied."},
	CodeInvalidParameter:                {Status: http.StatusBadRequest, Message: "A parameter is invalid."},
	CodeInvalidVersion:                  {Status: http.StatusBadRequest, Message: "Specified parameter Version is not valid."},
	CodeThrottlingUser:                  {Status: http.StatusBadRequest, Message: "Request was denied due to user flow control."},
	CodeSignatureDoesNotMatch:           {Status: http.StatusBadRequest, Message: "Specified signature is not matched with our calculation."},
	CodeIncompleteSignature:             {Status: http.StatusBadRequest, Message: "The request signature does not conform to Aliyun standards."},
	CodeInvalidAccessKeyIDNotFound:      {Status: http.StatusNotFound, Message: "Specified access key is not found."},
	CodeInvalidSecurityTokenMalformed:   {Status: http.StatusBadRequest, Message: "Specified SecurityToken is malformed."},
	CodeInvalidTimeStampExpired:         {Status: http.StatusBadRequest, Message: "Specified time stamp or date value is expired."},
	CodeInvalidTimeStampFormat:          {Status: http.StatusBadRequest, Message: "Specified time stamp or date value is not well formatted."},
	CodeSignatureNonceUsed:              {Status: http.StatusBadRequest, Message: "Specified signature nonce was used already."},
	CodeServiceUnavailable:              {Status: http.StatusServiceUnavailable, Message: "The request has failed due to a temporary failure of the server."},
	CodeInternalError:                   {Status: http.StatusInternalServerError, Message: "The request processing has failed due to some unknown error, exception or failure."},
	CodeInvalidActionNotFound:           {Status: http.StatusNotFound, Message: "Specified api is not found, please check your url and method."},
}

// DefaultHTTPStatus is the HTTP status the simulator answers with code; 500 for a code it does not know.
func DefaultHTTPStatus(code string) int { return codes.Status(code) }

// translate is the code and message IMS answers a neutral error with.
func translate(e *simcore.Error) *APIError {
	switch e.Kind {
	case simcore.UserNotFound:
		return codes.New(CodeEntityNotExistUser, "")
	case simcore.ProfileNotFound:
		return codes.New(CodeEntityNotExistLoginProfile, "")
	case simcore.ProfileExists:
		return codes.New(CodeEntityAlreadyExistsLoginProfile, "")
	case simcore.PasswordWeak:
		return codes.Errorf(CodePasswordTooWeak, "The password does not comply with the password policy: %s.", e.Reason)
	case simcore.PasswordReused:
		return codes.Errorf(CodePasswordReused, "The password is among the last %d passwords of the user and cannot be reused.", e.Count)
	case simcore.Throttled:
		return codes.New(CodeThrottlingUser, "")
	case simcore.Unavailable:
		return codes.New(CodeServiceUnavailable, "")
	}
	return codes.New(CodeInternalError, "")
}

func missingParameter(name string) *APIError {
	return codes.Errorf(CodeMissingParameter, "The input parameter %q that is mandatory for processing this request is not supplied.", name)
}

func invalidParameter(name, why string) *APIError {
	return codes.Errorf(CodeInvalidParameter, "The specified parameter %q is not valid: %s", name, why)
}
