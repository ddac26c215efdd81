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
	// DefaultDomainID is the account (domain) id when Options.DomainID is empty: requests must carry it in
	// X-Domain-Id.
	DefaultDomainID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	// DefaultReadsPerSecond and DefaultWritesPerSecond are the per-account quotas: ShowLoginProfileV5 is a read,
	// Create/Update/DeleteLoginProfileV5 are writes. IAM v5's real quotas are not published; these are the
	// simulator's choice, low enough for a test to reach them.
	DefaultReadsPerSecond  = 20
	DefaultWritesPerSecond = 10
	// DefaultTimestampTolerance is how far a request's X-Sdk-Date may be from the server's wall clock.
	DefaultTimestampTolerance = 15 * time.Minute
)

// Actions the simulator implements, named after the SDK's methods.
const (
	ActionCreateLoginProfileV5 = "CreateLoginProfileV5" // POST   /v5/users/{user_id}/login-profile, 201
	ActionShowLoginProfileV5   = "ShowLoginProfileV5"   // GET    /v5/users/{user_id}/login-profile, 200
	ActionUpdateLoginProfileV5 = "UpdateLoginProfileV5" // PUT    /v5/users/{user_id}/login-profile, 200
	ActionDeleteLoginProfileV5 = "DeleteLoginProfileV5" // DELETE /v5/users/{user_id}/login-profile, 204
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

// Profile is a user's login profile as the simulator keeps it. Times are UTC, to the millisecond, as the service
// reports them.
type Profile struct {
	UserID                string
	PasswordResetRequired bool
	CreatedAt             time.Time
	// PasswordExpiresAt is zero when the password does not expire (no PasswordPolicy.PasswordValidityPeriod): the
	// answers then leave password_expires_at out.
	PasswordExpiresAt time.Time
}

// Call is one API call received by the simulator.
type Call struct {
	// Action is one of the Action* constants; "" for a request on no API (answered APIGW.0101).
	Action string
	// UserID is the {user_id} of the path.
	UserID string
	// Params are the body fields received, as strings: "password" (the password sent) and
	// "password_reset_required" ("true" or "false"), only those present. A value of another JSON type is kept as
	// its JSON text. Empty when there is no body or it is not a JSON object.
	Params map[string]string
	// Code is "" on success, else the error code answered.
	Code string
	// HTTPStatus is the status answered (201, 200 or 204 on success); 0 when the connection was dropped.
	HTTPStatus int
	Time       time.Time
	// RequestID is the X-Request-Id answered (32 hex digits).
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

func (u *user) setPassword(userID, password string) {
	u.password = password
	u.history = append([]string{hashPassword(userID, password)}, u.history...)
	if len(u.history) > maxPasswordHistory {
		u.history = u.history[:maxPasswordHistory]
	}
}

func (u *user) usedRecently(userID, password string, n int) bool {
	h := hashPassword(userID, password)
	for i := 0; i < n && i < len(u.history); i++ {
		if u.history[i] == h {
			return true
		}
	}
	return false
}

// quota is a token bucket; a nil *rate.Limiter means unlimited.
type quota struct {
	limiter   *rate.Limiter
	perSecond int
}

// Server simulates Huawei Cloud IAM v5 login profiles. It is safe for concurrent use.
type Server struct {
	now        func() time.Time
	wall       func() time.Time // the X-Sdk-Date check's clock; tests replace it
	accessKeys map[string]string
	tokens     map[string]string
	domainID   string
	tolerance  time.Duration
	emptyShow  bool
	logger     *slog.Logger
	admin      *http.ServeMux

	mu      sync.Mutex
	policy  PasswordPolicy
	users   map[string]*user
	calls   []Call
	faults  []*activeFault
	latency time.Duration
	reads   quota
	writes  quota

	life simhttp.Lifecycle
}

// NewServer returns a server with no users. Serve it with Start or Listen, or mount it as an http.Handler.
func NewServer(opts Options) *Server {
	s := &Server{
		life:       simhttp.Lifecycle{Name: "huawei simulator"},
		now:        opts.Now,
		wall:       time.Now,
		accessKeys: maps.Clone(opts.AccessKeys),
		tokens:     maps.Clone(opts.SecurityTokens),
		domainID:   opts.DomainID,
		tolerance:  opts.TimestampTolerance,
		emptyShow:  opts.EmptyShowForMissingProfile,
		logger:     opts.Logger,
		policy:     opts.PasswordPolicy,
		users:      map[string]*user{},
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
	if s.domainID == "" {
		s.domainID = DefaultDomainID
	}
	if s.tolerance == 0 {
		s.tolerance = DefaultTimestampTolerance
	}
	s.reads = newQuota(opts.ReadsPerSecond, DefaultReadsPerSecond)
	s.writes = newQuota(opts.WritesPerSecond, DefaultWritesPerSecond)
	s.admin = s.adminMux()
	return s
}

// newQuota is a token bucket of perSecond tokens a second holding at most one second's worth.
func newQuota(perSecond, def int) quota {
	if perSecond == 0 {
		perSecond = def
	}
	if perSecond < 0 {
		return quota{}
	}
	return quota{limiter: rate.NewLimiter(rate.Limit(perSecond), perSecond), perSecond: perSecond}
}

// DomainID is the account's id, which requests must carry in X-Domain-Id.
func (s *Server) DomainID() string { return s.domainID }

// Start listens on 127.0.0.1 on a free port and returns the base URL, "http://127.0.0.1:PORT": the SDK's endpoint.
func (s *Server) Start() (string, error) { return s.Listen("127.0.0.1:0") }

// Listen listens on addr (host:port) and returns the base URL. A server listens once.
func (s *Server) Listen(addr string) (string, error) { return s.life.Listen(addr, s) }

// Close stops the server at once: it closes the listener and the connections, and ends the injected latencies.
func (s *Server) Close() error { return s.life.Close() }

// Shutdown stops the server gracefully: it ends the injected latencies, stops accepting connections and waits for
// the calls in flight to be answered, or ctx to end.
func (s *Server) Shutdown(ctx context.Context) error { return s.life.Shutdown(ctx) }

// AddUser creates an IAM user, without login profile, with this id (any string; Huawei Cloud's are 32 hex
// digits). Adding an existing user does nothing.
func (s *Server) AddUser(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[id]; !ok {
		s.users[id] = &user{}
	}
}

// DeleteUser deletes an IAM user, with its login profile and password history.
func (s *Server) DeleteUser(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.users, id)
}

// Users returns the user ids, sorted.
func (s *Server) Users() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.users))
}

// Profile returns the login profile of a user; false when the user or the profile does not exist.
func (s *Server) Profile(id string) (Profile, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok || u.profile == nil {
		return Profile{}, false
	}
	return *u.profile, true
}

// SetProfile changes a login profile out of band, as a change made in the console would (drift): it sets
// PasswordResetRequired and PasswordExpiresAt (zero: the password does not expire) as given. The user must exist:
// SetProfile panics otherwise. A zero CreatedAt keeps the current one (now, for a new profile). The password is
// left alone (a profile created this way has none).
func (s *Server) SetProfile(p Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.setProfileLocked(p); err != nil {
		panic(err)
	}
}

func (s *Server) setProfileLocked(p Profile) error {
	u, ok := s.users[p.UserID]
	if !ok {
		return fmt.Errorf("huawei simulator: SetProfile: user %q does not exist", p.UserID)
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.timestamp()
		if u.profile != nil {
			p.CreatedAt = u.profile.CreatedAt
		}
	}
	p.CreatedAt = toMillisecond(p.CreatedAt)
	p.PasswordExpiresAt = toMillisecond(p.PasswordExpiresAt)
	u.profile = &p
	return nil
}

// DeleteProfile deletes a login profile out of band, as a deletion in the console would (drift); false when the
// user or the profile does not exist. The password history stays.
func (s *Server) DeleteProfile(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok || u.profile == nil {
		return false
	}
	u.profile, u.password = nil, ""
	return true
}

// Password returns the current password of a user; false when the user has no login profile or no password.
func (s *Server) Password(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok || u.profile == nil || u.password == "" {
		return "", false
	}
	return u.password, true
}

// UserResetsPassword simulates the user logging in to the console and choosing a new password: the password must
// comply with the policy and the reuse prevention (an *APIError otherwise); PasswordResetRequired is cleared and
// PasswordExpiresAt follows the policy's validity period. A user without login profile cannot log in (an *APIError
// CodeUserNotFound or CodeLoginProfileNotFound).
func (s *Server) UserResetsPassword(id, newPassword string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return userNotFound(id)
	}
	if u.profile == nil {
		return profileNotFound(id)
	}
	if err := s.checkPasswordLocked(u, id, newPassword); err != nil {
		return err
	}
	s.setPasswordLocked(u, id, newPassword)
	u.profile.PasswordResetRequired = false
	return nil
}

// SetPasswordPolicy replaces the password policy.
func (s *Server) SetPasswordPolicy(p PasswordPolicy) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.policy = p
}

func (s *Server) checkPasswordLocked(u *user, id, password string) *APIError {
	if reason := s.policy.check(password); reason != "" {
		return errorf(CodePasswordTooWeak, "The password does not meet the password policy: %s.", reason)
	}
	if n := s.policy.reusePrevention(); n > 0 && u.usedRecently(id, password, n) {
		return errorf(CodePasswordReused, "The password must not be one of the last %d passwords of the user.", n)
	}
	return nil
}

// setPasswordLocked sets the password of a user with a profile, and its expiry.
func (s *Server) setPasswordLocked(u *user, id, password string) {
	u.setPassword(id, password)
	u.profile.PasswordExpiresAt = toMillisecond(s.policy.expiry(s.timestamp()))
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
	s.reads = newQuota(readsPerSecond, DefaultReadsPerSecond)
	s.writes = newQuota(writesPerSecond, DefaultWritesPerSecond)
}

// allow counts a call of action against its quota; when over quota, it returns false and the quota.
func (s *Server) allow(action string) (bool, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.writes
	if action == ActionShowLoginProfileV5 {
		q = s.reads
	}
	if q.limiter == nil || q.limiter.AllowN(s.now(), 1) {
		return true, 0
	}
	return false, q.perSecond
}

func (s *Server) currentLatency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latency
}

// timestamp is now in UTC, to the millisecond, as the service reports times.
func (s *Server) timestamp() time.Time { return toMillisecond(s.now()) }

func toMillisecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}
