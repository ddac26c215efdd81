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
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simhttp"
)

// Defaults of Options.
const (
	// DefaultAccessKeyID and DefaultAccessKeySecret are the one key pair accepted when Options.AccessKeys is empty.
	DefaultAccessKeyID     = "sim-access-key-id"
	DefaultAccessKeySecret = "sim-access-key-secret"
	// DefaultReadsPerSecond and DefaultWritesPerSecond are the per-account quotas: GetLoginProfile is a read,
	// Create/Update/DeleteLoginProfile are writes.
	DefaultReadsPerSecond  = 100
	DefaultWritesPerSecond = 20
	// DefaultTimestampTolerance is how far a request's Timestamp may be from the server's clock.
	DefaultTimestampTolerance = 15 * time.Minute
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
)

// Status values of a login profile.
const (
	StatusActive   = "Active"
	StatusInactive = "Inactive"
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
	// PasswordPolicy is the account's password policy; the zero value means at least 8 characters.
	PasswordPolicy PasswordPolicy
	// TimestampTolerance is how far the request's Timestamp may be from the wall clock (time.Now, not Now) before
	// InvalidTimeStamp.Expired: 0 means 15 minutes, negative turns the check off.
	TimestampTolerance time.Duration
	// Logger, when set, gets one line per call with the action, the error code and the HTTP status, never a
	// parameter. nil logs nothing.
	Logger *slog.Logger
}

// Profile is a user's login profile as the simulator keeps it. Dates are UTC, to the second.
type Profile struct {
	UserPrincipalName                      string
	Status                                 string // Active | Inactive
	MFABindRequired, PasswordResetRequired bool
	// LastLoginTime is zero while the user never logged in.
	CreateDate, UpdateDate, LastLoginTime time.Time
}

// Call is one API call received by the simulator.
type Call struct {
	Action string
	// Params are the business parameters as received (UserPrincipalName, Password, Status, MFABindRequired,
	// PasswordResetRequired, any other non-common parameter); the common and signature parameters are excluded.
	Params map[string]string
	// Code is "" on success, else the error code answered.
	Code string
	// HTTPStatus is the status answered; 0 when the connection was dropped.
	HTTPStatus int
	Time       time.Time
	// RequestID is the RequestId answered.
	RequestID string
	// Dropped is true when a DropConnection or DropAfterAction fault closed the connection without an answer.
	Dropped bool
}

// Fault makes matching calls fail. It applies to authenticated calls of a known action, before the quota.
type Fault struct {
	// Action is the action to fail; "" means any action.
	Action string
	// Code, HTTPStatus and Message are the error answered. HTTPStatus 0 means DefaultHTTPStatus(Code); an empty
	// Message means the code's usual message. An empty Code answers no error (a latency-only fault).
	Code       string
	HTTPStatus int
	Message    string
	// Times is how many calls fail; 0 means every call until ClearFaults.
	Times int
	// Latency is extra latency for matching calls, before the fault's answer (or the normal processing).
	Latency time.Duration
	// DropConnection closes the connection without an answer, before the action runs: the client sees a transport
	// error and nothing changed.
	DropConnection bool
	// DropAfterAction runs the action, then closes the connection without an answer: the change is made but the
	// client sees a transport error (a lost answer). Call.Code is then the code the action would have answered.
	DropAfterAction bool
}

type activeFault struct {
	Fault
	remaining int // -1: unlimited
}

type user struct {
	profile  *Profile
	password string   // current password; "" while the user has none
	history  []string // hashes of the last passwords, most recent (the current one) first
}

func (u *user) setPassword(upn, password string) {
	u.password = password
	u.history = append([]string{hashPassword(upn, password)}, u.history...)
	if len(u.history) > maxPasswordHistory {
		u.history = u.history[:maxPasswordHistory]
	}
}

func (u *user) usedRecently(upn, password string, n int) bool {
	h := hashPassword(upn, password)
	for i := 0; i < n && i < len(u.history); i++ {
		if u.history[i] == h {
			return true
		}
	}
	return false
}

type nonceEntry struct {
	key string
	at  time.Time
}

// Server simulates Alibaba Cloud IMS login profiles. It is safe for concurrent use.
type Server struct {
	now        func() time.Time
	wall       func() time.Time // the Timestamp check's clock; tests replace it
	accessKeys map[string]string
	tokens     map[string]string
	tolerance  time.Duration
	logger     *slog.Logger
	admin      *http.ServeMux

	mu         sync.Mutex
	policy     PasswordPolicy
	users      map[string]*user
	calls      []Call
	faults     []*activeFault
	latency    time.Duration
	reads      *rate.Limiter // nil: unlimited
	writes     *rate.Limiter
	nonces     map[string]time.Time
	nonceQueue []nonceEntry

	life simhttp.Lifecycle
}

// NewServer returns a server with no users. Serve it with Start or Listen, or mount it as an http.Handler.
func NewServer(opts Options) *Server {
	s := &Server{
		life:       simhttp.Lifecycle{Name: "alibaba simulator"},
		now:        opts.Now,
		wall:       time.Now,
		accessKeys: maps.Clone(opts.AccessKeys),
		tokens:     maps.Clone(opts.SecurityTokens),
		tolerance:  opts.TimestampTolerance,
		logger:     opts.Logger,
		policy:     opts.PasswordPolicy,
		users:      map[string]*user{},
		nonces:     map[string]time.Time{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if len(s.accessKeys) == 0 {
		s.accessKeys = map[string]string{DefaultAccessKeyID: DefaultAccessKeySecret}
	}
	if s.tokens == nil {
		s.tokens = map[string]string{}
	}
	if s.tolerance == 0 {
		s.tolerance = DefaultTimestampTolerance
	}
	s.reads = newLimiter(opts.ReadsPerSecond, DefaultReadsPerSecond)
	s.writes = newLimiter(opts.WritesPerSecond, DefaultWritesPerSecond)
	s.admin = s.adminMux()
	return s
}

// newLimiter is a token bucket of perSecond tokens a second holding at most one second's worth.
func newLimiter(perSecond, def int) *rate.Limiter {
	if perSecond == 0 {
		perSecond = def
	}
	if perSecond < 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(perSecond), perSecond)
}

// Start listens on 127.0.0.1 on a free port and returns the base URL, "http://127.0.0.1:PORT".
func (s *Server) Start() (string, error) { return s.Listen("127.0.0.1:0") }

// Listen listens on addr (host:port) and returns the base URL. A server listens once.
func (s *Server) Listen(addr string) (string, error) { return s.life.Listen(addr, s) }

// Close stops the server at once: it closes the listener and the connections, and ends the injected latencies.
func (s *Server) Close() error { return s.life.Close() }

// Shutdown stops the server gracefully: it ends the injected latencies, stops accepting connections and waits for
// the calls in flight to be answered, or ctx to end.
func (s *Server) Shutdown(ctx context.Context) error { return s.life.Shutdown(ctx) }

// AddUser creates a RAM user without login profile. Adding an existing user does nothing.
func (s *Server) AddUser(upn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[upn]; !ok {
		s.users[upn] = &user{}
	}
}

// DeleteUser deletes a RAM user, with its login profile and password history.
func (s *Server) DeleteUser(upn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.users, upn)
}

// Users returns the user principal names, sorted.
func (s *Server) Users() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.users))
}

// Profile returns the login profile of a user; false when the user or the profile does not exist.
func (s *Server) Profile(upn string) (Profile, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[upn]
	if !ok || u.profile == nil {
		return Profile{}, false
	}
	return *u.profile, true
}

// SetProfile changes a login profile out of band, as a change made in the console would (drift). The user must
// exist: SetProfile panics otherwise. An empty Status means Active; a zero CreateDate keeps the current one (now
// for a new profile); a zero UpdateDate means now. The password is left alone (a profile created this way has
// none).
func (s *Server) SetProfile(p Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.setProfileLocked(p); err != nil {
		panic(err)
	}
}

func (s *Server) setProfileLocked(p Profile) error {
	u, ok := s.users[p.UserPrincipalName]
	if !ok {
		return fmt.Errorf("alibaba simulator: SetProfile: user %q does not exist", p.UserPrincipalName)
	}
	now := s.timestamp()
	if p.Status == "" {
		p.Status = StatusActive
	}
	if p.CreateDate.IsZero() {
		p.CreateDate = now
		if u.profile != nil {
			p.CreateDate = u.profile.CreateDate
		}
	}
	if p.UpdateDate.IsZero() {
		p.UpdateDate = now
	}
	p.CreateDate = toSecond(p.CreateDate)
	p.UpdateDate = toSecond(p.UpdateDate)
	p.LastLoginTime = toSecond(p.LastLoginTime)
	u.profile = &p
	return nil
}

// Password returns the current password of a user; false when the user has no login profile or no password.
func (s *Server) Password(upn string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[upn]
	if !ok || u.profile == nil || u.password == "" {
		return "", false
	}
	return u.password, true
}

// UserResetsPassword simulates the user logging in to the console and choosing a new password: the password must
// comply with the policy and the reuse prevention (an *APIError otherwise); PasswordResetRequired is cleared and
// LastLoginTime set to now. UpdateDate is left alone. A user without login profile, or with an inactive one, cannot
// log in.
func (s *Server) UserResetsPassword(upn, newPassword string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[upn]
	if !ok {
		return newError(CodeEntityNotExistUser, "")
	}
	if u.profile == nil {
		return newError(CodeEntityNotExistLoginProfile, "")
	}
	if u.profile.Status != StatusActive {
		return fmt.Errorf("alibaba simulator: the login profile of %q is %s: the user cannot log in", upn, u.profile.Status)
	}
	if err := s.checkPasswordLocked(u, upn, newPassword); err != nil {
		return err
	}
	u.setPassword(upn, newPassword)
	u.profile.PasswordResetRequired = false
	u.profile.LastLoginTime = s.timestamp()
	return nil
}

// SetPasswordPolicy replaces the password policy.
func (s *Server) SetPasswordPolicy(p PasswordPolicy) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.policy = p
}

func (s *Server) checkPasswordLocked(u *user, upn, password string) *APIError {
	if reason := s.policy.check(upn, password); reason != "" {
		return errorf(CodePasswordTooWeak, "The password does not comply with the password policy: %s.", reason)
	}
	if n := s.policy.reusePrevention(); n > 0 && u.usedRecently(upn, password, n) {
		return errorf(CodePasswordReused, "The password is among the last %d passwords of the user and cannot be reused.", n)
	}
	return nil
}

// Calls returns the calls received, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		c.Params = maps.Clone(c.Params)
		out[i] = c
	}
	return out
}

// CallsFor returns the calls of one action, in order.
func (s *Server) CallsFor(action string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Action == action {
			out = append(out, c)
		}
	}
	return out
}

// ResetCalls forgets the calls received.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// InjectFault adds a fault. Faults apply in the order injected: a call takes the first one that matches.
func (s *Server) InjectFault(f Fault) {
	if f.Code != "" {
		if f.HTTPStatus == 0 {
			f.HTTPStatus = DefaultHTTPStatus(f.Code)
		}
		if f.Message == "" {
			if info, ok := knownCodes[f.Code]; ok {
				f.Message = info.message
			} else {
				f.Message = "Injected fault."
			}
		}
	}
	af := &activeFault{Fault: f, remaining: f.Times}
	if f.Times <= 0 {
		af.remaining = -1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, af)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault matching action and counts the call against it.
func (s *Server) takeFault(action string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Action != "" && f.Action != action {
			continue
		}
		if f.remaining > 0 {
			f.remaining--
			if f.remaining == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

// SetLatency adds d to every API call (not to the admin API).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetQuota replaces the per-account quotas, with fresh buckets: 0 means the default, negative means unlimited.
func (s *Server) SetQuota(readsPerSecond, writesPerSecond int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads = newLimiter(readsPerSecond, DefaultReadsPerSecond)
	s.writes = newLimiter(writesPerSecond, DefaultWritesPerSecond)
}

// allow counts a call of action against its quota.
func (s *Server) allow(action string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	lim := s.reads
	if action != ActionGetLoginProfile {
		lim = s.writes
	}
	return lim == nil || lim.AllowN(s.now(), 1)
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

func (s *Server) currentLatency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latency
}

// timestamp is now in UTC, to the second, as the service reports dates.
func (s *Server) timestamp() time.Time { return toSecond(s.now()) }

func toSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}
