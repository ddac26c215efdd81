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
Package huawei simulates the login-profile part of Huawei Cloud's IAM v5 API: a real HTTP server speaking the REST
wire protocol of the official Go SDK (github.com/huaweicloud/huaweicloud-sdk-go-v3, package services/iam/v5), so
that code using the SDK can be tested against it unchanged. It is the counterpart of the Alibaba Cloud simulator
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

The request body is the bare JSON object (the SDK's CreateLoginProfileReqBody, UpdateLoginProfileReqBody: no
wrapping key). Create requires both fields (a non-empty string and a boolean), as the service documents; Update
changes only the fields present (an empty or absent body changes nothing), and a new password moves the expiry.
Unknown fields are ignored. The user id is whatever lies between /v5/users/ and /login-profile, decoded: any
string. Create, Show and Update answer {"login_profile": {"user_id", "password_reset_required",
"password_expires_at", "created_at"}}, times like 2023-09-13T08:03:10.781Z (UTC, milliseconds),
password_expires_at only when the password expires (PasswordPolicy.PasswordValidityPeriod, or SetProfile).

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

ShowLoginProfileV5 counts against the read quota (20/s by default), the other actions against the write quota
(10/s): token buckets on Options.Now, holding one second's worth of calls. IAM v5's real quotas are not
published: these are the simulator's choice.

The server logs nothing unless Options.Logger is set, and then only the action and the outcome of each call.
Call.Params keep the password sent, for tests to assert on; the admin API redacts it.

# Admin API

The simulator core's (see internal/sim/simcore), under /_sim/ on the same server: the same routes and JSON for
every cloud, users named by their user id.
*/
package huawei
