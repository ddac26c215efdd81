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
	"maps"
	"net/http"
	"time"
)

// Call is one API call the account received.
type Call struct {
	// Op is the operation; "" for a call of no known operation.
	Op Op
	// Action is the cloud's own name of the call (GetLoginProfile, ShowLoginProfileV5, ...).
	Action string
	// User is the user the call was about.
	User string
	// Params are the call's parameters as received, under the cloud's names, the password
	// included: the Go API shows it for tests to assert on; the admin API redacts it.
	Params map[string]string
	// Code is "" on success, else the error code answered.
	Code string
	// HTTPStatus is the status answered; 0 when the connection was dropped.
	HTTPStatus int
	Time       time.Time
	// RequestID is the request id answered.
	RequestID string
	// Dropped is true when a DropConnection or DropAfterAction fault closed the connection
	// without an answer.
	Dropped bool
}

// Calls returns the calls received, in order.
func (c *Core) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Call, len(c.calls))
	for i, call := range c.calls {
		call.Params = maps.Clone(call.Params)
		out[i] = call
	}
	return out
}

// CallsFor returns the calls of one action, in order: the cloud's name of it, or the Op.
func (c *Core) CallsFor(action string) []Call {
	var out []Call
	for _, call := range c.Calls() {
		if call.Action == action || string(call.Op) == action {
			out = append(out, call)
		}
	}
	return out
}

// ResetCalls forgets the calls received.
func (c *Core) ResetCalls() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = nil
}

// NeutralParams are the call's parameters under the neutral names of Options.ParamNames, the
// user left out.
func (c *Core) NeutralParams(call Call) map[string]string {
	out := make(map[string]string, len(call.Params))
	for k, v := range call.Params {
		switch name, ok := c.opts.ParamNames[k]; {
		case !ok:
			out[k] = v
		case name != "":
			out[name] = v
		}
	}
	return out
}

// recordLocked appends a call answered status, or err; a dropped call answered nothing.
func (c *Core) recordLocked(call Call, status int, err error) {
	call.HTTPStatus = status
	if err != nil {
		e := c.apiError(err)
		call.Code, call.HTTPStatus = e.Code, e.HTTPStatus
	}
	if call.Dropped {
		call.HTTPStatus = 0
	}
	c.calls = append(c.calls, call)
}

// record appends a call that did not reach the action (refused or dropped) and logs it.
func (c *Core) record(call Call, err error) {
	c.mu.Lock()
	c.recordLocked(call, 0, err)
	c.mu.Unlock()
	c.logCall(call.Action, 0, err)
}

// logCall logs the action and the outcome only: never a parameter.
func (c *Core) logCall(action string, status int, err error) {
	if c.opts.Logger == nil {
		return
	}
	code := ""
	if err != nil {
		e := c.apiError(err)
		code, status = e.Code, e.HTTPStatus
	}
	c.opts.Logger.Info(c.name+" call", "action", action, "code", code, "httpStatus", status)
}

// apiError is err as the cloud answers it; an error of neither kind is an internal error.
func (c *Core) apiError(err error) *APIError {
	var ae *APIError
	if errors.As(c.CloudError(err), &ae) {
		return ae
	}
	return &APIError{Code: "InternalError", HTTPStatus: http.StatusInternalServerError, Message: err.Error()}
}
