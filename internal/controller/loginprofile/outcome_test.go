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
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

func cloudErr(kind error, code, message string) error {
	return &cloud.Error{Kind: kind, Cloud: "alibaba", Action: "UpdateLoginProfile", Code: code, HTTPStatus: 400,
		RequestID: "req-42", Message: message}
}

func TestJudge(t *testing.T) {
	s := subject{providerConfig: "team-a", secretName: "alice-console", secret: "password", doing: "updating"}
	notFound := apierrors.NewNotFound(schema.GroupResource{Group: "iam.loginprofile.io", Resource: "providerconfigs"}, "team-a")
	for name, tc := range map[string]struct {
		got      verdict
		reason   string
		retry    retry
		forget   bool
		contains []string
	}{
		"throttled": {judgeCloudError(cloudErr(cloud.ErrThrottled, "Throttling.User", "Request was denied due to user flow control."), s),
			ReasonThrottled, retryThrottled, false, []string{"Throttling.User", "backoff"}},
		"user missing": {judgeCloudError(cloudErr(cloud.ErrUserNotFound, "EntityNotExist.User", "The user does not exist."), s),
			ReasonUserNotFound, retryPoll, true, []string{`ProviderConfig "team-a"`, "EntityNotExist.User", "create the user"}},
		"weak password": {judgeCloudError(cloudErr(cloud.ErrInvalidPassword, "InvalidParameter.Password.TooWeak", "Too weak."), s),
			ReasonInvalidPassword, retryPoll, false, []string{`Secret "alice-console"`, `key "password"`, "TooWeak", "password policy"}},
		"reused password": {judgeCloudError(cloudErr(cloud.ErrPasswordReused, "InvalidParameter.Password.Reused", "Used recently."), s),
			ReasonInvalidPassword, retryPoll, false, []string{"Reused"}},
		"other input": {judgeCloudError(cloudErr(cloud.ErrInvalidInput, "InvalidParameter.Status", "Bad status."), s),
			ReasonInvalidSpec, retryNever, false, []string{"InvalidParameter.Status", "Correct the spec"}},
		"credentials": {judgeCloudError(cloudErr(cloud.ErrAuth, "NoPermission", "Denied."), s),
			ReasonAccessDenied, retrySoon, false, []string{`ProviderConfig "team-a"`, "NoPermission"}},
		"transient": {judgeCloudError(cloudErr(cloud.ErrTransient, "ServiceUnavailable", "Try later."), s),
			ReasonReconcileError, retryBackoff, false, []string{"Failed updating the login profile", "ServiceUnavailable"}},
		"unclassified": {judgeCloudError(errors.New("boom"), s), ReasonReconcileError, retryBackoff, false, []string{"boom"}},
		"secret missing": {judgeSecretError(fmt.Errorf("%w: Secret %q not found in namespace %q", errPasswordSecret, "alice-console", "team-a"), s),
			ReasonPasswordSecretNotFound, retryPoll, false, []string{`Secret "alice-console" not found in namespace "team-a"`, `under the key "password"`}},
		"secret unreadable": {judgeSecretError(errors.New("reading password Secret alice-console: timeout"), s),
			ReasonReconcileError, retryBackoff, false, []string{"timeout"}},
		"provider config missing": {judgeProviderConfigError(fmt.Errorf("reading ProviderConfig team-a: %w", notFound), s),
			ReasonProviderConfigNotFound, retryPoll, false, []string{`ProviderConfig "team-a" not found`}},
		"provider config invalid": {judgeProviderConfigError(fmt.Errorf("%w: endpoint", cloud.ErrInvalidConfig), s),
			ReasonProviderConfigInvalid, retryPoll, false, []string{`ProviderConfig "team-a" cannot be used`}},
		"credentials unreadable": {judgeProviderConfigError(fmt.Errorf("%w: Secret missing", cloud.ErrCredentials), s),
			ReasonProviderConfigInvalid, retryPoll, false, []string{"Secret missing"}},
		"provider config unreadable": {judgeProviderConfigError(errors.New("the cache is not synced"), s),
			ReasonReconcileError, retryBackoff, false, []string{"not synced"}},
		"forbidden": {judgeRefusal(&refusal{reason: ReasonForbidden, message: "no"}), ReasonForbidden, retryPoll, false, []string{"no"}},
		"conflict":  {judgeRefusal(&refusal{reason: ReasonConflict, message: "owned"}), ReasonConflict, retryPoll, false, []string{"owned"}},
		"spec":      {judgeSpecError(errors.New("spec.userId is required")), ReasonInvalidSpec, retryNever, false, []string{"spec.userId"}},
		"unsupported": {judgeUnsupported("mfaBindRequired: true cannot be honoured"), ReasonUnsupported, retryOnChange, false,
			[]string{"mfaBindRequired"}},
		"failure": {judgeFailure(errors.New("listing")), ReasonReconcileError, retryBackoff, false, []string{"listing"}},
	} {
		t.Run(name, func(t *testing.T) {
			v := tc.got
			if v.ready != metav1.ConditionFalse || v.reason != tc.reason || v.retry != tc.retry || v.forgetObservation != tc.forget {
				t.Fatalf("verdict %+v, want reason %s, retry %d, forget %t", v, tc.reason, tc.retry, tc.forget)
			}
			for _, c := range tc.contains {
				if !strings.Contains(v.message, c) {
					t.Errorf("message %q does not contain %q", v.message, c)
				}
			}
			// Condition messages are deterministic: no request id, so a repeated failure writes nothing.
			if strings.Contains(v.message, "req-42") {
				t.Errorf("message %q carries the request id", v.message)
			}
		})
	}
}

func TestEveryStalledReasonIsTerminalOrPolled(t *testing.T) {
	// A Stalled verdict waits for a person: it must never retry hot (the queue's backoff).
	for _, v := range []verdict{
		judgeCloudError(cloudErr(cloud.ErrUserNotFound, "", ""), subject{}),
		judgeCloudError(cloudErr(cloud.ErrInvalidPassword, "", ""), subject{}),
		judgeCloudError(cloudErr(cloud.ErrInvalidInput, "", ""), subject{}),
		judgeCloudError(cloudErr(cloud.ErrAuth, "", ""), subject{}),
		judgeProviderConfigError(cloud.ErrInvalidConfig, subject{}),
		judgeRefusal(&refusal{reason: ReasonConflict}),
		judgeUnsupported(""),
	} {
		if !stalledReasons[v.reason] {
			t.Errorf("%s is not a Stalled reason", v.reason)
		}
		if v.retry == retryBackoff || v.retry == retryThrottled {
			t.Errorf("%s retries with backoff: a Stalled object must wait for a change", v.reason)
		}
	}
}
