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

package chaos

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// The invariants are computed by pure functions: these tables pin them down (they run with
// -short too).

func TestAnalyseCalls(t *testing.T) {
	ok := func(o op, pw string) call { return call{op: o, password: pw} }
	withCode := func(c call, code string) call { c.code = code; return c }
	withFault := func(c call, k faultKind) call {
		c.fault = k
		c.dropped = k == faultDrop || k == faultAnswerLost
		return c
	}
	for _, tc := range []struct {
		name  string
		calls []call
		want  callFindings
	}{
		{name: "create, rotate, rotate: nothing", calls: []call{
			ok(opGet, ""), ok(opCreate, "a"), ok(opUpdate, "b"), ok(opGet, ""), ok(opUpdate, "c"),
		}},
		{name: "an update without password is no re-send", calls: []call{
			ok(opCreate, "a"), ok(opUpdate, ""), ok(opUpdate, ""),
		}},
		{name: "the password held sent again", calls: []call{
			ok(opCreate, "a"), ok(opUpdate, "b"), ok(opUpdate, "b"),
		}, want: callFindings{resends: []int{2}}},
		{name: "the created password sent again by an update", calls: []call{
			ok(opCreate, "a"), ok(opUpdate, "a"),
		}, want: callFindings{resends: []int{1}}},
		{name: "a refused or dropped update does not change what the cloud holds", calls: []call{
			ok(opCreate, "a"), withCode(ok(opUpdate, "b"), "ServiceUnavailable"), withFault(ok(opUpdate, "b"), faultDrop),
			ok(opUpdate, "b"),
		}},
		{name: "an answer lost after the update landed, then the same password again", calls: []call{
			ok(opCreate, "a"), withFault(ok(opUpdate, "b"), faultAnswerLost), ok(opUpdate, "b"),
		}, want: callFindings{resends: []int{2}, lostPasswordAnswers: 1}},
		{name: "a second create while the profile exists", calls: []call{
			ok(opCreate, "a"), withCode(ok(opCreate, "a"), "EntityAlreadyExists.User.LoginProfile"),
		}, want: callFindings{doubleCreates: []int{1}}},
		{name: "a create whose answer was lost, then another", calls: []call{
			withFault(ok(opCreate, "a"), faultAnswerLost), withCode(ok(opCreate, "a"), "IAM.0109"),
		}, want: callFindings{doubleCreates: []int{1}, lostPasswordAnswers: 1}},
		{name: "creates that did not land are no double create", calls: []call{
			withFault(ok(opCreate, "a"), faultDrop), withFault(withCode(ok(opCreate, "a"), "IAM.0503"), fault503), ok(opCreate, "a"),
		}},
		{name: "a create after a delete is no double create, nor a re-send", calls: []call{
			ok(opCreate, "a"), ok(opDelete, ""), ok(opCreate, "a"),
		}},
		{name: "a create stopped by a fault before the cloud acted, while the profile exists", calls: []call{
			ok(opCreate, "a"), withFault(ok(opCreate, "a"), faultDrop),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := analyseCalls(tc.calls)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(callFindings{})); diff != "" {
				t.Errorf("analyseCalls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckObject(t *testing.T) {
	yes, no := true, false
	ready := func(gen, observed int64, pending string) *v1alpha1.LoginProfile {
		lp := &v1alpha1.LoginProfile{ObjectMeta: metav1.ObjectMeta{Generation: gen}}
		lp.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, ObservedGeneration: observed}}
		if pending != "" {
			lp.Status.Password = &v1alpha1.PasswordStatus{PendingDigest: pending, PendingOperation: v1alpha1.PendingUpdate}
		}
		return lp
	}
	// What checkObject compares depends on the fields of the cloud's login profile, not on which
	// cloud it is: full has a status and an MFA flag (Alibaba Cloud), bare neither (Huawei Cloud).
	full := cloudKind{name: "full", hasStatus: true, hasMFA: true}
	bare := cloudKind{name: "bare"}
	active := func() *object {
		return &object{name: "o", status: v1alpha1.LoginStatusActive, mfa: true, passwords: []string{"old", "new"}}
	}
	label := func(pw string) string { return "<" + pw + ">" }
	for _, tc := range []struct {
		name        string
		kind        cloudKind
		obj         *object
		lp          *v1alpha1.LoginProfile
		prof        *cloudProfile
		stuck, lost bool
	}{
		{name: "converged", kind: full, obj: active(), lp: ready(2, 2, ""),
			prof: &cloudProfile{status: "Active", mfa: &yes, password: "new"}},
		{name: "an older generation", kind: full, obj: active(), lp: ready(3, 2, ""),
			prof: &cloudProfile{status: "Active", mfa: &yes, password: "new"}, stuck: true},
		{name: "a pending write", kind: full, obj: active(), lp: ready(2, 2, "$argon2id$..."),
			prof: &cloudProfile{status: "Active", mfa: &yes, password: "new"}, stuck: true},
		{name: "the previous password", kind: full, obj: active(), lp: ready(2, 2, ""),
			prof: &cloudProfile{status: "Active", mfa: &yes, password: "old"}, lost: true},
		{name: "a flag not applied", kind: full, obj: active(), lp: ready(2, 2, ""),
			prof: &cloudProfile{status: "Active", mfa: &no, password: "new"}, lost: true},
		{name: "no status nor MFA flag to compare", kind: bare, obj: active(), lp: ready(2, 2, ""),
			prof: &cloudProfile{password: "new"}},
		{name: "without a status, Inactive means no profile", kind: bare,
			obj: &object{status: v1alpha1.LoginStatusInactive, passwords: []string{"a"}}, lp: ready(1, 1, ""),
			prof: &cloudProfile{password: "a"}, lost: true},
		{name: "deleted, still there", kind: full, obj: &object{deleted: true, passwords: []string{"a"}},
			lp: ready(1, 1, ""), stuck: true},
		{name: "deleted, profile left behind", kind: full,
			obj:  &object{deleted: true, policy: v1alpha1.DeletionPolicyDelete, passwords: []string{"a"}},
			prof: &cloudProfile{password: "a"}, lost: true},
		{name: "deleted with Orphan, profile kept", kind: bare,
			obj:  &object{deleted: true, policy: v1alpha1.DeletionPolicyOrphan, passwords: []string{"a"}},
			prof: &cloudProfile{password: "a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stuck, lost := checkObject(tc.obj, tc.kind, tc.lp, tc.prof, label)
			if (stuck != "") != tc.stuck || (lost != "") != tc.lost {
				t.Errorf("checkObject: stuck %q, lost %q; want stuck %t, lost %t", stuck, lost, tc.stuck, tc.lost)
			}
		})
	}
}
