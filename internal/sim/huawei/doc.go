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
Package huawei simulates the login-profile part of Huawei Cloud's IAM v5 API, with the reads of the login lifecycle
(the password policy, MFA devices, last logins): a real HTTP server speaking the REST wire protocol of the official
Go SDK (github.com/huaweicloud/huaweicloud-sdk-go-v3, package services/iam/v5), so that code using the SDK can be
tested against it unchanged. It is the counterpart of the Alibaba Cloud simulator
(internal/sim/alibaba), with the same Go API.

# Using it with the SDK

	s := huawei.NewServer(huawei.Options{})
	endpoint, _ := s.Start() // "http://127.0.0.1:PORT"
	defer s.Close()
	s.AddUser("a11ce000000000000000000000000000")

	cred, _ := global.NewCredentialsBuilder().
		WithAk(huawei.DefaultAccessKeyID).WithSk(huawei.DefaultAccessKeySecret).
		WithDomainId(huawei.DefaultDomainID). // required: without it the SDK asks the real IAM for it
		SafeBuild()
	hc, _ := iam.IamClientBuilder().WithEndpoints([]string{endpoint}).WithCredential(cred).SafeBuild()
	client := iam.NewIamClient(hc)
	_, err := client.ShowLoginProfileV5(&model.ShowLoginProfileV5Request{UserId: "a11ce000000000000000000000000000"})
	// err is a *sdkerr.ServiceResponseError: StatusCode 404, ErrorCode IAM.0104, RequestId from X-Request-Id

The endpoint must keep its http:// scheme (the SDK prefixes https:// to an endpoint without one) and must not be
combined with WithRegion, which replaces the endpoints. STS credentials: WithSecurityToken, with the AK, SK and
token listed in Options.AccessKeys and Options.SecurityTokens.

# Wire protocol

	POST   /v5/users/{user_id}/login-profile  CreateLoginProfileV5, 201  body {"password", "password_reset_required"}
	GET    /v5/users/{user_id}/login-profile  ShowLoginProfileV5,   200
	PUT    /v5/users/{user_id}/login-profile  UpdateLoginProfileV5, 200  body with any of the two fields
	DELETE /v5/users/{user_id}/login-profile  DeleteLoginProfileV5, 204, no body
	GET    /v5/password-policy                ShowPasswordPolicyV5, 200
	GET    /v5/mfa-devices?user_id=...        ListMfaDevicesV5,     200  (limit, marker)
	GET    /v5/users/{user_id}/last-login     ShowUserLastLoginV5,  200

The request body is the bare JSON object (the SDK's CreateLoginProfileReqBody, UpdateLoginProfileReqBody: no
wrapping key). Create requires both fields (a non-empty string and a boolean), as the service documents; Update
changes only the fields present (an empty or absent body changes nothing), and a new password moves the expiry.
Unknown fields are ignored. The user id is whatever lies between /v5/users/ and /login-profile, decoded: any
string. Create, Show and Update answer {"login_profile": {"user_id", "password_reset_required",
"password_expires_at", "created_at"}}, times like 2023-09-13T08:03:10.781Z (UTC, milliseconds),
password_expires_at only when the password expires (PasswordPolicy.PasswordValidityPeriod, or SetProfile).

ShowPasswordPolicyV5 answers {"password_policy": {"maximum_consecutive_identical_chars", "maximum_password_length",
"minimum_password_age", "minimum_password_length", "password_reuse_prevention", "password_not_username_or_invert",
"password_requirements", "password_validity_period", "password_char_combination", "allow_user_to_change_password"}},
every field present, the settings of PasswordPolicy in force (0 for no bound; what the simulator does not model as
a policy that does not use it). ListMfaDevicesV5 answers {"mfa_devices": [{"serial_number", "user_id",
"enabled"}], "page_info": {"current_count"}}: one enabled device for a user with MFA bound (Core.SetMFABound, or
PUT /_sim/users/{id}/mfa), none otherwise; it requires user_id (IAM.0007 without: the simulator does not list the
account's devices), refuses a limit out of 1..200 (IAM.0007) and any marker (PAP5.0010: it hands none out), and
answers CodeUserNotFound for a missing user (the simulator's choice; see errors.go). ShowUserLastLoginV5 answers
{"user_last_login": {"last_login_at"}}, last_login_at left out while the user never logged in (Core.SetLastLogin,
Core.UserResetsPassword), and CodeUserNotFound for a missing user; it needs no login profile. A login profile never
shows the last login: IAM v5's has none.

Every answer has an X-Request-Id header (32 hex digits). Errors are {"error_code", "error_msg", "request_id"}
(plus "encoded_authorization_message" for PAP5.0001) with a 4xx or 5xx status; the codes are the Code* constants,
and errors.go says which are confirmed and which are the simulator's choice. A request on another path or method
answers APIGW.0101, 404, before authentication.

Authentication, as the SDK signs (see CanonicalRequest, StringToSign, Sign): Authorization "SDK-HMAC-SHA256
Access=AK, SignedHeaders=a;b;c, Signature=hex", the signature being hex HMAC-SHA256(SK, "SDK-HMAC-SHA256\n" +
X-Sdk-Date + "\n" + hex SHA-256(canonical request)), the canonical request being method, path (each segment RFC
3986-escaped, trailing /), sorted query, the signed headers' "name:value" lines, their names joined with ";", and
the hex SHA-256 of the body (or UNSIGNED-PAYLOAD when X-Sdk-Content-Sha256 says so). The SDK signs every header it
sets but Content-Type: user-agent;x-domain-id;x-sdk-date, plus x-security-token with STS credentials. Checks, in
order, each failing with APIGW.0301, HTTP 401: Authorization present and SDK-HMAC-SHA256, X-Sdk-Date present and
signed, access key known, security token (required, signed and matching for an AK of Options.SecurityTokens,
absent otherwise), signature, X-Sdk-Date within 15 minutes of the wall clock, X-Domain-Id equal to the account's
(Options.DomainID). Then the injected faults, then the per-account quota (APIGW.0308, HTTP 429), then the body and
the action itself.

ShowLoginProfileV5, ShowPasswordPolicyV5, ListMfaDevicesV5 and ShowUserLastLoginV5 count against the read quota
(20/s by default), the other actions against the write quota (10/s): token buckets on Options.Now, holding one second's worth of calls. IAM v5's real quotas are not
published: these are the simulator's choice.

The server logs nothing unless Options.Logger is set, and then only the action and the outcome of each call.
Call.Params keep the password sent, for tests to assert on; the admin API redacts it.

# Admin API

The simulator core's (see internal/sim/simcore), under /_sim/ on the same server: the same routes and JSON for
every cloud, users named by their user id. PUT /_sim/password-policy takes the neutral rules as PolicyFromRules
does: it refuses what IAM's policy cannot express (a particular character class, minDistinct, the user-name rule
without its reversed form). The user name of those rules is the user id (see PasswordPolicy).
*/
package huawei
