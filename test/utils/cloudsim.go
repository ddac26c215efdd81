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

package utils

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
)

// Cloudsim is the cloud simulator's binary (cmd/cloudsim) running as a child process.
type Cloudsim struct {
	*Process
	// URL is the simulator's base URL, http://127.0.0.1:PORT.
	URL string
	// Admin is the client of its admin API.
	Admin *SimAdmin
}

// listeningLine is the line cloudsim prints once it listens.
var listeningLine = regexp.MustCompile(`listening on (http://\S+)`)

// StartCloudsim starts the simulator binary with args (add --listen 127.0.0.1:0 for a free port)
// and waits until it prints the URL it listens on and its admin API answers.
func StartCloudsim(bin string, args []string, logPath string, timeout time.Duration) (*Cloudsim, error) {
	urls := make(chan string, 1)
	p, err := StartProcess(ProcessOptions{
		Name: "cloudsim", Path: bin, Args: args, LogPath: logPath,
		OnLine: func(line string) {
			if m := listeningLine.FindStringSubmatch(line); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		},
	})
	if err != nil {
		return nil, err
	}
	var base string
	select {
	case base = <-urls:
	case <-p.Exited():
		return nil, fmt.Errorf("cloudsim exited before listening (%v); its output:\n%s", p.ExitErr(), p.LogTail(20))
	case <-time.After(timeout):
		_ = p.Kill()
		return nil, fmt.Errorf("cloudsim did not print %q within %s; its output:\n%s", "listening on http://...", timeout, p.LogTail(20))
	}
	sim := &Cloudsim{Process: p, URL: base, Admin: NewSimAdmin(base)}
	if _, err := sim.Admin.Users(); err != nil {
		_ = p.Kill()
		return nil, fmt.Errorf("cloudsim's admin API at %s does not answer: %w", base, err)
	}
	return sim, nil
}

// Port is the simulator's port.
func (c *Cloudsim) Port() string {
	u, err := url.Parse(c.URL)
	if err != nil {
		return ""
	}
	return u.Port()
}

// SimAdmin is a client of the simulator's admin API (/_sim/, see internal/sim/alibaba).
type SimAdmin struct {
	URL  string
	HTTP *http.Client
}

// NewSimAdmin returns a client of the admin API of the simulator at base.
func NewSimAdmin(base string) *SimAdmin {
	return &SimAdmin{URL: strings.TrimSuffix(base, "/"), HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// HTTPError is a non-2xx answer of the admin API.
type HTTPError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, strings.TrimSpace(e.Body))
}

// IsNotFound tells whether err is a 404 of the admin API.
func IsNotFound(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Status == http.StatusNotFound
}

func (s *SimAdmin) do(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &HTTPError{Method: method, Path: path, Status: resp.StatusCode, Body: string(b)}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decoding %q: %w", method, path, b, err)
		}
	}
	return nil
}

// Users lists the users.
func (s *SimAdmin) Users() ([]string, error) {
	var out []string
	return out, s.do(http.MethodGet, "/_sim/users", nil, &out)
}

// AddUser adds a user without login profile.
func (s *SimAdmin) AddUser(upn string) error {
	return s.do(http.MethodPost, "/_sim/users", map[string]string{"userPrincipalName": upn}, nil)
}

// Calls lists the API calls received, in order; a Password value reads "[redacted]".
func (s *SimAdmin) Calls() ([]alibaba.AdminCall, error) {
	var out []alibaba.AdminCall
	return out, s.do(http.MethodGet, "/_sim/calls", nil, &out)
}

// CallsFor lists the calls of action ("" for any) about user upn, in order.
func (s *SimAdmin) CallsFor(action, upn string) ([]alibaba.AdminCall, error) {
	calls, err := s.Calls()
	if err != nil {
		return nil, err
	}
	return FilterCalls(calls, action, upn), nil
}

// FilterCalls keeps the calls of action ("" for any) about user upn.
func FilterCalls(calls []alibaba.AdminCall, action, upn string) []alibaba.AdminCall {
	var out []alibaba.AdminCall
	for _, c := range calls {
		if (action == "" || c.Action == action) && c.Params[alibaba.ParamUserPrincipalName] == upn {
			out = append(out, c)
		}
	}
	return out
}

// Profile returns the login profile of a user; an error for which IsNotFound is true when the user
// or the profile does not exist.
func (s *SimAdmin) Profile(upn string) (*alibaba.AdminProfile, error) {
	var out alibaba.AdminProfile
	if err := s.do(http.MethodGet, "/_sim/users/"+url.PathEscape(upn)+"/profile", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ProfileExists tells whether the user has a login profile.
func (s *SimAdmin) ProfileExists(upn string) (bool, error) {
	_, err := s.Profile(upn)
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// SetProfile changes the fields set in p out of band (drift), as a change in the console would.
func (s *SimAdmin) SetProfile(upn string, p alibaba.AdminProfile) (*alibaba.AdminProfile, error) {
	var out alibaba.AdminProfile
	if err := s.do(http.MethodPut, "/_sim/users/"+url.PathEscape(upn)+"/profile", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// InjectFault adds a fault.
func (s *SimAdmin) InjectFault(f alibaba.AdminFault) error {
	return s.do(http.MethodPost, "/_sim/faults", f, nil)
}

// ClearFaults removes every fault.
func (s *SimAdmin) ClearFaults() error {
	return s.do(http.MethodDelete, "/_sim/faults", nil, nil)
}

// UserResetsPassword: the user logs in to the console and chooses a new password.
func (s *SimAdmin) UserResetsPassword(upn, password string) error {
	return s.do(http.MethodPost, "/_sim/users/"+url.PathEscape(upn)+"/reset-password", map[string]string{"password": password}, nil)
}

// PasswordIs tells whether pw is the user's current password, for a simulator started with
// --password-reuse-prevention 1, the admin API showing no password: the user tries to choose pw as
// the new password, which the simulator refuses as a reuse when, and only when, pw is the current
// one. Beware: when pw is NOT the current password, the attempt succeeds and pw becomes the user's
// password (PasswordResetRequired cleared, LastLoginTime set): use it to assert, at the end of a
// check. The login profile must be Active (an inactive user cannot log in).
func (s *SimAdmin) PasswordIs(upn, pw string) (bool, error) {
	err := s.UserResetsPassword(upn, pw)
	if err == nil {
		return false, nil
	}
	var he *HTTPError
	if errors.As(err, &he) {
		var body struct {
			Code string `json:"code"`
		}
		if json.Unmarshal([]byte(he.Body), &body) == nil && body.Code == alibaba.CodePasswordReused {
			return true, nil
		}
	}
	return false, err
}

// FreeLoopbackPort returns a TCP port free on 127.0.0.1 at the time of the call.
func FreeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// PortFree tells whether addr (host:port) can be listened on now.
func PortFree(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}
