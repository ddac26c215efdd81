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
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// The login's life beyond the profile itself: whether the user bound an MFA device, and whether
// the login is used at all.

// Conditions besides Ready, Stalled and Reconciling. Both are informational: Ready does not
// depend on them.
const (
	// ConditionMFABound: the user has an MFA device bound. Present only while MFA is expected
	// (spec.mfaBindRequired, or the manager's --audit).
	ConditionMFABound = "MFABound"
	// ConditionDisabled: the operator disabled the console login (True), or enabled it again
	// after a change of the spec (False).
	ConditionDisabled = "Disabled"
)

// Reasons of the MFABound and Disabled conditions.
const (
	// ReasonBound: an MFA device is bound.
	ReasonBound = "Bound"
	// ReasonGracePeriod: no MFA device yet, within the grace period (--mfa-grace).
	ReasonGracePeriod = "GracePeriod"
	// ReasonNotBound: no MFA device after the grace period.
	ReasonNotBound = "NotBound"
	// ReasonUnused: the login was disabled for being unused for spec.disableAfterUnused.
	ReasonUnused = "Unused"
	// ReasonReEnabled: the spec changed after the login was disabled; it is enabled again.
	ReasonReEnabled = "ReEnabled"
)

// EventMFANotBound is the Event reason of a grace period that ended without an MFA device.
const EventMFANotBound = "MFANotBound"

// DefaultMFAGrace is how long a new login may go without an MFA device before MFABound turns
// False (--mfa-grace).
const DefaultMFAGrace = 7 * 24 * time.Hour

// unusedPattern is spec.disableAfterUnused: days, hours, minutes and seconds, in that order.
var unusedPattern = regexp.MustCompile(`^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$`)

// parseUnused reads spec.disableAfterUnused ("90d", "36h", "1d12h", "30s"); zero for "".
func parseUnused(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	m := unusedPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("spec.disableAfterUnused %q is not a duration such as 90d, 36h or 30m", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil || n > int64(1<<62)/int64(unit) {
			return 0, fmt.Errorf("spec.disableAfterUnused %q is out of range", s)
		}
		d += time.Duration(n) * unit
	}
	if d <= 0 {
		return 0, fmt.Errorf("spec.disableAfterUnused %q must be longer than zero", s)
	}
	return d, nil
}

// disabledForUnused reports whether the operator disabled the login for being unused, for the
// current generation of the spec: the login stays disabled whatever the spec's status says, until
// the spec changes.
func disabledForUnused(lp *v1alpha1.LoginProfile) bool {
	c := meta.FindStatusCondition(lp.Status.Conditions, ConditionDisabled)
	return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == lp.Generation
}

// applyDisabled makes this reconcile treat the spec's status as Inactive while the login is
// disabled for being unused, and turns Disabled to False (the clock restarts) once the spec
// changed after it was disabled. It changes the spec of the reconcile's copies only: status is
// the only thing written.
func applyDisabled(s *state) {
	lp := s.lp
	c := meta.FindStatusCondition(lp.Status.Conditions, ConditionDisabled)
	switch {
	case c == nil || c.Status != metav1.ConditionTrue:
	case c.ObservedGeneration == lp.Generation:
		inactive := v1alpha1.LoginStatusInactive
		lp.Spec.Status, s.written.Spec.Status = inactive, inactive
	default:
		meta.SetStatusCondition(&lp.Status.Conditions, metav1.Condition{
			Type: ConditionDisabled, Status: metav1.ConditionFalse, Reason: ReasonReEnabled, ObservedGeneration: lp.Generation,
			Message: "The spec changed after the operator disabled the unused login: it follows the spec again, " +
				"and the unused time counts from now",
		})
	}
}

// readings remembers when each object's MFA device and last login were last read, so that they
// are read at most once per poll interval whatever brings the object back.
type readings struct{ at sync.Map }

// due reports whether key's readings are due at now, and if so records them as read. A poll comes
// back a little before or after the interval (jitter): 80% of it is enough.
func (r *readings) due(key types.NamespacedName, now time.Time, interval time.Duration) bool {
	if last, ok := r.at.Load(key); ok && now.Sub(last.(time.Time)) < interval*4/5 {
		return false
	}
	r.at.Store(key, now)
	return true
}

// forget drops key's readings: the next reconcile reads again.
func (r *readings) forget(key types.NamespacedName) { r.at.Delete(key) }

// lifecycle runs after a reconcile that left the login profile as the spec wants it (Ready): it
// reads the MFA device and the last login when they matter and are due, sets MFABound, and
// disables a login unused for spec.disableAfterUnused. prev is status.atProvider as the reconcile
// found it: what was read before is kept until read again. A failure to read is logged and
// leaves the previous reading; it does not make the object unready.
func (r *Reconciler) lifecycle(ctx context.Context, s *state, provider cloud.Provider, user string, caps cloud.Capabilities,
	prev *v1alpha1.LoginProfileObservation, res ctrl.Result) ctrl.Result {
	lp := s.lp
	at := lp.Status.AtProvider
	unused, _ := parseUnused(lp.Spec.DisableAfterUnused) // the API server checked its pattern
	wantMFA := lp.Spec.MFABindRequired || r.Audit
	wantLastLogin := unused > 0 || r.Audit
	if disabledForUnused(lp) {
		meta.RemoveStatusCondition(&lp.Status.Conditions, ConditionMFABound)
		setReady(lp, metav1.ConditionTrue, ReasonAvailable, fmt.Sprintf(
			"Console login of %s is disabled for being unused (see the Disabled condition). Change the spec to enable it again", user))
		return res
	}
	if at == nil || at.Status == cloud.StatusInactive {
		meta.RemoveStatusCondition(&lp.Status.Conditions, ConditionMFABound)
		return res
	}
	if prev != nil {
		if wantMFA {
			at.MFABound = prev.MFABound
		}
		if !caps.LastLoginInProfile && wantLastLogin && prev.LastLoginKnown {
			at.LastLoginTime, at.LastLoginKnown = prev.LastLoginTime, true
		}
	}
	if caps.LastLoginInProfile {
		at.LastLoginKnown = true
	}
	log := logf.FromContext(ctx)
	key := client.ObjectKeyFromObject(lp)
	if (wantMFA || (wantLastLogin && !caps.LastLoginInProfile)) && r.readings.due(key, r.now(), r.PollInterval) {
		if wantMFA {
			if bound, err := provider.MFABound(ctx, user); err != nil {
				log.Info("Could not read whether the user has an MFA device; keeping the last reading", "error", err.Error())
			} else {
				at.MFABound = ptr.To(bound)
			}
		}
		if wantLastLogin && !caps.LastLoginInProfile {
			if t, err := provider.LastLogin(ctx, user); err != nil {
				log.Info("Could not read the user's last console login; keeping the last reading", "error", err.Error())
			} else {
				at.LastLoginTime, at.LastLoginKnown = timeOrNil(t), true
			}
		}
	}
	if !wantMFA {
		at.MFABound = nil
		meta.RemoveStatusCondition(&lp.Status.Conditions, ConditionMFABound)
	} else {
		r.setMFABound(lp, user)
	}
	if unused > 0 {
		return r.disableIfUnused(ctx, lp, provider, user, caps, unused, res)
	}
	return res
}

// setMFABound sets the MFABound condition from the last reading.
func (r *Reconciler) setMFABound(lp *v1alpha1.LoginProfile, user string) {
	at := lp.Status.AtProvider
	cond := metav1.Condition{Type: ConditionMFABound, ObservedGeneration: lp.Generation}
	since := lp.CreationTimestamp.Time
	if at.CreatedAt != nil {
		since = at.CreatedAt.Time
	}
	deadline := since.Add(r.mfaGrace())
	switch {
	case at.MFABound == nil:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionUnknown, ReasonGracePeriod, "Not read yet"
	case *at.MFABound:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionTrue, ReasonBound, fmt.Sprintf("%s has an MFA device bound", user)
	case r.now().Before(deadline):
		cond.Status, cond.Reason = metav1.ConditionUnknown, ReasonGracePeriod
		cond.Message = fmt.Sprintf("%s has no MFA device yet; the grace period (--mfa-grace) ends at %s", user, deadline.UTC().Format(time.RFC3339))
	default:
		cond.Status, cond.Reason = metav1.ConditionFalse, ReasonNotBound
		cond.Message = fmt.Sprintf("%s has no MFA device bound, and the grace period (--mfa-grace) ended at %s. "+
			"The user must bind one at the next console login", user, deadline.UTC().Format(time.RFC3339))
		if c := meta.FindStatusCondition(lp.Status.Conditions, ConditionMFABound); c == nil || c.Status != metav1.ConditionFalse {
			r.event(lp, corev1.EventTypeWarning, EventMFANotBound, "CheckMFA", "%s", cond.Message)
		}
	}
	meta.SetStatusCondition(&lp.Status.Conditions, cond)
}

func (r *Reconciler) mfaGrace() time.Duration {
	if r.MFAGrace > 0 {
		return r.MFAGrace
	}
	return DefaultMFAGrace
}

// disableIfUnused disables the login when it was not used for unused: since the last console
// login, or since the profile was created for a login never used, and never counting from before
// the spec last enabled it again. Otherwise it makes sure the object comes back when that time is
// up, for an interval shorter than the poll.
func (r *Reconciler) disableIfUnused(ctx context.Context, lp *v1alpha1.LoginProfile, provider cloud.Provider, user string,
	caps cloud.Capabilities, unused time.Duration, res ctrl.Result) ctrl.Result {
	at := lp.Status.AtProvider
	if !at.LastLoginKnown {
		return res
	}
	var since time.Time
	last := "never"
	switch {
	case at.LastLoginTime != nil:
		since = at.LastLoginTime.Time
		last = "last login " + since.UTC().Format(time.RFC3339)
	case at.CreatedAt != nil:
		since = at.CreatedAt.Time
		last = "never used since its creation at " + since.UTC().Format(time.RFC3339)
	default:
		since = lp.CreationTimestamp.Time
	}
	if c := meta.FindStatusCondition(lp.Status.Conditions, ConditionDisabled); c != nil && c.Status == metav1.ConditionFalse &&
		c.LastTransitionTime.After(since) {
		since = c.LastTransitionTime.Time
		last += ", enabled again by a change of the spec at " + since.UTC().Format(time.RFC3339)
	}
	if wait := since.Add(unused).Sub(r.now()); wait > 0 {
		if res.RequeueAfter == 0 || wait < res.RequeueAfter {
			res.RequeueAfter = wait + time.Second
		}
		return res
	}
	var err error
	if caps.Status {
		var updated *cloud.LoginProfile
		if updated, err = provider.Update(ctx, cloud.UpdateRequest{User: user, Status: ptr.To(cloud.StatusInactive)}); err == nil {
			lp.Status.AtProvider = observation(&lp.Spec, updated)
			lp.Status.AtProvider.MFABound, lp.Status.AtProvider.LastLoginKnown = at.MFABound, at.LastLoginKnown
			if updated.LastLoginTime.IsZero() {
				lp.Status.AtProvider.LastLoginTime = at.LastLoginTime
			}
		}
	} else if err = provider.Delete(ctx, user); err == nil {
		lp.Status.AtProvider = observation(&lp.Spec, &cloud.LoginProfile{User: user, Status: cloud.StatusInactive})
	}
	if err != nil {
		r.event(lp, corev1.EventTypeWarning, EventReconcileFailed, "Disable", "Failed disabling the unused console login: %s", err.Error())
		logf.FromContext(ctx).Info("Could not disable the unused console login; retrying at the next poll", "error", err.Error())
		return res
	}
	msg := fmt.Sprintf("Console login of %s was unused for more than %s (%s): the operator disabled it. "+
		"Change the spec (for example raise disableAfterUnused) to enable it again", user, lp.Spec.DisableAfterUnused, last)
	meta.SetStatusCondition(&lp.Status.Conditions, metav1.Condition{
		Type: ConditionDisabled, Status: metav1.ConditionTrue, Reason: ReasonUnused, Message: msg, ObservedGeneration: lp.Generation,
	})
	meta.RemoveStatusCondition(&lp.Status.Conditions, ConditionMFABound)
	r.event(lp, corev1.EventTypeNormal, EventDisabled, "DisableUnused", "%s", msg)
	setReady(lp, metav1.ConditionTrue, ReasonAvailable, fmt.Sprintf("Console login of %s is disabled: unused (see the Disabled condition)", user))
	return r.pollAgain()
}
