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
	"fmt"
	"net"
	"net/url"
	"regexp"
	"time"
)

// Cloudsim is the cloud simulator's binary (cmd/cloudsim) running as a child process. One process
// simulates one cloud (its --cloud flag).
type Cloudsim struct {
	*Process
	// Cloud is the simulated cloud, as the binary names it in its "listening" line: "alibaba" or
	// "huawei".
	Cloud string
	// URL is the simulator's base URL, http://127.0.0.1:PORT.
	URL string
	// AccountID is the account's id, for a cloud whose requests carry it (Huawei Cloud's domain
	// id), as its admin API says; "" otherwise.
	AccountID string
	// Admin is the client of its admin API.
	Admin *SimAdmin
}

// listeningLine is the line cloudsim prints once it listens: "cloudsim: <cloud> <API> simulator
// listening on <url>".
var listeningLine = regexp.MustCompile(`^cloudsim: (\S+) .*simulator listening on (http://\S+)`)

// StartCloudsim starts the simulator binary with args (add --listen 127.0.0.1:0 for a free port,
// --cloud to choose the cloud) and waits until it prints the URL it listens on and its admin API
// answers, which tells the account's id.
func StartCloudsim(bin string, args []string, logPath string, timeout time.Duration) (*Cloudsim, error) {
	type listening struct{ cloud, url string }
	urls := make(chan listening, 1)
	p, err := StartProcess(ProcessOptions{
		Name: "cloudsim", Path: bin, Args: args, LogPath: logPath,
		OnLine: func(line string) {
			if m := listeningLine.FindStringSubmatch(line); m != nil {
				select {
				case urls <- listening{m[1], m[2]}:
				default:
				}
			}
		},
	})
	if err != nil {
		return nil, err
	}
	deadline := time.After(timeout)
	fail := func(what string) (*Cloudsim, error) {
		_ = p.Kill()
		return nil, fmt.Errorf("cloudsim did not print %s within %s; its output:\n%s", what, timeout, p.LogTail(20))
	}
	sim := &Cloudsim{Process: p}
	select {
	case l := <-urls:
		sim.Cloud, sim.URL = l.cloud, l.url
	case <-p.Exited():
		return nil, fmt.Errorf("cloudsim exited before listening (%w); its output:\n%s", p.ExitCause(), p.LogTail(20))
	case <-deadline:
		return fail(`"<cloud> ... simulator listening on http://..."`)
	}
	if sim.Admin, err = NewSimAdmin(sim.URL); err != nil {
		_ = p.Kill()
		return nil, fmt.Errorf("cloudsim's admin API at %s does not answer: %w", sim.URL, err)
	}
	if sim.Admin.Cloud() != sim.Cloud {
		_ = p.Kill()
		return nil, fmt.Errorf("cloudsim printed it simulates %s, its admin API says %s", sim.Cloud, sim.Admin.Cloud())
	}
	sim.AccountID = sim.Admin.AccountID()
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
