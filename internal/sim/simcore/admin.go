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
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// adminPrefix is the path prefix of the admin API.
const adminPrefix = "/_sim/"

// maxAdminBody bounds an admin API request body.
const maxAdminBody = 1 << 20

// Redacted replaces a password in the admin API's answers.
const Redacted = "[redacted]"

// The neutral parameter names of the admin API's calls.
const (
	ParamPassword              = "password"
	ParamPasswordResetRequired = "passwordResetRequired"
	ParamStatus                = "status"
	ParamMFABindRequired       = "mfaBindRequired"
)

// AdminCloud is GET /_sim/cloud: what a neutral client needs to know about the cloud.
type AdminCloud struct {
	Cloud string `json:"cloud"`
	// AccountID is the account's id, for a cloud whose requests name it (Options.AccountID).
	AccountID    string       `json:"accountId,omitempty"`
	Capabilities Capabilities `json:"capabilities"`
	// Actions are the cloud's names of the operations.
	Actions map[Op]string `json:"actions"`
	// Codes are the errors the cloud answers for each neutral kind.
	Codes map[Kind]AdminCode `json:"codes"`
}

// AdminCode is an error code and the HTTP status it is answered with.
type AdminCode struct {
	Code       string `json:"code"`
	HTTPStatus int    `json:"httpStatus"`
}

// AdminCall is a Call as GET /_sim/calls lists it: the parameters under their neutral names, the
// password reading Redacted, PasswordSent telling whether one was sent.
type AdminCall struct {
	Op           Op                `json:"op"`
	Action       string            `json:"action"`
	User         string            `json:"user"`
	Params       map[string]string `json:"params"`
	PasswordSent bool              `json:"passwordSent"`
	Code         string            `json:"code"`
	HTTPStatus   int               `json:"httpStatus"`
	Time         time.Time         `json:"time"`
	RequestID    string            `json:"requestId"`
	Dropped      bool              `json:"dropped,omitempty"`
}

// AdminUser is the body of POST /_sim/users.
type AdminUser struct {
	User string `json:"user"`
}

// AdminProfile is a login profile as the admin API shows it; the fields the cloud lacks are left
// out.
type AdminProfile struct {
	User                  string     `json:"user"`
	Status                *string    `json:"status,omitempty"`
	MFABindRequired       *bool      `json:"mfaBindRequired,omitempty"`
	PasswordResetRequired bool       `json:"passwordResetRequired"`
	CreateDate            time.Time  `json:"createDate"`
	UpdateDate            *time.Time `json:"updateDate,omitempty"`
	LastLoginTime         *time.Time `json:"lastLoginTime,omitempty"`
	PasswordExpiresAt     *time.Time `json:"passwordExpiresAt,omitempty"`
	// HasPassword tells whether the profile has a password (a profile created out of band has
	// none).
	HasPassword bool `json:"hasPassword"`
}

// AdminProfileChange is the body of PUT /_sim/users/{user}/profile: every field is optional, the
// fields left out keep their value (UpdateDate becomes now). PasswordExpiresAt null removes the
// expiry. A field the cloud's profile lacks is refused.
type AdminProfileChange struct {
	Status                *string         `json:"status,omitempty"`
	MFABindRequired       *bool           `json:"mfaBindRequired,omitempty"`
	PasswordResetRequired *bool           `json:"passwordResetRequired,omitempty"`
	CreateDate            *time.Time      `json:"createDate,omitempty"`
	UpdateDate            *time.Time      `json:"updateDate,omitempty"`
	LastLoginTime         *time.Time      `json:"lastLoginTime,omitempty"`
	PasswordExpiresAt     json.RawMessage `json:"passwordExpiresAt,omitempty"`
}

// AdminFault is a Fault as POST /_sim/faults takes it. Latency is a Go duration string ("1.5s")
// or nanoseconds.
type AdminFault struct {
	Action          string          `json:"action"`
	Code            string          `json:"code"`
	HTTPStatus      int             `json:"httpStatus"`
	Message         string          `json:"message"`
	Times           int             `json:"times"`
	Latency         json.RawMessage `json:"latency,omitempty"`
	DropConnection  bool            `json:"dropConnection"`
	DropAfterAction bool            `json:"dropAfterAction"`
}

// AdminError is the answer of a refused admin request; Code is the cloud's code when the cloud
// refused it (a password the user may not choose).
type AdminError struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
}

func (c *Core) adminMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_sim/cloud", func(w http.ResponseWriter, _ *http.Request) {
		info := AdminCloud{Cloud: c.opts.Cloud, AccountID: c.opts.AccountID, Capabilities: c.opts.Capabilities, Actions: c.opts.Actions, Codes: map[Kind]AdminCode{}}
		for _, k := range Kinds {
			e := c.opts.Translate(&Error{Kind: k})
			info.Codes[k] = AdminCode{Code: e.Code, HTTPStatus: e.HTTPStatus}
		}
		adminJSON(w, http.StatusOK, info)
	})
	mux.HandleFunc("GET /_sim/calls", c.adminListCalls)
	mux.HandleFunc("DELETE /_sim/calls", func(w http.ResponseWriter, _ *http.Request) {
		c.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_sim/users", func(w http.ResponseWriter, _ *http.Request) {
		adminJSON(w, http.StatusOK, c.Users())
	})
	mux.HandleFunc("POST /_sim/users", c.adminAddUser)
	mux.HandleFunc("DELETE /_sim/users/{user}", func(w http.ResponseWriter, r *http.Request) {
		c.DeleteUser(r.PathValue("user"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_sim/users/{user}/profile", c.adminGetProfile)
	mux.HandleFunc("PUT /_sim/users/{user}/profile", c.adminPutProfile)
	mux.HandleFunc("DELETE /_sim/users/{user}/profile", func(w http.ResponseWriter, r *http.Request) {
		if !c.DeleteProfile(r.PathValue("user")) {
			adminError(w, http.StatusNotFound, "user "+strconv.Quote(r.PathValue("user"))+" does not exist or has no login profile")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_sim/users/{user}/reset-password", c.adminResetPassword)
	mux.HandleFunc("GET /_sim/users/{user}/mfa", c.adminGetMFA)
	mux.HandleFunc("PUT /_sim/users/{user}/mfa", c.adminPutMFA)
	mux.HandleFunc("GET /_sim/users/{user}/last-login", c.adminGetLastLogin)
	mux.HandleFunc("PUT /_sim/users/{user}/last-login", c.adminPutLastLogin)
	mux.HandleFunc("GET /_sim/password-policy", c.adminGetPasswordPolicy)
	mux.HandleFunc("PUT /_sim/password-policy", c.adminPutPasswordPolicy)
	mux.HandleFunc("POST /_sim/faults", c.adminAddFault)
	mux.HandleFunc("DELETE /_sim/faults", func(w http.ResponseWriter, _ *http.Request) {
		c.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, "no such admin endpoint: "+r.Method+" "+r.URL.Path)
	})
	return mux
}

func adminJSON(w http.ResponseWriter, status int, body any) {
	WriteJSON(w, status, body, map[string]string{"Content-Type": "application/json"})
}

func adminError(w http.ResponseWriter, status int, msg string) {
	adminJSON(w, status, AdminError{Error: msg})
}

// decodeBody decodes a small JSON body, refusing unknown fields.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	return nil
}

func (c *Core) adminListCalls(w http.ResponseWriter, _ *http.Request) {
	calls := c.Calls()
	out := make([]AdminCall, 0, len(calls))
	for _, call := range calls {
		ac := AdminCall{
			Op: call.Op, Action: call.Action, User: call.User, Params: c.NeutralParams(call), Code: call.Code,
			HTTPStatus: call.HTTPStatus, Time: call.Time, RequestID: call.RequestID, Dropped: call.Dropped,
		}
		if _, ok := ac.Params[ParamPassword]; ok {
			ac.Params[ParamPassword] = Redacted
			ac.PasswordSent = true
		}
		out = append(out, ac)
	}
	adminJSON(w, http.StatusOK, out)
}

func (c *Core) adminAddUser(w http.ResponseWriter, r *http.Request) {
	var body AdminUser
	if err := decodeBody(r, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if body.User == "" {
		adminError(w, http.StatusBadRequest, "user is required")
		return
	}
	c.AddUser(body.User)
	adminJSON(w, http.StatusCreated, body)
}

// adminProfile is the profile of user as the admin API shows it, or the status and message of
// its absence.
func (c *Core) adminProfile(key string) (AdminProfile, int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.users[key]
	switch {
	case !ok:
		return AdminProfile{}, http.StatusNotFound, "user " + strconv.Quote(key) + " does not exist"
	case u.profile == nil:
		return AdminProfile{}, http.StatusNotFound, "user " + strconv.Quote(key) + " has no login profile"
	}
	p, caps := c.profileOf(u), c.opts.Capabilities
	ap := AdminProfile{User: p.User, PasswordResetRequired: p.PasswordResetRequired, CreateDate: p.CreateDate, HasPassword: u.password != ""}
	if caps.Status {
		ap.Status = &p.Status
	}
	if caps.MFABindRequired {
		ap.MFABindRequired = &p.MFABindRequired
	}
	if caps.UpdateDate {
		ap.UpdateDate = &p.UpdateDate
	}
	for _, t := range []struct {
		dst **time.Time
		v   *time.Time
	}{{&ap.LastLoginTime, &p.LastLoginTime}, {&ap.PasswordExpiresAt, &p.PasswordExpiresAt}} {
		if !t.v.IsZero() {
			*t.dst = t.v
		}
	}
	return ap, http.StatusOK, ""
}

func (c *Core) adminGetProfile(w http.ResponseWriter, r *http.Request) {
	ap, status, msg := c.adminProfile(r.PathValue("user"))
	if status != http.StatusOK {
		adminError(w, status, msg)
		return
	}
	adminJSON(w, http.StatusOK, ap)
}

// unsupported names the first field of in the cloud's login profile lacks; "" when none.
func (c *Core) unsupported(in AdminProfileChange) string {
	caps := c.opts.Capabilities
	for _, f := range []struct {
		name     string
		set, has bool
	}{
		{"status", in.Status != nil, caps.Status},
		{"mfaBindRequired", in.MFABindRequired != nil, caps.MFABindRequired},
		{"updateDate", in.UpdateDate != nil, caps.UpdateDate},
		{"lastLoginTime", in.LastLoginTime != nil, caps.LastLoginTime},
	} {
		if f.set && !f.has {
			return f.name
		}
	}
	return ""
}

// adminPutProfile changes the fields given, creating the profile (without password) when the
// user has none.
func (c *Core) adminPutProfile(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	var in AdminProfileChange
	if err := decodeBody(r, &in); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if name := c.unsupported(in); name != "" {
		adminError(w, http.StatusBadRequest, "the "+c.opts.Cloud+" login profile has no "+name)
		return
	}
	if in.Status != nil && *in.Status != StatusActive && *in.Status != StatusInactive {
		adminError(w, http.StatusBadRequest, "status must be Active or Inactive")
		return
	}
	var expires *time.Time // nil: unchanged
	if len(in.PasswordExpiresAt) > 0 {
		expires = &time.Time{}
		if !bytes.Equal(in.PasswordExpiresAt, []byte("null")) && json.Unmarshal(in.PasswordExpiresAt, expires) != nil {
			adminError(w, http.StatusBadRequest, "passwordExpiresAt must be an RFC 3339 time or null")
			return
		}
	}
	if !c.changeProfile(key, in, expires) {
		adminError(w, http.StatusNotFound, "user "+strconv.Quote(key)+" does not exist")
		return
	}
	c.adminGetProfile(w, r)
}

// changeProfile applies a PUT; false when the user does not exist.
func (c *Core) changeProfile(key string, in AdminProfileChange, expires *time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.users[key]
	if !ok {
		return false
	}
	p := Profile{User: key, LastLoginTime: u.lastLogin}
	if u.profile != nil {
		p = c.profileOf(u)
		p.UpdateDate = time.Time{} // now, unless given
	}
	set(&p.Status, in.Status)
	set(&p.MFABindRequired, in.MFABindRequired)
	set(&p.PasswordResetRequired, in.PasswordResetRequired)
	set(&p.CreateDate, in.CreateDate)
	set(&p.UpdateDate, in.UpdateDate)
	set(&p.LastLoginTime, in.LastLoginTime)
	set(&p.PasswordExpiresAt, expires)
	return c.setProfileLocked(p) == nil
}

// set sets *dst to *v when v is not nil.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (c *Core) adminResetPassword(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Password string `json:"password"`
	}
	if err := decodeBody(r, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if body.Password == "" {
		adminError(w, http.StatusBadRequest, "password is required")
		return
	}
	if err := c.CloudError(c.UserResetsPassword(r.PathValue("user"), body.Password)); err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			adminJSON(w, ae.HTTPStatus, AdminError{Error: ae.Message, Code: ae.Code})
			return
		}
		adminError(w, http.StatusConflict, err.Error())
		return
	}
	c.adminGetProfile(w, r)
}

func (c *Core) adminAddFault(w http.ResponseWriter, r *http.Request) {
	var in AdminFault
	if err := decodeBody(r, &in); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	latency, err := parseJSONDuration(in.Latency)
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	c.InjectFault(Fault{
		Action: in.Action, Code: in.Code, HTTPStatus: in.HTTPStatus, Message: in.Message,
		Times: in.Times, Latency: latency, DropConnection: in.DropConnection, DropAfterAction: in.DropAfterAction,
	})
	w.WriteHeader(http.StatusCreated)
}

// parseJSONDuration reads "1.5s" or a number of nanoseconds.
func parseJSONDuration(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		d, err := time.ParseDuration(str)
		if err != nil {
			return 0, fmt.Errorf("latency: %w", err)
		}
		return d, nil
	}
	var ns int64
	if err := json.Unmarshal(raw, &ns); err != nil {
		return 0, errors.New(`latency must be a duration string ("1.5s") or nanoseconds`)
	}
	return time.Duration(ns), nil
}
