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

import "golang.org/x/time/rate"

// quota is a token bucket of perSecond tokens a second holding one second's worth; a nil limiter
// is unlimited.
type quota struct {
	limiter   *rate.Limiter
	perSecond int
}

func newQuota(perSecond, def int) quota {
	if perSecond == 0 {
		perSecond = def
	}
	if perSecond < 0 {
		return quota{}
	}
	return quota{limiter: rate.NewLimiter(rate.Limit(perSecond), perSecond), perSecond: perSecond}
}

// SetQuota replaces the per-account quotas, with fresh buckets: 0 means the cloud's default,
// negative means unlimited.
func (c *Core) SetQuota(readsPerSecond, writesPerSecond int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads = newQuota(readsPerSecond, c.opts.DefaultReadsPerSecond)
	c.writes = newQuota(writesPerSecond, c.opts.DefaultWritesPerSecond)
}

// Quota is the account's quotas, per second; -1 is unlimited.
func (c *Core) Quota() (readsPerSecond, writesPerSecond int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads.rate(), c.writes.rate()
}

func (q quota) rate() int {
	if q.limiter == nil {
		return -1
	}
	return q.perSecond
}

// allow counts a call of op against its quota: a read (Op.IsRead) against the reads, the others
// against the writes. Over quota, it returns a Throttled error.
func (c *Core) allow(op Op, user string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.writes
	if op.IsRead() {
		q = c.reads
	}
	if q.limiter == nil || q.limiter.AllowN(c.now(), 1) {
		return nil
	}
	return &Error{Kind: Throttled, User: user, Count: q.perSecond}
}
