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
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// The reconcile's writes of status: one at its end, one before a call that carries a password, and
// the outcome of that call kept after a conflict.

// writeStatus is the one status write of a reconcile, at its end: the status describes this
// generation, whatever the outcome (kstatus and Argo CD compare observedGeneration with
// metadata.generation before they read the conditions), and is written only when it changed, under
// the optimistic lock, so that a reconcile that started from a stale copy cannot replace a newer
// status (a conflict is retried with backoff).
func (r *Reconciler) writeStatus(ctx context.Context, s *state) error {
	stamp(s.lp)
	if equality.Semantic.DeepEqual(s.written.Status, s.lp.Status) {
		return nil
	}
	if err := r.Status().Patch(ctx, s.lp, client.MergeFromWithOptions(s.written, client.MergeFromWithOptimisticLock{})); err != nil {
		return fmt.Errorf("writing status: %w", err)
	}
	s.written = s.lp.DeepCopy()
	return nil
}

// keepPasswordOutcome records what this reconcile's password call did (status.password) on the
// object as stored now, after the final status write conflicted: a change made while the call was
// in flight (the spec, a label) must not turn a call whose answer the operator has into an
// interrupted one, which the next reconcile would settle from the cloud's update date, or send
// again where the cloud has none. It changes nothing else: the conditions and observedGeneration
// describe an older generation, which the next reconcile handles. It writes only if status.password
// is still the intent this reconcile wrote, under the optimistic lock.
func (r *Reconciler) keepPasswordOutcome(ctx context.Context, s *state) error {
	if equality.Semantic.DeepEqual(s.lp.Status.Password, s.written.Status.Password) {
		return nil
	}
	fresh := &v1alpha1.LoginProfile{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(s.lp), fresh); err != nil {
		return err
	}
	if !equality.Semantic.DeepEqual(fresh.Status.Password, s.written.Status.Password) {
		return errors.New("status.password changed meanwhile")
	}
	before := fresh.DeepCopy()
	fresh.Status.Password = s.lp.Status.Password.DeepCopy()
	return r.Status().Patch(ctx, fresh, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
}

// stamp records that the status describes the object's current generation. It is the only place
// observedGeneration is set.
func stamp(lp *v1alpha1.LoginProfile) {
	lp.Status.ObservedGeneration = lp.Generation
}

// finishMargin is the time a reconcile that has recorded a password write keeps, beyond
// --cloud-timeout, to write the status after the call. The pod's termination grace period (30 s in
// the chart and kustomize) covers both with the default --cloud-timeout of 10 s.
const finishMargin = 5 * time.Second

// finishing returns the context of the rest of a reconcile that has recorded a password write:
// detached from the manager's shutdown, so that a rolling update lets the call that carries the
// password and the status write that records it finish instead of interrupting them, and bounded.
func (r *Reconciler) finishing(ctx context.Context) (context.Context, context.CancelFunc) {
	timeout := r.CloudTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	return context.WithTimeout(context.WithoutCancel(ctx), timeout+finishMargin)
}

// writeIntent writes the status that records a password write before the call that carries it,
// under the optimistic lock: a reconcile that started from a cached copy older than the last status
// written (which may record that very password as applied) must not send it again, nor replace
// that status. A conflict ends the reconcile before any call; it is retried on a fresher copy.
func (r *Reconciler) writeIntent(ctx context.Context, s *state) error {
	stamp(s.lp)
	if err := r.Status().Patch(ctx, s.lp, client.MergeFromWithOptions(s.written, client.MergeFromWithOptimisticLock{})); err != nil {
		// Whatever this reconcile concluded rests on that copy: it writes nothing more.
		s.stale = true
		return fmt.Errorf("recording the password write about to be sent: %w", err)
	}
	s.written = s.lp.DeepCopy()
	s.intent = true
	return nil
}
