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
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// invariant is a property every trial must keep.
type invariant string

const (
	// invDoubleCreate: the operator asked the cloud to create a profile that a create of its own
	// had already created (no delete in between).
	invDoubleCreate invariant = "double-create"
	// invLostChange: everything converged as far as Kubernetes says, but the cloud does not hold
	// what the spec and the Secret say.
	invLostChange invariant = "lost-change"
	// invStuck: an object not Ready for its generation (or not gone, once deleted) within the bound.
	invStuck invariant = "stuck"
	// invResend: more password re-sends than the goal (Alibaba Cloud: none; Huawei Cloud: one per
	// disruption).
	invResend invariant = "resend"
)

var allInvariants = []invariant{invDoubleCreate, invLostChange, invStuck, invResend}

// callFindings are the calls of one user's log that break an invariant, by index in that log.
type callFindings struct {
	// doubleCreates are creates sent while a profile created by an earlier create of the log
	// existed: whatever the cloud answered (the simulators refuse them, as the clouds do), the
	// operator tried to create the profile twice.
	doubleCreates []int
	// resends are password-carrying calls that landed with the password the cloud already held.
	resends []int
	// lostPasswordAnswers counts the password-carrying calls that landed and whose answer was lost
	// (an injected faultAnswerLost): each may be re-sent once on a cloud that cannot tell.
	lostPasswordAnswers int
}

// analyseCalls replays the calls of one user, in order, from a user without login profile.
func analyseCalls(calls []call) callFindings {
	var f callFindings
	created := false // a profile made by a create of this log exists
	held := ""       // the password the cloud holds; "" without profile
	for i, c := range calls {
		switch c.op {
		case opCreate:
			// A create that an injected fault stopped before the cloud acted does not count.
			if created && c.fault != faultDrop && c.fault != fault503 {
				f.doubleCreates = append(f.doubleCreates, i)
			}
			if c.landed() {
				created, held = true, c.password
			}
		case opUpdate:
			if c.landed() && c.password != "" {
				if c.password == held {
					f.resends = append(f.resends, i)
				}
				held = c.password
			}
		case opDelete:
			if c.landed() {
				created, held = false, ""
			}
		}
		if c.landed() && c.password != "" && c.fault == faultAnswerLost {
			f.lostPasswordAnswers++
		}
	}
	return f
}

// object is one LoginProfile of a trial as the test wants it: its spec, its Secret's passwords
// (the last is the latest) and whether it was deleted.
type object struct {
	name string
	user string
	// existing: created before the batch (and Ready), not by it.
	existing  bool
	status    v1alpha1.LoginStatus
	mfa       bool
	reset     bool
	policy    v1alpha1.DeletionPolicy
	passwords []string
	deleted   bool
}

func (o *object) secretName() string { return o.name + "-console" }

func (o *object) password() string { return o.passwords[len(o.passwords)-1] }

// checkObject compares an object with what Kubernetes (lp, nil when absent) and the cloud (prof,
// nil without login profile) show. stuck says why the object is not converged on the Kubernetes
// side, lost why the cloud does not hold what is wanted; "" when fine. label names a password for
// the messages (never the password itself).
func checkObject(o *object, k cloudKind, lp *v1alpha1.LoginProfile, prof *cloudProfile, label func(string) string) (stuck, lost string) {
	if o.deleted {
		if lp != nil {
			stuck = "deleted, still there: " + describe(lp)
		}
		switch {
		case o.policy == v1alpha1.DeletionPolicyOrphan && prof == nil:
			lost = "deleted with deletionPolicy Orphan, but its login profile is gone"
		case o.policy != v1alpha1.DeletionPolicyOrphan && prof != nil:
			lost = "deleted with deletionPolicy Delete, but its login profile still exists"
		}
		return stuck, lost
	}
	if lp == nil {
		stuck = "the LoginProfile is missing"
	} else if why := notConverged(lp); why != "" {
		stuck = why
	}
	wantProfile := o.status != v1alpha1.LoginStatusInactive || k.hasStatus
	switch {
	case !wantProfile && prof != nil:
		lost = "status Inactive, but the login profile still exists"
	case wantProfile && prof == nil:
		lost = "no login profile"
	case wantProfile:
		var diffs []string
		if prof.password != o.password() {
			diffs = append(diffs, fmt.Sprintf("password %s, want the Secret's latest %s", label(prof.password), label(o.password())))
		}
		if k.hasStatus && prof.status != string(o.status) {
			diffs = append(diffs, fmt.Sprintf("status %s, want %s", prof.status, o.status))
		}
		if k.hasMFA && (prof.mfa == nil || *prof.mfa != o.mfa) {
			diffs = append(diffs, fmt.Sprintf("mfaBindRequired %v, want %t", deref(prof.mfa), o.mfa))
		}
		if prof.reset != o.reset {
			diffs = append(diffs, fmt.Sprintf("passwordResetRequired %t, want %t", prof.reset, o.reset))
		}
		lost = strings.Join(diffs, "; ")
	}
	return stuck, lost
}

// notConverged says why a LoginProfile is not done with its current spec: not Ready for its
// generation, or a password write still pending; "" when it is.
func notConverged(lp *v1alpha1.LoginProfile) string {
	c := meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady)
	switch {
	case c == nil, c.Status != metav1.ConditionTrue, c.ObservedGeneration != lp.Generation:
		return "not Ready for its generation: " + describe(lp)
	case lp.Status.Password != nil && lp.Status.Password.PendingDigest != "":
		return "a password write is still pending: " + describe(lp)
	}
	return ""
}

// describe is a LoginProfile's state in one line, for messages.
func describe(lp *v1alpha1.LoginProfile) string {
	var b strings.Builder
	fmt.Fprintf(&b, "generation %d", lp.Generation)
	if c := meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady); c != nil {
		fmt.Fprintf(&b, ", Ready=%s reason %s for generation %d (%q)", c.Status, c.Reason, c.ObservedGeneration, c.Message)
	} else {
		b.WriteString(", no Ready condition")
	}
	if p := lp.Status.Password; p != nil && p.PendingDigest != "" {
		fmt.Fprintf(&b, ", pending %s", p.PendingOperation)
	}
	if !lp.DeletionTimestamp.IsZero() {
		fmt.Fprintf(&b, ", being deleted since %s, finalizers %v", lp.DeletionTimestamp.Format("15:04:05.000"), lp.Finalizers)
	}
	return b.String()
}

func deref(b *bool) string {
	if b == nil {
		return "(none)"
	}
	return fmt.Sprint(*b)
}
