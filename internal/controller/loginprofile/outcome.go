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
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// retry says when a reconcile that ends on a failure comes back.
type retry int

const (
	// retryPoll: at the next poll interval (the watches bring the object back sooner when what it
	// waits for changes: a Secret, a ProviderConfig, a Namespace, another LoginProfile).
	retryPoll retry = iota
	// retrySoon: at the next poll interval, or in 5 minutes if that is sooner (credentials refused:
	// often fixed in the cloud, which no watch sees).
	retrySoon
	// retryThrottled: after the object's throttling backoff (full jitter, 2 s to 5 min).
	retryThrottled
	// retryBackoff: the error goes back to the queue, which retries with its exponential backoff.
	retryBackoff
	// retryNever: terminal (a reconcile.TerminalError): only a change of the spec brings it back.
	retryNever
	// retryOnChange: no retry and no error: the generation watch brings the object back when its
	// spec changes.
	retryOnChange
)

// verdict is what the outcome of a reconcile means for the object: its Ready condition (setReady
// derives Stalled or Reconciling from the reason) and when to come back.
type verdict struct {
	ready   metav1.ConditionStatus
	reason  string
	message string
	retry   retry
	// forgetObservation: status.atProvider describes nothing any more (the user is gone).
	forgetObservation bool
}

// subject is what a verdict's message speaks of: the object's ProviderConfig and password Secret,
// and the action that failed.
type subject struct {
	providerConfig     string
	secretName, secret string // secret is the Secret's key
	doing              string
}

// judgeCloudError maps a classified cloud error (internal/cloud/errors.go) to its verdict. It is
// pure: the caller applies the verdict and emits the Event.
func judgeCloudError(err error, s subject) verdict {
	summary := strings.TrimSuffix(cloud.Summary(err), ".")
	no := metav1.ConditionFalse
	switch {
	case cloud.IsThrottled(err):
		return verdict{no, ReasonThrottled,
			fmt.Sprintf("The cloud account's API quota is exhausted (%s); retrying with backoff", cloud.Code(err)), retryThrottled, false}
	case errors.Is(err, cloud.ErrUserNotFound):
		return verdict{no, ReasonUserNotFound,
			fmt.Sprintf("The user does not exist in the cloud account of ProviderConfig %q (%s): create the user, or correct the user in the spec",
				s.providerConfig, summary), retryPoll, true}
	case isPolicyViolation(err):
		fix := "Put a password that meets the account's password policy in the Secret"
		if v := (*policyViolation)(nil); errors.As(err, &v) && v.reused {
			fix = "Put a new password in the Secret, or set spec.generatePassword to have one generated"
		}
		return verdict{no, ReasonInvalidPassword,
			fmt.Sprintf("The password in Secret %q (key %q) was not sent: %s. %s", s.secretName, s.secret, err.Error(), fix), retryPoll, false}
	case errors.Is(err, cloud.ErrPasswordReused):
		return verdict{no, ReasonInvalidPassword,
			fmt.Sprintf("The cloud refused the password in Secret %q (key %q) as one the user had recently (%s); the cloud keeps a user's "+
				"password history even when the login profile is deleted. Put a new password in the Secret, or set spec.generatePassword",
				s.secretName, s.secret, summary), retryPoll, false}
	case errors.Is(err, cloud.ErrInvalidPassword):
		// Not sent again until the Secret or the spec changes (refusedAlready); the poll goes on, to
		// correct drift of everything else.
		return verdict{no, ReasonInvalidPassword,
			fmt.Sprintf("The cloud refused the password in Secret %q (key %q): %s. Put a password that meets the account's password policy in the Secret",
				s.secretName, s.secret, summary), retryPoll, false}
	case cloud.IsInvalidInput(err):
		return verdict{no, ReasonInvalidSpec, fmt.Sprintf("The cloud refused the request: %s. Correct the spec", summary), retryNever, false}
	case cloud.IsAuth(err):
		return verdict{no, ReasonAccessDenied,
			fmt.Sprintf("The cloud refused the credentials of ProviderConfig %q: %s. Check the access key and its RAM permissions",
				s.providerConfig, summary), retrySoon, false}
	default:
		return verdict{no, ReasonReconcileError, fmt.Sprintf("Failed %s the login profile: %s", s.doing, summary), retryBackoff, false}
	}
}

// judgeSecretError maps a failure to read the password Secret to its verdict. Under GitOps the
// Secret often arrives after the LoginProfile (External Secrets, Sealed Secrets): the Secret watch
// brings the object back as soon as it appears, so a missing one waits quietly.
func judgeSecretError(err error, s subject) verdict {
	if !errors.Is(err, errPasswordSecret) {
		return verdict{metav1.ConditionFalse, ReasonReconcileError, err.Error(), retryBackoff, false}
	}
	return verdict{metav1.ConditionFalse, ReasonPasswordSecretNotFound,
		fmt.Sprintf("%s: create it with the password under the key %q (spec.passwordSecretRef)",
			withoutSentinel(errPasswordSecret, err), s.secret), retryPoll, false}
}

// judgeProviderConfigError maps a failure to read a ProviderConfig, or to build its cloud client,
// to its verdict.
func judgeProviderConfigError(err error, s subject) verdict {
	no := metav1.ConditionFalse
	switch {
	case apierrors.IsNotFound(err):
		// The ProviderConfig watch brings the object back when it appears.
		return verdict{no, ReasonProviderConfigNotFound,
			fmt.Sprintf("ProviderConfig %q not found: create it, or name an existing one in spec.providerConfigRef.name", s.providerConfig), retryPoll, false}
	case errors.Is(err, cloud.ErrCredentials), errors.Is(err, cloud.ErrInvalidConfig):
		return verdict{no, ReasonProviderConfigInvalid, fmt.Sprintf("ProviderConfig %q cannot be used: %s", s.providerConfig, err.Error()), retryPoll, false}
	default:
		return verdict{no, ReasonReconcileError, fmt.Sprintf("ProviderConfig %q: %s", s.providerConfig, err.Error()), retryBackoff, false}
	}
}

// judgeRefusal is the verdict of a LoginProfile kept out of its user (Forbidden, Conflict). The
// ProviderConfig, Namespace and LoginProfile watches bring it back when a rule or the owner
// changes; the poll is a safety net, without a cloud call.
func judgeRefusal(ref *refusal) verdict {
	return verdict{metav1.ConditionFalse, ref.reason, ref.message, retryPoll, false}
}

// judgeSpecError is the verdict of a spec the cloud cannot take as written (a user field of
// another cloud): terminal until the spec changes.
func judgeSpecError(err error) verdict {
	return verdict{metav1.ConditionFalse, ReasonInvalidSpec, err.Error(), retryNever, false}
}

// judgeUnsupported is the verdict of a spec asking for what the cloud cannot do (why says what):
// nothing is written to the cloud until the spec changes.
func judgeUnsupported(why string) verdict {
	return verdict{metav1.ConditionFalse, ReasonUnsupported, why, retryOnChange, false}
}

// judgeFailure is the verdict of any other failure (reading the cluster): the queue's backoff.
func judgeFailure(err error) verdict {
	return verdict{metav1.ConditionFalse, ReasonReconcileError, err.Error(), retryBackoff, false}
}
