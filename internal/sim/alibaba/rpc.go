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
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Parameter names of the RPC protocol.
const (
	ParamAction            = "Action"
	ParamVersion           = "Version"
	ParamFormat            = "Format"
	ParamAccessKeyID       = "AccessKeyId"
	ParamSignature         = "Signature"
	ParamSignatureMethod   = "SignatureMethod"
	ParamSignatureVersion  = "SignatureVersion"
	ParamSignatureNonce    = "SignatureNonce"
	ParamSignatureType     = "SignatureType"
	ParamTimestamp         = "Timestamp"
	ParamRegionID          = "RegionId"
	ParamSecurityToken     = "SecurityToken"
	ParamBearerToken       = "BearerToken"
	ParamUserPrincipalName = "UserPrincipalName"
	ParamPassword          = "Password"
	ParamStatus            = "Status"
	ParamMFABindRequired   = "MFABindRequired"
	// ParamPasswordResetRequired is the flag that makes the user choose a new password at the next login.
	ParamPasswordResetRequired = "PasswordResetRequired"
)

// commonParams are the protocol's parameters, left out of Call.Params.
var commonParams = map[string]bool{
	ParamAction: true, ParamVersion: true, ParamFormat: true, ParamAccessKeyID: true, ParamSignature: true,
	ParamSignatureMethod: true, ParamSignatureVersion: true, ParamSignatureNonce: true, ParamSignatureType: true,
	ParamTimestamp: true, ParamRegionID: true, ParamSecurityToken: true, ParamBearerToken: true,
}

// timestampLayout is the layout of the Timestamp parameter and of the dates answered.
const timestampLayout = "2006-01-02T15:04:05Z"

// maxBodyBytes bounds a form body.
const maxBodyBytes = 1 << 20

// adminPrefix is the path prefix of the admin API.
const adminPrefix = "/_sim/"

// ServeHTTP answers the IMS RPC API on every path but /_sim/, where the admin API is.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.admin.ServeHTTP(w, r)
		return
	}
	s.serveRPC(w, r)
}

func (s *Server) serveRPC(w http.ResponseWriter, r *http.Request) {
	received := s.now()
	requestID := newRequestID()
	params, parseErr := readParams(r)
	call := Call{Action: params[ParamAction], Params: businessParams(params), Time: received, RequestID: requestID}

	if !s.life.Wait(s.currentLatency()) {
		return // closed meanwhile
	}
	fail := func(e *APIError) {
		s.record(call, e)
		writeError(w, requestID, e)
	}
	if parseErr != nil {
		fail(invalidParameter("query", "the request's parameters are not well formed"))
		return
	}
	if e := s.authenticate(r.Method, params); e != nil {
		fail(e)
		return
	}
	action := params[ParamAction]
	switch {
	case action == "":
		fail(missingParameter(ParamAction))
		return
	case !knownAction(action):
		fail(errorf(CodeInvalidActionNotFound, "Specified api %q is not found, please check your url and method.", action))
		return
	case params[ParamVersion] == "":
		fail(missingParameter(ParamVersion))
		return
	case params[ParamVersion] != APIVersion:
		fail(newError(CodeInvalidVersion, ""))
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
			_, e := s.executeLocked(action, params)
			s.appendCallLocked(call, e)
			s.mu.Unlock()
			s.logCall(call.Action, e)
			dropConnection(w)
			return
		}
		if f.Code != "" {
			fail(&APIError{Code: f.Code, HTTPStatus: f.HTTPStatus, Message: f.Message})
			return
		}
	}
	if !s.allow(action) {
		fail(newError(CodeThrottlingUser, ""))
		return
	}

	s.mu.Lock()
	body, e := s.executeLocked(action, params)
	s.appendCallLocked(call, e)
	s.mu.Unlock()
	s.logCall(call.Action, e)
	if e != nil {
		writeError(w, requestID, e)
		return
	}
	body["RequestId"] = requestID
	writeJSON(w, requestID, http.StatusOK, body)
}

func knownAction(a string) bool {
	switch a {
	case ActionGetLoginProfile, ActionCreateLoginProfile, ActionUpdateLoginProfile, ActionDeleteLoginProfile:
		return true
	}
	return false
}

// readParams merges the query string and a form body; the query wins on a key found in both, the first value wins
// on a repeated key.
func readParams(r *http.Request) (map[string]string, error) {
	params := map[string]string{}
	var firstErr error
	add := func(raw string) {
		values, err := url.ParseQuery(raw)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		for k, v := range values {
			if _, ok := params[k]; !ok && len(v) > 0 {
				params[k] = v[0]
			}
		}
	}
	add(r.URL.RawQuery)
	if r.Body != nil && isForm(r.Header.Get("Content-Type")) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		switch {
		case err != nil:
			return params, err
		case len(body) > maxBodyBytes:
			return params, fmt.Errorf("body larger than %d bytes", maxBodyBytes)
		}
		add(string(body))
	}
	return params, firstErr
}

func isForm(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

func businessParams(params map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range params {
		if !commonParams[k] {
			out[k] = v
		}
	}
	return out
}

// authenticate checks the signature, the access key, the STS token, the timestamp and the nonce.
func (s *Server) authenticate(method string, p map[string]string) *APIError {
	for _, name := range []string{ParamAccessKeyID, ParamSignature, ParamSignatureMethod, ParamSignatureVersion, ParamSignatureNonce, ParamTimestamp} {
		if p[name] == "" {
			return errorf(CodeIncompleteSignature, "The request signature does not conform to Aliyun standards: the parameter %q is missing.", name)
		}
	}
	if p[ParamSignatureMethod] != "HMAC-SHA1" || p[ParamSignatureVersion] != "1.0" {
		return errorf(CodeIncompleteSignature, "The request signature does not conform to Aliyun standards: only SignatureMethod HMAC-SHA1 and SignatureVersion 1.0 are supported.")
	}
	if p[ParamSignatureType] != "" {
		return errorf(CodeIncompleteSignature, "The request signature does not conform to Aliyun standards: SignatureType %q is not supported.", p[ParamSignatureType])
	}
	keyID := p[ParamAccessKeyID]
	secret, ok := s.accessKeys[keyID]
	if !ok {
		return newError(CodeInvalidAccessKeyIDNotFound, "")
	}
	if want, sts := s.tokens[keyID]; sts {
		if subtle.ConstantTimeCompare([]byte(p[ParamSecurityToken]), []byte(want)) != 1 {
			return newError(CodeInvalidSecurityTokenMalformed, "")
		}
	} else if p[ParamSecurityToken] != "" {
		return newError(CodeInvalidSecurityTokenMalformed, "")
	}
	// As the real service does, the message echoes the server's string to sign (the SDK compares it with its own
	// to tell a wrong secret from a signing bug). Beware: it contains every parameter, a Password included.
	stringToSign := StringToSign(method, p)
	if !signatureMatches(p[ParamSignature], Sign(stringToSign, secret)) {
		return newError(CodeSignatureDoesNotMatch, "Specified signature is not matched with our calculation. server string to sign is:"+stringToSign)
	}
	ts, err := time.Parse(timestampLayout, p[ParamTimestamp])
	if err != nil {
		return newError(CodeInvalidTimeStampFormat, "")
	}
	if wall := s.wall(); s.tolerance > 0 && wall.Sub(ts).Abs() > s.tolerance {
		return errorf(CodeInvalidTimeStampExpired, "Specified time stamp or date value is expired. The request's Timestamp %s is %s away from the server's wall clock (%s); at most %s is accepted.",
			p[ParamTimestamp], wall.Sub(ts).Abs().Round(time.Second), wall.UTC().Format(timestampLayout), s.tolerance)
	}
	if !s.useNonce(keyID, p[ParamSignatureNonce], s.now()) {
		return newError(CodeSignatureNonceUsed, "")
	}
	return nil
}

// executeLocked runs an action; it returns the answer's body, without RequestId.
func (s *Server) executeLocked(action string, p map[string]string) (map[string]any, *APIError) {
	switch action {
	case ActionGetLoginProfile:
		return s.getLocked(p)
	case ActionCreateLoginProfile:
		return s.createLocked(p)
	case ActionUpdateLoginProfile:
		return s.updateLocked(p)
	case ActionDeleteLoginProfile:
		return s.deleteLocked(p)
	}
	return nil, newError(CodeInvalidActionNotFound, "")
}

// lookupLocked finds a user, and its profile when wantProfile.
func (s *Server) lookupLocked(upn string, wantProfile bool) (*user, *APIError) {
	u, ok := s.users[upn]
	if !ok {
		return nil, newError(CodeEntityNotExistUser, "")
	}
	if wantProfile && u.profile == nil {
		return nil, newError(CodeEntityNotExistLoginProfile, "")
	}
	return u, nil
}

func (s *Server) getLocked(p map[string]string) (map[string]any, *APIError) {
	upn := p[ParamUserPrincipalName]
	if upn == "" {
		return nil, missingParameter(ParamUserPrincipalName)
	}
	u, e := s.lookupLocked(upn, true)
	if e != nil {
		return nil, e
	}
	return map[string]any{"LoginProfile": toWire(*u.profile, true)}, nil
}

func (s *Server) createLocked(p map[string]string) (map[string]any, *APIError) {
	upn, password := p[ParamUserPrincipalName], p[ParamPassword]
	if upn == "" {
		return nil, missingParameter(ParamUserPrincipalName)
	}
	if password == "" {
		return nil, missingParameter(ParamPassword)
	}
	status, e := statusParam(p, StatusActive)
	if e != nil {
		return nil, e
	}
	mfa, e := boolParam(p, ParamMFABindRequired)
	if e != nil {
		return nil, e
	}
	reset, e := boolParam(p, ParamPasswordResetRequired)
	if e != nil {
		return nil, e
	}
	u, e := s.lookupLocked(upn, false)
	if e != nil {
		return nil, e
	}
	if u.profile != nil {
		return nil, newError(CodeEntityAlreadyExistsLoginProfile, "")
	}
	if e := s.checkPasswordLocked(u, upn, password); e != nil {
		return nil, e
	}
	now := s.timestamp()
	u.profile = &Profile{
		UserPrincipalName:     upn,
		Status:                status,
		MFABindRequired:       mfa,
		PasswordResetRequired: reset,
		CreateDate:            now,
		UpdateDate:            now,
	}
	u.setPassword(upn, password)
	return map[string]any{"LoginProfile": toWire(*u.profile, false)}, nil
}

func (s *Server) updateLocked(p map[string]string) (map[string]any, *APIError) {
	upn := p[ParamUserPrincipalName]
	if upn == "" {
		return nil, missingParameter(ParamUserPrincipalName)
	}
	status, e := statusParam(p, "")
	if e != nil {
		return nil, e
	}
	var mfa, reset *bool
	if p[ParamMFABindRequired] != "" {
		v, e := boolParam(p, ParamMFABindRequired)
		if e != nil {
			return nil, e
		}
		mfa = &v
	}
	if p[ParamPasswordResetRequired] != "" {
		v, e := boolParam(p, ParamPasswordResetRequired)
		if e != nil {
			return nil, e
		}
		reset = &v
	}
	u, e := s.lookupLocked(upn, true)
	if e != nil {
		return nil, e
	}
	password := p[ParamPassword]
	if password != "" {
		if e := s.checkPasswordLocked(u, upn, password); e != nil {
			return nil, e
		}
		u.setPassword(upn, password)
	}
	if status != "" {
		u.profile.Status = status
	}
	if mfa != nil {
		u.profile.MFABindRequired = *mfa
	}
	if reset != nil {
		u.profile.PasswordResetRequired = *reset
	}
	u.profile.UpdateDate = s.timestamp()
	return map[string]any{"LoginProfile": toWire(*u.profile, false)}, nil
}

func (s *Server) deleteLocked(p map[string]string) (map[string]any, *APIError) {
	upn := p[ParamUserPrincipalName]
	if upn == "" {
		return nil, missingParameter(ParamUserPrincipalName)
	}
	u, e := s.lookupLocked(upn, true)
	if e != nil {
		return nil, e
	}
	u.profile = nil
	u.password = "" // the history stays: reuse prevention outlives the profile
	return map[string]any{}, nil
}

// statusParam reads Status; def when absent.
func statusParam(p map[string]string, def string) (string, *APIError) {
	switch v := p[ParamStatus]; v {
	case "":
		return def, nil
	case StatusActive, StatusInactive:
		return v, nil
	}
	return "", invalidParameter(ParamStatus, "it must be Active or Inactive.")
}

// boolParam reads a boolean sent as "true" or "false"; false when absent.
func boolParam(p map[string]string, name string) (bool, *APIError) {
	switch strings.ToLower(p[name]) {
	case "true":
		return true, nil
	case "", "false":
		return false, nil
	}
	return false, invalidParameter(name, "it must be true or false.")
}

// wireProfile is the LoginProfile of an answer.
type wireProfile struct {
	UserPrincipalName     string `json:"UserPrincipalName"`
	Status                string `json:"Status"`
	MFABindRequired       bool   `json:"MFABindRequired"`
	PasswordResetRequired bool   `json:"PasswordResetRequired"`
	CreateDate            string `json:"CreateDate"`
	UpdateDate            string `json:"UpdateDate"`
	LastLoginTime         string `json:"LastLoginTime,omitempty"`
}

func toWire(p Profile, withLastLogin bool) wireProfile {
	w := wireProfile{
		UserPrincipalName:     p.UserPrincipalName,
		Status:                p.Status,
		MFABindRequired:       p.MFABindRequired,
		PasswordResetRequired: p.PasswordResetRequired,
		CreateDate:            formatTime(p.CreateDate),
		UpdateDate:            formatTime(p.UpdateDate),
	}
	if withLastLogin {
		w.LastLoginTime = formatTime(p.LastLoginTime)
	}
	return w
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timestampLayout)
}

func (s *Server) record(c Call, e *APIError) {
	s.mu.Lock()
	s.appendCallLocked(c, e)
	s.mu.Unlock()
	s.logCall(c.Action, e)
}

func (s *Server) appendCallLocked(c Call, e *APIError) {
	c.HTTPStatus = http.StatusOK
	if e != nil {
		c.Code, c.HTTPStatus = e.Code, e.HTTPStatus
	}
	if c.Dropped {
		c.HTTPStatus = 0 // nothing answered
	}
	s.calls = append(s.calls, c)
}

// logCall logs the action and the outcome only: never a parameter.
func (s *Server) logCall(action string, e *APIError) {
	if s.logger == nil {
		return
	}
	code, status := "", http.StatusOK
	if e != nil {
		code, status = e.Code, e.HTTPStatus
	}
	s.logger.Info("alibaba simulator call", "action", action, "code", code, "httpStatus", status)
}

func writeError(w http.ResponseWriter, requestID string, e *APIError) {
	writeJSON(w, requestID, e.HTTPStatus, map[string]any{
		// Every field is a string: the SDK panics on anything else.
		"RequestId": requestID,
		"HostId":    HostID,
		"Code":      e.Code,
		"Message":   e.Message,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.Code) + "&product=Ims&requestId=" + requestID,
	})
}

func writeJSON(w http.ResponseWriter, requestID string, status int, body any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		http.Error(w, "encoding the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if requestID != "" {
		w.Header().Set("x-acs-request-id", requestID)
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

// newRequestID returns an upper-case UUID, as the service's request ids are.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}
