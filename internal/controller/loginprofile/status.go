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
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// Reasons of the Ready condition. Each one is documented for users in docs/troubleshooting.md.
const (
	// ReasonAvailable: the cloud login profile matches the spec.
	ReasonAvailable = "Available"
	// ReasonProgressing: the operator is acting on the object (Ready Unknown, Reconciling True):
	// first seen, or a password write to the cloud is in flight.
	ReasonProgressing = "Progressing"
	// ReasonUserNotFound: the cloud user does not exist.
	ReasonUserNotFound = "UserNotFound"
	// ReasonPasswordSecretNotFound: the password Secret, or its key, does not exist (yet).
	ReasonPasswordSecretNotFound = "PasswordSecretNotFound"
	// ReasonInvalidPassword: the cloud refused the password (too weak, reused).
	ReasonInvalidPassword = "InvalidPassword"
	// ReasonProviderConfigNotFound: the ProviderConfig named by spec.providerConfigRef does not exist.
	ReasonProviderConfigNotFound = "ProviderConfigNotFound"
	// ReasonProviderConfigInvalid: the ProviderConfig or its credentials cannot be used.
	ReasonProviderConfigInvalid = "ProviderConfigInvalid"
	// ReasonInvalidSpec: the cloud refused a field of the spec, or the spec does not fit the cloud.
	ReasonInvalidSpec = "InvalidSpec"
	// ReasonUnsupported: the spec asks for something the cloud's login profile API cannot do.
	ReasonUnsupported = "Unsupported"
	// ReasonAccessDenied: the cloud refused the credentials or their permissions.
	ReasonAccessDenied = "AccessDenied"
	// ReasonThrottled: the cloud account's API quota is exhausted; the operator retries with backoff.
	ReasonThrottled = "Throttled"
	// ReasonForbidden: a tenancy rule of the ProviderConfig (allowedNamespaces, allowedUsers,
	// protectedUsers) does not allow this LoginProfile; it makes no cloud call.
	ReasonForbidden = "Forbidden"
	// ReasonConflict: an older LoginProfile manages the same cloud user; this one makes no cloud call.
	ReasonConflict = "Conflict"
	// ReasonObserved: managementPolicy Observe, and the login profile was observed.
	ReasonObserved = "Observed"
	// ReasonProfileNotFound: managementPolicy Observe, and the user has no login profile.
	ReasonProfileNotFound = "ProfileNotFound"
	// ReasonReconcileError: any other failure; the operator retries with backoff.
	ReasonReconcileError = "ReconcileError"
)

// Event reasons.
const (
	EventCreated         = "Created"
	EventUpdated         = "Updated"
	EventPasswordRotated = "PasswordRotated"
	EventDriftCorrected  = "DriftCorrected"
	EventDeleted         = "Deleted"
	EventDisabled        = "Disabled"
	EventOrphaned        = "Orphaned"
	EventReconcileFailed = "ReconcileFailed"
	// EventAdopted: a login profile that existed before the operator created one is now managed.
	EventAdopted = "Adopted"
	// EventTookOver: the LoginProfile now owns a cloud user another one owned.
	EventTookOver = "TookOver"
	// EventReleased: the finalizer was removed without a cloud call (Observe, Forbidden, Conflict).
	EventReleased = "Released"
	// Forbidden and Conflict refusals are announced with their Ready reason as Event reason.
)

// stalledReasons need a person to act: nothing changes until the spec, a Secret or the cloud does.
// Every other Ready=False reason is transient or waits for something GitOps brings a moment later
// (a Secret created by External Secrets, a ProviderConfig synced in a later wave): Reconciling.
var stalledReasons = map[string]bool{
	ReasonInvalidPassword:       true,
	ReasonUserNotFound:          true,
	ReasonInvalidSpec:           true,
	ReasonUnsupported:           true,
	ReasonAccessDenied:          true,
	ReasonProviderConfigInvalid: true,
	ReasonForbidden:             true,
	ReasonConflict:              true,
	ReasonProfileNotFound:       true,
}

// setReady sets the Ready condition and, following kstatus' conventions, Stalled or Reconciling:
// True only when something is abnormal, absent otherwise, never both. meta.SetStatusCondition
// keeps lastTransitionTime unless the status flips, so repeating an outcome writes nothing.
func setReady(lp *v1alpha1.LoginProfile, status metav1.ConditionStatus, reason, message string) {
	set := func(t string) {
		meta.SetStatusCondition(&lp.Status.Conditions, metav1.Condition{
			Type: t, Status: metav1.ConditionTrue, Reason: reason, Message: message, ObservedGeneration: lp.Generation,
		})
	}
	meta.SetStatusCondition(&lp.Status.Conditions, metav1.Condition{
		Type:               v1alpha1.ConditionReady,
		Status:             status,
		Reason:             reason,
		Message:            message,
		ObservedGeneration: lp.Generation,
	})
	switch {
	case status == metav1.ConditionTrue:
		meta.RemoveStatusCondition(&lp.Status.Conditions, v1alpha1.ConditionStalled)
		meta.RemoveStatusCondition(&lp.Status.Conditions, v1alpha1.ConditionReconciling)
	case stalledReasons[reason]:
		set(v1alpha1.ConditionStalled)
		meta.RemoveStatusCondition(&lp.Status.Conditions, v1alpha1.ConditionReconciling)
	default:
		set(v1alpha1.ConditionReconciling)
		meta.RemoveStatusCondition(&lp.Status.Conditions, v1alpha1.ConditionStalled)
	}
}

// inProgress marks the object Ready Unknown and Reconciling while a write to the cloud is in
// flight, for the status written before the call: until the cloud answers, Argo CD shows the
// object Progressing and kstatus InProgress, not the outcome of the previous change.
func inProgress(lp *v1alpha1.LoginProfile, format string, args ...any) {
	setReady(lp, metav1.ConditionUnknown, ReasonProgressing, fmt.Sprintf(format, args...))
}

func readyCondition(lp *v1alpha1.LoginProfile) *metav1.Condition {
	return meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady)
}
