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
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/password"
)

// Finalizer keeps a LoginProfile until its cloud login profile is deleted (or orphaned).
const Finalizer = "iam.loginprofile.io/finalizer"

// Reconciler makes the console login profile of a cloud user match a LoginProfile.
type Reconciler struct {
	// Client is the manager's cached client: LoginProfiles, ProviderConfigs and Secret metadata.
	client.Client
	// APIReader reads Secret contents straight from the API server; they are never cached.
	APIReader client.Reader
	// Providers hands out the cloud Provider of a ProviderConfig.
	Providers *cloud.Providers
	// Recorder emits Events.
	Recorder events.EventRecorder
	// PollInterval is how often a LoginProfile in sync is observed again, to correct drift.
	PollInterval time.Duration
	// CloudTimeout bounds one cloud call (--cloud-timeout); zero means 10 s. A reconcile that has
	// recorded a password write finishes within CloudTimeout plus finishMargin, shutdown or not.
	CloudTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ProviderConfigSelector, when set, is the shard's (--provider-config-selector): the manager
	// acts only on the LoginProfiles of the ProviderConfigs it matches (see inShard).
	ProviderConfigSelector labels.Selector

	// Audit reads every LoginProfile's MFA device and last console login (--audit), for the
	// MFABound condition and the audit metrics; otherwise only where the spec needs them.
	Audit bool
	// MFAGrace is how long a login may go without an MFA device before MFABound turns False
	// (--mfa-grace); zero means DefaultMFAGrace.
	MFAGrace time.Duration

	throttle backoff
	started  visits
	readings readings
	policies policyCache
}

// state is one reconcile's view of the object: the object being changed and the status last
// written, so that status is patched once, and only when it changed.
type state struct {
	lp          *v1alpha1.LoginProfile
	written     *v1alpha1.LoginProfile
	finalizedOK bool
	// inSync: the object was Ready for its current generation before this reconcile, so a change
	// found in the cloud now was made out of band (drift), not asked for by the spec.
	inSync bool
	// stale: the object this reconcile started from is older than the one stored (a locked write
	// conflicted); no more status is written.
	stale bool
	// intent: a password write was recorded; the rest of the reconcile runs to its end.
	intent bool
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	lp := &v1alpha1.LoginProfile{}
	if err := r.Get(ctx, req.NamespacedName, lp); err != nil {
		if apierrors.IsNotFound(err) {
			r.readings.forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	// Another shard's LoginProfile is not touched at all, not even its status.
	if mine, err := r.inShard(ctx, lp); !mine {
		r.throttle.reset(req.NamespacedName)
		return ctrl.Result{}, err
	}
	s := &state{lp: lp, written: lp.DeepCopy()}
	if c := readyCondition(lp); c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == lp.Generation {
		s.inSync = true
	}
	var res ctrl.Result
	var err error
	switch {
	case !lp.DeletionTimestamp.IsZero():
		res, err = r.reconcileDelete(ctx, s)
		if s.finalizedOK {
			return res, err
		}
	case len(lp.Status.Conditions) == 0 || !controllerutil.ContainsFinalizer(lp, Finalizer):
		res, err = r.begin(ctx, s)
	default:
		res, err = r.reconcileNormal(ctx, s)
	}
	if s.stale {
		return res, err
	}
	if s.intent {
		var cancel context.CancelFunc
		ctx, cancel = r.finishing(ctx)
		defer cancel()
	}
	if werr := r.writeStatus(ctx, s); werr != nil {
		if apierrors.IsConflict(werr) {
			// The object changed since this reconcile read it (often its own last status, not yet
			// in the cache, or a spec change during a cloud call): what it concluded is not recorded,
			// so it runs again on a fresher copy. What a password call did is kept, though.
			logf.FromContext(ctx).V(1).Info("The LoginProfile changed meanwhile; reconciling it again")
			if s.intent {
				if kerr := r.keepPasswordOutcome(ctx, s); kerr != nil {
					logf.FromContext(ctx).V(1).Info("Could not record the password write's outcome; the next reconcile settles it", "error", kerr.Error())
				}
			}
			return ctrl.Result{RequeueAfter: jitter(time.Second)}, nil
		}
		return ctrl.Result{}, errors.Join(err, werr)
	}
	return res, err
}

// begin is the first reconcile of an object (or of one whose finalizer was taken away). kstatus
// (Flux) counts an object without status as Current, that is done: the first write is a status
// saying that it is in progress, before any slower work (the Secret, a rate-limited cloud call);
// the next reconcile adds the finalizer, and the one after it does the work. Neither write wakes
// the controller (its predicates), so each comes back at once; each writes once, at its end.
func (r *Reconciler) begin(ctx context.Context, s *state) (ctrl.Result, error) {
	lp := s.lp
	if len(lp.Status.Conditions) == 0 {
		setReady(lp, metav1.ConditionUnknown, ReasonProgressing, "The operator is reconciling the LoginProfile for the first time")
		return ctrl.Result{RequeueAfter: time.Millisecond}, nil
	}
	before := lp.DeepCopy()
	controllerutil.AddFinalizer(lp, Finalizer)
	if err := r.Patch(ctx, lp, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		s.stale = apierrors.IsConflict(err)
		return ctrl.Result{}, fmt.Errorf("adding finalizer: %w", err)
	}
	return ctrl.Result{RequeueAfter: time.Millisecond}, nil
}

func (r *Reconciler) reconcileNormal(ctx context.Context, s *state) (ctrl.Result, error) {
	lp := s.lp
	pc, res, err := r.providerConfig(ctx, lp)
	if pc == nil {
		return res, err
	}
	// The rules that keep a LoginProfile out of a user come first: before the password Secret is
	// read and before any cloud call.
	ref, err := r.admit(ctx, lp, pc)
	if err != nil {
		return r.conclude(lp, judgeFailure(err), err)
	}
	if ref != nil {
		r.announceRefusal(lp, ref)
		return r.conclude(lp, judgeRefusal(ref), nil)
	}
	if !lp.Observed() {
		r.tookOver(lp, pc.Name)
	}
	provider, driver, res, err := r.provider(ctx, lp, pc)
	if provider == nil {
		return res, err
	}
	user, err := driver.UserOf(&lp.Spec)
	if err != nil {
		return r.conclude(lp, judgeSpecError(err), err)
	}
	caps := driver.Capabilities()
	if lp.Observed() {
		return r.observe(ctx, s, provider, user, caps)
	}
	applyDisabled(s)
	if why := unsupported(&lp.Spec, caps, driver.Name()); why != "" {
		return r.conclude(lp, judgeUnsupported(why), nil)
	}
	if wantsNoProfile(&lp.Spec, caps) {
		return r.ensureNoProfile(ctx, lp, provider, user)
	}
	// The Secret is needed only to create the profile or to change its password: an unusable
	// one (missing, or holding a password the cloud refused) does not stop the rest.
	sec, err := r.passwordSecret(ctx, lp)
	if err != nil && !errors.Is(err, errPasswordSecret) {
		return r.secretError(lp, err)
	}
	if err != nil && lp.Spec.GeneratePassword && lp.PasswordSecretName() != "" {
		return r.generatePassword(ctx, lp, provider, user, false)
	}
	// In sync when the manager started, its Secret unchanged since: its first poll is spread over
	// the interval rather than made at once with every other object's.
	if first := r.started.firstVisit(client.ObjectKeyFromObject(lp)); first && sec != nil && s.inSync && ledgerOf(lp).current(sec.source()) {
		return ctrl.Result{RequeueAfter: spread(r.PollInterval), Priority: lowPriority}, nil
	}
	// A password the cloud refused for this spec is not sent again until the Secret's password or
	// the spec changes, however many events (or manager restarts) bring the object back.
	var pw passwordAvailability
	if sec == nil {
		pw.missing = err
	} else if pw.refused, err = ledgerOf(lp).refusedAlready(sec.source(), lp.Generation, r.matcher(ctx, lp, sec)); err != nil {
		return r.secretError(lp, err)
	}

	prev := lp.Status.AtProvider.DeepCopy()
	obs, err := provider.Get(ctx, user)
	if errors.Is(err, cloud.ErrProfileNotFound) {
		switch {
		case pw.missing != nil:
			return r.secretError(lp, pw.missing)
		case pw.refused:
			lp.Status.AtProvider = nil
			return r.stillRefused(lp), nil
		}
		res, err := r.create(ctx, s, provider, user, sec, caps)
		return r.afterwards(ctx, s, provider, user, caps, prev, res, err)
	}
	if err != nil {
		return r.cloudError(ctx, lp, "observing", err)
	}
	res, uerr := r.update(ctx, s, provider, obs, sec, pw, caps)
	return r.afterwards(ctx, s, provider, user, caps, prev, res, uerr)
}

// afterwards runs the login's lifecycle (MFA, unused logins) after a reconcile that left the
// profile as the spec wants it.
func (r *Reconciler) afterwards(ctx context.Context, s *state, provider cloud.Provider, user string, caps cloud.Capabilities,
	prev *v1alpha1.LoginProfileObservation, res ctrl.Result, err error) (ctrl.Result, error) {
	if c := readyCondition(s.lp); err != nil || s.stale || c == nil || c.Status != metav1.ConditionTrue {
		return res, err
	}
	return r.lifecycle(ctx, s, provider, user, caps, prev, res), nil
}

// passwordAvailability says why the Secret's password cannot be sent in this reconcile, if it
// cannot.
type passwordAvailability struct {
	// missing is the error when the Secret or its key does not exist.
	missing error
	// refused: the cloud refused the Secret's current password for the current spec.
	refused bool
}

func (a passwordAvailability) usable() bool { return a.missing == nil && !a.refused }

// observe reports the cloud's login profile without changing anything (managementPolicy Observe).
func (r *Reconciler) observe(ctx context.Context, s *state, provider cloud.Provider, user string, caps cloud.Capabilities) (ctrl.Result, error) {
	lp := s.lp
	obs, err := provider.Get(ctx, user)
	if errors.Is(err, cloud.ErrProfileNotFound) {
		lp.Status.AtProvider = nil
		setReady(lp, metav1.ConditionFalse, ReasonProfileNotFound, fmt.Sprintf(
			"User %s has no console login profile (managementPolicy Observe: the operator does not create one). "+
				"Set managementPolicy to Manage to create it from the password Secret", user))
		return r.pollAgain(), nil
	}
	if err != nil {
		return r.cloudError(ctx, lp, "observing", err)
	}
	lp.Status.AtProvider = observation(&lp.Spec, obs)
	// While observed, the profile is another's to change: what was applied before is no proof of
	// what the cloud holds when the object is managed again, so it is forgotten (and the Secret's
	// password applied once then, with an Adopted Event).
	ledgerOf(lp).forget()
	msg := fmt.Sprintf("Observed the console login profile of %s (managementPolicy Observe: nothing is written to the cloud)", user)
	if p := diff(&lp.Spec, obs, nil, false, caps); len(p.fields) > 0 {
		msg += fmt.Sprintf(". With managementPolicy Manage the operator would change: %s", strings.Join(p.fields, ", "))
	} else {
		msg += ". It matches the spec"
	}
	setReady(lp, metav1.ConditionTrue, ReasonObserved, msg)
	r.throttle.reset(client.ObjectKeyFromObject(lp))
	return r.pollAgain(), nil
}

// ensureNoProfile makes sure the user has no login profile: how a cloud whose profiles have no
// status disables console password login.
func (r *Reconciler) ensureNoProfile(ctx context.Context, lp *v1alpha1.LoginProfile, provider cloud.Provider, user string) (ctrl.Result, error) {
	_, err := provider.Get(ctx, user)
	switch {
	case errors.Is(err, cloud.ErrProfileNotFound):
	case err != nil:
		return r.cloudError(ctx, lp, "observing", err)
	default:
		if err := provider.Delete(ctx, user); err != nil {
			return r.cloudError(ctx, lp, "deleting", err)
		}
		r.event(lp, corev1.EventTypeNormal, EventDisabled, "Disable",
			"Disabled console password login of %s: deleted its login profile (status Inactive)", user)
	}
	lp.Status.AtProvider = observation(&lp.Spec, &cloud.LoginProfile{User: user, Status: cloud.StatusInactive})
	msg := fmt.Sprintf("Console password login of %s is disabled: it has no login profile", user)
	if disabledForUnused(lp) {
		msg = fmt.Sprintf("Console login of %s is disabled for being unused (see the Disabled condition): it has no login profile. "+
			"Change the spec to enable it again", user)
	}
	setReady(lp, metav1.ConditionTrue, ReasonAvailable, msg)
	r.throttle.reset(client.ObjectKeyFromObject(lp))
	return r.pollAgain(), nil
}

func (r *Reconciler) create(ctx context.Context, s *state, provider cloud.Provider, user string, sec *secretState, caps cloud.Capabilities) (ctrl.Result, error) {
	lp := s.lp
	pw, err := r.loadPassword(ctx, lp, sec)
	if err != nil {
		return r.secretError(lp, err)
	}
	// The account's policy first: a password it refuses is not sent. One applied before meets the
	// reuse prevention when the profile is created again (the cloud keeps the history): a
	// generated one is generated anew.
	appliedBefore := !sec.changed && lp.Status.Password != nil && lp.Status.Password.Digest != ""
	violation := checkPolicy(r.passwordPolicy(ctx, provider), user, pw, appliedBefore)
	if v := (*policyViolation)(nil); errors.As(violation, &v) && v.reused && lp.Spec.GeneratePassword && r.isGenerated(ctx, lp) {
		return r.generatePassword(ctx, lp, provider, user, true)
	}
	digest, err := password.Digest(pw.Reveal())
	if err != nil {
		return ctrl.Result{}, err
	}
	if violation != nil {
		r.recordRefused(lp, sec, digest, violation)
		return r.cloudError(ctx, lp, "creating", violation)
	}
	// Record the intent before the call: if the manager stops after the cloud created the profile
	// but before the status below is written, the next reconcile finds the profile and adopts it
	// with this digest instead of sending the same password again.
	recreated := s.inSync && lp.Status.AtProvider != nil && lp.Status.AtProvider.Status != cloud.StatusInactive
	ledgerOf(lp).intend(sec.source(), digest, lp.Spec.PasswordResetRequired, v1alpha1.PendingCreate, nil)
	inProgress(lp, "Creating the console login profile of %s", user)
	if err := r.writeIntent(ctx, s); err != nil {
		return ctrl.Result{}, err
	}
	ctx, cancel := r.finishing(ctx)
	defer cancel()
	created, err := provider.Create(ctx, createRequest(&lp.Spec, user, pw, caps))
	if errors.Is(err, cloud.ErrAlreadyExists) {
		// Someone else created it between our observation and our create: ours did not land, so
		// its password must not be taken as applied. Observe again and update.
		ledgerOf(lp).abandon(err)
		logf.FromContext(ctx).Info("Login profile exists already; observing it again")
		obs, gerr := provider.Get(ctx, user)
		if gerr != nil {
			return r.cloudError(ctx, lp, "observing", gerr)
		}
		return r.update(ctx, s, provider, obs, sec, passwordAvailability{}, caps)
	}
	if err != nil {
		ledgerOf(lp).abandon(err)
		r.recordRefused(lp, sec, digest, err)
		return r.cloudError(ctx, lp, "creating", err)
	}
	ledgerOf(lp).applied(sec.source(), digest, lp.Spec.PasswordResetRequired, r.now())
	lp.Status.AtProvider = observation(&lp.Spec, created)
	if recreated {
		r.event(lp, corev1.EventTypeNormal, EventDriftCorrected, "CorrectDrift",
			"Created again the console login profile of %s, deleted outside the operator", user)
	} else {
		r.event(lp, corev1.EventTypeNormal, EventCreated, "Create",
			"Created the console login profile of %s (status %s, mfaBindRequired %t, passwordResetRequired %t)",
			user, created.Status, created.MFABindRequired, created.PasswordResetRequired)
	}
	return r.available(lp, user), nil
}

func (r *Reconciler) update(ctx context.Context, s *state, provider cloud.Provider, obs *cloud.LoginProfile, sec *secretState, pw passwordAvailability, caps cloud.Capabilities) (ctrl.Result, error) {
	lp := s.lp
	// A profile the operator finds before it ever applied a password to it: created by another
	// tool, by hand, or by a LoginProfile that owned the user before this one.
	returning := wasRefused(lp)
	if returning {
		r.forgetIfChangedMeanwhile(lp, obs, sec, caps)
	}
	adopted := (lp.Status.AtProvider == nil || wasObserving(lp) || returning) && (lp.Status.Password == nil ||
		(lp.Status.Password.Digest == "" && lp.Status.Password.PendingDigest == ""))
	var uncertain string
	if sec != nil {
		landed, u, err := ledgerOf(lp).settle(obs, caps, sec.source(), r.now(), r.matcher(ctx, lp, sec))
		if err != nil {
			return r.secretError(lp, err)
		}
		if landed {
			sec.changed = false
		}
		uncertain = u
	}
	p := diff(&lp.Spec, obs, lp.Status.Password, pw.usable() && sec.changed, caps)
	specUnchanged := s.inSync
	var digest string
	// resend: this rotation sends again the password of an interrupted one that may have landed.
	var resend bool
	if p.rotatePassword {
		value, err := r.loadPassword(ctx, lp, sec)
		if err != nil {
			return r.secretError(lp, err)
		}
		if digest, err = password.Digest(value.Reveal()); err != nil {
			return ctrl.Result{}, err
		}
		resend = uncertain != "" && password.Matches(uncertain, value.Reveal())
		if violation := checkPolicy(r.passwordPolicy(ctx, provider), obs.User, value, false); violation != nil {
			// Refused before any call; the other changes go on their own, as after the cloud's refusal.
			r.recordRefused(lp, sec, digest, violation)
			if obs, err = r.sendWithoutPassword(ctx, lp, provider, obs, caps, specUnchanged); err != nil {
				return r.cloudError(ctx, lp, "updating", err)
			}
			lp.Status.AtProvider = observation(&lp.Spec, obs)
			return r.cloudError(ctx, lp, "updating", violation)
		}
		// As on create: record the intent first, with the profile's updateDate, so that an
		// interrupted rotation is neither lost nor sent twice; on a cloud that reports an update
		// date, not within the date's step (the second) of the write before it, which would leave
		// that date as it is (at most one second, a rotation right after another write).
		var hold time.Duration
		if caps.UpdateDate {
			hold = updateHold(obs.UpdateDate, dateStep(caps), r.now())
		}
		if err := pause(ctx, hold); err != nil {
			return ctrl.Result{}, err
		}
		var base *metav1.Time
		if !obs.UpdateDate.IsZero() {
			t := metav1.NewTime(obs.UpdateDate)
			base = &t
		}
		ledgerOf(lp).intend(sec.source(), digest, lp.Spec.PasswordResetRequired, v1alpha1.PendingUpdate, base)
		inProgress(lp, "Setting the password of the console login profile of %s", obs.User)
		if err := r.writeIntent(ctx, s); err != nil {
			return ctrl.Result{}, err
		}
		var cancel context.CancelFunc
		ctx, cancel = r.finishing(ctx)
		defer cancel()
		p.update.Password = &value
	}
	if !p.update.IsEmpty() {
		updated, err := provider.Update(ctx, p.update)
		if resend && errors.Is(err, cloud.ErrPasswordReused) {
			// The cloud refuses the password as one the user has already: the interrupted rotation
			// had landed. It is applied; the other changes go on their own.
			logf.FromContext(ctx).Info("The re-sent password of an interrupted rotation is refused as reused: it had landed")
			ledgerOf(lp).abandon(err)
			ledgerOf(lp).applied(sec.source(), digest, lp.Spec.PasswordResetRequired, r.now())
			r.event(lp, corev1.EventTypeNormal, EventPasswordRotated, "RotatePassword",
				"Applied the new password from Secret %s (key %s): an interrupted rotation had landed", lp.PasswordSecretName(), lp.PasswordKey())
			if obs, err = r.sendWithoutPassword(ctx, lp, provider, obs, caps, specUnchanged); err != nil {
				return r.cloudError(ctx, lp, "updating", err)
			}
			lp.Status.AtProvider = observation(&lp.Spec, obs)
			return r.available(lp, obs.User), nil
		}
		if err != nil {
			ledgerOf(lp).abandon(err)
			r.recordRefused(lp, sec, digest, err)
			if p.rotatePassword && errors.Is(err, cloud.ErrInvalidPassword) {
				// The cloud refused the whole update for its password: the other changes (a
				// leaver's status Inactive above all) must not wait for a better password.
				refusal := err
				if obs, err = r.sendWithoutPassword(ctx, lp, provider, obs, caps, specUnchanged); err != nil {
					return r.cloudError(ctx, lp, "updating", err)
				}
				lp.Status.AtProvider = observation(&lp.Spec, obs)
				return r.cloudError(ctx, lp, "updating", refusal)
			}
			return r.cloudError(ctx, lp, "updating", err)
		}
		if updated.LastLoginTime.IsZero() {
			updated.LastLoginTime = obs.LastLoginTime
		}
		obs = updated
		r.announceUpdate(lp, p, specUnchanged)
	}
	switch {
	case p.rotatePassword:
		ledgerOf(lp).applied(sec.source(), digest, lp.Spec.PasswordResetRequired, r.now())
	case pw.usable():
		ledgerOf(lp).checked(sec.source(), lp.Spec.PasswordResetRequired)
	}
	lp.Status.AtProvider = observation(&lp.Spec, obs)
	if adopted {
		r.announceAdoption(lp, obs.User, p.rotatePassword, pw)
	}
	switch {
	case pw.refused:
		return r.stillRefused(lp), nil
	case pw.missing != nil && (!caps.Status || desiredStatus(&lp.Spec) != cloud.StatusInactive):
		return r.secretError(lp, pw.missing)
	}
	return r.available(lp, obs.User), nil
}

// stillRefused reports a password the cloud refused for this generation, which is not sent again.
// The Ready condition says so already unless an outcome in between (throttling, a failed read)
// replaced it.
func (r *Reconciler) stillRefused(lp *v1alpha1.LoginProfile) ctrl.Result {
	if c := readyCondition(lp); c == nil || c.Reason != ReasonInvalidPassword || c.ObservedGeneration != lp.Generation {
		setReady(lp, metav1.ConditionFalse, ReasonInvalidPassword, fmt.Sprintf(
			"The cloud refused the password in Secret %q (key %q); it is not sent again until the Secret or the spec changes. "+
				"Put a password that meets the account's password policy in the Secret", lp.PasswordSecretName(), lp.PasswordKey()))
	}
	r.throttle.reset(client.ObjectKeyFromObject(lp))
	return r.pollAgain()
}

// recordRefused records a password the cloud refused (err is its answer; other errors record
// nothing).
func (r *Reconciler) recordRefused(lp *v1alpha1.LoginProfile, sec *secretState, digest string, err error) {
	if sec != nil && errors.Is(err, cloud.ErrInvalidPassword) {
		ledgerOf(lp).refused(sec.source(), digest, lp.Generation)
	}
}

// wasRefused reports whether the object's last outcome was a refusal (Forbidden, Conflict): it is
// managed again now.
func wasRefused(lp *v1alpha1.LoginProfile) bool {
	c := readyCondition(lp)
	return c != nil && (c.Reason == ReasonForbidden || c.Reason == ReasonConflict)
}

// forgetIfChangedMeanwhile drops what the object applied before it was refused, unless the cloud
// shows that nobody changed the profile since: another LoginProfile or a person may have set
// another password meanwhile, and the Secret's must then be applied again. On a cloud that
// reports no update date, nothing shows it, so the password is applied again.
func (r *Reconciler) forgetIfChangedMeanwhile(lp *v1alpha1.LoginProfile, obs *cloud.LoginProfile, sec *secretState, caps cloud.Capabilities) {
	if lp.Status.Password == nil {
		return
	}
	if at := lp.Status.AtProvider; caps.UpdateDate && at != nil && at.UpdateDate != nil && !obs.UpdateDate.IsZero() &&
		at.UpdateDate.Truncate(time.Second).Equal(obs.UpdateDate.Truncate(time.Second)) {
		return
	}
	ledgerOf(lp).forget()
	if sec != nil {
		sec.changed = true
	}
}

// wasObserving reports whether the object's last outcome was that of managementPolicy Observe:
// switched to Manage, it adopts what it observed.
func wasObserving(lp *v1alpha1.LoginProfile) bool {
	c := readyCondition(lp)
	return c != nil && (c.Reason == ReasonObserved || c.Reason == ReasonProfileNotFound)
}

// sendWithoutPassword sends the changes of an update other than the password on their own (after
// the cloud refused the password, or found that it holds it already), and returns the profile.
func (r *Reconciler) sendWithoutPassword(ctx context.Context, lp *v1alpha1.LoginProfile, provider cloud.Provider, obs *cloud.LoginProfile,
	caps cloud.Capabilities, specUnchanged bool) (*cloud.LoginProfile, error) {
	p := diff(&lp.Spec, obs, lp.Status.Password, false, caps)
	if p.update.IsEmpty() {
		return obs, nil
	}
	updated, err := provider.Update(ctx, p.update)
	if err != nil {
		return nil, err
	}
	if updated.LastLoginTime.IsZero() {
		updated.LastLoginTime = obs.LastLoginTime
	}
	r.announceUpdate(lp, p, specUnchanged)
	return updated, nil
}

// announceAdoption emits the Adopted Event: whether the Secret's password was applied, and why not.
func (r *Reconciler) announceAdoption(lp *v1alpha1.LoginProfile, user string, applied bool, pw passwordAvailability) {
	var outcome string
	switch {
	case applied:
		outcome = fmt.Sprintf("applied the password from Secret %s (key %s)", lp.PasswordSecretName(), lp.PasswordKey())
	case pw.missing != nil:
		outcome = "its password was not changed: the password Secret is missing; it is applied when the Secret exists"
	case pw.refused:
		outcome = "its password was not changed: the cloud refused the password in the Secret"
	default:
		outcome = "its password was not changed"
	}
	r.event(lp, corev1.EventTypeNormal, EventAdopted, "Adopt",
		"Adopted the existing console login profile of %s; %s", user, outcome)
}

func (r *Reconciler) announceUpdate(lp *v1alpha1.LoginProfile, p plan, specUnchanged bool) {
	var others []string
	for _, f := range p.fields {
		if f != "password" {
			others = append(others, f)
		}
	}
	if p.rotatePassword {
		r.event(lp, corev1.EventTypeNormal, EventPasswordRotated, "RotatePassword",
			"Applied the new password from Secret %s (key %s)", lp.PasswordSecretName(), lp.PasswordKey())
	}
	switch {
	case len(others) == 0:
	case specUnchanged && !p.rotatePassword:
		r.event(lp, corev1.EventTypeNormal, EventDriftCorrected, "CorrectDrift",
			"Corrected %s changed outside the operator", strings.Join(others, ", "))
	default:
		r.event(lp, corev1.EventTypeNormal, EventUpdated, "Update", "Updated %s", strings.Join(others, ", "))
	}
}

// available marks the object in sync and schedules the next observation.
func (r *Reconciler) available(lp *v1alpha1.LoginProfile, user string) ctrl.Result {
	setReady(lp, metav1.ConditionTrue, ReasonAvailable,
		fmt.Sprintf("The console login profile of %s matches the spec", user))
	r.throttle.reset(client.ObjectKeyFromObject(lp))
	return r.pollAgain()
}

func (r *Reconciler) reconcileDelete(ctx context.Context, s *state) (ctrl.Result, error) {
	lp := s.lp
	if !controllerutil.ContainsFinalizer(lp, Finalizer) {
		return ctrl.Result{}, nil
	}
	switch {
	case lp.Observed():
		r.event(lp, corev1.EventTypeNormal, EventReleased, "Release",
			"Left the cloud login profile as it is: managementPolicy Observe never writes to the cloud")
	case lp.Spec.DeletionPolicy == v1alpha1.DeletionPolicyOrphan:
		r.event(lp, corev1.EventTypeNormal, EventOrphaned, "Orphan",
			"Left the cloud login profile in place (deletionPolicy Orphan)")
	default:
		if res, done, err := r.deleteProfile(ctx, lp); !done {
			return res, err
		}
	}
	before := lp.DeepCopy()
	controllerutil.RemoveFinalizer(lp, Finalizer)
	if err := r.Patch(ctx, lp, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s.finalizedOK = true
	r.throttle.reset(client.ObjectKeyFromObject(lp))
	return ctrl.Result{}, nil
}

// deleteProfile deletes the cloud login profile of a LoginProfile being deleted with
// deletionPolicy Delete, unless the tenancy or ownership rules keep the object out of its user:
// then it touches nothing. done reports whether the finalizer may go.
func (r *Reconciler) deleteProfile(ctx context.Context, lp *v1alpha1.LoginProfile) (ctrl.Result, bool, error) {
	orphanHint := func() {
		if c := readyCondition(lp); c != nil {
			c.Message += ". To delete this object without touching the cloud, set spec.deletionPolicy to Orphan"
		}
	}
	pc, res, err := r.providerConfig(ctx, lp)
	if pc == nil {
		orphanHint()
		return res, false, err
	}
	ref, err := r.admit(ctx, lp, pc)
	if err != nil {
		return ctrl.Result{}, false, err
	}
	if ref != nil {
		r.event(lp, corev1.EventTypeNormal, EventReleased, "Release",
			"Deleted without touching the cloud (%s): %s", ref.reason, ref.message)
		return ctrl.Result{}, true, nil
	}
	provider, driver, res, err := r.provider(ctx, lp, pc)
	if provider == nil {
		orphanHint()
		return res, false, err
	}
	user, err := driver.UserOf(&lp.Spec)
	if err != nil {
		// The spec names no user of this cloud: there is nothing of ours to delete.
		return ctrl.Result{}, true, nil
	}
	if err := provider.Delete(ctx, user); err != nil {
		res, err := r.cloudError(ctx, lp, "deleting", err)
		return res, false, err
	}
	r.event(lp, corev1.EventTypeNormal, EventDeleted, "Delete", "Deleted the console login profile of %s", user)
	return ctrl.Result{}, true, nil
}

// providerConfig reads the ProviderConfig the LoginProfile names. When it returns nil, the Ready
// condition says why and the result and error are the reconcile's outcome.
func (r *Reconciler) providerConfig(ctx context.Context, lp *v1alpha1.LoginProfile) (*v1alpha1.ProviderConfig, ctrl.Result, error) {
	name := lp.ProviderConfigName()
	pc := &v1alpha1.ProviderConfig{}
	if err := r.Get(ctx, types.NamespacedName{Name: name}, pc); err != nil {
		err = fmt.Errorf("reading ProviderConfig %s: %w", name, err)
		res, rerr := r.conclude(lp, judgeProviderConfigError(err, r.subject(lp, "reading")), err)
		return nil, res, rerr
	}
	return pc, ctrl.Result{}, nil
}

// provider returns the cloud Provider of pc. When it returns a nil Provider, the Ready condition
// says why and the result and error are the reconcile's outcome.
func (r *Reconciler) provider(ctx context.Context, lp *v1alpha1.LoginProfile, pc *v1alpha1.ProviderConfig) (cloud.Provider, cloud.Driver, ctrl.Result, error) {
	p, f, err := r.Providers.For(ctx, pc)
	if err != nil {
		res, rerr := r.conclude(lp, judgeProviderConfigError(err, r.subject(lp, "connecting")), err)
		return nil, nil, res, rerr
	}
	return p, f, ctrl.Result{}, nil
}

// cloudError reports a failed cloud call: a Warning Event with the full error (request id
// included), and the verdict of judgeCloudError.
func (r *Reconciler) cloudError(ctx context.Context, lp *v1alpha1.LoginProfile, doing string, err error) (ctrl.Result, error) {
	r.event(lp, corev1.EventTypeWarning, EventReconcileFailed, "Reconcile", "Failed %s the login profile: %s", doing, err.Error())
	res, rerr := r.conclude(lp, judgeCloudError(err, r.subject(lp, doing)), err)
	if cloud.IsThrottled(err) {
		logf.FromContext(ctx).V(1).Info("Throttled by the cloud; backing off", "after", res.RequeueAfter, "code", cloud.Code(err))
	}
	return res, rerr
}

// subject is what the verdicts about lp speak of.
func (r *Reconciler) subject(lp *v1alpha1.LoginProfile, doing string) subject {
	return subject{providerConfig: lp.ProviderConfigName(), secretName: lp.PasswordSecretName(), secret: lp.PasswordKey(), doing: doing}
}

// conclude applies a verdict: the Ready condition, and how the reconcile ends. err is the failure
// the verdict is about, returned to the queue when the verdict says so.
func (r *Reconciler) conclude(lp *v1alpha1.LoginProfile, v verdict, err error) (ctrl.Result, error) {
	if v.forgetObservation {
		lp.Status.AtProvider = nil
	}
	setReady(lp, v.ready, v.reason, v.message)
	switch v.retry {
	case retryPoll:
		return r.pollAgain(), nil
	case retrySoon:
		return ctrl.Result{RequeueAfter: jitter(min(r.PollInterval, 5*time.Minute)), Priority: lowPriority}, nil
	case retryThrottled:
		return ctrl.Result{RequeueAfter: r.throttle.next(client.ObjectKeyFromObject(lp)), Priority: lowPriority}, nil
	case retryNever:
		return ctrl.Result{}, reconcile.TerminalError(err)
	case retryOnChange:
		return ctrl.Result{}, nil
	default:
		return ctrl.Result{}, err
	}
}

func (r *Reconciler) event(lp *v1alpha1.LoginProfile, eventType, reason, action, note string, args ...any) {
	if r.Recorder != nil {
		r.Recorder.Eventf(lp, nil, eventType, reason, action, note, args...)
	}
}

func (r *Reconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// observation is the status.atProvider of an observed profile. The user is reported in the field
// the spec names it with.
func observation(spec *v1alpha1.LoginProfileSpec, p *cloud.LoginProfile) *v1alpha1.LoginProfileObservation {
	o := &v1alpha1.LoginProfileObservation{
		Status:                p.Status,
		MFABindRequired:       p.MFABindRequired,
		PasswordResetRequired: p.PasswordResetRequired,
		UpdateDate:            timeOrNil(p.UpdateDate),
		LastLoginTime:         timeOrNil(p.LastLoginTime),
		CreatedAt:             timeOrNil(p.CreateDate),
		PasswordExpiresAt:     timeOrNil(p.PasswordExpiresAt),
	}
	if spec.UserID != "" {
		o.UserID = p.User
	} else {
		o.UserPrincipalName = p.User
	}
	return o
}

func timeOrNil(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	mt := metav1.NewTime(t)
	return &mt
}
