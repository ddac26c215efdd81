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

package loginprofile

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/handler"
)

// lowPriority is the priority of the requeues that are not work asked for: the periodic polls and
// the slow retries. In controller-runtime's priority queue they wait behind new and changed
// LoginProfiles, so that a change is applied at once however many objects are due for a poll.
var lowPriority = ptr.To(handler.LowPriority)

// pollAgain is the end of a reconcile that found the object as it should be, or waiting on
// something outside the operator: observe it again after the poll interval, at low priority.
func (r *Reconciler) pollAgain() ctrl.Result {
	return ctrl.Result{RequeueAfter: jitter(r.PollInterval), Priority: lowPriority}
}

// visits remembers the objects this manager has reconciled since it started (or became leader).
type visits struct{ seen sync.Map }

// firstVisit reports whether key is reconciled for the first time since the manager started.
func (v *visits) firstVisit(key types.NamespacedName) bool {
	_, seen := v.seen.LoadOrStore(key, struct{}{})
	return !seen
}

// spread is a delay drawn uniformly within d: after a restart, the first polls of the objects
// found in sync are spread over the poll interval, so that they do not all read the cloud at
// once (the account's read quota) nor fill the queue ahead of new work.
func spread(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d))) //nolint:gosec // not security sensitive
}

// pause waits d, or until ctx ends (the manager stops: nothing was sent yet).
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// jitter spreads requeues over ±10% so that objects created together do not poll together.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(float64(d) * (0.9 + 0.2*rand.Float64())) //nolint:gosec // not security sensitive
}

// backoff tracks consecutive throttled reconciles per object: full-jitter exponential backoff
// from 2 s up to 5 minutes.
type backoff struct {
	mu       sync.Mutex
	failures map[types.NamespacedName]int
}

const (
	throttleBase = 2 * time.Second
	throttleMax  = 5 * time.Minute
)

func (b *backoff) next(key types.NamespacedName) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures == nil {
		b.failures = map[types.NamespacedName]int{}
	}
	n := b.failures[key]
	b.failures[key] = n + 1
	d := throttleBase << min(n, 10)
	if d > throttleMax {
		d = throttleMax
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1)) //nolint:gosec // not security sensitive
}

func (b *backoff) reset(key types.NamespacedName) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.failures, key)
}
