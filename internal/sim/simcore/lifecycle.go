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

package simcore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Lifecycle serves one handler over HTTP: it listens once on a TCP address, closes at once or
// gracefully, and waits out an injected latency unless the server closes meanwhile. Its zero value
// is ready to use.
type Lifecycle struct {
	// Name prefixes its errors, e.g. "alibaba simulator".
	Name string

	initOnce  sync.Once
	closed    chan struct{}
	closeOnce sync.Once

	mu  sync.Mutex
	srv *http.Server
}

func (l *Lifecycle) closedCh() chan struct{} {
	l.initOnce.Do(func() { l.closed = make(chan struct{}) })
	return l.closed
}

// Listen listens on addr (host:port), serves h there and returns the base URL, "http://HOST:PORT".
func (l *Lifecycle) Listen(addr string, h http.Handler) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-l.closedCh():
		return "", errors.New(l.Name + ": closed")
	default:
	}
	if l.srv != nil {
		return "", errors.New(l.Name + ": already listening")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("%s: %w", l.Name, err)
	}
	l.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // a simulator logs nothing it is not asked to
	}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(l.srv)
	return "http://" + ln.Addr().String(), nil
}

// Close stops serving at once: it closes the listener and the connections, and ends the latencies
// being waited out.
func (l *Lifecycle) Close() error {
	l.closeOnce.Do(func() { close(l.closedCh()) })
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.srv == nil {
		return nil
	}
	return l.srv.Close()
}

// Shutdown stops serving gracefully: it ends the latencies being waited out, stops accepting
// connections and waits for the calls in flight to be answered, or ctx to end.
func (l *Lifecycle) Shutdown(ctx context.Context) error {
	l.closeOnce.Do(func() { close(l.closedCh()) })
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.srv == nil {
		return nil
	}
	return l.srv.Shutdown(ctx)
}

// Wait waits d; false when the server closed meanwhile. It does not stop when the client gives
// up: as a real service, a simulator executes a call whose client timed out.
func (l *Lifecycle) Wait(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-l.closedCh():
		return false
	}
}
