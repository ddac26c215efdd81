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
	"log/slog"
	"sync"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// Defaults of Options.
const (
	// DefaultAccessKeyID and DefaultAccessKeySecret are the one key pair accepted when Options.AccessKeys is empty.
	DefaultAccessKeyID     = simcore.DefaultAccessKeyID
	DefaultAccessKeySecret = simcore.DefaultAccessKeySecret
	// DefaultReadsPerSecond and DefaultWritesPerSecond are the per-account quotas: GetLoginProfile,
	// GetPasswordPolicy and GetUserMFAInfo are reads, Create/Update/DeleteLoginProfile are writes.
	DefaultReadsPerSecond  = 100
	DefaultWritesPerSecond = 20
	// DefaultTimestampTolerance is how far a request's Timestamp may be from the server's clock.
	DefaultTimestampTolerance = simcore.DefaultTimestampTolerance
	// nonceWindow is how long a SignatureNonce is remembered.
	nonceWindow = 15 * time.Minute
)

// APIVersion is the IMS API version the simulator speaks.
const APIVersion = "2019-08-15"

// HostID is the HostId of every error answer.
const HostID = "ims.aliyuncs.com"

// Actions the simulator implements.
const (
	ActionGetLoginProfile    = "GetLoginProfile"
	ActionCreateLoginProfile = "CreateLoginProfile"
	ActionUpdateLoginProfile = "UpdateLoginProfile"
	ActionDeleteLoginProfile = "DeleteLoginProfile"
	// ActionGetPasswordPolicy reads the account's password policy; it names no user.
	ActionGetPasswordPolicy = "GetPasswordPolicy"
	// ActionGetUserMFAInfo reads the MFA device bound to a user.
	ActionGetUserMFAInfo = "GetUserMFAInfo"
)

// actions are the operations' actions. IMS has no action of its own for simcore.OpGetLastLogin: GetLoginProfile's
// LastLoginTime carries the last login.
var actions = map[simcore.Op]string{
	simcore.OpGet: ActionGetLoginProfile, simcore.OpCreate: ActionCreateLoginProfile,
	simcore.OpUpdate: ActionUpdateLoginProfile, simcore.OpDelete: ActionDeleteLoginProfile,
	simcore.OpGetPasswordPolicy: ActionGetPasswordPolicy, simcore.OpGetMFA: ActionGetUserMFAInfo,
}

// Status values of a login profile.
const (
	StatusActive   = simcore.StatusActive
	StatusInactive = simcore.StatusInactive
)

// capabilities: an IMS login profile has every field, its dates to the second.
var capabilities = simcore.Capabilities{
	Status: true, MFABindRequired: true, UpdateDate: true, LastLoginTime: true, DateResolution: time.Second,
}

type (
	// Profile is a login profile, keyed by UserPrincipalName (Profile.User).
	Profile = simcore.Profile
	// Call is an API call: its Params are the business parameters as received (UserPrincipalName, Password,
	// Status, MFABindRequired, PasswordResetRequired, any other non-common parameter).
	Call = simcore.Call
	// Fault makes calls fail: its Action is an action or an Op.
	Fault = simcore.Fault
	// APIError is an error as IMS answers it.
	APIError = simcore.APIError
)

// Options configures a Server. The zero value is a working server.
type Options struct {
	// AccessKeys maps AccessKeyId -> AccessKeySecret accepted by the server. Empty means one pair:
	// DefaultAccessKeyID / DefaultAccessKeySecret.
	AccessKeys map[string]string
	// SecurityTokens are the accepted STS tokens (AccessKeyId -> token); a call with an AccessKeyId listed here must
	// carry the matching SecurityToken. The AccessKeyId must also be in AccessKeys, with its secret.
	SecurityTokens map[string]string
	// ReadsPerSecond and WritesPerSecond are the per-account quotas, shared by every caller: 0 means the defaults
	// (100 and 20), negative means unlimited. A call over quota answers Throttling.User.
	ReadsPerSecond, WritesPerSecond int
	// Now is the server's clock: quotas, nonce window, profile dates, recorded calls. nil means time.Now. It may be
	// moved freely: the request's Timestamp is checked against the wall clock, which the SDK stamps it with.
	Now func() time.Time
	// PasswordPolicy is the account's password policy; the zero value is the service's default policy (at least 8
	// characters, nothing else required).
	PasswordPolicy PasswordPolicy
	// TimestampTolerance is how far the request's Timestamp may be from the wall clock (time.Now, not Now) before
	// InvalidTimeStamp.Expired: 0 means 15 minutes, negative turns the check off.
	TimestampTolerance time.Duration
	// Logger, when set, gets one line per call with the action, the error code and the HTTP status, never a
	// parameter. nil logs nothing.
	Logger *slog.Logger
}

type nonceEntry struct {
	key string
	at  time.Time
}

// Server simulates Alibaba Cloud IMS login profiles: the RPC protocol over the simulator core, whose Go API
// (users, profiles, calls, faults, latency, quotas, lifecycle) it has. It is safe for concurrent use.
type Server struct {
	*simcore.Core
	now   func() time.Time
	creds *simcore.Credentials

	mu         sync.Mutex // guards the nonces
	nonces     map[string]time.Time
	nonceQueue []nonceEntry
}

// NewServer returns a server with no users. Serve it with Start or Listen, or mount it as an http.Handler.
func NewServer(opts Options) *Server {
	s := &Server{
		now:    opts.Now,
		creds:  simcore.NewCredentials(opts.AccessKeys, opts.SecurityTokens, opts.TimestampTolerance),
		nonces: map[string]time.Time{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	core := imsCore
	core.Protocol, core.Now, core.Logger = rpc{s}, opts.Now, opts.Logger
	core.ReadsPerSecond, core.WritesPerSecond, core.PasswordPolicy = opts.ReadsPerSecond, opts.WritesPerSecond, opts.PasswordPolicy
	s.Core = simcore.New(core)
	return s
}

// SetPasswordPolicy replaces the password policy.
func (s *Server) SetPasswordPolicy(p PasswordPolicy) { s.Core.SetPasswordPolicy(p) }

// UserResetsPassword simulates the user logging in to the console and choosing a new password (see
// simcore.Core.UserResetsPassword): an *APIError when the user, the profile or the password is refused, as the
// service would answer it.
func (s *Server) UserResetsPassword(upn, newPassword string) error {
	return s.CloudError(s.Core.UserResetsPassword(upn, newPassword))
}

// useNonce records a nonce; false when it was used in the last 15 minutes.
func (s *Server) useNonce(accessKeyID, nonce string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.nonceQueue) > 0 && now.Sub(s.nonceQueue[0].at) > nonceWindow {
		delete(s.nonces, s.nonceQueue[0].key)
		s.nonceQueue = s.nonceQueue[1:]
	}
	key := accessKeyID + "\x00" + nonce
	if _, used := s.nonces[key]; used {
		return false
	}
	s.nonces[key] = now
	s.nonceQueue = append(s.nonceQueue, nonceEntry{key: key, at: now})
	return true
}

// imsCore is IMS as the core knows it; NewServer adds the protocol and the account's settings.
var imsCore = simcore.Options{
	Cloud: "alibaba", Capabilities: capabilities, Actions: actions, ParamNames: paramNames,
	Codes: codes, Translate: codes.Translator(), PolicyFromRules: PolicyFromRules,
	DefaultReadsPerSecond: DefaultReadsPerSecond, DefaultWritesPerSecond: DefaultWritesPerSecond,
}
