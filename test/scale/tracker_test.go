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

package scale

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	watchtools "k8s.io/client-go/tools/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// tracker watches every LoginProfile: when each became Ready (for its current generation), and
// when any was modified (a status or metadata write; the benchmark changes no object after it
// created it, so every MODIFIED event is the manager's write). The watch resumes where it left
// off when the API server closes it.
type tracker struct {
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	ready    map[string]bool
	readyAt  map[string]time.Time // the last time each became Ready
	modified []modification
	err      error
	changed  chan struct{} // closed and replaced on every change
}

// modification is a MODIFIED event: when it was seen, and of which object.
type modification struct {
	at  time.Time
	key string
}

// lpWatcher adapts the controller-runtime client to the watcher a RetryWatcher resumes.
type lpWatcher struct{ c client.WithWatch }

func (w lpWatcher) WatchWithContext(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	return w.c.Watch(ctx, &v1alpha1.LoginProfileList{}, &client.ListOptions{Raw: &opts})
}

// startTracker lists the LoginProfiles (for the resourceVersion to start from) and watches them.
func startTracker(c client.WithWatch) (*tracker, error) {
	var list v1alpha1.LoginProfileList
	if err := c.List(context.Background(), &list, client.Limit(1)); err != nil {
		return nil, fmt.Errorf("listing LoginProfiles: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rw, err := watchtools.NewRetryWatcherWithContext(ctx, list.ResourceVersion, lpWatcher{c})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("watching LoginProfiles: %w", err)
	}
	t := &tracker{
		cancel: cancel, done: make(chan struct{}),
		ready: map[string]bool{}, readyAt: map[string]time.Time{}, changed: make(chan struct{}),
	}
	go func() {
		defer close(t.done)
		defer rw.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-rw.ResultChan():
				if !ok {
					return
				}
				t.observe(ev, time.Now())
			}
		}
	}()
	return t, nil
}

func (t *tracker) stop() {
	t.cancel()
	<-t.done
}

func (t *tracker) observe(ev watch.Event, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	defer func() {
		close(t.changed)
		t.changed = make(chan struct{})
	}()
	if ev.Type == watch.Error {
		t.err = fmt.Errorf("the LoginProfile watch failed: %v", ev.Object)
		return
	}
	lp, ok := ev.Object.(*v1alpha1.LoginProfile)
	if !ok {
		return
	}
	key := lp.Namespace + "/" + lp.Name
	if ev.Type == watch.Modified {
		t.modified = append(t.modified, modification{at: at, key: key})
	}
	if ev.Type == watch.Deleted {
		delete(t.ready, key)
		return
	}
	isReady := lp.Status.ObservedGeneration == lp.Generation &&
		meta.IsStatusConditionTrue(lp.Status.Conditions, v1alpha1.ConditionReady)
	if isReady && !t.ready[key] {
		t.readyAt[key] = at
	}
	t.ready[key] = isReady
}

// readyCount is how many of keys are Ready now, and when the last of them became Ready.
func (t *tracker) readyCount(keys []string) (int, time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, last := 0, time.Time{}
	for _, k := range keys {
		if t.ready[k] {
			n++
			if at := t.readyAt[k]; at.After(last) {
				last = at
			}
		}
	}
	return n, last
}

// modifiedBetween returns the objects of the MODIFIED events seen in (from, to), one per event.
func (t *tracker) modifiedBetween(from, to time.Time) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, m := range t.modified {
		if m.at.After(from) && m.at.Before(to) {
			out = append(out, m.key)
		}
	}
	return out
}

// waitReady waits until every one of keys is Ready, and returns when the last became Ready; an
// error after timeout, when the watch failed or when stop is closed (the manager exited).
func (t *tracker) waitReady(keys []string, timeout time.Duration, stop <-chan struct{}, stopErr func() error) (time.Time, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		changed, err := t.changed, t.err
		t.mu.Unlock()
		if err != nil {
			return time.Time{}, err
		}
		n, last := t.readyCount(keys)
		if n == len(keys) {
			return last, nil
		}
		select {
		case <-changed:
		case <-stop:
			return time.Time{}, stopErr()
		case <-deadline.C:
			return time.Time{}, fmt.Errorf("%d of %d LoginProfiles Ready after %s", n, len(keys), timeout)
		}
	}
}
