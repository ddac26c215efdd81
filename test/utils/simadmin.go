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
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"
)

// The simulators' admin APIs (/_sim/, see internal/sim/alibaba and internal/sim/huawei) differ in
// their names: actions, parameters, user keys. SimAdmin speaks of them in one neutral form, so that
// a test is written once and runs over every cloud.

// Op is a login-profile operation, named the same for every cloud.
type Op string

// The operations. OpAny matches every operation in CallsFor.
const (
	OpAny    Op = ""
	OpGet    Op = "Get"
	OpCreate Op = "Create"
	OpUpdate Op = "Update"
	OpDelete Op = "Delete"
)

// Neutral keys of Call.Params. A parameter a cloud sends under another name is listed under its
// own name, so that comparing Params whole also catches an unexpected parameter.
const (
	ParamPassword              = "password"
	ParamPasswordResetRequired = "passwordResetRequired"
	ParamStatus                = "status"
	ParamMFABindRequired       = "mfaBindRequired"
)

// Redacted is how the admin APIs show a password.
const Redacted = "[redacted]"

// Call is an API call a simulator received. Params holds the call's parameters under the neutral
// keys, the user left out (it is User), with the values as sent ("true", "false"; a password reads
// Redacted).
type Call struct {
	Op           Op
	User         string
	Params       map[string]string
	PasswordSent bool
	// Code is "" on success, else the error code answered.
	Code       string
	HTTPStatus int
	// Action is the cloud's own name of the call (GetLoginProfile, ShowLoginProfileV5, ...).
	Action string
}

// Profile is a login profile as a simulator's admin API shows it.
type Profile struct {
	User string
	// Status is "Active" or "Inactive"; "" on a cloud whose login profiles have no status.
	Status string
	// MFABindRequired is nil on a cloud whose login profiles have no MFA flag.
	MFABindRequired       *bool
	PasswordResetRequired bool
	HasPassword           bool
}

// Fault makes the simulator fail, or slow down, the calls of one operation. It is global to the
// simulator process: any user's call of that operation takes it.
type Fault struct {
	Op Op
	// Code, HTTPStatus and Message are the error answered; an empty Code answers no error (a
	// latency-only fault).
	Code       string
	HTTPStatus int
	Message    string
	// Times is how many calls take the fault; 0 means every call until ClearFaults.
	Times int
	// Latency is added to the matching calls (before they run).
	Latency time.Duration
}

// ErrUnsupported is the error when the simulator's admin API cannot do that on this cloud. The
// error's text says why.
var ErrUnsupported = errors.New("not supported by this cloud's simulator")

// SimAdmin is a client of one simulator's admin API, in neutral terms.
type SimAdmin interface {
	// Cloud is the simulated cloud: "alibaba" or "huawei".
	Cloud() string
	// Users lists the users (user principal names on Alibaba Cloud, user ids on Huawei Cloud).
	Users() ([]string, error)
	// AddUser adds a user without login profile.
	AddUser(user string) error
	// Calls lists the API calls received, in order.
	Calls() ([]Call, error)
	// CallsFor lists the calls of op (OpAny for every operation) about user, in order.
	CallsFor(op Op, user string) ([]Call, error)
	// Profile is the user's login profile; an error for which IsNotFound is true when the user or
	// the profile does not exist.
	Profile(user string) (*Profile, error)
	// ProfileExists tells whether the user has a login profile.
	ProfileExists(user string) (bool, error)
	// DeleteProfile deletes the user's login profile out of band (drift), as the console would;
	// ErrUnsupported when the admin API cannot.
	DeleteProfile(user string) error
	// SetStatusAndMFA changes the profile's status and MFA flag out of band (drift); ErrUnsupported
	// on a cloud whose login profiles have neither.
	SetStatusAndMFA(user, status string, mfaBindRequired bool) error
	// Supports tells, before a test starts, whether DeleteProfile (OpDelete) or SetStatusAndMFA
	// (OpUpdate) can be used: nil, or an ErrUnsupported saying why not.
	Supports(outOfBand Op) error
	// InjectFault adds a fault.
	InjectFault(f Fault) error
	// ThrottlingFault is the error the cloud answers when the account's API quota is exhausted,
	// for every call of op until ClearFaults.
	ThrottlingFault(op Op) Fault
	// ClearFaults removes every fault.
	ClearFaults() error
	// UserResetsPassword: the user logs in to the console and chooses a new password.
	UserResetsPassword(user, password string) error
	// PasswordIs tells whether pw is the user's current password, for a simulator started with
	// --password-reuse-prevention 1 (the admin API shows no password): the user tries to choose pw
	// as the new password, which the simulator refuses as a reuse when, and only when, pw is the
	// current one. Beware: when pw is NOT the current password, the attempt succeeds and pw becomes
	// the user's password (PasswordResetRequired cleared): use it to assert, at the end of a check.
	// The user must have a login profile (and on Alibaba Cloud an Active one).
	PasswordIs(user, pw string) (bool, error)
}

// NewSimAdmin returns a client of the admin API of the simulator of cloud at base.
func NewSimAdmin(cloud, base string) (SimAdmin, error) {
	c := adminClient{URL: strings.TrimSuffix(base, "/"), HTTP: &http.Client{Timeout: 30 * time.Second}}
	switch cloud {
	case "alibaba":
		return &AlibabaAdmin{c}, nil
	case "huawei":
		return &HuaweiAdmin{c}, nil
	default:
		return nil, fmt.Errorf("no admin API client for the %q simulator: want alibaba or huawei", cloud)
	}
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

// adminClient does the HTTP of both admin APIs, which share their conventions.
type adminClient struct {
	URL  string
	HTTP *http.Client
}

func (s adminClient) do(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.HTTP.Do(req)
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

func (s adminClient) users() ([]string, error) {
	var out []string
	return out, s.do(http.MethodGet, "/_sim/users", nil, &out)
}

func (s adminClient) clearFaults() error {
	return s.do(http.MethodDelete, "/_sim/faults", nil, nil)
}

func (s adminClient) userResetsPassword(user, password string) error {
	return s.do(http.MethodPost, userPath(user, "/reset-password"), map[string]string{"password": password}, nil)
}

// passwordIs implements PasswordIs with the cloud's "password reused" code.
func (s adminClient) passwordIs(user, pw, reusedCode string) (bool, error) {
	err := s.userResetsPassword(user, pw)
	if err == nil {
		return false, nil
	}
	var he *HTTPError
	if errors.As(err, &he) {
		var body struct {
			Code string `json:"code"`
		}
		if json.Unmarshal([]byte(he.Body), &body) == nil && body.Code == reusedCode {
			return true, nil
		}
	}
	return false, err
}

func profileExists(s SimAdmin, user string) (bool, error) {
	_, err := s.Profile(user)
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

func latencyJSON(d time.Duration) json.RawMessage {
	if d == 0 {
		return nil
	}
	return json.RawMessage(`"` + d.String() + `"`)
}

// normalise turns a call's native parameters into neutral ones: the keys of names are renamed,
// the others kept as they are, userKey dropped.
func normalise(params map[string]string, names map[string]string, userKey string) map[string]string {
	out := make(map[string]string, len(params))
	for k, v := range params {
		switch nk, ok := names[k]; {
		case k == userKey:
		case ok:
			out[nk] = v
		default:
			out[k] = v
		}
	}
	return out
}

func filterCalls(calls []Call, op Op, user string) []Call {
	var out []Call
	for _, c := range calls {
		if (op == OpAny || c.Op == op) && c.User == user {
			out = append(out, c)
		}
	}
	return out
}

func invert[K, V comparable](m map[K]V) map[V]K {
	out := make(map[V]K, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

// --- Alibaba Cloud (IMS) -------------------------------------------------------------------------

// AlibabaAdmin is the admin API of the Alibaba Cloud simulator: users are user principal names.
type AlibabaAdmin struct{ adminClient }

var (
	alibabaOps = map[string]Op{
		alibaba.ActionGetLoginProfile: OpGet, alibaba.ActionCreateLoginProfile: OpCreate,
		alibaba.ActionUpdateLoginProfile: OpUpdate, alibaba.ActionDeleteLoginProfile: OpDelete,
	}
	alibabaActions = invert(alibabaOps)
	alibabaParams  = map[string]string{
		alibaba.ParamPassword: ParamPassword, alibaba.ParamPasswordResetRequired: ParamPasswordResetRequired,
		alibaba.ParamStatus: ParamStatus, alibaba.ParamMFABindRequired: ParamMFABindRequired,
	}
)

// Cloud implements SimAdmin.
func (*AlibabaAdmin) Cloud() string { return "alibaba" }

// Users implements SimAdmin.
func (s *AlibabaAdmin) Users() ([]string, error) { return s.users() }

// AddUser implements SimAdmin.
func (s *AlibabaAdmin) AddUser(upn string) error {
	return s.do(http.MethodPost, "/_sim/users", map[string]string{"userPrincipalName": upn}, nil)
}

// NativeCalls lists the calls as the admin API shows them.
func (s *AlibabaAdmin) NativeCalls() ([]alibaba.AdminCall, error) {
	var out []alibaba.AdminCall
	return out, s.do(http.MethodGet, "/_sim/calls", nil, &out)
}

// Calls implements SimAdmin.
func (s *AlibabaAdmin) Calls() ([]Call, error) {
	native, err := s.NativeCalls()
	if err != nil {
		return nil, err
	}
	out := make([]Call, 0, len(native))
	for _, c := range native {
		out = append(out, Call{
			Op: alibabaOps[c.Action], User: c.Params[alibaba.ParamUserPrincipalName], Action: c.Action,
			Params:       normalise(c.Params, alibabaParams, alibaba.ParamUserPrincipalName),
			PasswordSent: c.PasswordSent, Code: c.Code, HTTPStatus: c.HTTPStatus,
		})
	}
	return out, nil
}

// CallsFor implements SimAdmin.
func (s *AlibabaAdmin) CallsFor(op Op, upn string) ([]Call, error) {
	calls, err := s.Calls()
	return filterCalls(calls, op, upn), err
}

// Profile implements SimAdmin.
func (s *AlibabaAdmin) Profile(upn string) (*Profile, error) {
	var p alibaba.AdminProfile
	if err := s.do(http.MethodGet, userPath(upn, "/profile"), nil, &p); err != nil {
		return nil, err
	}
	out := &Profile{User: p.UserPrincipalName, MFABindRequired: p.MFABindRequired, HasPassword: p.HasPassword}
	if p.Status != nil {
		out.Status = *p.Status
	}
	if p.PasswordResetRequired != nil {
		out.PasswordResetRequired = *p.PasswordResetRequired
	}
	return out, nil
}

// ProfileExists implements SimAdmin.
func (s *AlibabaAdmin) ProfileExists(upn string) (bool, error) { return profileExists(s, upn) }

var errAlibabaNoProfileDelete = fmt.Errorf("%w: the Alibaba Cloud simulator's admin API cannot delete a login profile "+
	"(it has no DELETE /_sim/users/{upn}/profile); deleting the user and adding it again is another drift: it erases the "+
	"password history, and an observation between the two calls finds no user (UserNotFound, status.atProvider cleared), "+
	"after which the operator reports Created instead of DriftCorrected", ErrUnsupported)

// DeleteProfile implements SimAdmin: the admin API cannot.
func (s *AlibabaAdmin) DeleteProfile(string) error { return errAlibabaNoProfileDelete }

// SetStatusAndMFA implements SimAdmin.
func (s *AlibabaAdmin) SetStatusAndMFA(upn, status string, mfa bool) error {
	return s.do(http.MethodPut, userPath(upn, "/profile"), alibaba.AdminProfile{Status: &status, MFABindRequired: &mfa}, nil)
}

// Supports implements SimAdmin.
func (s *AlibabaAdmin) Supports(outOfBand Op) error {
	if outOfBand == OpDelete {
		return errAlibabaNoProfileDelete
	}
	return nil
}

// InjectFault implements SimAdmin.
func (s *AlibabaAdmin) InjectFault(f Fault) error {
	return s.InjectNativeFault(alibaba.AdminFault{
		Action: alibabaActions[f.Op], Code: f.Code, HTTPStatus: f.HTTPStatus, Message: f.Message,
		Times: f.Times, Latency: latencyJSON(f.Latency),
	})
}

// InjectNativeFault adds a fault as the admin API takes it.
func (s *AlibabaAdmin) InjectNativeFault(f alibaba.AdminFault) error {
	return s.do(http.MethodPost, "/_sim/faults", f, nil)
}

// ThrottlingFault implements SimAdmin: Throttling.User, HTTP 400, as IMS answers over quota.
func (*AlibabaAdmin) ThrottlingFault(op Op) Fault {
	return Fault{Op: op, Code: alibaba.CodeThrottlingUser, HTTPStatus: http.StatusBadRequest,
		Message: "Request was denied due to user flow control."}
}

// ClearFaults implements SimAdmin.
func (s *AlibabaAdmin) ClearFaults() error { return s.clearFaults() }

// UserResetsPassword implements SimAdmin.
func (s *AlibabaAdmin) UserResetsPassword(upn, pw string) error { return s.userResetsPassword(upn, pw) }

// PasswordIs implements SimAdmin.
func (s *AlibabaAdmin) PasswordIs(upn, pw string) (bool, error) {
	return s.passwordIs(upn, pw, alibaba.CodePasswordReused)
}

// --- Huawei Cloud (IAM v5) -----------------------------------------------------------------------

// HuaweiAdmin is the admin API of the Huawei Cloud simulator: users are user ids.
type HuaweiAdmin struct{ adminClient }

var (
	huaweiOps = map[string]Op{
		huawei.ActionShowLoginProfileV5: OpGet, huawei.ActionCreateLoginProfileV5: OpCreate,
		huawei.ActionUpdateLoginProfileV5: OpUpdate, huawei.ActionDeleteLoginProfileV5: OpDelete,
	}
	huaweiActions = invert(huaweiOps)
	huaweiParams  = map[string]string{
		huawei.ParamPassword: ParamPassword, huawei.ParamPasswordResetRequired: ParamPasswordResetRequired,
	}
)

// Cloud implements SimAdmin.
func (*HuaweiAdmin) Cloud() string { return "huawei" }

// Users implements SimAdmin.
func (s *HuaweiAdmin) Users() ([]string, error) { return s.users() }

// AddUser implements SimAdmin.
func (s *HuaweiAdmin) AddUser(id string) error {
	return s.do(http.MethodPost, "/_sim/users", map[string]string{"userId": id}, nil)
}

// NativeCalls lists the calls as the admin API shows them.
func (s *HuaweiAdmin) NativeCalls() ([]huawei.AdminCall, error) {
	var out []huawei.AdminCall
	return out, s.do(http.MethodGet, "/_sim/calls", nil, &out)
}

// Calls implements SimAdmin.
func (s *HuaweiAdmin) Calls() ([]Call, error) {
	native, err := s.NativeCalls()
	if err != nil {
		return nil, err
	}
	out := make([]Call, 0, len(native))
	for _, c := range native {
		out = append(out, Call{
			Op: huaweiOps[c.Action], User: c.UserID, Action: c.Action,
			Params:       normalise(maps.Clone(c.Params), huaweiParams, ""),
			PasswordSent: c.PasswordSent, Code: c.Code, HTTPStatus: c.HTTPStatus,
		})
	}
	return out, nil
}

// CallsFor implements SimAdmin.
func (s *HuaweiAdmin) CallsFor(op Op, id string) ([]Call, error) {
	calls, err := s.Calls()
	return filterCalls(calls, op, id), err
}

// Profile implements SimAdmin.
func (s *HuaweiAdmin) Profile(id string) (*Profile, error) {
	var p huawei.AdminProfile
	if err := s.do(http.MethodGet, userPath(id, "/profile"), nil, &p); err != nil {
		return nil, err
	}
	return &Profile{User: p.UserID, PasswordResetRequired: p.PasswordResetRequired, HasPassword: p.HasPassword}, nil
}

// ProfileExists implements SimAdmin.
func (s *HuaweiAdmin) ProfileExists(id string) (bool, error) { return profileExists(s, id) }

// DeleteProfile implements SimAdmin. The simulator keeps the user's password history, as the
// service's reuse prevention does.
func (s *HuaweiAdmin) DeleteProfile(id string) error {
	return s.do(http.MethodDelete, userPath(id, "/profile"), nil, nil)
}

var errHuaweiNoStatus = fmt.Errorf("%w: an IAM v5 login profile has neither a status nor an MFA flag", ErrUnsupported)

// SetStatusAndMFA implements SimAdmin: IAM v5 login profiles have neither.
func (*HuaweiAdmin) SetStatusAndMFA(string, string, bool) error { return errHuaweiNoStatus }

// Supports implements SimAdmin.
func (*HuaweiAdmin) Supports(outOfBand Op) error {
	if outOfBand == OpUpdate {
		return errHuaweiNoStatus
	}
	return nil
}

// InjectFault implements SimAdmin.
func (s *HuaweiAdmin) InjectFault(f Fault) error {
	return s.InjectNativeFault(huawei.AdminFault{
		Action: huaweiActions[f.Op], Code: f.Code, HTTPStatus: f.HTTPStatus, Message: f.Message,
		Times: f.Times, Latency: latencyJSON(f.Latency),
	})
}

// InjectNativeFault adds a fault as the admin API takes it.
func (s *HuaweiAdmin) InjectNativeFault(f huawei.AdminFault) error {
	return s.do(http.MethodPost, "/_sim/faults", f, nil)
}

// ThrottlingFault implements SimAdmin: APIGW.0308, HTTP 429, as the API gateway answers over quota.
func (*HuaweiAdmin) ThrottlingFault(op Op) Fault {
	return Fault{Op: op, Code: huawei.CodeThrottled, HTTPStatus: http.StatusTooManyRequests}
}

// ClearFaults implements SimAdmin.
func (s *HuaweiAdmin) ClearFaults() error { return s.clearFaults() }

// UserResetsPassword implements SimAdmin.
func (s *HuaweiAdmin) UserResetsPassword(id, pw string) error { return s.userResetsPassword(id, pw) }

// PasswordIs implements SimAdmin.
func (s *HuaweiAdmin) PasswordIs(id, pw string) (bool, error) {
	return s.passwordIs(id, pw, huawei.CodePasswordReused)
}
