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
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
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

// paramNames are the neutral names of the business parameters; the user is named apart.
var paramNames = map[string]string{
	ParamUserPrincipalName: "", ParamPassword: simcore.ParamPassword, ParamStatus: simcore.ParamStatus,
	ParamMFABindRequired: simcore.ParamMFABindRequired, ParamPasswordResetRequired: simcore.ParamPasswordResetRequired,
}

// ops are the actions' operations.
var ops = map[string]simcore.Op{
	ActionGetLoginProfile: simcore.OpGet, ActionCreateLoginProfile: simcore.OpCreate,
	ActionUpdateLoginProfile: simcore.OpUpdate, ActionDeleteLoginProfile: simcore.OpDelete,
	ActionGetPasswordPolicy: simcore.OpGetPasswordPolicy, ActionGetUserMFAInfo: simcore.OpGetMFA,
}

// rpc is the IMS RPC protocol of a Server.
type rpc struct{ s *Server }

// NewRequestID returns an upper-case UUID, as the service's request ids are.
func (rpc) NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// Receive reads the parameters of the query and the form body, and checks the signature, the action and the
// version.
func (p rpc) Receive(r *http.Request) simcore.Request {
	params, parseErr := readParams(r)
	action := params[ParamAction]
	req := simcore.Request{Op: ops[action], Action: action, User: params[ParamUserPrincipalName],
		Params: businessParams(params), Input: params}
	switch {
	case parseErr != nil:
		req.Refused = invalidParameter("query", "the request's parameters are not well formed")
	default:
		req.Refused = p.s.authenticate(r.Method, params)
	}
	if req.Refused != nil {
		return req
	}
	switch {
	case action == "":
		req.Refused = missingParameter(ParamAction)
	case req.Op == "":
		req.Refused = codes.Errorf(CodeInvalidActionNotFound, "Specified api %q is not found, please check your url and method.", action)
	case params[ParamVersion] == "":
		req.Refused = missingParameter(ParamVersion)
	case params[ParamVersion] != APIVersion:
		req.Refused = codes.New(CodeInvalidVersion, "")
	}
	return req
}

// Execute runs the action; the answer's body is without RequestId.
func (rpc) Execute(a simcore.Account, req simcore.Request) (simcore.Answer, error) {
	p := req.Input.(map[string]string)
	if req.Op == simcore.OpGetPasswordPolicy {
		return getPasswordPolicy(a)
	}
	if req.User == "" {
		return simcore.Answer{}, missingParameter(ParamUserPrincipalName)
	}
	var (
		profile simcore.Profile
		err     error
	)
	switch req.Op {
	case simcore.OpGetMFA:
		return getUserMFAInfo(a, req.User)
	case simcore.OpGet:
		profile, err = a.Get(req.User)
	case simcore.OpCreate:
		profile, err = create(a, p)
	case simcore.OpUpdate:
		profile, err = update(a, p)
	case simcore.OpDelete:
		return simcore.Answer{Status: http.StatusOK, Body: map[string]any{}}, a.Delete(req.User)
	}
	if err != nil {
		return simcore.Answer{}, err
	}
	return simcore.Answer{Status: http.StatusOK, Body: map[string]any{"LoginProfile": toWire(profile, req.Op == simcore.OpGet)}}, nil
}

func create(a simcore.Account, p map[string]string) (simcore.Profile, error) {
	if p[ParamPassword] == "" {
		return simcore.Profile{}, missingParameter(ParamPassword)
	}
	status, e := statusParam(p, StatusActive)
	if e != nil {
		return simcore.Profile{}, e
	}
	mfa, e := boolParam(p, ParamMFABindRequired)
	if e != nil {
		return simcore.Profile{}, e
	}
	reset, e := boolParam(p, ParamPasswordResetRequired)
	if e != nil {
		return simcore.Profile{}, e
	}
	return a.Create(simcore.Profile{User: p[ParamUserPrincipalName], Status: status, MFABindRequired: mfa,
		PasswordResetRequired: reset}, p[ParamPassword])
}

func update(a simcore.Account, p map[string]string) (simcore.Profile, error) {
	ch := simcore.Change{Password: p[ParamPassword]}
	status, e := statusParam(p, "")
	if e != nil {
		return simcore.Profile{}, e
	}
	if status != "" {
		ch.Status = &status
	}
	for _, f := range []struct {
		name string
		dst  **bool
	}{{ParamMFABindRequired, &ch.MFABindRequired}, {ParamPasswordResetRequired, &ch.PasswordResetRequired}} {
		if p[f.name] == "" {
			continue
		}
		v, e := boolParam(p, f.name)
		if e != nil {
			return simcore.Profile{}, e
		}
		*f.dst = &v
	}
	return a.Update(p[ParamUserPrincipalName], ch)
}

// WriteAnswer answers the body with its RequestId.
func (rpc) WriteAnswer(w http.ResponseWriter, requestID string, a simcore.Answer) {
	body := a.Body.(map[string]any)
	body["RequestId"] = requestID
	writeJSON(w, requestID, a.Status, body)
}

// WriteError answers an error as IMS does.
func (rpc) WriteError(w http.ResponseWriter, requestID string, e *APIError) {
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
	simcore.WriteJSON(w, status, body, map[string]string{"Content-Type": "application/json;charset=utf-8", "x-acs-request-id": requestID})
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
			return codes.Errorf(CodeIncompleteSignature, "The request signature does not conform to Aliyun standards: the parameter %q is missing.", name)
		}
	}
	if p[ParamSignatureMethod] != "HMAC-SHA1" || p[ParamSignatureVersion] != "1.0" {
		return codes.Errorf(CodeIncompleteSignature, "The request signature does not conform to Aliyun standards: only SignatureMethod HMAC-SHA1 and SignatureVersion 1.0 are supported.")
	}
	if p[ParamSignatureType] != "" {
		return codes.Errorf(CodeIncompleteSignature, "The request signature does not conform to Aliyun standards: SignatureType %q is not supported.", p[ParamSignatureType])
	}
	keyID := p[ParamAccessKeyID]
	secret, ok := s.creds.Secret(keyID)
	if !ok {
		return codes.New(CodeInvalidAccessKeyIDNotFound, "")
	}
	if want, sts := s.creds.Token(keyID); sts {
		if subtle.ConstantTimeCompare([]byte(p[ParamSecurityToken]), []byte(want)) != 1 {
			return codes.New(CodeInvalidSecurityTokenMalformed, "")
		}
	} else if p[ParamSecurityToken] != "" {
		return codes.New(CodeInvalidSecurityTokenMalformed, "")
	}
	// As the real service does, the message echoes the server's string to sign (the SDK compares it with its own
	// to tell a wrong secret from a signing bug). Beware: it contains every parameter, a Password included.
	stringToSign := StringToSign(method, p)
	if !signatureMatches(p[ParamSignature], Sign(stringToSign, secret)) {
		return codes.New(CodeSignatureDoesNotMatch, "Specified signature is not matched with our calculation. server string to sign is:"+stringToSign)
	}
	ts, err := time.Parse(timestampLayout, p[ParamTimestamp])
	if err != nil {
		return codes.New(CodeInvalidTimeStampFormat, "")
	}
	if skew, wall, tooFar := s.creds.Skew(ts); tooFar {
		return codes.Errorf(CodeInvalidTimeStampExpired, "Specified time stamp or date value is expired. The request's Timestamp %s is %s away from the server's wall clock (%s); at most %s is accepted.",
			p[ParamTimestamp], skew.Round(time.Second), wall.UTC().Format(timestampLayout), s.creds.Tolerance())
	}
	if !s.useNonce(keyID, p[ParamSignatureNonce], s.now()) {
		return codes.New(CodeSignatureNonceUsed, "")
	}
	return nil
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

func toWire(p simcore.Profile, withLastLogin bool) wireProfile {
	w := wireProfile{
		UserPrincipalName:     p.User,
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
