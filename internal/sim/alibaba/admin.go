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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// redacted replaces a password in the admin API's answers.
const redacted = "[redacted]"

// AdminCall is a Call as GET /_sim/calls lists it: the Password value is replaced by "[redacted]" and
// PasswordSent tells whether one was sent.
type AdminCall struct {
	Action       string            `json:"action"`
	Params       map[string]string `json:"params"`
	PasswordSent bool              `json:"passwordSent"`
	Code         string            `json:"code"`
	HTTPStatus   int               `json:"httpStatus"`
	Time         time.Time         `json:"time"`
	RequestID    string            `json:"requestId"`
	Dropped      bool              `json:"dropped,omitempty"`
}

// AdminProfile is a login profile as the admin API shows and takes it. In a PUT, every field is optional: the
// fields left out keep their value.
type AdminProfile struct {
	UserPrincipalName     string     `json:"userPrincipalName,omitempty"`
	Status                *string    `json:"status,omitempty"`
	MFABindRequired       *bool      `json:"mfaBindRequired,omitempty"`
	PasswordResetRequired *bool      `json:"passwordResetRequired,omitempty"`
	CreateDate            *time.Time `json:"createDate,omitempty"`
	UpdateDate            *time.Time `json:"updateDate,omitempty"`
	LastLoginTime         *time.Time `json:"lastLoginTime,omitempty"`
	// HasPassword tells whether the profile has a password (answers only).
	HasPassword bool `json:"hasPassword"`
}

// AdminFault is a Fault as POST /_sim/faults takes it. Latency is a Go duration string ("1.5s") or nanoseconds.
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

func (s *Server) adminMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_sim/calls", s.adminListCalls)
	mux.HandleFunc("DELETE /_sim/calls", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_sim/users", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, "", http.StatusOK, s.Users())
	})
	mux.HandleFunc("POST /_sim/users", s.adminAddUser)
	mux.HandleFunc("DELETE /_sim/users/{upn}", func(w http.ResponseWriter, r *http.Request) {
		s.DeleteUser(r.PathValue("upn"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_sim/users/{upn}/profile", s.adminGetProfile)
	mux.HandleFunc("PUT /_sim/users/{upn}/profile", s.adminPutProfile)
	mux.HandleFunc("POST /_sim/users/{upn}/reset-password", s.adminResetPassword)
	mux.HandleFunc("POST /_sim/faults", s.adminAddFault)
	mux.HandleFunc("DELETE /_sim/faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/_sim/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, "no such admin endpoint: "+r.Method+" "+r.URL.Path)
	})
	return mux
}

func adminError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, "", status, map[string]string{"error": msg})
}

// decodeBody decodes a small JSON body, refusing unknown fields.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	return nil
}

func (s *Server) adminListCalls(w http.ResponseWriter, _ *http.Request) {
	calls := s.Calls()
	out := make([]AdminCall, 0, len(calls))
	for _, c := range calls {
		ac := AdminCall{
			Action: c.Action, Params: c.Params, Code: c.Code, HTTPStatus: c.HTTPStatus,
			Time: c.Time, RequestID: c.RequestID, Dropped: c.Dropped,
		}
		if _, ok := ac.Params[ParamPassword]; ok {
			ac.Params[ParamPassword] = redacted // Params is a copy
			ac.PasswordSent = true
		}
		out = append(out, ac)
	}
	writeJSON(w, "", http.StatusOK, out)
}

func (s *Server) adminAddUser(w http.ResponseWriter, r *http.Request) {
	var body struct {
		UserPrincipalName string `json:"userPrincipalName"`
	}
	if err := decodeBody(r, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if body.UserPrincipalName == "" {
		adminError(w, http.StatusBadRequest, "userPrincipalName is required")
		return
	}
	s.AddUser(body.UserPrincipalName)
	writeJSON(w, "", http.StatusCreated, body)
}

func (s *Server) adminProfile(upn string) (AdminProfile, int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[upn]
	switch {
	case !ok:
		return AdminProfile{}, http.StatusNotFound, "user " + strconv.Quote(upn) + " does not exist"
	case u.profile == nil:
		return AdminProfile{}, http.StatusNotFound, "user " + strconv.Quote(upn) + " has no login profile"
	}
	p := *u.profile
	ap := AdminProfile{
		UserPrincipalName:     p.UserPrincipalName,
		Status:                &p.Status,
		MFABindRequired:       &p.MFABindRequired,
		PasswordResetRequired: &p.PasswordResetRequired,
		CreateDate:            &p.CreateDate,
		UpdateDate:            &p.UpdateDate,
		HasPassword:           u.password != "",
	}
	if !p.LastLoginTime.IsZero() {
		ap.LastLoginTime = &p.LastLoginTime
	}
	return ap, http.StatusOK, ""
}

func (s *Server) adminGetProfile(w http.ResponseWriter, r *http.Request) {
	ap, status, msg := s.adminProfile(r.PathValue("upn"))
	if status != http.StatusOK {
		adminError(w, status, msg)
		return
	}
	writeJSON(w, "", http.StatusOK, ap)
}

// adminPutProfile changes the fields given, creating the profile (without password) when the user has none.
func (s *Server) adminPutProfile(w http.ResponseWriter, r *http.Request) {
	upn := r.PathValue("upn")
	var in AdminProfile
	if err := decodeBody(r, &in); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if in.Status != nil && *in.Status != StatusActive && *in.Status != StatusInactive {
		adminError(w, http.StatusBadRequest, "status must be Active or Inactive")
		return
	}
	err := func() error {
		s.mu.Lock()
		defer s.mu.Unlock()
		u, ok := s.users[upn]
		if !ok {
			return errNoUser
		}
		p := Profile{UserPrincipalName: upn}
		if u.profile != nil {
			p = *u.profile
			p.UpdateDate = time.Time{} // now, unless given
		}
		if in.Status != nil {
			p.Status = *in.Status
		}
		if in.MFABindRequired != nil {
			p.MFABindRequired = *in.MFABindRequired
		}
		if in.PasswordResetRequired != nil {
			p.PasswordResetRequired = *in.PasswordResetRequired
		}
		if in.CreateDate != nil {
			p.CreateDate = *in.CreateDate
		}
		if in.UpdateDate != nil {
			p.UpdateDate = *in.UpdateDate
		}
		if in.LastLoginTime != nil {
			p.LastLoginTime = *in.LastLoginTime
		}
		return s.setProfileLocked(p)
	}()
	if err != nil {
		adminError(w, http.StatusNotFound, "user "+strconv.Quote(upn)+" does not exist")
		return
	}
	s.adminGetProfile(w, r)
}

var errNoUser = errors.New("no such user")

func (s *Server) adminResetPassword(w http.ResponseWriter, r *http.Request) {
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
	if err := s.UserResetsPassword(r.PathValue("upn"), body.Password); err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			writeJSON(w, "", ae.HTTPStatus, map[string]string{"error": ae.Message, "code": ae.Code})
			return
		}
		adminError(w, http.StatusConflict, err.Error())
		return
	}
	s.adminGetProfile(w, r)
}

func (s *Server) adminAddFault(w http.ResponseWriter, r *http.Request) {
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
	s.InjectFault(Fault{
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
