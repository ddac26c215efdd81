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
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Metrics of the cloud calls, served on the manager's metrics endpoint. Labels never hold a
// password, a key or a user: only the cloud, the action, the cloud's result code and the
// ProviderConfig.
var (
	apiCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "loginprofile_cloud_api_calls_total",
		Help: "Cloud API calls by cloud, action (get, create, update, delete) and result code (OK, the cloud's error code, or the error class when the cloud gave none).",
	}, []string{"cloud", "action", "code"})
	apiLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "loginprofile_cloud_api_call_duration_seconds",
		Help:    "Latency of cloud API calls, by cloud and action.",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
	}, []string{"cloud", "action"})
	apiThrottled = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "loginprofile_cloud_api_throttled_total",
		Help: "Cloud API calls the cloud refused for exceeding the account's quota, by cloud and action.",
	}, []string{"cloud", "action"})
	limiterRate = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "loginprofile_rate_limiter_rate",
		Help: "Calls per second the client-side rate limiter of a ProviderConfig allows now, by ProviderConfig and kind (read, write): its configured rate, lowered after throttled answers.",
	}, []string{"provider_config", "kind"})
	limiterWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "loginprofile_rate_limiter_wait_seconds",
		Help:    "Time calls waited for the client-side rate limiter of their ProviderConfig, by ProviderConfig and kind (read, write).",
		Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
	}, []string{"provider_config", "kind"})
)

func init() {
	ctrlmetrics.Registry.MustRegister(apiCalls, apiLatency, apiThrottled, limiterWait, limiterRate)
}

// Instrumented wraps p so that every call is counted and timed under the cloud's name.
func Instrumented(p Provider, cloudName string) Provider {
	return &instrumented{next: p, cloud: cloudName}
}

type instrumented struct {
	next  Provider
	cloud string
}

func (p *instrumented) observe(action string, start time.Time, err error) {
	apiLatency.WithLabelValues(p.cloud, action).Observe(time.Since(start).Seconds())
	apiCalls.WithLabelValues(p.cloud, action, resultCode(err)).Inc()
	if IsThrottled(err) {
		apiThrottled.WithLabelValues(p.cloud, action).Inc()
	}
}

func (p *instrumented) Get(ctx context.Context, user string) (*LoginProfile, error) {
	start := time.Now()
	lp, err := p.next.Get(ctx, user)
	p.observe("get", start, err)
	return lp, err
}

func (p *instrumented) Create(ctx context.Context, req CreateRequest) (*LoginProfile, error) {
	start := time.Now()
	lp, err := p.next.Create(ctx, req)
	p.observe("create", start, err)
	return lp, err
}

func (p *instrumented) Update(ctx context.Context, req UpdateRequest) (*LoginProfile, error) {
	start := time.Now()
	lp, err := p.next.Update(ctx, req)
	p.observe("update", start, err)
	return lp, err
}

func (p *instrumented) Delete(ctx context.Context, user string) error {
	start := time.Now()
	err := p.next.Delete(ctx, user)
	p.observe("delete", start, err)
	return err
}

// resultCode is the code label of a call: OK, the cloud's code, or the error's class.
func resultCode(err error) string {
	if err == nil {
		return "OK"
	}
	if c := Code(err); c != "" {
		return c
	}
	for _, k := range []struct {
		err  error
		name string
	}{
		{ErrUserNotFound, "UserNotFound"}, {ErrProfileNotFound, "ProfileNotFound"}, {ErrAlreadyExists, "AlreadyExists"},
		{ErrInvalidPassword, "InvalidPassword"}, {ErrInvalidInput, "InvalidInput"}, {ErrThrottled, "Throttled"},
		{ErrAuth, "Auth"}, {ErrTransient, "Transient"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	return "Error"
}

func (p *instrumented) PasswordPolicy(ctx context.Context) (*PasswordPolicy, error) {
	start := time.Now()
	pol, err := p.next.PasswordPolicy(ctx)
	p.observe("get_password_policy", start, err)
	return pol, err
}

func (p *instrumented) MFABound(ctx context.Context, user string) (bool, error) {
	start := time.Now()
	bound, err := p.next.MFABound(ctx, user)
	p.observe("get_mfa", start, err)
	return bound, err
}

func (p *instrumented) LastLogin(ctx context.Context, user string) (time.Time, error) {
	start := time.Now()
	t, err := p.next.LastLogin(ctx, user)
	p.observe("get_last_login", start, err)
	return t, err
}
