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

package utils

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// Every simulator serves the same admin API (/_sim/, see internal/sim/simcore): the same routes and
// JSON, users named by the cloud's user key, calls listed with neutral operations and parameter
// names. SimAdmin is its client, so that a test is written once and runs over every cloud.

// Op is a login-profile operation, named the same for every cloud.
type Op = simcore.Op

// The operations. OpAny matches every operation in CallsFor. A GetPasswordPolicy call names no
// user: CallsFor(OpGetPasswordPolicy, "") lists them.
const (
	OpAny               Op = ""
	OpGet                  = simcore.OpGet
	OpCreate               = simcore.OpCreate
	OpUpdate               = simcore.OpUpdate
	OpDelete               = simcore.OpDelete
	OpGetPasswordPolicy    = simcore.OpGetPasswordPolicy
	OpGetMFA               = simcore.OpGetMFA
	OpGetLastLogin         = simcore.OpGetLastLogin
)

// Neutral keys of Call.Params. A parameter a cloud sends under another name is listed under its
// own name, so that comparing Params whole also catches an unexpected parameter.
const (
	ParamPassword              = simcore.ParamPassword
	ParamPasswordResetRequired = simcore.ParamPasswordResetRequired
	ParamStatus                = simcore.ParamStatus
	ParamMFABindRequired       = simcore.ParamMFABindRequired
)

// Redacted is how the admin API shows a password.
const Redacted = simcore.Redacted

// Call is an API call a simulator received: Params under the neutral keys, the user apart, the
// values as sent ("true", "false"; a password reads Redacted); Action is the cloud's own name of it.
type Call = simcore.AdminCall

// Profile is a login profile as a simulator's admin API shows it: Status and MFABindRequired are
// nil on a cloud whose login profiles have no status, no MFA flag.
type Profile = simcore.AdminProfile

// Fault makes the simulator fail, or slow down, the calls of one operation. It is global to the
// simulator process: any user's call of that operation takes it.
type Fault struct {
	Op Op
	// Code, HTTPStatus and Message are the error answered; an empty Code answers no error (a
	// latency-only fault). HTTPStatus 0 and an empty Message are the code's usual ones.
	Code       string
	HTTPStatus int
	Message    string
	// Times is how many calls take the fault; 0 means every call until ClearFaults.
	Times int
	// Latency is added to the matching calls (before they run).
	Latency time.Duration
}

// ErrUnsupported is the error when the simulated cloud's login profile lacks what a test needs.
// The error's text says why.
var ErrUnsupported = errors.New("not supported by this cloud's simulator")

// SimAdmin is a client of one simulator's admin API.
type SimAdmin struct {
	url   string
	http  *http.Client
	cloud simcore.AdminCloud
}

// NewSimAdmin returns a client of the admin API of the simulator at base; it asks the simulator
// which cloud it simulates.
func NewSimAdmin(base string) (*SimAdmin, error) {
	s := &SimAdmin{url: strings.TrimSuffix(base, "/"), http: &http.Client{Timeout: 30 * time.Second}}
	if err := s.do(http.MethodGet, "/_sim/cloud", nil, &s.cloud); err != nil {
		return nil, err
	}
	return s, nil
}

// HTTPError is a non-2xx answer of the admin API.
type HTTPError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, strings.TrimSpace(e.Body))
}

// IsNotFound tells whether err is a 404 of the admin API.
func IsNotFound(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Status == http.StatusNotFound
}

func (s *SimAdmin) do(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &HTTPError{Method: method, Path: path, Status: resp.StatusCode, Body: string(b)}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decoding %q: %w", method, path, b, err)
		}
	}
	return nil
}

func userPath(user string, rest ...string) string {
	return "/_sim/users/" + url.PathEscape(user) + strings.Join(rest, "")
}

// Cloud is the simulated cloud: "alibaba", "huawei".
func (s *SimAdmin) Cloud() string { return s.cloud.Cloud }

// AccountID is the account's id, for a cloud whose requests carry it (Huawei Cloud's domain id);
// "" for the others.
func (s *SimAdmin) AccountID() string { return s.cloud.AccountID }

// Capabilities are the fields of the cloud's login profile.
func (s *SimAdmin) Capabilities() simcore.Capabilities { return s.cloud.Capabilities }

// Code is the error code the cloud answers for kind (simcore.Throttled, simcore.PasswordReused, ...).
func (s *SimAdmin) Code(kind simcore.Kind) string { return s.cloud.Codes[kind].Code }

// Users lists the users (user principal names on Alibaba Cloud, user ids on Huawei Cloud).
func (s *SimAdmin) Users() ([]string, error) {
	var out []string
	return out, s.do(http.MethodGet, "/_sim/users", nil, &out)
}

// AddUser adds a user without login profile.
func (s *SimAdmin) AddUser(user string) error {
	return s.do(http.MethodPost, "/_sim/users", simcore.AdminUser{User: user}, nil)
}

// Calls lists the API calls received, in order.
func (s *SimAdmin) Calls() ([]Call, error) {
	var out []Call
	return out, s.do(http.MethodGet, "/_sim/calls", nil, &out)
}

// CallsFor lists the calls of op (OpAny for every operation) about user, in order.
func (s *SimAdmin) CallsFor(op Op, user string) ([]Call, error) {
	calls, err := s.Calls()
	var out []Call
	for _, c := range calls {
		if (op == OpAny || c.Op == op) && c.User == user {
			out = append(out, c)
		}
	}
	return out, err
}

// Profile is the user's login profile; an error for which IsNotFound is true when the user or the
// profile does not exist.
func (s *SimAdmin) Profile(user string) (*Profile, error) {
	var p Profile
	if err := s.do(http.MethodGet, userPath(user, "/profile"), nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ProfileExists tells whether the user has a login profile.
func (s *SimAdmin) ProfileExists(user string) (bool, error) {
	_, err := s.Profile(user)
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// DeleteProfile deletes the user's login profile out of band (drift), as the console would. The
// simulator keeps the user's password history, as the clouds' reuse prevention does.
func (s *SimAdmin) DeleteProfile(user string) error {
	return s.do(http.MethodDelete, userPath(user, "/profile"), nil, nil)
}

// SetStatusAndMFA changes the profile's status and MFA flag out of band (drift); ErrUnsupported
// on a cloud whose login profiles have neither.
func (s *SimAdmin) SetStatusAndMFA(user, status string, mfaBindRequired bool) error {
	if err := s.StatusAndMFASupported(); err != nil {
		return err
	}
	return s.do(http.MethodPut, userPath(user, "/profile"), simcore.AdminProfileChange{Status: &status, MFABindRequired: &mfaBindRequired}, nil)
}

// StatusAndMFASupported tells, before a test starts, whether SetStatusAndMFA can be used: nil, or
// an ErrUnsupported saying why not.
func (s *SimAdmin) StatusAndMFASupported() error {
	if caps := s.Capabilities(); !caps.Status || !caps.MFABindRequired {
		return fmt.Errorf("%w: a %s login profile has no status or no MFA flag", ErrUnsupported, s.Cloud())
	}
	return nil
}

// InjectFault adds a fault.
func (s *SimAdmin) InjectFault(f Fault) error {
	in := simcore.AdminFault{Action: string(f.Op), Code: f.Code, HTTPStatus: f.HTTPStatus, Message: f.Message, Times: f.Times}
	if f.Latency != 0 {
		in.Latency = json.RawMessage(`"` + f.Latency.String() + `"`)
	}
	return s.do(http.MethodPost, "/_sim/faults", in, nil)
}

// ThrottlingFault is the error the cloud answers when the account's API quota is exhausted, for
// every call of op until ClearFaults.
func (s *SimAdmin) ThrottlingFault(op Op) Fault {
	c := s.cloud.Codes[simcore.Throttled]
	return Fault{Op: op, Code: c.Code, HTTPStatus: c.HTTPStatus}
}

// ClearFaults removes every fault.
func (s *SimAdmin) ClearFaults() error { return s.do(http.MethodDelete, "/_sim/faults", nil, nil) }

// UserResetsPassword makes the user log in to the console and choose a new password.
func (s *SimAdmin) UserResetsPassword(user, password string) error {
	return s.do(http.MethodPost, userPath(user, "/reset-password"), map[string]string{"password": password}, nil)
}

// PasswordIs tells whether pw is the user's current password, for a simulator started with
// --password-reuse-prevention 1 (the admin API shows no password): the user tries to choose pw as
// the new password, which the simulator refuses as a reuse when, and only when, pw is the current
// one. Beware: when pw is NOT the current password, the attempt succeeds and pw becomes the user's
// password (PasswordResetRequired cleared): use it to assert, at the end of a check. The user must
// have a login profile (and, on a cloud whose profiles have a status, an Active one).
func (s *SimAdmin) PasswordIs(user, pw string) (bool, error) {
	err := s.UserResetsPassword(user, pw)
	if err == nil {
		return false, nil
	}
	var he *HTTPError
	if errors.As(err, &he) {
		var body simcore.AdminError
		if json.Unmarshal([]byte(he.Body), &body) == nil && body.Code == s.Code(simcore.PasswordReused) {
			return true, nil
		}
	}
	return false, err
}

// PasswordPolicy is the rules of the account's password policy.
func (s *SimAdmin) PasswordPolicy() (simcore.Rules, error) {
	var out simcore.Rules
	return out, s.do(http.MethodGet, "/_sim/password-policy", nil, &out)
}

// SetPasswordPolicy replaces the account's password policy with the cloud's policy of r; an
// HTTPError (400) when the cloud cannot express a rule.
func (s *SimAdmin) SetPasswordPolicy(r simcore.Rules) error {
	return s.do(http.MethodPut, "/_sim/password-policy", r, nil)
}

// SetMFA binds (true) or unbinds (false) the user's MFA device out of band, as the user would in
// the console.
func (s *SimAdmin) SetMFA(user string, bound bool) error {
	return s.do(http.MethodPut, userPath(user, "/mfa"), simcore.AdminMFA{Bound: bound}, nil)
}

// SetLastLogin sets the user's last console login out of band; the zero t means never.
func (s *SimAdmin) SetLastLogin(user string, t time.Time) error {
	var in simcore.AdminLastLogin
	if !t.IsZero() {
		in.Time = &t
	}
	return s.do(http.MethodPut, userPath(user, "/last-login"), in, nil)
}

// MFA tells whether the user has an MFA device bound.
func (s *SimAdmin) MFA(user string) (bool, error) {
	var out simcore.AdminMFA
	err := s.do(http.MethodGet, userPath(user, "/mfa"), nil, &out)
	return out.Bound, err
}

// LastLogin is the user's last console login; zero for never.
func (s *SimAdmin) LastLogin(user string) (time.Time, error) {
	var out simcore.AdminLastLogin
	if err := s.do(http.MethodGet, userPath(user, "/last-login"), nil, &out); err != nil || out.Time == nil {
		return time.Time{}, err
	}
	return *out.Time, nil
}
