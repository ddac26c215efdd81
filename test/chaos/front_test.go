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
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// front serves a simulator over HTTP on a loopback port with two disturbances of its own:
//
//   - a latency drawn uniformly up to maxLatency before every call reaches the simulator, so that
//     calls are in flight long enough for a kill to land between a call and its status write (a
//     call whose client was killed meanwhile still reaches the simulator, as a real cloud
//     executes a request whose client went away);
//   - while a fault rate is set, each call draws whether it fails, and how (fault503, faultDrop,
//     faultAnswerLost, equally likely), through the simulator's own fault injection (a fault of
//     one call, injected just before the call).
//
// The calls reach the simulator one at a time, so that an injected fault hits the call it was
// drawn for, and the n-th call served is the n-th of the simulator's call log: the front
// remembers which fault each call took (the log tells a dropped call from an answer lost only by
// the fault's kind).
type front struct {
	sim        simulator
	maxLatency time.Duration
	srv        *http.Server
	url        string
	closed     chan struct{}

	rngMu sync.Mutex
	rng   *rand.Rand

	mu        sync.Mutex // serialises the calls to the simulator; guards the fields below
	faultRate float64
	served    int               // calls served since the last reset: the index of the next one in the log
	faults    map[int]faultKind // by index in the simulator's call log
	counts    map[faultKind]int // faults injected since the last reset
}

func startFront(sim simulator, maxLatency time.Duration, seed uint64) (*front, error) {
	f := &front{
		sim: sim, maxLatency: maxLatency, closed: make(chan struct{}),
		rng:    rand.New(rand.NewPCG(seed, 0x66726f6e74)),
		faults: map[int]faultKind{}, counts: map[faultKind]int{},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 30 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	f.url = "http://" + ln.Addr().String()
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

func (f *front) close() {
	close(f.closed)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		_ = f.srv.Close()
	}
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sim/") {
		http.Error(w, "the chaos front serves no admin API", http.StatusNotFound)
		return
	}
	if d := f.latency(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-f.closed:
			t.Stop()
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	kind := f.drawFault()
	if kind != noFault {
		f.sim.injectFault(kind)
		f.faults[f.served] = kind
		f.counts[kind]++
		// A call that does not reach the fault (refused before it) must not leave it to the next.
		defer f.sim.ClearFaults()
	}
	f.served++
	f.sim.ServeHTTP(w, r)
}

func (f *front) latency() time.Duration {
	if f.maxLatency <= 0 {
		return 0
	}
	f.rngMu.Lock()
	defer f.rngMu.Unlock()
	return time.Duration(f.rng.Int64N(int64(f.maxLatency)))
}

// drawFault draws the fault of one call; f.mu is held.
func (f *front) drawFault() faultKind {
	if f.faultRate <= 0 {
		return noFault
	}
	f.rngMu.Lock()
	defer f.rngMu.Unlock()
	if f.rng.Float64() >= f.faultRate {
		return noFault
	}
	return []faultKind{fault503, faultDrop, faultAnswerLost}[f.rng.IntN(3)]
}

// setFaultRate sets the share of calls that fail; 0 stops the faults.
func (f *front) setFaultRate(rate float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faultRate = rate
}

// reset forgets the simulator's calls and the faults injected.
func (f *front) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sim.ResetCalls()
	f.served = 0
	f.faults = map[int]faultKind{}
	f.counts = map[faultKind]int{}
}

// calls is the simulator's call log since the last reset, each call with the fault it took.
func (f *front) calls() ([]call, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.sim.calls()
	if len(calls) != f.served {
		return calls, fmt.Errorf("the simulator logged %d calls, the front served %d: the faults cannot be told apart", len(calls), f.served)
	}
	for i := range calls {
		calls[i].fault = f.faults[i]
	}
	return calls, nil
}

// faultCounts is how many faults of each kind were injected since the last reset.
func (f *front) faultCounts() map[faultKind]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[faultKind]int, len(f.counts))
	for k, n := range f.counts {
		out[k] = n
	}
	return out
}
