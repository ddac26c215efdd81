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

package cloud

import (
	"context"
	"testing"
	"time"
)

// throttlingProvider answers every call with a throttled error.
type throttlingProvider struct{ Provider }

func (throttlingProvider) Get(context.Context, string) (*LoginProfile, error) {
	return nil, &Error{Kind: ErrThrottled, Cloud: "test", Action: "Get", Code: "Throttling.User"}
}

func TestAThrottledAnswerSlowsItsKindAndItRecoversSlowly(t *testing.T) {
	clock := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	l := NewLimiter("adaptive", RateLimit{ReadsPerSecond: 100, WritesPerSecond: 20})
	for _, a := range []*adaptive{l.reads, l.writes} {
		a.now = func() time.Time { return clock }
	}
	p := RateLimited(throttlingProvider{}, l)

	if _, err := p.Get(context.Background(), "alice"); !IsThrottled(err) {
		t.Fatalf("Get = %v, want the throttled answer passed on", err)
	}
	if got := l.reads.rate(); got != 50 {
		t.Fatalf("reads after a throttled answer: %v/s, want 50 (halved)", got)
	}
	if got := l.writes.rate(); got != 20 {
		t.Fatalf("writes: %v/s, want 20: a throttled read leaves the write quota alone", got)
	}
	_, _ = p.Get(context.Background(), "alice") // answered together with the first: no second halving
	if got := l.reads.rate(); got != 50 {
		t.Fatalf("a second throttled answer within %v: %v/s, want 50", throttleCooldown, got)
	}
	for range 10 {
		clock = clock.Add(throttleCooldown)
		l.reads.throttle()
	}
	if got := l.reads.rate(); got != 5 {
		t.Fatalf("after many throttled answers: %v/s, want the floor, 5 (5%% of 100)", got)
	}
	clock = clock.Add(2 * time.Second)
	l.reads.recover()
	if got := l.reads.rate(); got != 15 {
		t.Fatalf("2 s without throttling: %v/s, want 15 (5 + 2 s x 5/s)", got)
	}
	clock = clock.Add(time.Minute)
	l.reads.recover()
	if got := l.reads.rate(); got != 100 {
		t.Fatalf("a minute later: %v/s, want the ceiling, 100", got)
	}
	l.SetLimit(RateLimit{ReadsPerSecond: 40, WritesPerSecond: 20})
	if got := l.reads.rate(); got != 40 {
		t.Fatalf("after a lower ceiling: %v/s, want 40", got)
	}
}
