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
	"net/http"
)

// Request is one call, as the protocol decoded it.
type Request struct {
	Op     Op
	Action string
	User   string
	// Params are recorded in the call log (Call.Params).
	Params map[string]string
	// ID is the request id answered.
	ID string
	// Refused, when set, is answered after the latency instead of running the call: the request
	// is not well formed, not authenticated or of no known action. Faults and quotas do not apply.
	Refused *APIError
	// Input is what the protocol decoded for its Execute (parameters, a body).
	Input any
}

// Answer is what a successful call answers: an HTTP status and a body for the protocol to encode
// (nil: none).
type Answer struct {
	Status int
	Body   any
}

// Protocol is a cloud's wire format: how a request becomes a call and an outcome an answer.
type Protocol interface {
	// NewRequestID returns a request id in the cloud's format.
	NewRequestID() string
	// Receive decodes and authenticates r. It does not run the call.
	Receive(r *http.Request) Request
	// Execute runs the call's action on the account: an Answer, or an error (*APIError, or a
	// neutral *Error of the account).
	Execute(a Account, req Request) (Answer, error)
	// WriteAnswer and WriteError answer a call.
	WriteAnswer(w http.ResponseWriter, requestID string, a Answer)
	WriteError(w http.ResponseWriter, requestID string, e *APIError)
}

// Errors of Do that no cloud answers.
var (
	// ErrDropped: a fault closed the connection without an answer (after the action, for
	// DropAfterAction).
	ErrDropped = errors.New("the connection was dropped without an answer")
	// ErrClosed: the server closed while the call waited out its latency; it was not recorded.
	ErrClosed = errors.New("the simulator closed")
)

// Do runs one call through the account: its latency, then (unless Refused) the faults, the quota
// and action, and records it in the call log. It is what the HTTP API runs for each request, and
// what an in-process caller (a provider without wire) runs for each call. The error is the
// refusal, the fault's *APIError, the quota's or the action's neutral *Error, ErrDropped or
// ErrClosed.
func (c *Core) Do(req Request, action func(Account) (Answer, error)) (Answer, error) {
	call := Call{Op: req.Op, Action: req.Action, User: req.User, Params: req.Params, Time: c.now(), RequestID: req.ID}
	if !c.life.Wait(c.currentLatency()) {
		return Answer{}, ErrClosed
	}
	if req.Refused != nil {
		c.record(call, req.Refused)
		return Answer{}, req.Refused
	}
	if f, ok := c.takeFault(req.Op, req.Action); ok {
		if !c.life.Wait(f.Latency) {
			return Answer{}, ErrClosed
		}
		switch {
		case f.DropConnection:
			call.Dropped = true
			c.record(call, nil)
			return Answer{}, ErrDropped
		case f.DropAfterAction:
			call.Dropped = true
			_, _ = c.run(call, action) // the answer is lost, its error recorded
			return Answer{}, ErrDropped
		case f.Code != "":
			e := &APIError{Code: f.Code, HTTPStatus: f.HTTPStatus, Message: f.Message}
			c.record(call, e)
			return Answer{}, e
		}
	}
	if err := c.allow(req.Op, req.User); err != nil {
		c.record(call, err)
		return Answer{}, err
	}
	return c.run(call, action)
}

// run runs the action and records the call under one lock, so that the call log's order is the
// order in which the account changed.
func (c *Core) run(call Call, action func(Account) (Answer, error)) (Answer, error) {
	c.mu.Lock()
	ans, err := action(account{c})
	c.recordLocked(call, ans.Status, err)
	c.mu.Unlock()
	c.logCall(call.Action, ans.Status, err)
	return ans, err
}

func (c *Core) serveAPI(w http.ResponseWriter, r *http.Request) {
	req := c.protocol.Receive(r)
	req.ID = c.protocol.NewRequestID()
	ans, err := c.Do(req, func(a Account) (Answer, error) { return c.protocol.Execute(a, req) })
	switch {
	case errors.Is(err, ErrClosed):
	case errors.Is(err, ErrDropped):
		dropConnection(w)
	case err != nil:
		c.protocol.WriteError(w, req.ID, c.apiError(err))
	default:
		c.protocol.WriteAnswer(w, req.ID, ans)
	}
}

// dropConnection closes the connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // HTTP/2, or a ResponseWriter that cannot hijack: abort the answer
}

// WriteJSON answers body as JSON, HTML characters unescaped, with the headers given (Content-Type
// among them).
func WriteJSON(w http.ResponseWriter, status int, body any, headers map[string]string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		http.Error(w, "encoding the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	for k, v := range headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
