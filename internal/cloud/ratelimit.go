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
	"time"

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
// token buckets, as the clouds' quotas do. It is shared by every LoginProfile of a ProviderConfig.
type Limiter struct {
	// name labels the wait metrics: the ProviderConfig's name.
	name   string
	reads  *rate.Limiter
	writes *rate.Limiter
}

// NewLimiter returns a limiter that spaces calls evenly, with no burst: whatever window the cloud
// counts its quota over (its algorithm is not documented), no second holds more calls than the
// quota, and the cloud's own bucket keeps its slack for network jitter.
func NewLimiter(name string, l RateLimit) *Limiter {
	return &Limiter{
		name:   name,
		reads:  rate.NewLimiter(rate.Limit(l.ReadsPerSecond), 1),
		writes: rate.NewLimiter(rate.Limit(l.WritesPerSecond), 1),
	}
}

// SetLimit changes the rates in place, keeping the buckets' state.
func (l *Limiter) SetLimit(r RateLimit) {
	l.reads.SetLimit(rate.Limit(r.ReadsPerSecond))
	l.writes.SetLimit(rate.Limit(r.WritesPerSecond))
}

// RateLimited wraps p so that every call first waits for a token of l.
func RateLimited(p Provider, l *Limiter) Provider { return &limitedProvider{next: p, limiter: l} }

type limitedProvider struct {
	next    Provider
	limiter *Limiter
}

func (p *limitedProvider) wait(ctx context.Context, l *rate.Limiter, kind string) error {
	start := time.Now()
	err := l.Wait(ctx)
	limiterWait.WithLabelValues(p.limiter.name, kind).Observe(time.Since(start).Seconds())
	if err != nil {
		return fmt.Errorf("waiting for the client-side rate limiter: %w", err)
	}
	return nil
}

func (p *limitedProvider) Get(ctx context.Context, user string) (*LoginProfile, error) {
	if err := p.wait(ctx, p.limiter.reads, "read"); err != nil {
		return nil, err
	}
	return p.next.Get(ctx, user)
}

func (p *limitedProvider) Create(ctx context.Context, req CreateRequest) (*LoginProfile, error) {
	if err := p.wait(ctx, p.limiter.writes, "write"); err != nil {
		return nil, err
	}
	return p.next.Create(ctx, req)
}

func (p *limitedProvider) Update(ctx context.Context, req UpdateRequest) (*LoginProfile, error) {
	if err := p.wait(ctx, p.limiter.writes, "write"); err != nil {
		return nil, err
	}
	return p.next.Update(ctx, req)
}

func (p *limitedProvider) Delete(ctx context.Context, user string) error {
	if err := p.wait(ctx, p.limiter.writes, "write"); err != nil {
		return err
	}
	return p.next.Delete(ctx, user)
}
