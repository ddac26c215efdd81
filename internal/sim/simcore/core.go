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

package simcore

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Op is a login-profile operation, named the same for every cloud.
type Op string

// The operations. The reads (Get, GetPasswordPolicy, GetMFA, GetLastLogin) count against the read
// quota, the others against the write quota.
const (
	OpGet    Op = "Get"
	OpCreate Op = "Create"
	OpUpdate Op = "Update"
	OpDelete Op = "Delete"
	// OpGetPasswordPolicy reads the account's password policy (Account.PasswordPolicy); the call
	// names no user.
	OpGetPasswordPolicy Op = "GetPasswordPolicy"
	// OpGetMFA reads whether a user has an MFA device bound (Account.MFABound).
	OpGetMFA Op = "GetMFA"
	// OpGetLastLogin reads a user's last console login (Account.LastLogin).
	OpGetLastLogin Op = "GetLastLogin"
)

// Ops are the operations, in order: the login profile's, then the login lifecycle's reads.
var Ops = []Op{OpGet, OpCreate, OpUpdate, OpDelete, OpGetPasswordPolicy, OpGetMFA, OpGetLastLogin}

// IsRead tells whether op only reads the account: a read counts against the read quota.
func (op Op) IsRead() bool {
	switch op {
	case OpGet, OpGetPasswordPolicy, OpGetMFA, OpGetLastLogin:
		return true
	}
	return false
}

// Capabilities are the fields a cloud's login profile has beside the password and the reset flag.
// The core keeps the fields a cloud lacks empty, and its admin API refuses to set them.
type Capabilities struct {
	Status          bool `json:"status"`
	MFABindRequired bool `json:"mfaBindRequired"`
	UpdateDate      bool `json:"updateDate"`
	LastLoginTime   bool `json:"lastLoginTime"`
	// DateResolution is what the cloud's dates are truncated to (a second, a millisecond).
	DateResolution time.Duration `json:"-"`
}

// Options configures a Core.
type Options struct {
	// Cloud names the cloud ("alibaba"); errors and log lines say "<cloud> simulator".
	Cloud string
	// AccountID is the account's id, for a cloud whose requests name the account (Huawei Cloud's
	// domain id); "" for the others. The admin API shows it: a client configuring the cloud's SDK
	// needs it.
	AccountID string
	// Capabilities are the fields of the cloud's login profile.
	Capabilities Capabilities
	// Actions are the cloud's own names of the operations, as the call log records them.
	Actions map[Op]string
	// ParamNames maps the cloud's parameter names to the neutral ones of the admin API (password,
	// passwordResetRequired, status, mfaBindRequired); "" leaves a parameter out (the user, which
	// a call names apart). Other parameters keep their name.
	ParamNames map[string]string
	// Codes is the cloud's error table: the status and message of a code a fault names.
	Codes CodeTable
	// Translate is the code a neutral error is answered with; CodeTable.Translator builds it from
	// a table of replies.
	Translate func(*Error) *APIError
	// Protocol is the cloud's wire format, served on every path but /_sim/; nil serves the admin
	// API only.
	Protocol Protocol
	// Now is the clock of the quotas, the dates and the call log; nil means time.Now.
	Now func() time.Time
	// ReadsPerSecond and WritesPerSecond are the per-account quotas: 0 means DefaultReadsPerSecond
	// and DefaultWritesPerSecond, negative means unlimited.
	ReadsPerSecond, WritesPerSecond               int
	DefaultReadsPerSecond, DefaultWritesPerSecond int
	// PasswordPolicy is the account's password policy.
	PasswordPolicy PasswordPolicy
	// PolicyFromRules is how the cloud turns neutral rules into a policy of its own, for PUT
	// /_sim/password-policy: an error when the cloud cannot express a rule. nil refuses every
	// change of the policy through the admin API.
	PolicyFromRules func(Rules) (PasswordPolicy, error)
	// Logger, when set, gets one line per call with the action, the error code and the HTTP status,
	// never a parameter. nil logs nothing.
	Logger *slog.Logger
}

// Core is what every simulated cloud account has, whatever its wire format: the users and their
// login profiles, the password history, the call log, the faults, the latency and the quotas, and
// the admin API. A cloud's simulator is a Protocol over it; an in-process provider calls Do. It is
// safe for concurrent use.
type Core struct {
	name     string // "<cloud> simulator"
	opts     Options
	now      func() time.Time
	protocol Protocol
	admin    *http.ServeMux

	mu      sync.Mutex
	policy  PasswordPolicy
	users   map[string]*user
	calls   []Call
	faults  []*activeFault
	latency time.Duration
	reads   quota
	writes  quota

	life Lifecycle
}

// New returns a core with no users.
func New(opts Options) *Core {
	c := &Core{
		name:     opts.Cloud + " simulator",
		opts:     opts,
		now:      opts.Now,
		protocol: opts.Protocol,
		policy:   opts.PasswordPolicy,
		users:    map[string]*user{},
	}
	c.life.Name = c.name
	if c.now == nil {
		c.now = time.Now
	}
	if c.opts.Capabilities.DateResolution <= 0 {
		c.opts.Capabilities.DateResolution = time.Nanosecond
	}
	c.SetQuota(opts.ReadsPerSecond, opts.WritesPerSecond)
	c.admin = c.adminMux()
	return c
}

// Cloud is the simulated cloud's name.
func (c *Core) Cloud() string { return c.opts.Cloud }

// Capabilities are the fields of the cloud's login profile.
func (c *Core) Capabilities() Capabilities { return c.opts.Capabilities }

// Code is the error code the cloud answers for kind.
func (c *Core) Code(kind Kind) string { return c.opts.Translate(&Error{Kind: kind}).Code }

// CloudError is err as the cloud answers it: a neutral *Error becomes the cloud's *APIError; any
// other error is returned as it is.
func (c *Core) CloudError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return c.opts.Translate(e)
	}
	return err
}

// ServeHTTP answers the admin API under /_sim/ and the cloud's API everywhere else.
func (c *Core) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) || c.protocol == nil {
		c.admin.ServeHTTP(w, r)
		return
	}
	c.serveAPI(w, r)
}

// Start listens on 127.0.0.1 on a free port and returns the base URL, "http://127.0.0.1:PORT".
func (c *Core) Start() (string, error) { return c.Listen("127.0.0.1:0") }

// Listen listens on addr (host:port) and returns the base URL. A server listens once.
func (c *Core) Listen(addr string) (string, error) { return c.life.Listen(addr, c) }

// Close stops the server at once: it closes the listener and the connections, and ends the
// injected latencies.
func (c *Core) Close() error { return c.life.Close() }

// Shutdown stops the server gracefully: it ends the injected latencies, stops accepting
// connections and waits for the calls in flight to be answered, or ctx to end.
func (c *Core) Shutdown(ctx context.Context) error { return c.life.Shutdown(ctx) }

// timestamp is now as the cloud reports dates.
func (c *Core) timestamp() time.Time { return c.truncate(c.now()) }

func (c *Core) truncate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(c.opts.Capabilities.DateResolution)
}
