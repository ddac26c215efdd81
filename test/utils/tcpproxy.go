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
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// TCPProxy forwards TCP connections from a loopback port to a target address, and can cut the
// target off: Down drops every connection and refuses new ones until Up, as a network partition
// between a client and a server would. The test suites put it between the manager and the API
// server (the manager's kubeconfig names the proxy), so that the API server becomes unreachable
// for the manager alone.
//
// While down, the proxy keeps listening (so that no other process can take the port) but resets
// every new connection at once (RST): the client sees "connection reset by peer", as with a
// refused connection.
type TCPProxy struct {
	target string
	ln     net.Listener
	wg     sync.WaitGroup

	mu     sync.Mutex
	down   bool
	closed bool
	conns  map[net.Conn]struct{}
	// Counters, for reports.
	accepted, refused, dropped int
}

// TCPProxyStats counts what a TCPProxy did.
type TCPProxyStats struct {
	// Accepted connections were forwarded to the target; Refused ones were reset at once because
	// the proxy was down; Dropped ones were open when Down cut them.
	Accepted, Refused, Dropped int
}

// StartTCPProxy listens on addr (127.0.0.1:0 for a free port) and forwards every connection to
// target (host:port).
func StartTCPProxy(addr, target string) (*TCPProxy, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("tcp proxy: %w", err)
	}
	p := &TCPProxy{target: target, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Addr is the address the proxy listens on, host:port.
func (p *TCPProxy) Addr() string { return p.ln.Addr().String() }

// Target is the address the proxy forwards to.
func (p *TCPProxy) Target() string { return p.target }

// Down drops every open connection and resets the new ones until Up.
func (p *TCPProxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		reset(c)
		delete(p.conns, c)
		p.dropped++
	}
}

// Up forwards new connections again.
func (p *TCPProxy) Up() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// IsDown tells whether the proxy is down.
func (p *TCPProxy) IsDown() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.down
}

// Stats counts the connections so far.
func (p *TCPProxy) Stats() TCPProxyStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return TCPProxyStats{Accepted: p.accepted, Refused: p.refused, Dropped: p.dropped}
}

// Close stops listening, closes every connection and waits for the proxy's goroutines.
func (p *TCPProxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		_ = c.Close()
		delete(p.conns, c)
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *TCPProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// A transient accept error (too many open files): go on after a pause.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		p.mu.Lock()
		switch {
		case p.closed:
			p.mu.Unlock()
			_ = c.Close()
			continue
		case p.down:
			p.refused++
			p.mu.Unlock()
			reset(c)
			continue
		}
		p.accepted++
		p.conns[c] = struct{}{}
		p.mu.Unlock()
		p.wg.Add(1)
		go p.forward(c)
	}
}

// forward connects c to the target and copies both ways until either side closes, or Down or
// Close cuts c.
func (p *TCPProxy) forward(c net.Conn) {
	defer p.wg.Done()
	defer p.forget(c)
	upstream, err := net.DialTimeout("tcp", p.target, 10*time.Second)
	if err != nil {
		reset(c)
		return
	}
	// Down and Close cut the client's side; the upstream side follows when the copies end.
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(upstream, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, upstream); done <- struct{}{} }()
	<-done
	_ = upstream.Close()
	_ = c.Close()
	<-done
}

func (p *TCPProxy) forget(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
}

// reset closes c with an RST rather than a FIN, as a partitioned or refusing peer would look.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}
