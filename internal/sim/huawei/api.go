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
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// Paths of the API.
const (
	usersPrefix        = "/v5/users/"
	profileSuffix      = "/login-profile"
	lastLoginSuffix    = "/last-login"
	passwordPolicyPath = "/v5/password-policy"
	mfaDevicesPath     = "/v5/mfa-devices"
)

// timeLayout is the layout of the times answered, as the service's: 2023-09-13T08:03:10.781Z.
const timeLayout = "2006-01-02T15:04:05.000Z"

// maxBodyBytes bounds a request body.
const maxBodyBytes = 1 << 20

// encodedAuthorizationMessage stands for the encrypted explanation the service adds to PAP5.0001 answers.
const encodedAuthorizationMessage = "c2ltdWxhdGVkLWF1dGhvcml6YXRpb24tbWVzc2FnZQ"

// route maps a method and a (decoded) path to an operation and the user id of the path; ok is false for no API.
// The user id is whatever lies between /v5/users/ and /login-profile or /last-login, slashes included;
// ListMfaDevicesV5 names its user in the query, not the path.
func route(method, path string) (op simcore.Op, userID string, ok bool) {
	switch path {
	case passwordPolicyPath:
		return readRoute(method, simcore.OpGetPasswordPolicy, "")
	case mfaDevicesPath:
		return readRoute(method, simcore.OpGetMFA, "")
	}
	if userID, ok := userInPath(path, lastLoginSuffix); ok {
		return readRoute(method, simcore.OpGetLastLogin, userID)
	}
	userID, ok = userInPath(path, profileSuffix)
	if !ok {
		return "", "", false
	}
	switch method {
	case http.MethodPost:
		op = simcore.OpCreate
	case http.MethodGet:
		op = simcore.OpGet
	case http.MethodPut:
		op = simcore.OpUpdate
	case http.MethodDelete:
		op = simcore.OpDelete
	default:
		return "", "", false
	}
	return op, userID, true
}

// readRoute is the route of an API that has only GET.
func readRoute(method string, op simcore.Op, userID string) (simcore.Op, string, bool) {
	if method != http.MethodGet {
		return "", "", false
	}
	return op, userID, true
}

// userInPath is the user id of a path /v5/users/{user_id}<suffix>; false when the path is not one, or the id
// is empty.
func userInPath(path, suffix string) (string, bool) {
	if len(path) <= len(usersPrefix)+len(suffix) || !strings.HasPrefix(path, usersPrefix) || !strings.HasSuffix(path, suffix) {
		return "", false
	}
	return path[len(usersPrefix) : len(path)-len(suffix)], true
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
	secret, ok := s.creds.Secret(a.accessKeyID)
	if !ok {
		return authFailed("Get secretKey failed,ak:%s,err:ak not exist", a.accessKeyID)
	}
	token := r.Header.Get(HeaderSecurityToken)
	if want, sts := s.creds.Token(a.accessKeyID); sts {
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
	if skew, wall, tooFar := s.creds.Skew(ts); tooFar {
		return authFailed("the X-Sdk-Date %s is %s away from the server's clock (%s); at most %s is accepted",
			sdkDate, skew.Round(time.Second), wall.UTC().Format(DateLayout), s.creds.Tolerance())
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

// paramNames are the neutral names of the body fields.
var paramNames = map[string]string{
	ParamPassword: simcore.ParamPassword, ParamPasswordResetRequired: simcore.ParamPasswordResetRequired,
}

// rest is the IAM v5 REST protocol of a Server.
type rest struct{ s *Server }

// input is a request as Execute reads it: its body's fields, or why the body is not a JSON object, and its query.
type input struct {
	fields map[string]json.RawMessage
	err    error
	query  url.Values
}

// NewRequestID returns 32 lower-case hex digits, as the service's request ids are.
func (rest) NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Receive routes the request, reads its body and authenticates it. The user of ListMfaDevicesV5 is its user_id
// query parameter, and its other query parameters are recorded with the body's fields.
func (p rest) Receive(r *http.Request) simcore.Request {
	op, userID, known := route(r.Method, r.URL.Path)
	query := r.URL.Query()
	raw, readErr := readBody(r)
	fields, bodyErr := parseBody(raw)
	params := callParams(fields)
	if op == simcore.OpGetMFA {
		userID = query.Get(QueryUserID)
		for _, name := range []string{QueryLimit, QueryMarker} {
			if query.Has(name) {
				params[name] = query.Get(name)
			}
		}
	}
	req := simcore.Request{Op: op, Action: actions[op], User: userID, Params: params, Input: input{fields, bodyErr, query}}
	switch {
	case !known:
		req.Refused = codes.Errorf(CodeAPINotFound, "The API does not exist or has not been published in the environment: %s %s.", r.Method, r.URL.Path)
	case readErr != nil:
		req.Refused = invalidBody("%v", readErr)
	default:
		req.Refused = p.s.authenticate(r, raw)
	}
	return req
}

// Execute runs the action: the answer's body is the login profile (none for a delete), or what the login
// lifecycle's reads answer (see login.go).
func (p rest) Execute(a simcore.Account, req simcore.Request) (simcore.Answer, error) {
	in := req.Input.(input)
	if in.err != nil && (req.Op == simcore.OpCreate || req.Op == simcore.OpUpdate) {
		return simcore.Answer{}, invalidBody("%v", in.err)
	}
	switch req.Op {
	case simcore.OpGetPasswordPolicy:
		return showPasswordPolicy(a)
	case simcore.OpGetMFA:
		return listMFADevices(a, p.s.domainID, req.User, in.query)
	case simcore.OpGetLastLogin:
		return showLastLogin(a, req.User)
	}
	var (
		profile simcore.Profile
		err     error
		status  = http.StatusOK
	)
	switch req.Op {
	case simcore.OpGet:
		profile, err = a.Get(req.User)
		if p.s.emptyShow && isKind(err, simcore.ProfileNotFound) {
			return simcore.Answer{Status: http.StatusOK, Body: map[string]any{}}, nil
		}
	case simcore.OpCreate:
		profile, err = create(a, req.User, in.fields)
		status = http.StatusCreated
	case simcore.OpUpdate:
		profile, err = update(a, req.User, in.fields)
	case simcore.OpDelete:
		return simcore.Answer{Status: http.StatusNoContent}, a.Delete(req.User)
	}
	if err != nil {
		return simcore.Answer{}, err
	}
	return simcore.Answer{Status: status, Body: profileAnswer(profile)}, nil
}

func isKind(err error, k simcore.Kind) bool {
	var e *simcore.Error
	return errors.As(err, &e) && e.Kind == k
}

func create(a simcore.Account, id string, fields map[string]json.RawMessage) (simcore.Profile, error) {
	if fields == nil {
		return simcore.Profile{}, invalidBody("password and password_reset_required are required")
	}
	password, present, e := field[string](fields, ParamPassword)
	switch {
	case e != nil:
		return simcore.Profile{}, e
	case !present || password == "":
		return simcore.Profile{}, invalidBody("password is required")
	}
	reset, present, e := field[bool](fields, ParamPasswordResetRequired)
	switch {
	case e != nil:
		return simcore.Profile{}, e
	case !present:
		return simcore.Profile{}, invalidBody("password_reset_required is required")
	}
	return a.Create(simcore.Profile{User: id, PasswordResetRequired: reset}, password)
}

func update(a simcore.Account, id string, fields map[string]json.RawMessage) (simcore.Profile, error) {
	password, hasPassword, e := field[string](fields, ParamPassword)
	if e != nil {
		return simcore.Profile{}, e
	}
	if hasPassword && password == "" {
		return simcore.Profile{}, invalidBody("password must not be empty")
	}
	reset, hasReset, e := field[bool](fields, ParamPasswordResetRequired)
	if e != nil {
		return simcore.Profile{}, e
	}
	ch := simcore.Change{Password: password}
	if hasReset {
		ch.PasswordResetRequired = &reset
	}
	return a.Update(id, ch)
}

// WriteAnswer answers the body, or only the status and the request id.
func (rest) WriteAnswer(w http.ResponseWriter, requestID string, a simcore.Answer) {
	if a.Body == nil {
		w.Header().Set(HeaderRequestID, requestID)
		w.WriteHeader(a.Status)
		return
	}
	writeJSON(w, requestID, a.Status, a.Body)
}

// WriteError answers an error as IAM does.
func (rest) WriteError(w http.ResponseWriter, requestID string, e *APIError) {
	body := map[string]string{"error_code": e.Code, "error_msg": e.Message, "request_id": requestID}
	if e.Code == CodeAccessDenied {
		body["encoded_authorization_message"] = encodedAuthorizationMessage
	}
	writeJSON(w, requestID, e.HTTPStatus, body)
}

func writeJSON(w http.ResponseWriter, requestID string, status int, body any) {
	simcore.WriteJSON(w, status, body, map[string]string{"Content-Type": "application/json;charset=UTF-8", HeaderRequestID: requestID})
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

func profileAnswer(p simcore.Profile) map[string]any {
	return map[string]any{"login_profile": wireProfile{
		UserID:                p.User,
		PasswordResetRequired: p.PasswordResetRequired,
		PasswordExpiresAt:     formatTime(p.PasswordExpiresAt),
		CreatedAt:             formatTime(p.CreateDate),
	}}
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}
