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
	"os/exec"
	"strings"
	"sync"
	"syscall"
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
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan struct{}

	mu     sync.Mutex
	events []WatchEvent
	err    error // why the decoding stopped, if not at the end of the output
}

// Watch starts kubectl get args --watch --output-watch-events -o json. Stop it with Stop.
func (k Kubectl) Watch(args ...string) (*Watch, error) {
	full := append([]string{"--kubeconfig", k.Kubeconfig, "get"}, args...)
	full = append(full, "--watch", "--output-watch-events", "-o", "json")
	w := &Watch{cmd: exec.Command(k.Path, full...), done: make(chan struct{})} //nolint:gosec // the kubectl under test
	w.cmd.Stderr = &w.stderr
	w.cmd.SysProcAttr = sysProcAttr()
	out, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := w.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting kubectl get --watch: %w", err)
	}
	go w.read(out)
	return w, nil
}

func (w *Watch) read(out io.Reader) {
	defer close(w.done)
	dec := json.NewDecoder(out)
	for {
		var ev WatchEvent
		if err := dec.Decode(&ev); err != nil {
			if !errors.Is(err, io.EOF) {
				w.mu.Lock()
				w.err = fmt.Errorf("decoding kubectl's watch output: %w", err)
				w.mu.Unlock()
			}
			_, _ = io.Copy(io.Discard, out) // let kubectl finish writing
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
	return fmt.Errorf("kubectl get --watch ended: %s", strings.TrimSpace(w.stderr.String()))
}

// Stop ends the watch.
func (w *Watch) Stop() {
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	<-w.done
	_ = w.cmd.Wait()
}
