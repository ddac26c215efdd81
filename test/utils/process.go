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

// Package utils holds the helpers shared by the end-to-end tests (test/e2e) and the demo
// (hack/demo): child processes with their output in a log file, kubectl, a local control plane
// and the cloud simulator's binary with its admin API.
package utils

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ProcessOptions says how to start a Process.
type ProcessOptions struct {
	// Name is how the process is called in errors ("manager", "cloudsim").
	Name string
	// Path is the binary.
	Path string
	// Args are the command-line arguments.
	Args []string
	// LogPath is the file that receives stdout and stderr, created or truncated.
	LogPath string
	// Env is added to the environment of the current process.
	Env []string
	// OnLine, when set, is called with every line the process prints (stdout and stderr).
	OnLine func(line string)
}

// Process is a binary run as a child process, its stdout and stderr going to a log file. The child
// is killed when the process that started it dies (on Linux), so a crashed test leaves nothing
// behind.
type Process struct {
	Name    string
	LogPath string

	cmd     *exec.Cmd
	logFile *os.File
	done    chan struct{}
	waitErr error
}

// StartProcess starts a binary.
func StartProcess(o ProcessOptions) (*Process, error) {
	if o.Name == "" {
		o.Name = filepath.Base(o.Path)
	}
	if _, err := os.Stat(o.Path); err != nil {
		return nil, fmt.Errorf("%s: binary %s: %w", o.Name, o.Path, err)
	}
	if err := os.MkdirAll(filepath.Dir(o.LogPath), 0o750); err != nil {
		return nil, fmt.Errorf("%s: creating the log directory: %w", o.Name, err)
	}
	logFile, err := os.OpenFile(o.LogPath, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: creating the log file: %w", o.Name, err)
	}
	cmd := exec.Command(o.Path, o.Args...) //nolint:gosec // the binaries under test
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.SysProcAttr = sysProcAttr()
	var out io.Writer = logFile
	var lines *lineWriter
	if o.OnLine != nil {
		lines = &lineWriter{onLine: o.OnLine}
		out = io.MultiWriter(logFile, lines)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("%s: starting %s: %w", o.Name, o.Path, err)
	}
	p := &Process{Name: o.Name, LogPath: o.LogPath, cmd: cmd, logFile: logFile, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		if lines != nil {
			lines.flush()
		}
		_ = logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.done }

// Running tells whether the process is still running.
func (p *Process) Running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// ExitErr is how the process ended (nil for exit code 0); valid once Exited is closed.
func (p *Process) ExitErr() error {
	<-p.done
	return p.waitErr
}

// ErrExitStatus0 is ExitCause for a process that exited with code 0, worded as an *exec.ExitError
// words the other codes.
var ErrExitStatus0 = errors.New("exit status 0")

// ExitCause is how the process ended as an error to wrap (%w): ExitErr, or ErrExitStatus0 where
// ExitErr is nil (exit code 0); valid once Exited is closed.
func (p *Process) ExitCause() error {
	if err := p.ExitErr(); err != nil {
		return err
	}
	return ErrExitStatus0
}

// Stop asks the process to stop (SIGTERM) and waits up to grace for it to exit, then kills it.
// It returns nil when the process exited with code 0 after the signal.
func (p *Process) Stop(grace time.Duration) error {
	if !p.Running() {
		return p.exitError()
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("%s: sending SIGTERM: %w", p.Name, err)
	}
	select {
	case <-p.done:
		return p.exitError()
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s (pid %d) did not stop within %s of SIGTERM: killed", p.Name, p.Pid(), grace)
	}
}

// Kill kills the process at once (SIGKILL), as a crash or an evicted pod would end it, and waits
// for it to exit.
func (p *Process) Kill() error {
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("%s: sending SIGKILL: %w", p.Name, err)
	}
	<-p.done
	return nil
}

func (p *Process) exitError() error {
	<-p.done
	if p.waitErr != nil {
		return fmt.Errorf("%s (pid %d) exited: %w", p.Name, p.Pid(), p.waitErr)
	}
	return nil
}

// Log returns what the process printed so far.
func (p *Process) Log() string {
	b, err := os.ReadFile(p.LogPath)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", p.LogPath, err)
	}
	return string(b)
}

// LogTail returns the last n lines the process printed.
func (p *Process) LogTail(n int) string { return Tail(p.Log(), n) }

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// lineWriter calls onLine with each complete line written to it.
type lineWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	onLine func(string)
}

func (w *lineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(b)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil { // no complete line: keep the rest
			w.buf.Reset()
			w.buf.WriteString(line)
			return len(b), nil
		}
		w.onLine(strings.TrimRight(line, "\r\n"))
	}
}

func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() > 0 {
		sc := bufio.NewScanner(&w.buf)
		for sc.Scan() {
			w.onLine(sc.Text())
		}
		w.buf.Reset()
	}
}
