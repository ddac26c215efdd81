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
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"golang.org/x/time/rate"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// RateLimit is a number of calls per second for reads and for writes.
type RateLimit struct {
	ReadsPerSecond  float64
	WritesPerSecond float64
}

// effectiveRateLimit is the quota of a ProviderConfig: its spec.rateLimit where set, the cloud's
// default otherwise.
func effectiveRateLimit(f Driver, rl *v1alpha1.RateLimit) RateLimit {
	limit := f.DefaultRateLimit()
	if rl != nil && rl.ReadsPerSecond != nil {
		limit.ReadsPerSecond = float64(*rl.ReadsPerSecond)
	}
	if rl != nil && rl.WritesPerSecond != nil {
		limit.WritesPerSecond = float64(*rl.WritesPerSecond)
	}
	return limit
}

// Limiter keeps the calls to one cloud account under its quota: reads and writes have separate
// buckets, as the clouds' quotas do. It is shared by every LoginProfile of a ProviderConfig. The
// configured rates are ceilings: a throttled answer halves the rate of its kind (the account's real
// quota is lower, or other callers share it), which then climbs back slowly, so that the operator
// neither hammers an account nor starves its other callers.
type Limiter struct {
	// name labels the metrics: the ProviderConfig's name.
	name   string
	reads  *adaptive
	writes *adaptive
}

// NewLimiter returns a limiter that spaces calls evenly, with no burst: whatever window the cloud
// counts its quota over (its algorithm is not documented), no second holds more calls than the
// quota, and the cloud's own bucket keeps its slack for network jitter.
func NewLimiter(name string, l RateLimit) *Limiter {
	return &Limiter{
		name:   name,
		reads:  newAdaptive(name, "read", l.ReadsPerSecond),
		writes: newAdaptive(name, "write", l.WritesPerSecond),
	}
}

// SetLimit changes the ceilings in place, keeping the buckets' state.
func (l *Limiter) SetLimit(r RateLimit) {
	l.reads.setCeiling(r.ReadsPerSecond)
	l.writes.setCeiling(r.WritesPerSecond)
}

// How the rate of a kind adapts to throttled answers: halved on each (at most once per
// throttleCooldown, as the calls in flight when the quota ran out are answered together), never
// below floorShare of the ceiling, and back up by recoveryShare of the ceiling per second without
// a throttled answer: from half to full in ten seconds.
const (
	throttleCooldown = time.Second
	floorShare       = 0.05
	recoveryShare    = 0.05
)

// adaptive is one kind's bucket and its current rate.
type adaptive struct {
	limiter *rate.Limiter
	gauge   prometheus.Gauge
	now     func() time.Time

	mu        sync.Mutex
	ceiling   float64
	current   float64
	updated   time.Time // when current was last raised or lowered
	throttled time.Time // the last halving
}

func newAdaptive(name, kind string, perSecond float64) *adaptive {
	a := &adaptive{limiter: rate.NewLimiter(rate.Limit(perSecond), 1), gauge: limiterRate.WithLabelValues(name, kind),
		now: time.Now, ceiling: perSecond, current: perSecond}
	a.gauge.Set(perSecond)
	return a
}

func (a *adaptive) setCeiling(perSecond float64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ceiling = perSecond
	a.current = min(a.current, perSecond)
	if a.current <= 0 || a.throttled.IsZero() {
		a.current = perSecond
	}
	a.apply()
}

// recover raises the rate for the time since it last changed.
func (a *adaptive) recover() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.current >= a.ceiling {
		return
	}
	now := a.now()
	a.current = min(a.ceiling, a.current+a.ceiling*recoveryShare*now.Sub(a.updated).Seconds())
	a.updated = now
	a.apply()
}

// throttle halves the rate after a throttled answer.
func (a *adaptive) throttle() {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if now.Sub(a.throttled) < throttleCooldown {
		return
	}
	a.throttled, a.updated = now, now
	a.current = max(a.ceiling*floorShare, a.current/2)
	a.apply()
}

func (a *adaptive) apply() {
	a.limiter.SetLimit(rate.Limit(a.current))
	a.gauge.Set(a.current)
}

// rate is the current rate, in calls per second.
func (a *adaptive) rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.current
}

// RateLimited wraps p so that every call first waits for a token of l.
func RateLimited(p Provider, l *Limiter) Provider { return &limitedProvider{next: p, limiter: l} }

type limitedProvider struct {
	next    Provider
	limiter *Limiter
}

func (p *limitedProvider) wait(ctx context.Context, a *adaptive, kind string) error {
	a.recover()
	start := time.Now()
	err := a.limiter.Wait(ctx)
	limiterWait.WithLabelValues(p.limiter.name, kind).Observe(time.Since(start).Seconds())
	if err != nil {
		return fmt.Errorf("waiting for the client-side rate limiter: %w", err)
	}
	return nil
}

// done tells a's bucket how the call went: a throttled answer slows it down.
func done(a *adaptive, err error) {
	if IsThrottled(err) {
		a.throttle()
	}
}

func (p *limitedProvider) Get(ctx context.Context, user string) (*LoginProfile, error) {
	return read(ctx, p, func() (*LoginProfile, error) { return p.next.Get(ctx, user) })
}

func (p *limitedProvider) Create(ctx context.Context, req CreateRequest) (*LoginProfile, error) {
	if err := p.wait(ctx, p.limiter.writes, "write"); err != nil {
		return nil, err
	}
	lp, err := p.next.Create(ctx, req)
	done(p.limiter.writes, err)
	return lp, err
}

func (p *limitedProvider) Update(ctx context.Context, req UpdateRequest) (*LoginProfile, error) {
	if err := p.wait(ctx, p.limiter.writes, "write"); err != nil {
		return nil, err
	}
	lp, err := p.next.Update(ctx, req)
	done(p.limiter.writes, err)
	return lp, err
}

func (p *limitedProvider) Delete(ctx context.Context, user string) error {
	if err := p.wait(ctx, p.limiter.writes, "write"); err != nil {
		return err
	}
	err := p.next.Delete(ctx, user)
	done(p.limiter.writes, err)
	return err
}

// read runs one read call under the read bucket.
func read[T any](ctx context.Context, p *limitedProvider, call func() (T, error)) (T, error) {
	var zero T
	if err := p.wait(ctx, p.limiter.reads, "read"); err != nil {
		return zero, err
	}
	v, err := call()
	done(p.limiter.reads, err)
	return v, err
}

func (p *limitedProvider) PasswordPolicy(ctx context.Context) (*PasswordPolicy, error) {
	return read(ctx, p, func() (*PasswordPolicy, error) { return p.next.PasswordPolicy(ctx) })
}

func (p *limitedProvider) MFABound(ctx context.Context, user string) (bool, error) {
	return read(ctx, p, func() (bool, error) { return p.next.MFABound(ctx, user) })
}

func (p *limitedProvider) LastLogin(ctx context.Context, user string) (time.Time, error) {
	return read(ctx, p, func() (time.Time, error) { return p.next.LastLogin(ctx, user) })
}
