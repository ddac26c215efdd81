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
	l := ledgerOf(lp)
	if l.current(sec.source()) {
		return sec, nil
	}
	// Read now, so that a missing key is known before anything is decided.
	if _, err := r.loadPassword(ctx, lp, sec); err != nil {
		return nil, err
	}
	changed, err := l.changed(r.matcher(ctx, lp, sec))
	if err != nil {
		return nil, err
	}
	sec.changed = changed
	return sec, nil
}

// source is where the Secret's password is read, as the ledger records it.
func (sec *secretState) source() source {
	return source{name: sec.name, key: sec.key, resourceVersion: sec.resourceVersion}
}

// matcher compares the Secret's password with digests, reading the Secret at most once.
func (r *Reconciler) matcher(ctx context.Context, lp *v1alpha1.LoginProfile, sec *secretState) matcher {
	return func(digest string) (bool, error) {
		pw, err := r.loadPassword(ctx, lp, sec)
		if err != nil {
			return false, err
		}
		return password.Matches(digest, pw.Reveal()), nil
	}
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
