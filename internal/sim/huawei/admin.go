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
	"bytes"
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

// AdminCall is a Call as GET /_sim/calls lists it: the password value is replaced by "[redacted]" and
// PasswordSent tells whether one was sent.
type AdminCall struct {
	Action       string            `json:"action"`
	UserID       string            `json:"userId"`
	Params       map[string]string `json:"params"`
	PasswordSent bool              `json:"passwordSent"`
	Code         string            `json:"code"`
	HTTPStatus   int               `json:"httpStatus"`
	Time         time.Time         `json:"time"`
	RequestID    string            `json:"requestId"`
	Dropped      bool              `json:"dropped,omitempty"`
}

// AdminProfile is a login profile as the admin API shows it.
type AdminProfile struct {
	UserID                string     `json:"userId"`
	PasswordResetRequired bool       `json:"passwordResetRequired"`
	CreatedAt             time.Time  `json:"createdAt"`
	PasswordExpiresAt     *time.Time `json:"passwordExpiresAt,omitempty"`
	// HasPassword tells whether the profile has a password (a profile created out of band has none).
	HasPassword bool `json:"hasPassword"`
}

// AdminProfileChange is the body of PUT /_sim/users/{id}/profile: every field is optional, the fields left out
// keep their value. PasswordExpiresAt null removes the expiry.
type AdminProfileChange struct {
	PasswordResetRequired *bool           `json:"passwordResetRequired,omitempty"`
	CreatedAt             *time.Time      `json:"createdAt,omitempty"`
	PasswordExpiresAt     json.RawMessage `json:"passwordExpiresAt,omitempty"`
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
	mux.HandleFunc("DELETE /_sim/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.DeleteUser(r.PathValue("id"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_sim/users/{id}/profile", s.adminGetProfile)
	mux.HandleFunc("PUT /_sim/users/{id}/profile", s.adminPutProfile)
	mux.HandleFunc("DELETE /_sim/users/{id}/profile", func(w http.ResponseWriter, r *http.Request) {
		if !s.DeleteProfile(r.PathValue("id")) {
			adminError(w, http.StatusNotFound, "user "+strconv.Quote(r.PathValue("id"))+" does not exist or has no login profile")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_sim/users/{id}/reset-password", s.adminResetPassword)
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
			Action: c.Action, UserID: c.UserID, Params: c.Params, Code: c.Code, HTTPStatus: c.HTTPStatus,
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
		UserID string `json:"userId"`
	}
	if err := decodeBody(r, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if body.UserID == "" {
		adminError(w, http.StatusBadRequest, "userId is required")
		return
	}
	s.AddUser(body.UserID)
	writeJSON(w, "", http.StatusCreated, body)
}

func (s *Server) adminProfile(id string) (AdminProfile, int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	switch {
	case !ok:
		return AdminProfile{}, http.StatusNotFound, "user " + strconv.Quote(id) + " does not exist"
	case u.profile == nil:
		return AdminProfile{}, http.StatusNotFound, "user " + strconv.Quote(id) + " has no login profile"
	}
	p := *u.profile
	ap := AdminProfile{
		UserID:                p.UserID,
		PasswordResetRequired: p.PasswordResetRequired,
		CreatedAt:             p.CreatedAt,
		HasPassword:           u.password != "",
	}
	if !p.PasswordExpiresAt.IsZero() {
		ap.PasswordExpiresAt = &p.PasswordExpiresAt
	}
	return ap, http.StatusOK, ""
}

func (s *Server) adminGetProfile(w http.ResponseWriter, r *http.Request) {
	ap, status, msg := s.adminProfile(r.PathValue("id"))
	if status != http.StatusOK {
		adminError(w, status, msg)
		return
	}
	writeJSON(w, "", http.StatusOK, ap)
}

// adminPutProfile changes the fields given, creating the profile (without password) when the user has none.
func (s *Server) adminPutProfile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var in AdminProfileChange
	if err := decodeBody(r, &in); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	var expires *time.Time // nil: unchanged
	if len(in.PasswordExpiresAt) > 0 {
		expires = &time.Time{}
		if !bytes.Equal(in.PasswordExpiresAt, []byte("null")) {
			if err := json.Unmarshal(in.PasswordExpiresAt, expires); err != nil {
				adminError(w, http.StatusBadRequest, "passwordExpiresAt must be an RFC 3339 time or null")
				return
			}
		}
	}
	err := func() error {
		s.mu.Lock()
		defer s.mu.Unlock()
		u, ok := s.users[id]
		if !ok {
			return errNoUser
		}
		p := Profile{UserID: id}
		if u.profile != nil {
			p = *u.profile
		}
		if in.PasswordResetRequired != nil {
			p.PasswordResetRequired = *in.PasswordResetRequired
		}
		if in.CreatedAt != nil {
			p.CreatedAt = *in.CreatedAt
		}
		if expires != nil {
			p.PasswordExpiresAt = *expires
		}
		return s.setProfileLocked(p)
	}()
	if err != nil {
		adminError(w, http.StatusNotFound, "user "+strconv.Quote(id)+" does not exist")
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
	if err := s.UserResetsPassword(r.PathValue("id"), body.Password); err != nil {
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
