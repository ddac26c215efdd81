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

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/password"
)

// errPasswordSecret: the password Secret or its key is missing or empty. Its text names the
// Secret and the key, never the value.
var errPasswordSecret = errors.New("password Secret unusable")

// secretState is what one reconcile knows of the password Secret.
type secretState struct {
	name, key       string
	resourceVersion string
	// value is nil until the Secret's content was read.
	value *cloud.Sensitive
	// changed: the Secret's password is not the one last applied.
	changed bool
}

// passwordSecret finds out whether the password changed, reading the Secret's content only when
// its resourceVersion is not the one last checked: in steady state it costs one read of the
// manager's metadata cache and nothing else.
func (r *Reconciler) passwordSecret(ctx context.Context, lp *v1alpha1.LoginProfile) (*secretState, error) {
	sec := &secretState{name: lp.PasswordSecretName(), key: lp.PasswordKey()}
	if sec.name == "" {
		return nil, fmt.Errorf("%w: spec.passwordSecretRef names no Secret", errPasswordSecret)
	}
	meta := &metav1.PartialObjectMetadata{}
	meta.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
	if err := r.Get(ctx, types.NamespacedName{Namespace: lp.Namespace, Name: sec.name}, meta); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("%w: Secret %q not found in namespace %q", errPasswordSecret, sec.name, lp.Namespace)
		}
		return nil, fmt.Errorf("reading password Secret %s: %w", sec.name, err)
	}
	sec.resourceVersion = meta.ResourceVersion
	applied := lp.Status.Password
	if applied != nil && applied.Digest != "" && applied.PendingDigest == "" &&
		applied.SecretName == sec.name && applied.SecretKey == sec.key && applied.SecretResourceVersion == sec.resourceVersion {
		return sec, nil
	}
	pw, err := r.loadPassword(ctx, lp, sec)
	if err != nil {
		return nil, err
	}
	sec.changed = applied == nil || applied.Digest == "" || !password.Matches(applied.Digest, pw.Reveal())
	return sec, nil
}

// loadPassword reads the password from the Secret, once per reconcile.
func (r *Reconciler) loadPassword(ctx context.Context, lp *v1alpha1.LoginProfile, sec *secretState) (cloud.Sensitive, error) {
	if sec.value != nil {
		return *sec.value, nil
	}
	var s corev1.Secret
	if err := r.APIReader.Get(ctx, types.NamespacedName{Namespace: lp.Namespace, Name: sec.name}, &s); err != nil {
		if apierrors.IsNotFound(err) {
			return cloud.Sensitive{}, fmt.Errorf("%w: Secret %q not found in namespace %q", errPasswordSecret, sec.name, lp.Namespace)
		}
		return cloud.Sensitive{}, fmt.Errorf("reading password Secret %s: %w", sec.name, err)
	}
	raw, ok := s.Data[sec.key]
	if !ok || len(raw) == 0 {
		return cloud.Sensitive{}, fmt.Errorf("%w: Secret %q has no key %q, or it is empty", errPasswordSecret, sec.name, sec.key)
	}
	v := cloud.NewSensitive(string(raw))
	sec.value = &v
	sec.resourceVersion = s.ResourceVersion
	return v, nil
}

// secretError reports a password Secret that cannot be used (see judgeSecretError).
func (r *Reconciler) secretError(lp *v1alpha1.LoginProfile, err error) (ctrl.Result, error) {
	return r.conclude(lp, judgeSecretError(err, r.subject(lp, "reading the password Secret")), err)
}

// withoutSentinel returns err's text without the sentinel's prefix, for a condition message.
func withoutSentinel(sentinel, err error) string {
	msg := err.Error()
	if sentinel != nil {
		if p := sentinel.Error() + ": "; len(msg) > len(p) && msg[:len(p)] == p {
			msg = msg[len(p):]
		}
	}
	return msg
}

// setPending records, before a call that carries a password, which password it carries and the
// call it is. base is the profile's updateDate before an update, when the cloud reports one.
func (r *Reconciler) setPending(lp *v1alpha1.LoginProfile, sec *secretState, digest string, op v1alpha1.PendingOperation, base *metav1.Time) {
	if lp.Status.Password == nil {
		lp.Status.Password = &v1alpha1.PasswordStatus{}
	}
	p := lp.Status.Password
	p.PendingDigest = digest
	p.PendingOperation = op
	p.PendingBaseUpdateDate = base
	p.SecretName, p.SecretKey = sec.name, sec.key
}

// recordApplied records a password the cloud accepted.
func (r *Reconciler) recordApplied(lp *v1alpha1.LoginProfile, sec *secretState, digest string) {
	now := metav1.NewTime(r.now())
	lp.Status.Password = &v1alpha1.PasswordStatus{
		Digest:                digest,
		SecretName:            sec.name,
		SecretKey:             sec.key,
		SecretResourceVersion: sec.resourceVersion,
		ResetRequired:         lp.Spec.PasswordResetRequired,
		LastAppliedTime:       &now,
	}
}

// recordChecked records that the Secret's current version holds the applied password, and the
// passwordResetRequired the cloud now reflects.
func (r *Reconciler) recordChecked(lp *v1alpha1.LoginProfile, sec *secretState) {
	p := lp.Status.Password
	if p == nil {
		return
	}
	p.SecretName, p.SecretKey, p.SecretResourceVersion = sec.name, sec.key, sec.resourceVersion
	p.ResetRequired = lp.Spec.PasswordResetRequired
	p.RefusedSecretResourceVersion, p.RefusedGeneration, p.RefusedDigest = "", 0, ""
}

// resolvePending settles a password write that was interrupted (the manager stopped between the
// call and the status write). The write landed when the profile exists after a create, or when its
// updateDate moved after an update: then the pending password is the applied one and is not sent
// again. Otherwise the record is dropped and the usual comparison decides. On a cloud that reports
// no update date, nothing shows whether an interrupted update landed: it is sent again, and
// resolvePending returns its digest (uncertain) so that a refusal of the re-sent password as
// reused can be read as "it had landed".
func (r *Reconciler) resolvePending(ctx context.Context, lp *v1alpha1.LoginProfile, obs *cloud.LoginProfile, sec *secretState, caps cloud.Capabilities) (uncertain string, err error) {
	p := lp.Status.Password
	if p == nil || p.PendingDigest == "" {
		return "", nil
	}
	pending, op, base := p.PendingDigest, p.PendingOperation, p.PendingBaseUpdateDate
	p.PendingDigest, p.PendingOperation, p.PendingBaseUpdateDate = "", "", nil
	var landed bool
	switch op {
	case v1alpha1.PendingUpdate:
		known := caps.UpdateDate && base != nil
		if !known {
			return pending, nil
		}
		landed = !obs.UpdateDate.Equal(base.Time)
	default: // PendingCreate: the profile we were creating exists
		landed = true
	}
	if !landed {
		return "", nil
	}
	pw, err := r.loadPassword(ctx, lp, sec)
	if err != nil {
		return "", err
	}
	if password.Matches(pending, pw.Reveal()) {
		r.recordApplied(lp, sec, pending)
		sec.changed = false
	}
	return "", nil
}

// recordRefused remembers which password the cloud refused (its digest), in which Secret version
// and for which generation of the spec.
func (r *Reconciler) recordRefused(lp *v1alpha1.LoginProfile, sec *secretState, digest string, err error) {
	if sec == nil || !errors.Is(err, cloud.ErrInvalidPassword) {
		return
	}
	if lp.Status.Password == nil {
		lp.Status.Password = &v1alpha1.PasswordStatus{}
	}
	p := lp.Status.Password
	p.RefusedSecretResourceVersion, p.RefusedGeneration, p.RefusedDigest = sec.resourceVersion, lp.Generation, digest
}

// refusedAlready reports whether the cloud refused the Secret's password for this generation of
// the spec: the same Secret version, or another version holding the same password. It does not
// depend on the Ready condition: a throttled or failed observation in between must not release
// the refusal. A change of the spec does (a person acted).
func (r *Reconciler) refusedAlready(ctx context.Context, lp *v1alpha1.LoginProfile, sec *secretState) (bool, error) {
	p := lp.Status.Password
	if p == nil || p.RefusedSecretResourceVersion == "" || p.RefusedGeneration != lp.Generation {
		return false, nil
	}
	if p.RefusedSecretResourceVersion == sec.resourceVersion {
		return true, nil
	}
	if p.RefusedDigest == "" {
		return false, nil
	}
	pw, err := r.loadPassword(ctx, lp, sec)
	if err != nil {
		return false, err
	}
	if !password.Matches(p.RefusedDigest, pw.Reveal()) {
		return false, nil
	}
	p.RefusedSecretResourceVersion = sec.resourceVersion
	return true, nil
}

// clearPendingUnlessUncertain drops the pending record after a call the cloud answered with a
// refusal: nothing was applied. After a transport failure the call may have landed, so the record
// stays for resolvePending.
func (r *Reconciler) clearPendingUnlessUncertain(lp *v1alpha1.LoginProfile, err error) {
	if lp.Status.Password == nil || errors.Is(err, cloud.ErrTransient) {
		return
	}
	lp.Status.Password.PendingDigest = ""
	lp.Status.Password.PendingOperation = ""
	lp.Status.Password.PendingBaseUpdateDate = nil
	if lp.Status.Password.Digest == "" && lp.Status.Password.RefusedSecretResourceVersion == "" {
		lp.Status.Password = nil
	}
}
