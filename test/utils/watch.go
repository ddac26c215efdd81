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
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// WatchEvent is one event kubectl printed with --watch --output-watch-events -o json.
type WatchEvent struct {
	// Type is ADDED, MODIFIED or DELETED.
	Type string `json:"type"`
	// Object is the object as the API server sent it, to be decoded by the caller (for instance
	// with int64 numbers, as kstatus needs).
	Object json.RawMessage `json:"object"`
}

// Watch is a running `kubectl get --watch`: it records every event the API server sends, in
// order. Unlike polling, it misses no intermediate state: every write of the object is an event.
type Watch struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when kubectl has exited and its output is read

	mu      sync.Mutex
	events  []WatchEvent
	stderr  []string // kubectl's stderr, its request log included (-v=6)
	watched bool     // kubectl's watch request was answered: no later write can be missed
	err     error    // why the decoding stopped, if not at the end of the output
}

// Watch starts kubectl get args --watch --output-watch-events -o json; it returns once the API
// server has answered kubectl's watch request, so that every write made afterwards is seen as an
// event (and no object created afterwards shows up in kubectl's initial list). Stop it with Stop.
func (k Kubectl) Watch(timeout time.Duration, args ...string) (*Watch, error) {
	full := append([]string{"--kubeconfig", k.Kubeconfig, "get"}, args...)
	// -v=6 logs each request with its answer: the watch request's answer is the sign to go on.
	full = append(full, "--watch", "--output-watch-events", "-o", "json", "-v=6")
	w := &Watch{cmd: exec.Command(k.Path, full...), done: make(chan struct{})} //nolint:gosec // the kubectl under test
	w.cmd.SysProcAttr = sysProcAttr()
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := w.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := w.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting kubectl get --watch: %w", err)
	}
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { defer readers.Done(); w.readEvents(stdout) }()
	go func() { defer readers.Done(); w.readStderr(stderr) }()
	go func() {
		readers.Wait() // the pipes must be read to their end before Wait closes them
		_ = w.cmd.Wait()
		close(w.done)
	}()

	deadline := time.After(timeout)
	for {
		w.mu.Lock()
		watched := w.watched
		w.mu.Unlock()
		if watched {
			return w, nil
		}
		select {
		case <-w.done:
			return nil, w.Err()
		case <-deadline:
			w.Stop()
			return nil, fmt.Errorf("kubectl get --watch: no answer to the watch request within %s:\n%s", timeout, w.stderrTail())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// watchAnswered matches kubectl's -v=6 log line of an answered watch request (client-go logs
// "Response" verb="GET" url="...&watch=true" status="200 OK" milliseconds=N).
var watchAnswered = regexp.MustCompile(`[?&]watch=true\b.*\b200 OK`)

func (w *Watch) readStderr(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		w.mu.Lock()
		w.stderr = append(w.stderr, line)
		if watchAnswered.MatchString(line) {
			w.watched = true
		}
		w.mu.Unlock()
	}
}

func (w *Watch) readEvents(r io.Reader) {
	dec := json.NewDecoder(r)
	for {
		var ev WatchEvent
		if err := dec.Decode(&ev); err != nil {
			if !errors.Is(err, io.EOF) {
				w.mu.Lock()
				w.err = fmt.Errorf("decoding kubectl's watch output: %w", err)
				w.mu.Unlock()
			}
			_, _ = io.Copy(io.Discard, r) // let kubectl finish writing
			return
		}
		w.mu.Lock()
		w.events = append(w.events, ev)
		w.mu.Unlock()
	}
}

// Events returns the events received so far.
func (w *Watch) Events() []WatchEvent {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]WatchEvent(nil), w.events...)
}

// Err tells why the watch ended early: kubectl exited, or its output could not be decoded. It is
// nil while the watch runs.
func (w *Watch) Err() error {
	select {
	case <-w.done:
	default:
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	return fmt.Errorf("kubectl get --watch ended: %s", strings.Join(w.stderr[max(0, len(w.stderr)-5):], "\n"))
}

func (w *Watch) stderrTail() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.stderr[max(0, len(w.stderr)-10):], "\n")
}

// Stop ends the watch: SIGTERM, then SIGKILL if kubectl has not exited within 10 seconds.
func (w *Watch) Stop() {
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(10 * time.Second):
		_ = w.cmd.Process.Kill()
		<-w.done
	}
}
