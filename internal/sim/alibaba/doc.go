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

/*
Package alibaba simulates the login-profile part of Alibaba Cloud's IMS API (version 2019-08-15): a real HTTP
server speaking the RPC wire protocol of the official Go SDK (github.com/aliyun/alibaba-cloud-sdk-go, package
services/ims), so that code using the SDK can be tested against it unchanged.

# Using it with the SDK

	s := alibaba.NewServer(alibaba.Options{})
	base, _ := s.Start() // "http://127.0.0.1:PORT"
	defer s.Close()
	s.AddUser("alice@example.onaliyun.com")

	client, _ := ims.NewClientWithAccessKey("cn-hangzhou", alibaba.DefaultAccessKeyID, alibaba.DefaultAccessKeySecret)
	req := ims.CreateGetLoginProfileRequest()
	req.Scheme = "http"
	req.Domain = strings.TrimPrefix(base, "http://") // or client.Domain = ..., for every request
	req.UserPrincipalName = "alice@example.onaliyun.com"
	_, err := client.GetLoginProfile(req) // *errors.ServerError EntityNotExist.User.LoginProfile, HTTP 404

# Wire protocol

A call is an HTTP request (POST by the SDK, any method accepted) on any path but /_sim/, its parameters in the
query string and/or a form body (application/x-www-form-urlencoded). The common parameters are Action, Version
(2019-08-15), Format, AccessKeyId, SignatureMethod (HMAC-SHA1), SignatureVersion (1.0), SignatureNonce,
Timestamp (UTC, 2006-01-02T15:04:05Z), RegionId, SignatureType (empty), Signature, and SecurityToken for STS
credentials. The signature (see StringToSign and Sign) is base64(HMAC-SHA1(secret + "&",
METHOD + "&%2F&" + PercentEncode(CanonicalQuery(params)))), the method being the one received.

Checks, in order: signature parameters present (IncompleteSignature), access key known
(InvalidAccessKeyId.NotFound), STS token (InvalidSecurityToken.Malformed), signature (SignatureDoesNotMatch; as
the real service, the message echoes the server's string to sign, which holds every parameter, Password
included), Timestamp within 15 minutes of the wall clock (InvalidTimeStamp.Expired), nonce unused for 15
minutes (SignatureNonceUsed), action known (InvalidAction.NotFound), Version, then the injected faults, then the
per-account quota (Throttling.User, HTTP 400), then the action itself.

Actions, all keyed by UserPrincipalName: GetLoginProfile, CreateLoginProfile (Password required; Status
Active|Inactive, default Active; MFABindRequired and PasswordResetRequired, default false), UpdateLoginProfile
(changes only the parameters sent) and DeleteLoginProfile. Answers are JSON: {"RequestId", "LoginProfile":
{"UserPrincipalName", "Status", "MFABindRequired", "PasswordResetRequired", "CreateDate", "UpdateDate",
"LastLoginTime"}}, LastLoginTime in GetLoginProfile only and only once the user logged in (IMS has no other way to
read the last login); DeleteLoginProfile answers only the RequestId. Errors are non-2xx answers {"RequestId",
"HostId", "Code", "Message", "Recommend"}, all strings; the codes are the Code* constants.

The login lifecycle's reads: GetPasswordPolicy (no parameter) answers {"RequestId", "PasswordPolicy":
{"MinimumPasswordLength", "RequireLowercaseCharacters", "RequireUppercaseCharacters", "RequireNumbers",
"RequireSymbols", "HardExpire", "MaxLoginAttemps", "PasswordReusePrevention", "MaxPasswordAge",
"MinimumPasswordDifferentCharacter", "PasswordNotContainUserName"}} (see PasswordPolicy); GetUserMFAInfo, keyed by
UserPrincipalName, answers {"RequestId", "IsMFAEnable": true, "MFADevice": {"SerialNumber", "Type": "VMFA"}} for a
user with an MFA device (Core.SetMFABound, or PUT /_sim/users/{upn}/mfa), and EntityNotExist.User.MFADevice (HTTP
404) for a user without one.

GetLoginProfile, GetPasswordPolicy and GetUserMFAInfo count against the read quota (100/s by default), the other
actions against the write quota (20/s): token buckets on Options.Now, holding one second's worth of calls.

The server logs nothing unless Options.Logger is set, and then only the action and the outcome of each call.
Call.Params keep the Password sent, for tests to assert on; the admin API redacts it.

# Admin API

The simulator core's (see internal/sim/simcore), under /_sim/ on the same server: the same routes and JSON for
every cloud, users named by their user principal name. PUT /_sim/password-policy takes neutral rules (see
PolicyFromRules for those IMS cannot express).
*/
package alibaba
