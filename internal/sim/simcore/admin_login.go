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
	"errors"
	"net/http"
	"strconv"
	"time"
)

// AdminMFA is the body of PUT /_sim/users/{user}/mfa, and the answer of GET and PUT: whether the
// user has an MFA device bound.
type AdminMFA struct {
	Bound bool `json:"bound"`
}

// AdminLastLogin is the body of PUT /_sim/users/{user}/last-login, and the answer of GET and PUT:
// the user's last console login (RFC 3339), null for never.
type AdminLastLogin struct {
	Time *time.Time `json:"time"`
}

// adminUserError answers an error of the Go API about a user: 404 for a missing user.
func adminUserError(w http.ResponseWriter, key string, err error) {
	var e *Error
	if errors.As(err, &e) && e.Kind == UserNotFound {
		adminError(w, http.StatusNotFound, "user "+strconv.Quote(key)+" does not exist")
		return
	}
	adminError(w, http.StatusInternalServerError, err.Error())
}

func (c *Core) adminGetMFA(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	bound, err := c.MFABound(key)
	if err != nil {
		adminUserError(w, key, err)
		return
	}
	adminJSON(w, http.StatusOK, AdminMFA{Bound: bound})
}

func (c *Core) adminPutMFA(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	var in AdminMFA
	if err := decodeBody(r, &in); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := c.SetMFABound(key, in.Bound); err != nil {
		adminUserError(w, key, err)
		return
	}
	c.adminGetMFA(w, r)
}

func (c *Core) adminGetLastLogin(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	t, err := c.LastLogin(key)
	if err != nil {
		adminUserError(w, key, err)
		return
	}
	var out AdminLastLogin
	if !t.IsZero() {
		out.Time = &t
	}
	adminJSON(w, http.StatusOK, out)
}

func (c *Core) adminPutLastLogin(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	var in AdminLastLogin
	if err := decodeBody(r, &in); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	var t time.Time
	if in.Time != nil {
		t = *in.Time
	}
	if err := c.SetLastLogin(key, t); err != nil {
		adminUserError(w, key, err)
		return
	}
	c.adminGetLastLogin(w, r)
}

func (c *Core) adminGetPasswordPolicy(w http.ResponseWriter, _ *http.Request) {
	rules, err := c.Rules()
	if err != nil {
		adminError(w, http.StatusNotImplemented, "the "+c.opts.Cloud+" simulator: "+err.Error())
		return
	}
	adminJSON(w, http.StatusOK, rules)
}

// adminPutPasswordPolicy replaces the password policy with the cloud's policy of the rules given
// (Core.SetRules), and answers the new policy's rules.
func (c *Core) adminPutPasswordPolicy(w http.ResponseWriter, r *http.Request) {
	var in Rules
	if err := decodeBody(r, &in); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := c.SetRules(in); err != nil {
		adminError(w, http.StatusBadRequest, "the "+c.opts.Cloud+" simulator refuses the password policy: "+err.Error())
		return
	}
	rules, err := c.Rules()
	if err != nil { // the cloud's policy of the rules does not tell them back
		rules = in
	}
	adminJSON(w, http.StatusOK, rules)
}
