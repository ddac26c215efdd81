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
	"errors"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// source is where a password is read: a Secret, its key, and the Secret's resourceVersion.
type source struct {
	name, key, resourceVersion string
}

// matcher reports whether the Secret's password is the one a digest was made from. The reconcile
// gives one that reads the Secret at most once; the ledger calls it only when it must compare.
type matcher func(digest string) (bool, error)

// ledger is the password bookkeeping of a LoginProfile, kept in status.password: which password was
// applied (a salted digest, never the password), which write is in flight (the intent), which
// password the cloud refused. Its methods are the only writers of status.password and do no I/O:
// what they must know of the Secret's password they ask a matcher.
type ledger struct{ status *v1alpha1.LoginProfileStatus }

func ledgerOf(lp *v1alpha1.LoginProfile) ledger { return ledger{&lp.Status} }

func (l ledger) record() *v1alpha1.PasswordStatus {
	if l.status.Password == nil {
		l.status.Password = &v1alpha1.PasswordStatus{}
	}
	return l.status.Password
}

// current reports whether src is the Secret version whose password was last applied and checked,
// with nothing in flight: then the Secret need not be read at all.
func (l ledger) current(src source) bool {
	p := l.status.Password
	return p != nil && p.Digest != "" && p.PendingDigest == "" &&
		p.SecretName == src.name && p.SecretKey == src.key && p.SecretResourceVersion == src.resourceVersion
}

// changed reports whether the Secret's password differs from the one applied (or none was).
func (l ledger) changed(matches matcher) (bool, error) {
	p := l.status.Password
	if p == nil || p.Digest == "" {
		return true, nil
	}
	same, err := matches(p.Digest)
	return !same, err
}

// intend records, before a call that carries a password, which password it carries (digest), the
// passwordResetRequired sent with it and the call it is. base is the profile's updateDate before an
// update, when the cloud reports one.
func (l ledger) intend(src source, digest string, resetRequired bool, op v1alpha1.PendingOperation, base *metav1.Time) {
	p := l.record()
	p.PendingDigest, p.PendingOperation, p.PendingBaseUpdateDate = digest, op, base
	p.PendingResetRequired = &resetRequired
	p.SecretName, p.SecretKey = src.name, src.key
}

// applied records a password the cloud accepted, and the passwordResetRequired sent with it.
func (l ledger) applied(src source, digest string, resetRequired bool, at time.Time) {
	t := metav1.NewTime(at)
	l.status.Password = &v1alpha1.PasswordStatus{
		Digest:                digest,
		SecretName:            src.name,
		SecretKey:             src.key,
		SecretResourceVersion: src.resourceVersion,
		ResetRequired:         resetRequired,
		LastAppliedTime:       &t,
	}
}

// checked records that the Secret version src holds the applied password, and the
// passwordResetRequired the cloud now reflects. A refusal recorded before no longer stands.
func (l ledger) checked(src source, resetRequired bool) {
	p := l.status.Password
	if p == nil {
		return
	}
	p.SecretName, p.SecretKey, p.SecretResourceVersion = src.name, src.key, src.resourceVersion
	p.ResetRequired = resetRequired
	p.RefusedSecretResourceVersion, p.RefusedGeneration, p.RefusedDigest = "", 0, ""
}

// refused records that the cloud refused the password of src (digest) for the spec's generation.
func (l ledger) refused(src source, digest string, generation int64) {
	p := l.record()
	p.RefusedSecretResourceVersion, p.RefusedGeneration, p.RefusedDigest = src.resourceVersion, generation, digest
}

// refusedAlready reports whether the cloud refused the Secret's password for this generation of
// the spec: the same Secret version, or another version holding the same password (then that
// version is recorded, so that it is not compared again). It does not depend on the Ready
// condition: a throttled or failed observation in between does not release the refusal; a change
// of the spec does (a person acted).
func (l ledger) refusedAlready(src source, generation int64, matches matcher) (bool, error) {
	p := l.status.Password
	if p == nil || p.RefusedSecretResourceVersion == "" || p.RefusedGeneration != generation {
		return false, nil
	}
	if p.RefusedSecretResourceVersion == src.resourceVersion {
		return true, nil
	}
	if p.RefusedDigest == "" {
		return false, nil
	}
	same, err := matches(p.RefusedDigest)
	if err != nil || !same {
		return false, err
	}
	p.RefusedSecretResourceVersion = src.resourceVersion
	return true, nil
}

// settle settles a password write that was interrupted (the manager stopped between the call and
// the status write), given the profile observed now. The write landed when the profile exists
// after a create, or when its updateDate moved after an update: if the Secret still holds that
// password, it is recorded as applied (landed) and must not be sent again. Otherwise the intent is
// dropped and the usual comparison decides. On a cloud that reports no update date nothing shows
// whether an interrupted update landed: it is sent again, and settle returns its digest
// (uncertain), so that a refusal of the re-sent password as reused can be read as "it had landed".
func (l ledger) settle(obs *cloud.LoginProfile, caps cloud.Capabilities, src source, now time.Time,
	matches matcher) (landed bool, uncertain string, err error) {
	p := l.status.Password
	if p == nil || p.PendingDigest == "" {
		return false, "", nil
	}
	pending, op, base, reset := p.PendingDigest, p.PendingOperation, p.PendingBaseUpdateDate, p.PendingResetRequired
	p.PendingDigest, p.PendingOperation, p.PendingBaseUpdateDate, p.PendingResetRequired = "", "", nil, nil
	if op == v1alpha1.PendingUpdate {
		if !caps.UpdateDate || base == nil {
			return false, pending, nil
		}
		if step := dateStep(caps); obs.UpdateDate.Truncate(step).Equal(base.Truncate(step)) {
			return false, "", nil
		}
	}
	// A create's profile exists, or the update's updateDate moved: it landed.
	same, err := matches(pending)
	if err != nil || !same {
		return false, "", err
	}
	// The flag sent with the write, not the spec's now: the spec may have changed since, and then
	// the diff must still see that the cloud has the old one.
	l.applied(src, pending, reset != nil && *reset, now)
	return true, "", nil
}

// clockSkew is the most the manager's clock is taken to differ from the cloud's (NTP keeps them
// within milliseconds).
const clockSkew = time.Second

// dateStep is the step in which update dates are compared: the cloud's resolution, and at least the
// second, to which status keeps the base of an update (metav1.Time).
func dateStep(caps cloud.Capabilities) time.Duration {
	return max(caps.UpdateDateResolution, time.Second)
}

// updateHold is how long a password update must wait so that, if it lands, the profile's update
// date moves off base, the date observed before it (and recorded with the intent): settle reads an
// unchanged date as "did not land", which holds only if the update cannot fall within base's step.
// A cloud that reports dates to the second (Alibaba Cloud) gives an update made within the same
// second as the write before it (a create, often) the same updateDate.
//
// Waiting one step after the observation is enough whatever the clocks, as base's write came before
// the observation. When the manager's clock says base's step ended more than clockSkew ago, there is
// no wait: the usual case, a profile not written in the last two seconds.
func updateHold(base time.Time, resolution time.Duration, now time.Time) time.Duration {
	if base.IsZero() || resolution <= 0 {
		return 0
	}
	return max(0, min(resolution, base.Truncate(resolution).Add(resolution+clockSkew).Sub(now)))
}

// abandon drops the intent after a call the cloud answered with a refusal: nothing was applied.
// After a transport failure the call may have landed, so the intent stays for settle.
func (l ledger) abandon(err error) {
	p := l.status.Password
	if p == nil || errors.Is(err, cloud.ErrTransient) {
		return
	}
	p.PendingDigest, p.PendingOperation, p.PendingBaseUpdateDate, p.PendingResetRequired = "", "", nil, nil
	if p.Digest == "" && p.RefusedSecretResourceVersion == "" {
		l.status.Password = nil
	}
}

// forget drops the whole record: what was applied is no proof of what the cloud holds any more.
func (l ledger) forget() { l.status.Password = nil }
