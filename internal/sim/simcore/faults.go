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
	"slices"
	"time"
)

// Fault makes matching calls fail. It applies to calls the protocol admitted (authenticated, of
// a known action), before the quota.
type Fault struct {
	// Action is the call to fail: the cloud's name of it or the Op; "" means any call.
	Action string
	// Code, HTTPStatus and Message are the error answered. HTTPStatus 0 means the code's status in
	// the cloud's table; an empty Message means the code's usual message. An empty Code answers no
	// error (a latency-only fault).
	Code       string
	HTTPStatus int
	Message    string
	// Times is how many calls fail; 0 means every call until ClearFaults.
	Times int
	// Latency is extra latency for matching calls, before the fault's answer (or the normal
	// processing).
	Latency time.Duration
	// DropConnection closes the connection without an answer, before the action runs: the client
	// sees a transport error and nothing changed.
	DropConnection bool
	// DropAfterAction runs the action, then closes the connection without an answer: the change
	// is made but the client sees a transport error (a lost answer). Call.Code is then the code
	// the action would have answered.
	DropAfterAction bool
}

type activeFault struct {
	Fault
	remaining int // -1: unlimited
}

// InjectFault adds a fault. Faults apply in the order injected: a call takes the first one that
// matches.
func (c *Core) InjectFault(f Fault) {
	if f.Code != "" {
		if f.HTTPStatus == 0 {
			f.HTTPStatus = c.opts.Codes.Status(f.Code)
		}
		if f.Message == "" {
			f.Message = "Injected fault."
			if info, ok := c.opts.Codes[f.Code]; ok {
				f.Message = info.Message
			}
		}
	}
	af := &activeFault{Fault: f, remaining: f.Times}
	if f.Times <= 0 {
		af.remaining = -1
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, af)
}

// ClearFaults removes every fault.
func (c *Core) ClearFaults() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = nil
}

// takeFault returns the first fault matching the call and counts the call against it.
func (c *Core) takeFault(op Op, action string) (Fault, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, f := range c.faults {
		if f.Action != "" && f.Action != action && f.Action != string(op) {
			continue
		}
		if f.remaining > 0 {
			f.remaining--
			if f.remaining == 0 {
				c.faults = slices.Delete(c.faults, i, i+1)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

// SetLatency adds d to every API call (not to the admin API).
func (c *Core) SetLatency(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.latency = d
}

func (c *Core) currentLatency() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.latency
}
