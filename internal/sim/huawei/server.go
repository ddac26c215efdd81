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
	"cmp"
	"log/slog"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// Defaults of Options.
const (
	// DefaultAccessKeyID and DefaultAccessKeySecret are the one key pair accepted when Options.AccessKeys is empty.
	DefaultAccessKeyID     = simcore.DefaultAccessKeyID
	DefaultAccessKeySecret = simcore.DefaultAccessKeySecret
	// DefaultDomainID is the account (domain) id when Options.DomainID is empty: requests must carry it in
	// X-Domain-Id.
	DefaultDomainID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	// DefaultReadsPerSecond and DefaultWritesPerSecond are the per-account quotas: ShowLoginProfileV5,
	// ShowPasswordPolicyV5, ListMfaDevicesV5 and ShowUserLastLoginV5 are reads, Create/Update/DeleteLoginProfileV5
	// are writes. IAM v5's real quotas are not published; these are the
	// simulator's choice, low enough for a test to reach them.
	DefaultReadsPerSecond  = 20
	DefaultWritesPerSecond = 10
	// DefaultTimestampTolerance is how far a request's X-Sdk-Date may be from the server's wall clock.
	DefaultTimestampTolerance = simcore.DefaultTimestampTolerance
)

// Actions the simulator implements, named after the SDK's methods.
const (
	ActionCreateLoginProfileV5 = "CreateLoginProfileV5" // POST   /v5/users/{user_id}/login-profile, 201
	ActionShowLoginProfileV5   = "ShowLoginProfileV5"   // GET    /v5/users/{user_id}/login-profile, 200
	ActionUpdateLoginProfileV5 = "UpdateLoginProfileV5" // PUT    /v5/users/{user_id}/login-profile, 200
	ActionDeleteLoginProfileV5 = "DeleteLoginProfileV5" // DELETE /v5/users/{user_id}/login-profile, 204
	ActionShowPasswordPolicyV5 = "ShowPasswordPolicyV5" // GET    /v5/password-policy, 200
	ActionListMfaDevicesV5     = "ListMfaDevicesV5"     // GET    /v5/mfa-devices?user_id=..., 200
	ActionShowUserLastLoginV5  = "ShowUserLastLoginV5"  // GET    /v5/users/{user_id}/last-login, 200
)

// actions are the operations' actions.
var actions = map[simcore.Op]string{
	simcore.OpGet: ActionShowLoginProfileV5, simcore.OpCreate: ActionCreateLoginProfileV5,
	simcore.OpUpdate: ActionUpdateLoginProfileV5, simcore.OpDelete: ActionDeleteLoginProfileV5,
	simcore.OpGetPasswordPolicy: ActionShowPasswordPolicyV5, simcore.OpGetMFA: ActionListMfaDevicesV5,
	simcore.OpGetLastLogin: ActionShowUserLastLoginV5,
}

// capabilities: an IAM v5 login profile has no status, no MFA flag, no update date and no last login time; its
// times are to the millisecond.
var capabilities = simcore.Capabilities{DateResolution: time.Millisecond}

type (
	// Profile is a login profile, keyed by user id (Profile.User); its CreateDate is the created_at answered.
	Profile = simcore.Profile
	// Call is an API call: its Params are the body fields received, as strings ("password",
	// "password_reset_required" as "true" or "false", only those present; a value of another JSON type kept as
	// its JSON text; empty when there is no body or it is not a JSON object), and for ListMfaDevicesV5 the query
	// parameters "limit" and "marker" when present (its user_id is the call's User; GetPasswordPolicy's User is
	// ""); its Action is "" for a request on no API.
	Call = simcore.Call
	// Fault makes calls fail: its Action is an action or an Op.
	Fault = simcore.Fault
	// APIError is an error as IAM answers it.
	APIError = simcore.APIError
)

// Body fields of CreateLoginProfileV5 and UpdateLoginProfileV5, and the keys of Call.Params.
const (
	ParamPassword              = "password"
	ParamPasswordResetRequired = "password_reset_required"
)

// Options configures a Server. The zero value is a working server.
type Options struct {
	// AccessKeys maps access key id (AK) -> secret access key (SK) accepted by the server. Empty means one pair:
	// DefaultAccessKeyID / DefaultAccessKeySecret.
	AccessKeys map[string]string
	// SecurityTokens are the accepted STS tokens (AK -> token): a call signed with an AK listed here must carry the
	// matching X-Security-Token, signed. The AK must also be in AccessKeys, with its SK. A call with any other AK
	// must carry no X-Security-Token.
	SecurityTokens map[string]string
	// DomainID is the id of the account every access key belongs to; a call's X-Domain-Id must be it. Empty means
	// DefaultDomainID.
	DomainID string
	// ReadsPerSecond and WritesPerSecond are the per-account quotas, shared by every caller: 0 means the defaults
	// (20 and 10), negative means unlimited. A call over quota answers APIGW.0308, HTTP 429.
	ReadsPerSecond, WritesPerSecond int
	// Now is the server's clock: quotas, profile dates, password expiry, recorded calls. nil means time.Now. It may
	// be moved freely: the request's X-Sdk-Date is checked against the wall clock, which the SDK stamps it with.
	Now func() time.Time
	// PasswordPolicy is the account's password policy; the zero value is the default policy (see PasswordPolicy).
	// ShowPasswordPolicyV5 answers it; the admin API's PUT /_sim/password-policy replaces it (PolicyFromRules).
	PasswordPolicy PasswordPolicy
	// TimestampTolerance is how far X-Sdk-Date may be from the wall clock (time.Now, not Now): 0 means 15 minutes,
	// negative turns the check off.
	TimestampTolerance time.Duration
	// EmptyShowForMissingProfile makes ShowLoginProfileV5 of an existing user without login profile answer 200 with
	// an empty object (the SDK's response then has a nil LoginProfile) instead of CodeLoginProfileNotFound, 404.
	// Which one the real service answers is not confirmed (Huawei's Terraform provider guards against the empty
	// answer); a client should handle both.
	EmptyShowForMissingProfile bool
	// Logger, when set, gets one line per call with the action, the error code and the HTTP status, never a
	// parameter. nil logs nothing.
	Logger *slog.Logger
}

// Server simulates Huawei Cloud IAM v5 login profiles: the REST protocol over the simulator core, whose Go API
// (users, profiles, calls, faults, latency, quotas, lifecycle) it has. It is safe for concurrent use.
type Server struct {
	*simcore.Core
	creds     *simcore.Credentials
	domainID  string
	emptyShow bool
}

// NewServer returns a server with no users. Serve it with Start or Listen, or mount it as an http.Handler.
func NewServer(opts Options) *Server {
	s := &Server{
		creds:     simcore.NewCredentials(opts.AccessKeys, opts.SecurityTokens, opts.TimestampTolerance),
		domainID:  cmp.Or(opts.DomainID, DefaultDomainID),
		emptyShow: opts.EmptyShowForMissingProfile,
	}
	core := iamCore
	core.Protocol, core.AccountID, core.Now = rest{s}, s.domainID, opts.Now
	core.ReadsPerSecond, core.WritesPerSecond = opts.ReadsPerSecond, opts.WritesPerSecond
	core.PasswordPolicy, core.Logger = opts.PasswordPolicy, opts.Logger
	s.Core = simcore.New(core)
	return s
}

// DomainID is the account's id, which requests must carry in X-Domain-Id.
func (s *Server) DomainID() string { return s.domainID }

// SetPasswordPolicy replaces the password policy.
func (s *Server) SetPasswordPolicy(p PasswordPolicy) { s.Core.SetPasswordPolicy(p) }

// UserResetsPassword simulates the user logging in to the console and choosing a new password (see
// simcore.Core.UserResetsPassword): an *APIError when the user, the profile or the password is refused
// (CodeUserNotFound, CodeLoginProfileNotFound, CodePasswordTooWeak, CodePasswordReused).
func (s *Server) UserResetsPassword(id, newPassword string) error {
	return s.CloudError(s.Core.UserResetsPassword(id, newPassword))
}

// iamCore is IAM v5 as the core knows it; NewServer adds the protocol, the account and its settings.
var iamCore = simcore.Options{
	Cloud: "huawei", Capabilities: capabilities, Actions: actions, ParamNames: paramNames,
	Codes: codes, Translate: codes.Translator(), PolicyFromRules: PolicyFromRules,
	DefaultReadsPerSecond: DefaultReadsPerSecond, DefaultWritesPerSecond: DefaultWritesPerSecond,
}
