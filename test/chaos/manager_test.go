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

package chaos

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// pollInterval is the manager's --poll-interval: short, so that convergence is observed quickly.
const pollInterval = 2 * time.Second

// startTimeout bounds a manager's start, until its controllers run.
const startTimeout = 2 * time.Minute

// manager runs the manager binary, one process at a time, and kills it.
type manager struct {
	bin        string
	dir        string
	kubeconfig string

	mu   sync.Mutex
	runs int
	cur  *utils.Process
}

// start launches a manager process and returns at once (at the moment it was launched); the
// previous one must have exited.
func (m *manager) start() (*utils.Process, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cur != nil && m.cur.Running() {
		return nil, time.Time{}, fmt.Errorf("manager %s is still running", m.cur.LogPath)
	}
	m.runs++
	launched := time.Now()
	p, err := utils.StartProcess(utils.ProcessOptions{
		Name: "manager", Path: m.bin, LogPath: filepath.Join(m.dir, fmt.Sprintf("manager-%03d.log", m.runs)),
		Args: []string{
			"--kubeconfig", m.kubeconfig,
			"--metrics-bind-address=0",
			"--health-probe-bind-address=0",
			"--poll-interval=" + pollInterval.String(),
		},
	})
	if err != nil {
		return nil, launched, err
	}
	m.cur = p
	return p, launched, nil
}

// current is the last manager process started.
func (m *manager) current() *utils.Process {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cur
}

// kill kills the current manager with SIGKILL and waits for it to exit.
func (m *manager) kill() error {
	p := m.current()
	if p == nil || !p.Running() {
		return fmt.Errorf("no manager running to kill")
	}
	return p.Kill()
}

// stop stops the current manager gracefully, if it runs.
func (m *manager) stop() error {
	p := m.current()
	if p == nil || !p.Running() {
		return nil
	}
	return p.Stop(30 * time.Second)
}

// waitStarted waits, by polling its log, until p's controllers run; an error when p exits first
// or does not start within startTimeout.
func waitStarted(p *utils.Process) error {
	deadline := time.Now().Add(startTimeout)
	for !strings.Contains(p.Log(), "Starting workers") {
		select {
		case <-p.Exited():
			return fmt.Errorf("the manager exited before it started its controllers (%w); its log:\n%s", p.ExitCause(), p.LogTail(30))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the manager did not start its controllers within %s; its log:\n%s", startTimeout, p.LogTail(30))
		}
	}
	return nil
}
