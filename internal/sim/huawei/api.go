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
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Paths of the API.
const (
	usersPrefix   = "/v5/users/"
	profileSuffix = "/login-profile"
	// adminPrefix is the path prefix of the admin API.
	adminPrefix = "/_sim/"
)

// timeLayout is the layout of the times answered, as the service's: 2023-09-13T08:03:10.781Z.
const timeLayout = "2006-01-02T15:04:05.000Z"

// maxBodyBytes bounds a request body.
const maxBodyBytes = 1 << 20

// encodedAuthorizationMessage stands for the encrypted explanation the service adds to PAP5.0001 answers.
const encodedAuthorizationMessage = "c2ltdWxhdGVkLWF1dGhvcml6YXRpb24tbWVzc2FnZQ"

// ServeHTTP answers the IAM v5 login-profile API on every path but /_sim/, where the admin API is.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.admin.ServeHTTP(w, r)
		return
	}
	s.serveAPI(w, r)
}

// route maps a method and a (decoded) path to an action and the user id; ok is false for no API. The user id is
// whatever lies between /v5/users/ and /login-profile, slashes included.
func route(method, path string) (action, userID string, ok bool) {
	if len(path) <= len(usersPrefix)+len(profileSuffix) || !strings.HasPrefix(path, usersPrefix) || !strings.HasSuffix(path, profileSuffix) {
		return "", "", false
	}
	userID = path[len(usersPrefix) : len(path)-len(profileSuffix)]
	switch method {
	case http.MethodPost:
		action = ActionCreateLoginProfileV5
	case http.MethodGet:
		action = ActionShowLoginProfileV5
	case http.MethodPut:
		action = ActionUpdateLoginProfileV5
	case http.MethodDelete:
		action = ActionDeleteLoginProfileV5
	default:
		return "", "", false
	}
	return action, userID, true
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	received := s.now()
	requestID := newRequestID()
	action, userID, known := route(r.Method, r.URL.Path)
	body, readErr := readBody(r)
	fields, bodyErr := parseBody(body)
	call := Call{Action: action, UserID: userID, Params: callParams(fields), Time: received, RequestID: requestID}

	if !s.life.Wait(s.currentLatency()) {
		return // closed meanwhile
	}
	fail := func(e *APIError) {
		s.record(call, e)
		writeError(w, requestID, e)
	}
	if !known {
		fail(errorf(CodeAPINotFound, "The API does not exist or has not been published in the environment: %s %s.", r.Method, r.URL.Path))
		return
	}
	if readErr != nil {
		fail(invalidBody("%v", readErr))
		return
	}
	if e := s.authenticate(r, body); e != nil {
		fail(e)
		return
	}

	if f, ok := s.takeFault(action); ok {
		if !s.life.Wait(f.Latency) {
			return
		}
		if f.DropConnection {
			call.Dropped = true
			s.record(call, nil)
			dropConnection(w)
			return
		}
		if f.DropAfterAction {
			call.Dropped = true
			s.mu.Lock()
			status, _, e := s.executeLocked(action, userID, fields, bodyErr)
			s.appendCallLocked(call, e, status)
			s.mu.Unlock()
			s.logCall(call.Action, e, status)
			dropConnection(w)
			return
		}
		if f.Code != "" {
			fail(&APIError{Code: f.Code, HTTPStatus: f.HTTPStatus, Message: f.Message})
			return
		}
	}
	if ok, limit := s.allow(action); !ok {
		fail(errorf(CodeThrottled, "The throttling threshold has been reached: policy domain over ratelimit,limit:%d,time:1 second", limit))
		return
	}

	s.mu.Lock()
	status, answer, e := s.executeLocked(action, userID, fields, bodyErr)
	s.appendCallLocked(call, e, status)
	s.mu.Unlock()
	s.logCall(call.Action, e, status)
	if e != nil {
		writeError(w, requestID, e)
		return
	}
	if answer == nil {
		w.Header().Set(HeaderRequestID, requestID)
		w.WriteHeader(status)
		return
	}
	writeJSON(w, requestID, status, answer)
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxBodyBytes {
		return nil, errBodyTooLarge
	}
	return body, nil
}

var errBodyTooLarge = &bodyError{"the body is larger than 1 MiB"}

type bodyError struct{ msg string }

func (e *bodyError) Error() string { return e.msg }

// parseBody reads a JSON object; nil without error for an empty body.
func parseBody(body []byte) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, &bodyError{"the body is not a JSON object"}
	}
	return fields, nil
}

// callParams are the fields recorded in Call.Params: a JSON string as its value, anything else as its JSON text.
func callParams(fields map[string]json.RawMessage) map[string]string {
	out := map[string]string{}
	for _, name := range []string{ParamPassword, ParamPasswordResetRequired} {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		var str string
		if err := json.Unmarshal(raw, &str); err == nil && !isNull(raw) {
			out[name] = str
		} else {
			out[name] = string(raw)
		}
	}
	return out
}

// authenticate checks the Authorization header, the access key, the security token, the signature, X-Sdk-Date
// and X-Domain-Id.
func (s *Server) authenticate(r *http.Request, body []byte) *APIError {
	h := r.Header.Get(HeaderAuthorization)
	if h == "" {
		return authFailed("the Authorization header is missing")
	}
	a, reason := parseAuthorization(h)
	if reason != "" {
		return authFailed("%s", reason)
	}
	sdkDate := r.Header.Get(HeaderSdkDate)
	if sdkDate == "" || !slices.Contains(a.signedHeaders, "x-sdk-date") {
		return authFailed("the X-Sdk-Date header is missing or not signed")
	}
	secret, ok := s.accessKeys[a.accessKeyID]
	if !ok {
		return authFailed("Get secretKey failed,ak:%s,err:ak not exist", a.accessKeyID)
	}
	token := r.Header.Get(HeaderSecurityToken)
	if want, sts := s.tokens[a.accessKeyID]; sts {
		if token == "" || !slices.Contains(a.signedHeaders, "x-security-token") {
			return authFailed("the access key is temporary: a signed X-Security-Token is required")
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
			return authFailed("verify security token fail")
		}
	} else if token != "" {
		return authFailed("the access key is permanent: it takes no X-Security-Token")
	}
	payloadHash := PayloadHash(body)
	if r.Header.Get(HeaderContentSha256) == UnsignedPayload {
		payloadHash = UnsignedPayload
	}
	cr := CanonicalRequest(r.Method, r.URL.Path, r.URL.Query(), r.Header, r.Host, a.signedHeaders, payloadHash)
	if !signatureMatches(a.signature, Sign(StringToSign(sdkDate, cr), secret)) {
		return authFailed("verify aksk signature fail")
	}
	ts, err := time.Parse(DateLayout, sdkDate)
	if err != nil {
		return authFailed("the X-Sdk-Date %q is not formatted as %s", sdkDate, DateLayout)
	}
	if wall := s.wall(); s.tolerance > 0 && wall.Sub(ts).Abs() > s.tolerance {
		return authFailed("the X-Sdk-Date %s is %s away from the server's clock (%s); at most %s is accepted",
			sdkDate, wall.Sub(ts).Abs().Round(time.Second), wall.UTC().Format(DateLayout), s.tolerance)
	}
	switch domain := r.Header.Get(HeaderDomainID); domain {
	case s.domainID:
	case "":
		return authFailed("the X-Domain-Id header is missing: IAM is a global service, sign with the account's domain id (global credentials)")
	default:
		return authFailed("the X-Domain-Id %s is not the account of the access key", domain)
	}
	return nil
}

// executeLocked runs an action; it returns the success status and the answer's body (nil for none).
func (s *Server) executeLocked(action, userID string, fields map[string]json.RawMessage, bodyErr error) (int, any, *APIError) {
	switch action {
	case ActionShowLoginProfileV5:
		return s.showLocked(userID)
	case ActionCreateLoginProfileV5:
		if bodyErr != nil {
			return 0, nil, invalidBody("%v", bodyErr)
		}
		return s.createLocked(userID, fields)
	case ActionUpdateLoginProfileV5:
		if bodyErr != nil {
			return 0, nil, invalidBody("%v", bodyErr)
		}
		return s.updateLocked(userID, fields)
	case ActionDeleteLoginProfileV5:
		return s.deleteLocked(userID)
	}
	return 0, nil, newError(CodeAPINotFound, "")
}

func userNotFound(id string) *APIError {
	return errorf(CodeUserNotFound, "Could not find user: %s.", id)
}

func profileNotFound(id string) *APIError {
	return errorf(CodeLoginProfileNotFound, "Could not find the login profile of user: %s.", id)
}

// lookupLocked finds a user, and its profile when wantProfile.
func (s *Server) lookupLocked(id string, wantProfile bool) (*user, *APIError) {
	u, ok := s.users[id]
	if !ok {
		return nil, userNotFound(id)
	}
	if wantProfile && u.profile == nil {
		return nil, profileNotFound(id)
	}
	return u, nil
}

func (s *Server) showLocked(id string) (int, any, *APIError) {
	u, ok := s.users[id]
	if ok && u.profile == nil && s.emptyShow {
		return http.StatusOK, map[string]any{}, nil
	}
	u, e := s.lookupLocked(id, true)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusOK, profileAnswer(*u.profile), nil
}

func (s *Server) createLocked(id string, fields map[string]json.RawMessage) (int, any, *APIError) {
	if fields == nil {
		return 0, nil, invalidBody("password and password_reset_required are required")
	}
	password, present, e := field[string](fields, ParamPassword)
	switch {
	case e != nil:
		return 0, nil, e
	case !present || password == "":
		return 0, nil, invalidBody("password is required")
	}
	reset, present, e := field[bool](fields, ParamPasswordResetRequired)
	switch {
	case e != nil:
		return 0, nil, e
	case !present:
		return 0, nil, invalidBody("password_reset_required is required")
	}
	u, e := s.lookupLocked(id, false)
	if e != nil {
		return 0, nil, e
	}
	if u.profile != nil {
		return 0, nil, errorf(CodeLoginProfileExists, "The login profile of user %s already exists.", id)
	}
	if e := s.checkPasswordLocked(u, id, password); e != nil {
		return 0, nil, e
	}
	u.profile = &Profile{UserID: id, PasswordResetRequired: reset, CreatedAt: s.timestamp()}
	s.setPasswordLocked(u, id, password)
	return http.StatusCreated, profileAnswer(*u.profile), nil
}

func (s *Server) updateLocked(id string, fields map[string]json.RawMessage) (int, any, *APIError) {
	password, hasPassword, e := field[string](fields, ParamPassword)
	if e != nil {
		return 0, nil, e
	}
	if hasPassword && password == "" {
		return 0, nil, invalidBody("password must not be empty")
	}
	reset, hasReset, e := field[bool](fields, ParamPasswordResetRequired)
	if e != nil {
		return 0, nil, e
	}
	u, e := s.lookupLocked(id, true)
	if e != nil {
		return 0, nil, e
	}
	if hasPassword {
		if e := s.checkPasswordLocked(u, id, password); e != nil {
			return 0, nil, e
		}
		s.setPasswordLocked(u, id, password)
	}
	if hasReset {
		u.profile.PasswordResetRequired = reset
	}
	return http.StatusOK, profileAnswer(*u.profile), nil
}

func (s *Server) deleteLocked(id string) (int, any, *APIError) {
	u, e := s.lookupLocked(id, true)
	if e != nil {
		return 0, nil, e
	}
	u.profile = nil
	u.password = "" // the history stays: reuse prevention outlives the profile
	return http.StatusNoContent, nil, nil
}

// field reads a string or boolean field; present is false when the field is absent. null is of neither type.
func field[T string | bool](fields map[string]json.RawMessage, name string) (value T, present bool, e *APIError) {
	raw, ok := fields[name]
	if !ok {
		return value, false, nil
	}
	if err := json.Unmarshal(raw, &value); err != nil || isNull(raw) {
		kind := "a string"
		if _, isBool := any(value).(bool); isBool {
			kind = "a boolean"
		}
		return value, true, invalidBody("%s must be %s", name, kind)
	}
	return value, true, nil
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// wireProfile is the login_profile of an answer, fields in the service's order.
type wireProfile struct {
	UserID                string `json:"user_id"`
	PasswordResetRequired bool   `json:"password_reset_required"`
	PasswordExpiresAt     string `json:"password_expires_at,omitempty"`
	CreatedAt             string `json:"created_at"`
}

func profileAnswer(p Profile) map[string]any {
	return map[string]any{"login_profile": wireProfile{
		UserID:                p.UserID,
		PasswordResetRequired: p.PasswordResetRequired,
		PasswordExpiresAt:     formatTime(p.PasswordExpiresAt),
		CreatedAt:             formatTime(p.CreatedAt),
	}}
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// record appends a call that did not reach the action (failed or dropped) and logs it.
func (s *Server) record(c Call, e *APIError) {
	s.mu.Lock()
	s.appendCallLocked(c, e, 0)
	s.mu.Unlock()
	s.logCall(c.Action, e, 0)
}

func (s *Server) appendCallLocked(c Call, e *APIError, status int) {
	c.HTTPStatus = status
	if e != nil {
		c.Code, c.HTTPStatus = e.Code, e.HTTPStatus
	}
	if c.Dropped {
		c.HTTPStatus = 0 // nothing answered
	}
	s.calls = append(s.calls, c)
}

// logCall logs the action and the outcome only: never a parameter.
func (s *Server) logCall(action string, e *APIError, status int) {
	if s.logger == nil {
		return
	}
	code := ""
	if e != nil {
		code, status = e.Code, e.HTTPStatus
	}
	s.logger.Info("huawei simulator call", "action", action, "code", code, "httpStatus", status)
}

func writeError(w http.ResponseWriter, requestID string, e *APIError) {
	body := map[string]string{"error_code": e.Code, "error_msg": e.Message, "request_id": requestID}
	if e.Code == CodeAccessDenied {
		body["encoded_authorization_message"] = encodedAuthorizationMessage
	}
	writeJSON(w, requestID, e.HTTPStatus, body)
}

func writeJSON(w http.ResponseWriter, requestID string, status int, body any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		http.Error(w, "encoding the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if requestID != "" {
		w.Header().Set(HeaderRequestID, requestID)
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
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

// newRequestID returns 32 lower-case hex digits, as the service's request ids are.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
