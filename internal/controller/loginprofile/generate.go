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
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	ctrl "sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/password"
)

// Passwords the operator generates (spec.generatePassword), and the account's password policy that
// every password is checked against before it is sent.

// LabelGeneratedFor marks a Secret the operator created for a LoginProfile (its name): the only
// Secrets it ever writes.
const LabelGeneratedFor = "iam.loginprofile.io/generated-for"

// EventPasswordGenerated is the Event reason of a password generated into the Secret.
const EventPasswordGenerated = "PasswordGenerated"

// policyCache keeps each account's password policy (by its Provider, which changes with the
// ProviderConfig) for at most ttl: read once per poll interval, whatever the number of objects.
type policyCache struct {
	mu      sync.Mutex
	entries map[cloud.Provider]policyEntry
}

type policyEntry struct {
	policy *cloud.PasswordPolicy
	err    error
	at     time.Time
}

// get returns the account's policy, read through provider when the cached one is older than ttl.
// A failure to read is cached too, so that an account that does not let the operator read its
// policy costs one call per interval, not one per password.
func (c *policyCache) get(ctx context.Context, provider cloud.Provider, now time.Time, ttl time.Duration) (*cloud.PasswordPolicy, error) {
	c.mu.Lock()
	e, ok := c.entries[provider]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < ttl {
		return e.policy, e.err
	}
	policy, err := provider.PasswordPolicy(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[cloud.Provider]policyEntry{}
	}
	c.entries[provider] = policyEntry{policy: policy, err: err, at: now}
	return policy, err
}

// passwordPolicy is the account's password policy, nil when it cannot be read: the cloud's own
// check then stays the only one.
func (r *Reconciler) passwordPolicy(ctx context.Context, provider cloud.Provider) *cloud.PasswordPolicy {
	policy, err := r.policies.get(ctx, provider, r.now(), r.PollInterval)
	if err != nil {
		logf.FromContext(ctx).V(1).Info("Could not read the account's password policy; the cloud alone checks passwords", "error", err.Error())
		return nil
	}
	return policy
}

// policyViolation is a password the account's policy refuses, found before any call: of class
// cloud.ErrInvalidPassword, its text names the rules broken, never the password.
type policyViolation struct {
	rules []string
	// reused: the password is one the account's reuse prevention refuses.
	reused bool
}

func (v *policyViolation) Error() string {
	if v.reused {
		return "the account's password policy refuses a password used recently, and this one was applied to the login profile before " +
			"(the cloud keeps a user's password history when the login profile is deleted)"
	}
	return "the account's password policy refuses it: " + strings.Join(v.rules, ", ")
}

func (v *policyViolation) Is(target error) bool { return target == cloud.ErrInvalidPassword }

// checkPolicy returns a *policyViolation when the account's policy refuses pw for user; nil when it
// complies or the policy is unknown. appliedBefore: the password is the one last applied, so a
// profile created again with it meets the reuse prevention.
func checkPolicy(policy *cloud.PasswordPolicy, user string, pw cloud.Sensitive, appliedBefore bool) error {
	if policy == nil {
		return nil
	}
	if broken := password.Check(policy, user, pw.Reveal()); len(broken) > 0 {
		return &policyViolation{rules: broken}
	}
	if appliedBefore && policy.ReusePrevention > 0 {
		return &policyViolation{reused: true}
	}
	return nil
}

// generatedBy reports whether s was created by the operator for lp.
func generatedBy(s *corev1.Secret, lp *v1alpha1.LoginProfile) bool {
	return s.Labels[LabelGeneratedFor] == lp.Name && metav1.IsControlledBy(s, lp)
}

// generatePassword writes a new password that satisfies the account's policy into the Secret
// spec.passwordSecretRef names: it creates the Secret, owned by lp and labelled, or sets the key in
// a Secret it created before (regenerate: also when the key holds a password). A Secret it did not
// create is never written. The Secret's watch brings the object back to apply the password, once.
func (r *Reconciler) generatePassword(ctx context.Context, lp *v1alpha1.LoginProfile, provider cloud.Provider, user string, regenerate bool) (ctrl.Result, error) {
	name, key := lp.PasswordSecretName(), lp.PasswordKey()
	pw, err := password.Generate(r.passwordPolicy(ctx, provider), user)
	if err != nil {
		return r.conclude(lp, verdict{metav1.ConditionFalse, ReasonInvalidPassword, fmt.Sprintf(
			"Cannot generate a password for Secret %q: %s. Relax the account's password policy, or put a password in the Secret yourself",
			name, err.Error()), retryPoll, false}, nil)
	}
	var s corev1.Secret
	err = r.APIReader.Get(ctx, types.NamespacedName{Namespace: lp.Namespace, Name: name}, &s)
	switch {
	case apierrors.IsNotFound(err):
		s = corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: lp.Namespace, Name: name, Labels: map[string]string{LabelGeneratedFor: lp.Name}},
			Type:       corev1.SecretTypeOpaque,
			Data:       map[string][]byte{key: []byte(pw)},
		}
		if err := controllerutil.SetControllerReference(lp, &s, r.Scheme()); err != nil {
			return r.conclude(lp, judgeFailure(err), err)
		}
		if err := r.Create(ctx, &s); err != nil && !apierrors.IsAlreadyExists(err) {
			return r.conclude(lp, judgeFailure(fmt.Errorf("creating Secret %s: %w", name, err)), err)
		} else if err != nil {
			return ctrl.Result{RequeueAfter: jitter(time.Second)}, nil // created meanwhile: look again
		}
	case err != nil:
		return r.conclude(lp, judgeFailure(fmt.Errorf("reading Secret %s: %w", name, err)), err)
	case !generatedBy(&s, lp):
		return r.conclude(lp, verdict{metav1.ConditionFalse, ReasonPasswordSecretNotFound, fmt.Sprintf(
			"Secret %q has no key %q, and spec.generatePassword writes only the Secrets the operator created: "+
				"put the password under that key, or name a Secret that does not exist yet", name, key), retryPoll, false}, nil)
	case len(s.Data[key]) > 0 && !regenerate:
		return ctrl.Result{RequeueAfter: jitter(time.Second)}, nil // written meanwhile: look again
	default:
		if s.Data == nil {
			s.Data = map[string][]byte{}
		}
		s.Data[key] = []byte(pw)
		if err := r.Update(ctx, &s); err != nil {
			if apierrors.IsConflict(err) {
				return ctrl.Result{RequeueAfter: jitter(time.Second)}, nil
			}
			return r.conclude(lp, judgeFailure(fmt.Errorf("writing Secret %s: %w", name, err)), err)
		}
	}
	why := "the Secret had none"
	if regenerate {
		why = "the account refuses the password applied before to a login profile created again"
	}
	r.event(lp, corev1.EventTypeNormal, EventPasswordGenerated, "GeneratePassword",
		"Generated a password for %s into Secret %s (key %s): %s", user, name, key, why)
	inProgress(lp, "Generated a password into Secret %s (key %s); applying it", name, key)
	return ctrl.Result{RequeueAfter: jitter(2 * time.Second)}, nil
}

// isGenerated reports whether the Secret of lp is one the operator generated: only then may it
// generate a new password into it.
func (r *Reconciler) isGenerated(ctx context.Context, lp *v1alpha1.LoginProfile) bool {
	var s corev1.Secret
	if err := r.APIReader.Get(ctx, types.NamespacedName{Namespace: lp.Namespace, Name: lp.PasswordSecretName()}, &s); err != nil {
		return false
	}
	return generatedBy(&s, lp)
}

// isPolicyViolation reports whether err is a refusal by the account's policy found before a call.
func isPolicyViolation(err error) bool {
	var v *policyViolation
	return errors.As(err, &v)
}
