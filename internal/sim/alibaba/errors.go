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

// Error codes the simulator answers, each with the HTTP status the codes table gives it.
const (
	CodeEntityNotExistUser              = "EntityNotExist.User"
	CodeEntityNotExistLoginProfile      = "EntityNotExist.User.LoginProfile"
	CodeEntityAlreadyExistsLoginProfile = "EntityAlreadyExists.User.LoginProfile"
	// CodeEntityNotExistUserMFADevice is GetUserMFAInfo's answer for a user without an MFA device (RAM's error
	// reference: HTTP 404, "The user has not bound any MFA device.").
	CodeEntityNotExistUserMFADevice = "EntityNotExist.User.MFADevice"
	CodePasswordTooWeak             = "InvalidParameter.Password.TooWeak"
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

// codes is the table of the codes the simulator answers, and of the neutral errors they answer.
var codes = simcore.CodeTable{
	// The codes that answer the neutral errors, in the order of simcore.Kinds.
	CodeEntityNotExistUser:              {Status: http.StatusNotFound, Message: "The user does not exist.", Kind: simcore.UserNotFound},
	CodeEntityNotExistLoginProfile:      {Status: http.StatusNotFound, Message: "The login profile of the user does not exist.", Kind: simcore.ProfileNotFound},
	CodeEntityAlreadyExistsLoginProfile: {Status: http.StatusConflict, Message: "The login profile of the user already exists.", Kind: simcore.ProfileExists},
	CodePasswordTooWeak: {Status: http.StatusBadRequest, Message: "The password does not comply with the password policy.", Kind: simcore.PasswordWeak,
		KindMessage: "The password does not comply with the password policy: {reason}."},
	CodePasswordReused: {Status: http.StatusBadRequest, Message: "The password was used recently and cannot be reused.", Kind: simcore.PasswordReused,
		KindMessage: "The password is among the last {count} passwords of the user and cannot be reused."},
	CodeThrottlingUser:     {Status: http.StatusBadRequest, Message: "Request was denied due to user flow control.", Kind: simcore.Throttled},
	CodeServiceUnavailable: {Status: http.StatusServiceUnavailable, Message: "The request has failed due to a temporary failure of the server.", Kind: simcore.Unavailable},
	// The codes only the RPC protocol, its signature check, the actions and the faults answer.
	CodeEntityNotExistUserMFADevice:   {Status: http.StatusNotFound, Message: "The user has not bound any MFA device."},
	CodeMissingParameter:              {Status: http.StatusBadRequest, Message: "A mandatory parameter is not supplied."},
	CodeInvalidParameter:              {Status: http.StatusBadRequest, Message: "A parameter is invalid."},
	CodeInvalidVersion:                {Status: http.StatusBadRequest, Message: "Specified parameter Version is not valid."},
	CodeSignatureDoesNotMatch:         {Status: http.StatusBadRequest, Message: "Specified signature is not matched with our calculation."},
	CodeIncompleteSignature:           {Status: http.StatusBadRequest, Message: "The request signature does not conform to Aliyun standards."},
	CodeInvalidAccessKeyIDNotFound:    {Status: http.StatusNotFound, Message: "Specified access key is not found."},
	CodeInvalidSecurityTokenMalformed: {Status: http.StatusBadRequest, Message: "Specified SecurityToken is malformed."},
	CodeInvalidTimeStampExpired:       {Status: http.StatusBadRequest, Message: "Specified time stamp or date value is expired."},
	CodeInvalidTimeStampFormat:        {Status: http.StatusBadRequest, Message: "Specified time stamp or date value is not well formatted."},
	CodeSignatureNonceUsed:            {Status: http.StatusBadRequest, Message: "Specified signature nonce was used already."},
	CodeInternalError:                 {Status: http.StatusInternalServerError, Message: "The request processing has failed due to some unknown error, exception or failure."},
	CodeInvalidActionNotFound:         {Status: http.StatusNotFound, Message: "Specified api is not found, please check your url and method."},
}

func missingParameter(name string) *APIError {
	return codes.Errorf(CodeMissingParameter, "The input parameter %q that is mandatory for processing this request is not supplied.", name)
}

func invalidParameter(name, why string) *APIError {
	return codes.Errorf(CodeInvalidParameter, "The specified parameter %q is not valid: %s", name, why)
}
