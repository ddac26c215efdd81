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

package loginprofile_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/loginprofile"
)

// The multi-team rules: tenancy (Forbidden), one owner per user (Conflict), Observe, adoption and
// offboarding without a usable password. Every scenario runs on the watch manager (hourly poll)
// in the team namespaces: whatever it does, a watch made it happen.

// teamProviderConfig creates a ProviderConfig of cloud c on its main simulator with the rules
// mutate sets, and returns its name.
func teamProviderConfig(t *testing.T, c *testCloud, mutate func(*v1alpha1.ProviderConfigSpec)) string {
	t.Helper()
	name := fmt.Sprintf("%s-team-%d", c.name, seq.Add(1))
	pc := c.providerConfig(name, c.main.URL(), nil)
	mutate(&pc.Spec)
	g := NewWithT(t)
	g.Expect(k8s.Create(context.Background(), pc)).To(Succeed())
	t.Cleanup(func() {
		// The scenario's LoginProfiles (deleted by their own cleanups, which run first) need the
		// ProviderConfig to release their finalizers: wait for them to go before it does.
		g.Eventually(func(g Gomega) {
			var list v1alpha1.LoginProfileList
			g.Expect(k8s.List(context.Background(), &list)).To(Succeed())
			for _, lp := range list.Items {
				g.Expect(lp.ProviderConfigName()).NotTo(Equal(name), "LoginProfile %s/%s still uses it", lp.Namespace, lp.Name)
			}
		}, eventuallyWait, 50*time.Millisecond).Should(Succeed())
		_ = k8s.Delete(context.Background(), pc)
	})
	return name
}

func updateProviderConfig(t *testing.T, name string, mutate func(*v1alpha1.ProviderConfigSpec)) {
	t.Helper()
	NewWithT(t).Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		pc := &v1alpha1.ProviderConfig{}
		if err := k8s.Get(context.Background(), client.ObjectKey{Name: name}, pc); err != nil {
			return err
		}
		mutate(&pc.Spec)
		return k8s.Update(context.Background(), pc)
	})).To(Succeed())
}

func labelNamespace(t *testing.T, ns string, mutate func(map[string]string)) {
	t.Helper()
	NewWithT(t).Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n := &corev1.Namespace{}
		if err := k8s.Get(context.Background(), client.ObjectKey{Name: ns}, n); err != nil {
			return err
		}
		if n.Labels == nil {
			n.Labels = map[string]string{}
		}
		mutate(n.Labels)
		return k8s.Update(context.Background(), n)
	})).To(Succeed())
}

// userCalls is every call the fixture's simulator received for the fixture's user.
func (f *fixture) userCalls() []call {
	var out []call
	for _, c := range f.sim.Calls() {
		if c.User == f.user {
			out = append(out, c)
		}
	}
	return out
}

// createOutOfBand creates the fixture user's login profile on its simulator as another actor
// would (a person, another tool), with password pw, Active where the cloud has a status.
func (f *fixture) createOutOfBand(pw string, resetRequired bool) {
	f.t.Helper()
	_, err := directProvider(f.t, f.c, f.sim.URL()).Create(context.Background(), cloud.CreateRequest{
		User: f.user, Password: cloud.NewSensitive(pw), Status: statusIf(f.c, "Active"), PasswordResetRequired: resetRequired})
	f.g.Expect(err).NotTo(HaveOccurred())
}

// waitRefused waits for reason (Forbidden or Conflict) and checks the message names what it must.
func (f *fixture) waitRefused(reason string, mentions ...string) *v1alpha1.LoginProfile {
	f.t.Helper()
	lp := f.waitReady(metav1.ConditionFalse, reason)
	for _, m := range mentions {
		f.g.Expect(readyMessage(lp)).To(ContainSubstring(m))
	}
	f.g.Expect(f.waitEvent(reason).Note).To(Equal(readyMessage(lp)))
	return lp
}

// deleteAndWaitGone deletes the fixture's object and waits until its finalizer is released.
func (f *fixture) deleteAndWaitGone() {
	f.t.Helper()
	f.g.Expect(k8s.Delete(context.Background(), f.get())).To(Succeed())
	f.waitGone()
}

func TestForbiddenByNamespaceNameMakesNoCallDeletionIncluded(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		pc := teamProviderConfig(t, c, func(s *v1alpha1.ProviderConfigSpec) {
			s.AllowedNamespaces = &v1alpha1.NamespaceSelection{Names: []string{nsTeamA}}
		})
		allowed := newFixtureOn(t, c, c.main, pc, nsTeamA)
		allowed.setSecret(strongPassword())
		allowed.create()
		outsider := newFixtureOn(t, c, c.main, pc, nsTeamB)
		outsider.setSecret(strongPassword())
		outsider.create()

		allowed.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		outsider.waitRefused(loginprofile.ReasonForbidden, fmt.Sprintf("ProviderConfig %q", pc), "allowedNamespaces", fmt.Sprintf("namespace %q", nsTeamB))
		outsider.g.Expect(outsider.userCalls()).To(BeEmpty(), "no cloud call at all for a Forbidden object, not even a read")

		// Deleting it (deletionPolicy Delete, the default) releases the finalizer without a call.
		outsider.deleteAndWaitGone()
		outsider.g.Expect(outsider.userCalls()).To(BeEmpty(), "deleting a Forbidden object never touches the cloud")
		outsider.waitEvent(loginprofile.EventReleased)
	})
}

func TestForbiddenBySelectorAndRevokedByALabelChange(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		key := fmt.Sprintf("tenant-%d", seq.Add(1))
		pc := teamProviderConfig(t, c, func(s *v1alpha1.ProviderConfigSpec) {
			s.AllowedNamespaces = &v1alpha1.NamespaceSelection{Selector: &v1alpha1.NamespaceLabelSelector{MatchLabels: map[string]v1alpha1.LabelValue{key: "yes"}}}
		})
		labelNamespace(t, nsTeamA, func(l map[string]string) { l[key] = "yes" })
		t.Cleanup(func() { labelNamespace(t, nsTeamA, func(l map[string]string) { delete(l, key) }) })

		f := newFixtureOn(t, c, c.main, pc, nsTeamA)
		pw := strongPassword()
		f.setSecret(pw)
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1))
		before := len(f.userCalls())

		// The label goes: the object was Ready and is now Forbidden, through the Namespace watch.
		labelNamespace(t, nsTeamA, func(l map[string]string) { delete(l, key) })
		f.waitRefused(loginprofile.ReasonForbidden, fmt.Sprintf("ProviderConfig %q", pc), "allowedNamespaces", key+"=yes")
		f.g.Expect(f.userCalls()).To(HaveLen(before), "a revoked object makes no more calls")

		// The label comes back: managed again. Where the cloud shows that nobody changed the profile
		// meanwhile (its update date), the password is not sent again; elsewhere it is, once.
		labelNamespace(t, nsTeamA, func(l map[string]string) { l[key] = "yes" })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		if c.caps.UpdateDate {
			f.g.Expect(f.calls(opUpdate)).To(BeEmpty())
		} else {
			updates := f.waitCalls(opUpdate, 1)
			f.g.Expect(updates[0].Params["password"]).To(Equal(pw))
		}
		before = len(f.userCalls())

		// Revoked again, then deleted while forbidden: its profile stays, nothing is sent.
		labelNamespace(t, nsTeamA, func(l map[string]string) { delete(l, key) })
		f.waitRefused(loginprofile.ReasonForbidden, "allowedNamespaces")
		f.deleteAndWaitGone()
		f.g.Expect(f.userCalls()).To(HaveLen(before))
		f.g.Expect(f.sim.HasProfile(f.user)).To(BeTrue())
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(pw))
	})
}

// like returns a glob that matches user and no other user of the tests: its first character
// replaced by '?' (the tests' users differ at the end).
func like(user string) v1alpha1.UserPattern {
	return v1alpha1.UserPattern("?" + user[1:])
}

func TestForbiddenByUserPatternAndByARuleChange(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		pc := teamProviderConfig(t, c, func(*v1alpha1.ProviderConfigSpec) {})
		allowed := newFixtureOn(t, c, c.main, pc, nsTeamA)
		other := newFixtureOn(t, c, c.main, pc, nsTeamA)
		updateProviderConfig(t, pc, func(s *v1alpha1.ProviderConfigSpec) {
			s.AllowedUsers = []v1alpha1.UserPattern{like(allowed.user)}
		})
		allowed.setSecret(strongPassword())
		allowed.create()
		other.setSecret(strongPassword())
		other.create()
		allowed.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		other.waitRefused(loginprofile.ReasonForbidden, fmt.Sprintf("ProviderConfig %q", pc), "allowedUsers", string(like(allowed.user)))
		other.g.Expect(other.userCalls()).To(BeEmpty())

		// The rule changes: the allowed one stops being managed, the other one starts.
		before := len(allowed.userCalls())
		updateProviderConfig(t, pc, func(s *v1alpha1.ProviderConfigSpec) {
			s.AllowedUsers = []v1alpha1.UserPattern{like(other.user)}
		})
		allowed.waitRefused(loginprofile.ReasonForbidden, "allowedUsers")
		other.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		other.g.Expect(other.calls(opCreate)).To(HaveLen(1))
		allowed.g.Expect(allowed.userCalls()).To(HaveLen(before))
	})
}

func TestProtectedUserIsNeverTouched(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		pc := teamProviderConfig(t, c, func(*v1alpha1.ProviderConfigSpec) {})
		admin := newFixtureOn(t, c, c.main, pc, nsTeamA)
		updateProviderConfig(t, pc, func(s *v1alpha1.ProviderConfigSpec) {
			s.AllowedUsers = []v1alpha1.UserPattern{"*"}
			s.ProtectedUsers = []v1alpha1.UserPattern{like(admin.user)}
		})
		// The administrator has a console login already; a tenant tries to take it over.
		admin.createOutOfBand(strongPassword(), false)
		callsBefore := len(admin.userCalls())
		admin.setSecret(strongPassword())
		admin.create()
		admin.waitRefused(loginprofile.ReasonForbidden, "protectedUsers", string(like(admin.user)))
		admin.g.Expect(admin.userCalls()).To(HaveLen(callsBefore), "a protected user is never touched, not even read")
		admin.deleteAndWaitGone()
		admin.g.Expect(admin.userCalls()).To(HaveLen(callsBefore))
		admin.g.Expect(admin.sim.HasProfile(admin.user)).To(BeTrue())
	})
}

func TestOneOwnerPerUser(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		pc := teamProviderConfig(t, c, func(*v1alpha1.ProviderConfigSpec) {})
		owner := newFixtureOn(t, c, c.main, pc, nsTeamA)
		ownerPW := strongPassword()
		owner.setSecret(ownerPW)
		owner.create()
		owner.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		// Another team names the same user, with deletionPolicy Delete (the default).
		rival := newFixtureOn(t, c, c.main, pc, nsTeamB)
		rival.user = owner.user
		rival.setSecret(strongPassword())
		rival.create()
		rival.waitRefused(loginprofile.ReasonConflict, nsTeamA+"/"+owner.name, fmt.Sprintf("%q", owner.user))

		calls := owner.userCalls()
		owner.g.Expect(owner.calls(opCreate)).To(HaveLen(1))
		owner.g.Expect(owner.calls(opCreate)[0].Params["password"]).To(Equal(ownerPW))
		owner.g.Expect(owner.calls(opUpdate)).To(BeEmpty(), "the rival's password never reaches the cloud")

		rival.deleteAndWaitGone()
		owner.g.Expect(owner.userCalls()).To(Equal(calls), "deleting a non-owner never touches the cloud, whatever its deletionPolicy")
		owner.g.Expect(owner.sim.HasProfile(owner.user)).To(BeTrue())
		got, _ := owner.sim.Password(owner.user)
		owner.g.Expect(got).To(Equal(ownerPW))
		rival.waitEvent(loginprofile.EventReleased)
	})
}

func TestTheNextLoginProfileTakesOverWhenTheOwnerGoes(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		pc := teamProviderConfig(t, c, func(*v1alpha1.ProviderConfigSpec) {})
		owner := newFixtureOn(t, c, c.main, pc, nsTeamA)
		owner.setSecret(strongPassword())
		owner.create()
		owner.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		next := newFixtureOn(t, c, c.main, pc, nsTeamB)
		next.user = owner.user
		nextPW := strongPassword()
		next.setSecret(nextPW)
		next.create()
		next.waitRefused(loginprofile.ReasonConflict, nsTeamA+"/"+owner.name)

		owner.deleteAndWaitGone()
		next.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		next.g.Expect(next.waitEvent(loginprofile.EventTookOver).Note).To(ContainSubstring(nsTeamA + "/" + owner.name))
		ops := []op{}
		for _, cl := range next.userCalls() {
			if cl.Op != opGet {
				ops = append(ops, cl.Op)
			}
		}
		next.g.Expect(ops).To(Equal([]op{opCreate, opDelete, opCreate}),
			"the owner created and deleted the profile (deletionPolicy Delete), then the next one created its own")
		creates := next.calls(opCreate)
		next.g.Expect(creates[1].Params["password"]).To(Equal(nextPW))
	})
}

func TestObserveNeverWritesAndNeedsNoSecret(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		pc := teamProviderConfig(t, c, func(*v1alpha1.ProviderConfigSpec) {})
		f := newFixtureOn(t, c, c.main, pc, nsTeamA)
		f.createOutOfBand(strongPassword(), true)
		direct := len(f.userCalls())
		f.create(func(lp *v1alpha1.LoginProfile) {
			lp.Spec.ManagementPolicy = v1alpha1.ManagementPolicyObserve
			lp.Spec.PasswordSecretRef = nil
		})
		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonObserved)
		f.g.Expect(lp.Status.AtProvider).NotTo(BeNil())
		f.g.Expect(lp.Status.AtProvider.PasswordResetRequired).To(BeTrue())
		f.g.Expect(readyMessage(lp)).To(ContainSubstring("would change: passwordResetRequired"))
		f.g.Expect(f.userCalls()[direct:]).To(HaveEach(HaveField("Op", opGet)), "Observe only reads")

		// An Observe object of a user that another LoginProfile manages is no conflict.
		manager := newFixtureOn(t, c, c.main, pc, nsTeamB)
		manager.user = f.user
		manager.setSecret(strongPassword())
		manager.create()
		manager.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		manager.waitEvent(loginprofile.EventAdopted)

		writes := func() []call {
			var out []call
			for _, cl := range f.userCalls() {
				if cl.Op != opGet {
					out = append(out, cl)
				}
			}
			return out
		}
		before := writes()
		f.deleteAndWaitGone()
		f.g.Expect(writes()).To(Equal(before), "deleting an Observe object never writes")
		f.g.Expect(f.sim.HasProfile(f.user)).To(BeTrue())

		none := newFixtureOn(t, c, c.main, pc, nsTeamA)
		none.create(func(lp *v1alpha1.LoginProfile) {
			lp.Spec.ManagementPolicy = v1alpha1.ManagementPolicyObserve
			lp.Spec.PasswordSecretRef = nil
		})
		none.waitReady(metav1.ConditionFalse, loginprofile.ReasonProfileNotFound)
		none.g.Expect(none.userCalls()).To(HaveEach(HaveField("Op", opGet)))
	})
}

func TestAdoptionAppliesTheSecretsPasswordAndSaysSo(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		pc := teamProviderConfig(t, c, func(*v1alpha1.ProviderConfigSpec) {})
		f := newFixtureOn(t, c, c.main, pc, nsTeamA)
		f.createOutOfBand(strongPassword(), false)
		pw := strongPassword()
		f.setSecret(pw)
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.waitEvent(loginprofile.EventAdopted).Note).To(And(
			ContainSubstring("Adopted the existing console login profile of "+f.user), ContainSubstring("applied the password from Secret "+f.secret)))
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1), "only the other creator's")
		updates := f.calls(opUpdate)
		f.g.Expect(updates).To(HaveLen(1))
		f.g.Expect(updates[0].Params).To(Equal(map[string]string{"password": pw, "passwordResetRequired": "false"}))
	})
}

// offboard disables the fixture's login and checks the call that did it.
func (f *fixture) offboard() {
	f.t.Helper()
	f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.Status = v1alpha1.LoginStatusInactive })
	if f.c.caps.Status {
		f.g.Eventually(func() []call { return f.calls(opUpdate) }, eventuallyWait, 50*time.Millisecond).
			Should(ContainElement(HaveField("Params", Equal(map[string]string{"status": "Inactive"}))))
	} else {
		f.waitCalls(opDelete, 1)
		f.g.Expect(f.sim.HasProfile(f.user)).To(BeFalse())
	}
}

func TestInactiveWithTheSecretMissing(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsWatch)
		f.setSecret(strongPassword())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(k8s.Delete(context.Background(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: f.secret}})).To(Succeed())

		f.offboard()
		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(lp.Status.AtProvider.Status).To(Equal("Inactive"))
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1))
		for _, u := range f.calls(opUpdate) {
			f.g.Expect(u.Params).NotTo(HaveKey("password"))
		}
	})
}

func TestInactiveWithARefusedPassword(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		// The account's policy cannot be read: the cloud refuses the password.
		f := newFixtureOn(t, c, c.race, fmt.Sprintf("%s-inactive-%d", c.name, seq.Add(1)), nsWatch)
		f.sim.HidePasswordPolicy()
		t.Cleanup(f.sim.ClearFaults)
		f.createProviderConfig()
		f.setSecret(strongPassword())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.setSecret("abc")
		f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)
		refusedUpdates := len(f.calls(opUpdate))

		f.offboard()
		if c.caps.Status {
			// The login is disabled, and the refusal of the password is still reported.
			f.g.Eventually(func() string { return f.get().Status.AtProvider.Status }, eventuallyWait).Should(Equal("Inactive"))
			lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)
			f.g.Expect(lp.Status.AtProvider.Status).To(Equal("Inactive"))
			updates := f.calls(opUpdate)[refusedUpdates:]
			f.g.Expect(updates).To(HaveLen(2), "the update with the password, refused, then the status alone")
			f.g.Expect(updates[0].Params).To(HaveKeyWithValue("password", "abc"))
			f.g.Expect(updates[0].Code).To(Equal(c.weakPasswordCode))
			f.g.Expect(updates[1].Params).To(Equal(map[string]string{"status": "Inactive"}))
			f.g.Expect(updates[1].Code).To(BeEmpty())
		} else {
			f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
			f.g.Expect(f.calls(opUpdate)).To(HaveLen(refusedUpdates), "disabling deletes the profile; the refused password is not sent")
		}
	})
}

func TestObserveThenManageAdoptsTheProfile(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		pc := teamProviderConfig(t, c, func(*v1alpha1.ProviderConfigSpec) {})
		f := newFixtureOn(t, c, c.main, pc, nsTeamA)
		f.createOutOfBand(strongPassword(), false)
		f.create(func(lp *v1alpha1.LoginProfile) {
			lp.Spec.ManagementPolicy = v1alpha1.ManagementPolicyObserve
			lp.Spec.PasswordSecretRef = nil
		})
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonObserved)
		f.g.Expect(f.calls(opUpdate)).To(BeEmpty())

		// Taking over, as after a migration from another tool.
		pw := strongPassword()
		f.setSecret(pw)
		f.patchSpec(func(lp *v1alpha1.LoginProfile) {
			lp.Spec.ManagementPolicy = v1alpha1.ManagementPolicyManage
			lp.Spec.PasswordSecretRef = &v1alpha1.PasswordSecretReference{Name: f.secret}
		})
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.waitEvent(loginprofile.EventAdopted).Note).To(ContainSubstring("applied the password from Secret " + f.secret))
		updates := f.calls(opUpdate)
		f.g.Expect(updates).To(HaveLen(1))
		f.g.Expect(updates[0].Params["password"]).To(Equal(pw))
	})
}

func TestManageObserveManageAppliesTheSecretAgain(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		pc := teamProviderConfig(t, c, func(*v1alpha1.ProviderConfigSpec) {})
		f := newFixtureOn(t, c, c.main, pc, nsTeamA)
		pw := strongPassword()
		f.setSecret(pw)
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		// Observed for a while, during which someone else sets another password.
		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.ManagementPolicy = v1alpha1.ManagementPolicyObserve })
		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonObserved)
		f.g.Expect(lp.Status.Password).To(BeNil(), "while observed, nothing applied is vouched for")
		_, err := directProvider(t, c, c.main.URL()).Update(context.Background(), cloud.UpdateRequest{
			User: f.user, Password: ptr.To(cloud.NewSensitive(strongPassword()))})
		f.g.Expect(err).NotTo(HaveOccurred())
		updatesBefore := len(f.calls(opUpdate))

		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.ManagementPolicy = v1alpha1.ManagementPolicyManage })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		updates := f.calls(opUpdate)[updatesBefore:]
		f.g.Expect(updates).To(HaveLen(1), "managed again: the Secret's password is applied, not taken for granted")
		f.g.Expect(updates[0].Params["password"]).To(Equal(pw))
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(pw))
		f.waitEvent(loginprofile.EventAdopted)
	})
}
