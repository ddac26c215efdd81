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
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/loginprofile"
	"github.com/loginprofile-operator/loginprofile-operator/internal/health"
	"github.com/loginprofile-operator/loginprofile-operator/internal/password"
)

var seq atomic.Int64

func requireEnvtest(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("envtest: skipped with -short")
	}
}

// eachCloud runs a scenario as a subtest for every cloud of the table.
func eachCloud(t *testing.T, scenario func(t *testing.T, c *testCloud)) {
	requireEnvtest(t)
	for _, c := range clouds {
		t.Run(c.name, func(t *testing.T) { scenario(t, c) })
	}
}

// fixture is one scenario's LoginProfile, its Secret and its cloud user.
type fixture struct {
	t      testing.TB
	g      Gomega
	c      *testCloud
	sim    *simulator
	ns     string
	name   string
	user   string
	secret string
	pc     string
}

func newFixture(t testing.TB, c *testCloud, ns string) *fixture {
	return newFixtureOn(t, c, c.main, c.pcName(), ns)
}

func newFixtureOn(t testing.TB, c *testCloud, sim *simulator, pc, ns string) *fixture {
	t.Helper()
	n := seq.Add(1)
	f := &fixture{
		t: t, g: NewWithT(t), c: c, sim: sim, ns: ns, pc: pc,
		name:   fmt.Sprintf("%s-%d", c.name, n),
		user:   c.user(n),
		secret: fmt.Sprintf("console-%d", n),
	}
	f.sim.AddUser(f.user)
	return f
}

func strongPassword() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return remember("Str0ng-" + hex.EncodeToString(b) + "!")
}

// remember adds pw to the passwords that no log, Event or status may hold (noPasswordsAnywhere),
// and returns it.
func remember(pw string) string {
	if pw == "" {
		return pw
	}
	passwordsMu.Lock()
	passwords = append(passwords, pw)
	passwordsMu.Unlock()
	return pw
}

func (f *fixture) key() types.NamespacedName {
	return types.NamespacedName{Namespace: f.ns, Name: f.name}
}

func (f *fixture) setSecret(pw string) {
	f.t.Helper()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: f.secret}}
	err := k8s.Get(context.Background(), client.ObjectKeyFromObject(s), s)
	switch {
	case apierrors.IsNotFound(err):
		s.StringData = map[string]string{"password": pw}
		f.g.Expect(k8s.Create(context.Background(), s)).To(Succeed())
	case err == nil:
		s.Data = map[string][]byte{"password": []byte(pw)}
		f.g.Expect(k8s.Update(context.Background(), s)).To(Succeed())
	default:
		f.t.Fatal(err)
	}
}

func (f *fixture) create(mods ...func(*v1alpha1.LoginProfile)) {
	f.t.Helper()
	lp := &v1alpha1.LoginProfile{
		ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: f.name},
		Spec: v1alpha1.LoginProfileSpec{
			ProviderConfigRef: &v1alpha1.ProviderConfigReference{Name: f.pc},
			PasswordSecretRef: &v1alpha1.PasswordSecretReference{Name: f.secret},
		},
	}
	f.c.setUser(&lp.Spec, f.user)
	for _, m := range mods {
		m(lp)
	}
	f.g.Expect(k8s.Create(context.Background(), lp)).To(Succeed())
	f.t.Cleanup(func() {
		_ = k8s.Delete(context.Background(), &v1alpha1.LoginProfile{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: f.name}})
	})
}

func (f *fixture) get() *v1alpha1.LoginProfile {
	f.t.Helper()
	lp := &v1alpha1.LoginProfile{}
	f.g.Expect(k8s.Get(context.Background(), f.key(), lp)).To(Succeed())
	return lp
}

func (f *fixture) patchSpec(mutate func(*v1alpha1.LoginProfile)) {
	f.t.Helper()
	f.g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		lp := f.get()
		mutate(lp)
		return k8s.Update(context.Background(), lp)
	})).To(Succeed())
}

// waitReady waits until Ready has the given status and reason for the current generation.
func (f *fixture) waitReady(status metav1.ConditionStatus, reason string) *v1alpha1.LoginProfile {
	f.t.Helper()
	var lp *v1alpha1.LoginProfile
	f.g.Eventually(func(g Gomega) {
		lp = &v1alpha1.LoginProfile{}
		g.Expect(k8s.Get(context.Background(), f.key(), lp)).To(Succeed())
		c := meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.ObservedGeneration).To(Equal(lp.Generation))
		g.Expect(lp.Status.ObservedGeneration).To(Equal(lp.Generation), "the status describes the current generation")
		g.Expect(c.Reason).To(Equal(reason), "message: %s", c.Message)
		g.Expect(c.Status).To(Equal(status))
	}, eventuallyWait, 50*time.Millisecond).Should(Succeed())
	// kstatus: Stalled or Reconciling is True exactly when Ready is not, never both.
	stalled := meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionStalled)
	reconciling := meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReconciling)
	switch {
	case status == metav1.ConditionTrue:
		f.g.Expect(stalled).To(BeNil())
		f.g.Expect(reconciling).To(BeNil())
	case stalledReason[reason]:
		f.g.Expect(reconciling).To(BeNil())
		f.g.Expect(stalled).NotTo(BeNil())
		f.g.Expect(stalled.Status).To(Equal(metav1.ConditionTrue))
		f.g.Expect(stalled.Reason).To(Equal(reason))
		f.g.Expect(stalled.ObservedGeneration).To(Equal(lp.Generation))
	default:
		f.g.Expect(stalled).To(BeNil())
		f.g.Expect(reconciling).NotTo(BeNil())
		f.g.Expect(reconciling.Status).To(Equal(metav1.ConditionTrue))
		f.g.Expect(reconciling.Reason).To(Equal(reason))
	}
	return lp
}

// stalledReason lists the reasons that need a person (issue: a weak password, a missing cloud user
// or an unsupported field is Stalled; a Secret that does not exist yet is Reconciling).
var stalledReason = map[string]bool{
	loginprofile.ReasonInvalidPassword: true, loginprofile.ReasonUserNotFound: true,
	loginprofile.ReasonInvalidSpec: true, loginprofile.ReasonUnsupported: true,
	loginprofile.ReasonAccessDenied: true, loginprofile.ReasonProviderConfigInvalid: true,
	// issue 8: a rule or another LoginProfile keeps the object out; an observed user has no profile.
	loginprofile.ReasonForbidden: true, loginprofile.ReasonConflict: true, loginprofile.ReasonProfileNotFound: true,
}

func readyMessage(lp *v1alpha1.LoginProfile) string {
	return meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady).Message
}

func (f *fixture) waitGone() {
	f.t.Helper()
	f.g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(context.Background(), f.key(), &v1alpha1.LoginProfile{}))
	}, eventuallyWait, 50*time.Millisecond).Should(BeTrue())
}

// calls returns the calls of one operation the simulator received for this fixture's user.
func (f *fixture) calls(o op) []call {
	var out []call
	for _, c := range f.sim.Calls() {
		if c.Op == o && c.User == f.user {
			out = append(out, c)
		}
	}
	return out
}

func (f *fixture) waitCalls(o op, n int) []call {
	f.t.Helper()
	f.g.Eventually(func() []call { return f.calls(o) }, eventuallyWait, 50*time.Millisecond).Should(HaveLen(n))
	return f.calls(o)
}

// waitPolls waits until the operator has observed the user n more times: n poll intervals.
func (f *fixture) waitPolls(n int) {
	f.t.Helper()
	base := len(f.calls(opGet))
	f.g.Eventually(func() int { return len(f.calls(opGet)) }, eventuallyWait, 50*time.Millisecond).
		Should(BeNumerically(">=", base+n))
}

// createParams is what a create must carry: every field the cloud has.
func (f *fixture) createParams(pw string, status string, mfa, reset bool) map[string]string {
	p := map[string]string{"password": pw, "passwordResetRequired": fmt.Sprint(reset)}
	if f.c.caps.Status {
		p["status"] = status
	}
	if f.c.caps.MFABindRequired {
		p["mfaBindRequired"] = fmt.Sprint(mfa)
	}
	return p
}

func (f *fixture) waitEvent(reason string) eventsv1.Event {
	f.t.Helper()
	var ev eventsv1.Event
	f.g.Eventually(func(g Gomega) {
		var list eventsv1.EventList
		g.Expect(k8s.List(context.Background(), &list, client.InNamespace(f.ns))).To(Succeed())
		var found []eventsv1.Event
		for _, e := range list.Items {
			if e.Regarding.Name == f.name && e.Reason == reason {
				found = append(found, e)
			}
		}
		g.Expect(found).NotTo(BeEmpty())
		ev = found[0]
	}, eventuallyWait, 100*time.Millisecond).Should(Succeed())
	return ev
}

func TestCreateSendsEveryFieldOnce(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsWatch)
		createsOK := map[string]string{"cloud": c.name, "action": "create", "code": "OK"}
		waitsForWrite := map[string]string{"provider_config": c.pcName(), "kind": "write"}
		callsBefore := metricValue(t, "loginprofile_cloud_api_calls_total", createsOK)
		latencyBefore := metricValue(t, "loginprofile_cloud_api_call_duration_seconds", map[string]string{"cloud": c.name, "action": "create"})
		waitsBefore := metricValue(t, "loginprofile_rate_limiter_wait_seconds", waitsForWrite)
		pw := strongPassword()
		f.setSecret(pw)
		f.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = true })
		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(metricValue(t, "loginprofile_cloud_api_calls_total", createsOK)).To(Equal(callsBefore + 1))
		f.g.Expect(metricValue(t, "loginprofile_cloud_api_call_duration_seconds", map[string]string{"cloud": c.name, "action": "create"})).To(Equal(latencyBefore + 1))
		f.g.Expect(metricValue(t, "loginprofile_rate_limiter_wait_seconds", waitsForWrite)).To(BeNumerically(">", waitsBefore))
		f.g.Expect(metricValue(t, "loginprofile_loginprofiles", map[string]string{"ready": "True", "reason": loginprofile.ReasonAvailable})).To(BeNumerically(">=", 1))

		creates := f.calls(opCreate)
		f.g.Expect(creates).To(HaveLen(1))
		f.g.Expect(creates[0].Params).To(Equal(f.createParams(pw, "Active", false, true)))
		f.g.Expect(f.calls(opUpdate)).To(BeEmpty())
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(pw))

		f.g.Expect(lp.Finalizers).To(ContainElement(loginprofile.Finalizer))
		f.g.Expect(lp.Status.ObservedGeneration).To(Equal(lp.Generation))
		obs := lp.Status.AtProvider
		f.g.Expect(obs).NotTo(BeNil())
		f.g.Expect(obs.UserPrincipalName + obs.UserID).To(Equal(f.user))
		f.g.Expect(obs.Status).To(Equal("Active"))
		f.g.Expect(obs.PasswordResetRequired).To(BeTrue())
		if c.caps.UpdateDate {
			f.g.Expect(obs.UpdateDate).NotTo(BeNil())
		}
		f.g.Expect(lp.Status.Password).NotTo(BeNil())
		f.g.Expect(lp.Status.Password.Digest).To(HavePrefix("$argon2id$"))
		f.g.Expect(password.Matches(lp.Status.Password.Digest, pw)).To(BeTrue())
		f.g.Expect(lp.Status.Password.PendingDigest).To(BeEmpty())
		f.g.Expect(f.waitEvent(loginprofile.EventCreated).Note).To(ContainSubstring(f.user))
	})
}

func TestMFAAndStatusAreSentWhereTheCloudHasThem(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		if !c.caps.Status || !c.caps.MFABindRequired {
			t.Skipf("%s login profiles have no status or MFA flag", c.name)
		}
		f := newFixture(t, c, nsWatch)
		pw := strongPassword()
		f.setSecret(pw)
		f.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.MFABindRequired = true })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.calls(opCreate)[0].Params).To(Equal(f.createParams(pw, "Active", true, false)))

		f.patchSpec(func(lp *v1alpha1.LoginProfile) {
			lp.Spec.MFABindRequired = false
			lp.Spec.Status = v1alpha1.LoginStatusInactive
		})
		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(lp.Generation).To(Equal(int64(2)))
		updates := f.calls(opUpdate)
		f.g.Expect(updates).To(HaveLen(1))
		f.g.Expect(updates[0].Params).To(Equal(map[string]string{"status": "Inactive", "mfaBindRequired": "false"}),
			"an update that does not rotate the password must not carry it")
		f.g.Expect(lp.Status.AtProvider.Status).To(Equal("Inactive"))
		f.waitEvent(loginprofile.EventUpdated)
	})
}

func TestMFAOnACloudWithoutItIsUnsupportedAndWritesNothing(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		if c.caps.MFABindRequired {
			t.Skipf("%s login profiles have the MFA flag", c.name)
		}
		f := newFixture(t, c, nsPoll)
		f.setSecret(strongPassword())
		f.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.MFABindRequired = true })
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonUnsupported)
		f.g.Expect(readyMessage(lp)).To(ContainSubstring("mfaBindRequired"))
		f.g.Expect(f.sim.Calls()).NotTo(ContainElement(HaveField("User", f.user)), "no cloud call for an unsupported spec")

		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.MFABindRequired = false })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1))
	})
}

func TestInactiveWithoutAStatusMeansNoProfile(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		if c.caps.Status {
			t.Skipf("%s login profiles have a status: Inactive keeps the profile", c.name)
		}
		f := newFixture(t, c, nsWatch)
		pw := strongPassword()
		f.setSecret(pw)
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.Status = v1alpha1.LoginStatusInactive })
		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.calls(opDelete)).To(HaveLen(1))
		f.g.Expect(f.sim.HasProfile(f.user)).To(BeFalse())
		f.g.Expect(lp.Status.AtProvider.Status).To(Equal("Inactive"))
		f.waitEvent(loginprofile.EventDisabled)

		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.Status = v1alpha1.LoginStatusActive })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		creates := f.calls(opCreate)
		f.g.Expect(creates).To(HaveLen(2), "set back to Active: created again from the Secret")
		f.g.Expect(creates[1].Params["password"]).To(Equal(pw))
	})
}

func TestSecretChangeRotatesPasswordOnceThroughTheWatch(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		// nsWatch polls once an hour: the rotation can only come from the Secret watch.
		f := newFixture(t, c, nsWatch)
		f.setSecret(strongPassword())
		f.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = true })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.sim.UserResetsPassword(f.user, strongPassword())).To(Succeed())

		pw2 := strongPassword()
		f.setSecret(pw2)
		updates := f.waitCalls(opUpdate, 1)
		f.g.Expect(updates[0].Params).To(Equal(map[string]string{"password": pw2, "passwordResetRequired": "true"}),
			"a rotation sends the password once, with the spec's passwordResetRequired")
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(pw2))
		f.waitEvent(loginprofile.EventPasswordRotated)

		// A new resourceVersion with the same password is checked and recorded, never re-applied.
		s := &corev1.Secret{}
		f.g.Expect(k8s.Get(context.Background(), types.NamespacedName{Namespace: f.ns, Name: f.secret}, s)).To(Succeed())
		s.Labels = map[string]string{"touched": "yes"}
		f.g.Expect(k8s.Update(context.Background(), s)).To(Succeed())
		f.g.Eventually(func() string {
			return f.get().Status.Password.SecretResourceVersion
		}, eventuallyWait, 50*time.Millisecond).Should(Equal(s.ResourceVersion))
		f.g.Expect(f.calls(opUpdate)).To(HaveLen(1))
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1))
	})
}

func TestResetRequiredIsNotForcedAgainAfterTheUserReset(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsPoll)
		f.setSecret(strongPassword())
		f.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = true })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		f.g.Expect(f.sim.UserResetsPassword(f.user, strongPassword())).To(Succeed())
		f.waitPolls(3)
		f.g.Expect(f.calls(opUpdate)).To(BeEmpty(), "the cloud clearing the flag after a reset is not drift")
		f.g.Expect(f.sim.ResetRequired(f.user)).To(BeFalse())
		f.g.Eventually(func() bool { return f.get().Status.AtProvider.PasswordResetRequired }, eventuallyWait).Should(BeFalse())

		// Setting the spec field again is a change of the spec: applied once, without the password.
		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = false })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = true })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		updates := f.waitCalls(opUpdate, 1)
		f.g.Expect(updates[0].Params).To(Equal(map[string]string{"passwordResetRequired": "true"}))
	})
}

func TestStatusAndMFADriftIsCorrectedWithinAPollInterval(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		if !c.caps.Status || !c.caps.MFABindRequired {
			t.Skipf("%s login profiles have no status or MFA flag to drift", c.name)
		}
		f := newFixture(t, c, nsPoll)
		f.setSecret(strongPassword())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		f.sim.DisableAndRequireMFA(f.user)
		updates := f.waitCalls(opUpdate, 1)
		f.g.Expect(updates[0].Params).To(Equal(map[string]string{"status": "Active", "mfaBindRequired": "false"}))
		f.g.Expect(f.waitEvent(loginprofile.EventDriftCorrected).Note).To(And(ContainSubstring("status"), ContainSubstring("mfaBindRequired")))
	})
}

func TestProfileDeletedOutOfBandIsCreatedAgain(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsPoll)
		pw := strongPassword()
		f.setSecret(pw)
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		f.sim.DeleteProfile(f.user)
		creates := f.waitCalls(opCreate, 2)
		f.g.Expect(creates[1].Params["password"]).To(Equal(pw))
		f.g.Expect(f.waitEvent(loginprofile.EventDriftCorrected).Note).To(ContainSubstring("deleted outside the operator"))
	})
}

func TestSteadyStateWritesNothing(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsPoll)
		f.setSecret(strongPassword())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		// Let the first poll record what it observes, then take the baseline.
		f.waitPolls(1)
		rv := f.get().ResourceVersion

		f.waitPolls(3)
		f.g.Expect(f.get().ResourceVersion).To(Equal(rv), "a no-op reconcile must not write to the API server")
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1))
		f.g.Expect(f.calls(opUpdate)).To(BeEmpty(), "a no-op reconcile must not write to the cloud")
	})
}

func TestMissingSecretWaitsAndRecoversWhenItAppears(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsWatch)
		f.create()
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonPasswordSecretNotFound)
		f.g.Expect(readyMessage(lp)).To(And(ContainSubstring(f.secret), ContainSubstring(f.ns), ContainSubstring(`"password"`)))
		// The Secret is needed only to create the profile: the operator looked (no profile) and
		// wrote nothing.
		f.g.Expect(f.calls(opGet)).To(HaveLen(1))
		f.g.Expect(f.calls(opCreate)).To(BeEmpty())
		f.g.Expect(f.calls(opUpdate)).To(BeEmpty())

		// nsWatch polls once an hour: recovery comes from the Secret watch.
		pw := strongPassword()
		f.setSecret(pw)
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1))
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(pw))
	})
}

func TestWeakPasswordIsTerminalUntilTheSecretChanges(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		// The account's policy cannot be read: the cloud is the one to refuse the password. (When
		// it can be read, a weak password is refused before any call: lifecycle_scenarios_test.go.)
		f := newFixtureOn(t, c, c.race, fmt.Sprintf("%s-weak-%d", c.name, seq.Add(1)), nsPoll)
		f.sim.HidePasswordPolicy()
		t.Cleanup(f.sim.ClearFaults)
		f.createProviderConfig()
		f.setSecret("abc")
		f.create()
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)
		f.g.Expect(readyMessage(lp)).To(And(ContainSubstring(f.secret), ContainSubstring(c.weakPasswordCode)))
		f.g.Expect(readyMessage(lp)).NotTo(ContainSubstring("abc"))
		f.g.Expect(metricValue(t, "loginprofile_loginprofiles", map[string]string{"ready": "False", "reason": loginprofile.ReasonInvalidPassword})).To(BeNumerically(">=", 1))
		f.g.Expect(lp.Status.Password).NotTo(BeNil())
		f.g.Expect(lp.Status.Password.Digest).To(BeEmpty(), "nothing was applied")
		f.g.Expect(lp.Status.Password.RefusedSecretResourceVersion).NotTo(BeEmpty())

		// Events that change neither the Secret's password nor the spec (an annotation here; a
		// manager restart or a second queued event alike; a new version of the Secret with the same
		// password) do not send the refused password again.
		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Annotations = map[string]string{"poke": "1"} })
		s := &corev1.Secret{}
		f.g.Expect(k8s.Get(context.Background(), types.NamespacedName{Namespace: f.ns, Name: f.secret}, s)).To(Succeed())
		s.Labels = map[string]string{"synced-by": "a-secret-manager"}
		f.g.Expect(k8s.Update(context.Background(), s)).To(Succeed())
		f.g.Eventually(func() string {
			return f.get().Status.Password.RefusedSecretResourceVersion
		}, eventuallyWait, 50*time.Millisecond).Should(Equal(s.ResourceVersion))

		// It is still observed every poll (to correct drift of the other fields), but the refused
		// password is never sent again.
		f.waitPolls(3)
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1))
		f.g.Expect(f.calls(opUpdate)).To(BeEmpty())
		f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)

		pw := strongPassword()
		f.setSecret(pw)
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		creates := f.calls(opCreate)
		f.g.Expect(creates).To(HaveLen(2))
		f.g.Expect(creates[1].Params["password"]).To(Equal(pw))
	})
}

func TestRefusedPasswordIsNotSentAgainAfterAThrottledPoll(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		// The race simulator: the fault must not throttle other scenarios' objects.
		f := newFixtureOn(t, c, c.race, fmt.Sprintf("%s-refused-%d", c.name, seq.Add(1)), nsPoll)
		f.sim.HidePasswordPolicy() // the cloud refuses the password, not the policy check before the call
		t.Cleanup(f.sim.ClearFaults)
		f.createProviderConfig()
		f.setSecret("abc")
		f.create()
		f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)

		// A poll in between ends otherwise (throttled): the refusal must survive it.
		f.sim.Throttle()
		t.Cleanup(f.sim.ClearFaults)
		f.waitReady(metav1.ConditionFalse, loginprofile.ReasonThrottled)
		f.sim.ClearFaults()
		f.sim.HidePasswordPolicy()
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)
		f.g.Expect(readyMessage(lp)).To(ContainSubstring("not sent again"))
		f.waitPolls(2)
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1), "the refused password is not sent again")
		f.g.Expect(f.calls(opUpdate)).To(BeEmpty())
	})
}

func TestSpecChangeThatStallsReadsAsFailedForThatGeneration(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsWatch)
		f.g.Expect(k8s.Create(context.Background(), &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: f.secret},
			StringData: map[string]string{"password": strongPassword(), "weak": "abc"},
		})).To(Succeed())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordSecretRef.Key = "weak" })
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)
		f.g.Expect(lp.Generation).To(Equal(int64(2)))

		// What Argo CD and Flux make of the live object.
		raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(lp)
		f.g.Expect(err).NotTo(HaveOccurred())
		u := &unstructured.Unstructured{Object: raw}
		u.SetAPIVersion(v1alpha1.GroupVersion.String())
		u.SetKind("LoginProfile")
		obj, err := health.DecodeObject(mustJSON(f.g, u.Object))
		f.g.Expect(err).NotTo(HaveOccurred())
		argo, msg, err := health.ArgoHealth(obj)
		f.g.Expect(err).NotTo(HaveOccurred())
		f.g.Expect(argo).To(Equal("Degraded"), msg)
		f.g.Expect(msg).To(ContainSubstring(loginprofile.ReasonInvalidPassword))
		ks, err := health.KStatus(&unstructured.Unstructured{Object: obj})
		f.g.Expect(err).NotTo(HaveOccurred())
		f.g.Expect(ks).To(Equal("Failed"))
	})
}

func mustJSON(g Gomega, v any) []byte {
	b, err := json.Marshal(v)
	g.Expect(err).NotTo(HaveOccurred())
	return b
}

func TestDeletionPolicies(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		del := newFixture(t, c, nsWatch)
		del.setSecret(strongPassword())
		del.create()
		orphan := newFixture(t, c, nsWatch)
		orphan.setSecret(strongPassword())
		orphan.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.DeletionPolicy = v1alpha1.DeletionPolicyOrphan })
		del.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		orphan.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		for _, f := range []*fixture{del, orphan} {
			f.g.Expect(k8s.Delete(context.Background(), f.get())).To(Succeed())
			f.waitGone()
		}
		g := del.g
		g.Expect(del.calls(opDelete)).To(HaveLen(1))
		g.Expect(del.sim.HasProfile(del.user)).To(BeFalse(), "deletionPolicy Delete removes the cloud profile")
		g.Expect(orphan.calls(opDelete)).To(BeEmpty())
		g.Expect(orphan.sim.HasProfile(orphan.user)).To(BeTrue(), "deletionPolicy Orphan leaves the cloud profile")
		del.waitEvent(loginprofile.EventDeleted)
	})
}

func TestDeletingWhenTheUserIsGoneSucceeds(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsWatch)
		f.setSecret(strongPassword())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.sim.DeleteUser(f.user)
		f.g.Expect(k8s.Delete(context.Background(), f.get())).To(Succeed())
		f.waitGone()
		f.g.Expect(f.calls(opDelete)).To(HaveLen(1))
	})
}

func TestUserNotFoundRecoversWhenTheUserIsCreated(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsPoll)
		f.sim.DeleteUser(f.user)
		f.setSecret(strongPassword())
		f.create()
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonUserNotFound)
		f.g.Expect(readyMessage(lp)).To(ContainSubstring(c.userNotFoundCode))
		f.g.Expect(f.calls(opCreate)).To(BeEmpty())

		f.sim.AddUser(f.user)
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1))
	})
}

func TestThrottlingBacksOffAndRecovers(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		// The race simulator: the fault must not throttle other scenarios' objects.
		f := newFixtureOn(t, c, c.race, fmt.Sprintf("%s-throttle-%d", c.name, seq.Add(1)), nsPoll)
		f.createProviderConfig()
		f.setSecret(strongPassword())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		f.sim.Throttle()
		t.Cleanup(f.sim.ClearFaults)
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonThrottled)
		f.g.Expect(readyMessage(lp)).To(ContainSubstring(c.throttledCode))
		throttled := func() int {
			n := 0
			for _, cl := range f.calls(opGet) {
				if cl.Code == c.throttledCode {
					n++
				}
			}
			return n
		}
		throttledBefore := metricValue(t, "loginprofile_cloud_api_throttled_total", map[string]string{"cloud": c.name, "action": "get"})
		f.g.Eventually(throttled, eventuallyWait, 50*time.Millisecond).Should(BeNumerically(">=", 2))
		f.g.Expect(metricValue(t, "loginprofile_cloud_api_throttled_total", map[string]string{"cloud": c.name, "action": "get"})).To(BeNumerically(">", throttledBefore))
		f.g.Expect(metricValue(t, "loginprofile_cloud_api_calls_total", map[string]string{"cloud": c.name, "action": "get", "code": c.throttledCode})).To(BeNumerically(">=", 2))
		f.sim.ClearFaults()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.calls(opUpdate)).To(BeEmpty())
	})
}

func TestProviderConfigNotFoundRecoversWhenItIsCreated(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixtureOn(t, c, c.main, fmt.Sprintf("%s-later-%d", c.name, seq.Add(1)), nsWatch)
		f.setSecret(strongPassword())
		f.create()
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonProviderConfigNotFound)
		f.g.Expect(readyMessage(lp)).To(ContainSubstring(f.pc))
		f.g.Expect(f.calls(opGet)).To(BeEmpty())

		pc := c.providerConfig(f.pc, c.main.URL(), nil)
		f.g.Expect(k8s.Create(context.Background(), pc)).To(Succeed())
		t.Cleanup(func() { _ = k8s.Delete(context.Background(), pc) })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	})
}

func TestUserFieldOfAnotherCloudIsRefusedWithoutACall(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsWatch)
		f.setSecret(strongPassword())
		f.create(func(lp *v1alpha1.LoginProfile) {
			// Name the user with the field the other cloud uses.
			if lp.Spec.UserPrincipalName != "" {
				lp.Spec.UserPrincipalName, lp.Spec.UserID = "", "a0b1c2d3e4f5"
			} else {
				lp.Spec.UserID, lp.Spec.UserPrincipalName = "", "someone@example.onaliyun.com"
			}
		})
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidSpec)
		f.g.Expect(readyMessage(lp)).To(Or(ContainSubstring("spec.userPrincipalName is required"), ContainSubstring("spec.userId is required")))
		f.g.Expect(f.sim.Calls()).NotTo(ContainElement(HaveField("User", Or(Equal("a0b1c2d3e4f5"), Equal("someone@example.onaliyun.com")))))
	})
}

func TestRateLimiterKeepsTheAccountUnderItsQuota(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		// The limited simulator answers throttling above 4 reads and 2 writes per second; its
		// ProviderConfig caps the operator at the same rates. Eight objects at once must never be
		// throttled.
		var fs []*fixture
		for range 8 {
			f := newFixtureOn(t, c, c.limited, c.limitedName(), nsWatch)
			f.setSecret(strongPassword())
			f.create()
			fs = append(fs, f)
		}
		for _, f := range fs {
			f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		}
		g := NewWithT(t)
		creates := 0
		for _, cl := range c.limited.Calls() {
			g.Expect(cl.Code).NotTo(Equal(c.throttledCode), "call %s was throttled", cl.Op)
			if cl.Op == opCreate {
				creates++
			}
		}
		g.Expect(creates).To(Equal(8))
	})
}

func TestCreateRacingAnotherCreatorAppliesTheSecretsPassword(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixtureOn(t, c, c.race, fmt.Sprintf("%s-race-%d", c.name, seq.Add(1)), nsWatch)
		pw := strongPassword()
		f.setSecret(pw)
		f.create()
		f.waitReady(metav1.ConditionFalse, loginprofile.ReasonProviderConfigNotFound)

		// Another actor creates the profile with its own password just after our observation: the
		// first observation says "no profile", our create is answered "already exists".
		_, err := directProvider(t, c, c.race.URL()).Create(context.Background(), cloud.CreateRequest{
			User: f.user, Password: cloud.NewSensitive(strongPassword()), Status: statusIf(c, "Active")})
		f.g.Expect(err).NotTo(HaveOccurred())
		f.sim.FailNextGetAsNoProfile()
		f.createProviderConfig()

		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		creates := f.calls(opCreate)
		f.g.Expect(creates).To(HaveLen(2))
		f.g.Expect(creates[1].Code).NotTo(BeEmpty(), "our create was answered 'already exists'")
		updates := f.calls(opUpdate)
		f.g.Expect(updates).To(HaveLen(1), "the other creator's password is not ours: ours is applied")
		f.g.Expect(updates[0].Params["password"]).To(Equal(pw))
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(pw))
	})
}

func TestDeletionBlockedByAMissingProviderConfigSaysHowToOrphan(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixtureOn(t, c, c.main, fmt.Sprintf("%s-gone-%d", c.name, seq.Add(1)), nsWatch)
		f.setSecret(strongPassword())
		pc := c.providerConfig(f.pc, c.main.URL(), nil)
		f.g.Expect(k8s.Create(context.Background(), pc)).To(Succeed())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		f.g.Expect(k8s.Delete(context.Background(), pc)).To(Succeed())
		f.g.Expect(k8s.Delete(context.Background(), f.get())).To(Succeed())
		f.g.Eventually(func(g Gomega) {
			c := meta.FindStatusCondition(f.get().Status.Conditions, v1alpha1.ConditionReady)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Reason).To(Equal(loginprofile.ReasonProviderConfigNotFound))
			g.Expect(c.Message).To(ContainSubstring("deletionPolicy to Orphan"))
		}, eventuallyWait, 50*time.Millisecond).Should(Succeed())
		f.g.Expect(f.calls(opDelete)).To(BeEmpty())

		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.DeletionPolicy = v1alpha1.DeletionPolicyOrphan })
		f.waitGone()
		f.g.Expect(f.sim.HasProfile(f.user)).To(BeTrue())
	})
}

func statusIf(c *testCloud, s string) string {
	if c.caps.Status {
		return s
	}
	return ""
}

// directProvider returns a Provider of a simulator, to change the cloud as another actor would.
func directProvider(t testing.TB, c *testCloud, url string) cloud.Provider {
	pc := c.providerConfig("direct", url, nil)
	driver, err := cloud.DriverFor(&pc.Spec)
	if err != nil {
		t.Fatal(err)
	}
	p, err := driver.Connect(&pc.Spec, c.directCredentials, cloud.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// seedPending simulates a manager that stopped between a password write and its status write:
// status.password carries the pending digest written before the call. The object waits on a
// missing ProviderConfig meanwhile, which is then created.
func seedPending(f *fixture, ps v1alpha1.PasswordStatus) {
	f.t.Helper()
	f.g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		lp := f.get()
		lp.Status.Password = &ps
		return k8s.Status().Update(context.Background(), lp)
	})).To(Succeed())
	// The reconcile must see it: wait until the manager's cache has it, then let it run.
	f.g.Eventually(func(g Gomega) {
		lp := &v1alpha1.LoginProfile{}
		g.Expect(watchCache.Get(context.Background(), f.key(), lp)).To(Succeed())
		g.Expect(lp.Status.Password).NotTo(BeNil())
		g.Expect(lp.Status.Password.PendingDigest).To(Equal(ps.PendingDigest))
	}, eventuallyWait, 20*time.Millisecond).Should(Succeed())
	f.createProviderConfig()
}

// createProviderConfig creates the fixture's ProviderConfig, pointing at its simulator.
func (f *fixture) createProviderConfig() {
	f.t.Helper()
	pc := f.c.providerConfig(f.pc, f.sim.URL(), nil)
	f.g.Expect(k8s.Create(context.Background(), pc)).To(Succeed())
	f.t.Cleanup(func() { _ = k8s.Delete(context.Background(), pc) })
}

// blockedOnProviderConfig creates the fixture's object with a ProviderConfig that does not exist yet.
func blockedOnProviderConfig(t *testing.T, c *testCloud) *fixture {
	f := newFixtureOn(t, c, c.main, fmt.Sprintf("%s-late-%d", c.name, seq.Add(1)), nsWatch)
	f.create()
	f.waitReady(metav1.ConditionFalse, loginprofile.ReasonProviderConfigNotFound)
	return f
}

func TestInterruptedCreateIsAdoptedNotRepeated(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := blockedOnProviderConfig(t, c)
		pw := strongPassword()
		f.setSecret(pw)
		digest, err := password.Digest(pw)
		f.g.Expect(err).NotTo(HaveOccurred())
		// The create landed in the cloud; the manager stopped before recording it.
		f.createOutOfBand(pw, false)
		seedPending(f, v1alpha1.PasswordStatus{PendingDigest: digest, PendingOperation: v1alpha1.PendingCreate,
			SecretName: f.secret, SecretKey: "password"})

		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1), "only the create that landed")
		f.g.Expect(f.calls(opUpdate)).To(BeEmpty(), "the landed password is not sent again")
		f.g.Expect(lp.Status.Password.Digest).To(Equal(digest))
		f.g.Expect(lp.Status.Password.PendingDigest).To(BeEmpty())
	})
}

func TestInterruptedRotationThatDidNotLandIsSentOnce(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := blockedOnProviderConfig(t, c)
		pw1, pw2 := strongPassword(), strongPassword()
		f.setSecret(pw2)
		f.createOutOfBand(pw1, false)
		d1, _ := password.Digest(pw1)
		d2, _ := password.Digest(pw2)
		ps := v1alpha1.PasswordStatus{Digest: d1, PendingDigest: d2, PendingOperation: v1alpha1.PendingUpdate,
			SecretName: f.secret, SecretKey: "password"}
		if c.caps.UpdateDate {
			obs, err := directProvider(t, c, c.main.URL()).Get(context.Background(), f.user)
			f.g.Expect(err).NotTo(HaveOccurred())
			base := metav1.NewTime(obs.UpdateDate)
			ps.PendingBaseUpdateDate = &base
		}
		seedPending(f, ps)

		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		updates := f.calls(opUpdate)
		f.g.Expect(updates).To(HaveLen(1))
		f.g.Expect(updates[0].Params["password"]).To(Equal(pw2))
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(pw2))
	})
}

// staleClient serves one LoginProfile from a copy older than the stored one, as a manager's cache
// that has not seen the last status write yet would; everything else goes through the watch
// manager's client.
type staleClient struct {
	client.Client
	key   types.NamespacedName
	stale *v1alpha1.LoginProfile
}

func (c staleClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if lp, ok := obj.(*v1alpha1.LoginProfile); ok && key == c.key {
		c.stale.DeepCopyInto(lp)
		return nil
	}
	return c.Client.Get(ctx, key, obj, opts...)
}

func TestAReconcileFromAStaleCopySendsNoPassword(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsWatch)
		f.setSecret(strongPassword())
		f.create()
		stale := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		// The manager rotates the password; a reconcile that starts from the copy before it (a
		// lagging cache) must neither send the password again nor replace the newer status.
		pw2 := strongPassword()
		f.setSecret(pw2)
		f.waitCalls(opUpdate, 1)
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Eventually(func() string { return f.get().Status.Password.Digest }).ShouldNot(Equal(stale.Status.Password.Digest))
		fresh := f.get()

		r := &loginprofile.Reconciler{
			Client:       staleClient{Client: watchClient, key: f.key(), stale: stale},
			APIReader:    k8s,
			Providers:    &cloud.Providers{Metadata: watchClient, Secrets: k8s, Options: cloud.Options{Timeout: 10 * time.Second}},
			PollInterval: time.Hour,
		}
		_, err := r.Reconcile(context.Background(), ctrl.Request{NamespacedName: f.key()})
		f.g.Expect(apierrors.IsConflict(err)).To(BeTrue(), "the intent write is refused by the optimistic lock: %v", err)
		f.g.Expect(f.calls(opUpdate)).To(HaveLen(1), "no password re-sent from a stale copy")
		after := f.get()
		f.g.Expect(after.Status.Password.Digest).To(Equal(fresh.Status.Password.Digest), "the newer status is kept")
		f.g.Expect(after.ResourceVersion).To(Equal(fresh.ResourceVersion), "nothing written")
	})
}

func TestInterruptedRotationReSentAndRefusedAsReusedHadLanded(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		if c.caps.UpdateDate {
			t.Skipf("%s reports an update date: an interrupted rotation that landed is not sent again (next test)", c.name)
		}
		// The race simulator: its reuse prevention must not refuse other scenarios' passwords.
		f := newFixtureOn(t, c, c.race, fmt.Sprintf("%s-reuse-%d", c.name, seq.Add(1)), nsWatch)
		f.create()
		f.waitReady(metav1.ConditionFalse, loginprofile.ReasonProviderConfigNotFound)
		pw1, pw2 := strongPassword(), strongPassword()
		f.setSecret(pw2)
		// The rotation to pw2 landed; the manager stopped before recording it.
		f.createOutOfBand(pw1, false)
		_, err := directProvider(t, c, f.sim.URL()).Update(context.Background(), cloud.UpdateRequest{User: f.user, Password: ptr.To(cloud.NewSensitive(pw2))})
		f.g.Expect(err).NotTo(HaveOccurred())
		f.sim.PreventReuse(3)
		t.Cleanup(func() { f.sim.PreventReuse(0) })
		d1, _ := password.Digest(pw1)
		d2, _ := password.Digest(pw2)
		seedPending(f, v1alpha1.PasswordStatus{Digest: d1, PendingDigest: d2, PendingOperation: v1alpha1.PendingUpdate,
			SecretName: f.secret, SecretKey: "password"})

		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		updates := f.calls(opUpdate)
		f.g.Expect(updates).To(HaveLen(2), "ours (out of band) and the re-send")
		f.g.Expect(updates[1].Params["password"]).To(Equal(pw2))
		f.g.Expect(updates[1].Code).To(Equal(c.reusedCode), "the cloud refused the re-sent password as reused")
		f.g.Expect(password.Matches(lp.Status.Password.Digest, pw2)).To(BeTrue(), "the refusal showed the rotation had landed")
		f.g.Expect(lp.Status.Password.PendingDigest).To(BeEmpty())
		f.g.Expect(lp.Status.Password.RefusedSecretResourceVersion).To(BeEmpty())
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(pw2))
	})
}

func TestInterruptedRotationThatLandedIsNotRepeated(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		if !c.caps.UpdateDate {
			t.Skipf("%s reports no update date: an interrupted rotation is sent again (covered above)", c.name)
		}
		f := blockedOnProviderConfig(t, c)
		pw1, pw2 := strongPassword(), strongPassword()
		f.setSecret(pw2)
		f.createOutOfBand(pw2, false)
		d1, _ := password.Digest(pw1)
		d2, _ := password.Digest(pw2)
		before := metav1.NewTime(time.Now().Add(-time.Hour).UTC().Truncate(time.Second))
		seedPending(f, v1alpha1.PasswordStatus{Digest: d1, PendingDigest: d2, PendingOperation: v1alpha1.PendingUpdate,
			PendingBaseUpdateDate: &before, SecretName: f.secret, SecretKey: "password"})

		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.calls(opUpdate)).To(BeEmpty(), "the profile's updateDate moved: the rotation landed")
		f.g.Expect(lp.Status.Password.Digest).To(Equal(d2))
	})
}

func TestARotationRightAfterAWriteMovesTheUpdateDate(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		if c.caps.UpdateDateResolution == 0 {
			t.Skipf("%s reports no update date", c.name)
		}
		// A cloud that dates writes to the second gives an update in the same second as the write
		// before it the same updateDate; were that update interrupted, the next reconcile would
		// take it for one that did not land and send the password again.
		f := blockedOnProviderConfig(t, c)
		pw1, pw2 := strongPassword(), strongPassword()
		f.setSecret(pw2)
		// Early in a second, so that the operator's update would fall within it.
		f.g.Eventually(func() int { return time.Now().Nanosecond() }, 2*time.Second, 5*time.Millisecond).
			Should(BeNumerically("<", 200*time.Millisecond))
		f.createOutOfBand(pw1, false)
		direct := directProvider(t, c, f.sim.URL())
		base, err := direct.Get(context.Background(), f.user)
		f.g.Expect(err).NotTo(HaveOccurred())
		f.createProviderConfig()

		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		updates := f.calls(opUpdate)
		f.g.Expect(updates).To(HaveLen(1), "the Secret's password applied once")
		f.g.Expect(updates[0].Params["password"]).To(Equal(pw2))
		after, err := direct.Get(context.Background(), f.user)
		f.g.Expect(err).NotTo(HaveOccurred())
		f.g.Expect(after.UpdateDate).To(BeTemporally(">", base.UpdateDate),
			"the update landed in a later second than the write before it, so an interruption would show")
	})
}

func TestASpecChangeDuringARotationKeepsItsOutcome(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		// The race simulator: its latency must not slow other scenarios.
		f := newFixtureOn(t, c, c.race, fmt.Sprintf("%s-midcall-%d", c.name, seq.Add(1)), nsWatch)
		f.createProviderConfig()
		f.setSecret(strongPassword())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		// The rotation's call is slow; the spec changes while it is in flight, so the status
		// write after it conflicts. Its outcome must be kept: the password is not sent again.
		f.sim.SetLatency(1500 * time.Millisecond)
		t.Cleanup(func() { f.sim.SetLatency(0) })
		pw2 := strongPassword()
		f.setSecret(pw2)
		f.g.Eventually(func() string {
			if p := f.get().Status.Password; p != nil {
				return p.PendingDigest
			}
			return ""
		}, eventuallyWait, 10*time.Millisecond).ShouldNot(BeEmpty(), "the rotation's intent is written before its call")
		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = true })
		f.sim.SetLatency(0)

		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		var withPassword []call
		for _, u := range f.calls(opUpdate) {
			if u.Params["password"] != "" {
				withPassword = append(withPassword, u)
			}
		}
		f.g.Expect(withPassword).To(HaveLen(1), "the rotation's password is sent once")
		f.g.Expect(withPassword[0].Params["password"]).To(Equal(pw2))
		f.g.Expect(password.Matches(lp.Status.Password.Digest, pw2)).To(BeTrue())
		f.g.Expect(lp.Status.Password.PendingDigest).To(BeEmpty())
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(pw2))
		f.g.Eventually(func() bool { return f.sim.ResetRequired(f.user) }, eventuallyWait, 50*time.Millisecond).
			Should(BeTrue(), "and the spec's change reaches the cloud")
	})
}

func TestInvalidManifestsAreRefusedWithClearMessages(t *testing.T) {
	requireEnvtest(t)
	g := NewWithT(t)
	ctx := context.Background()
	base := func() *v1alpha1.LoginProfile {
		return &v1alpha1.LoginProfile{
			ObjectMeta: metav1.ObjectMeta{Namespace: nsWatch, Name: fmt.Sprintf("bad-%d", seq.Add(1))},
			Spec: v1alpha1.LoginProfileSpec{
				UserPrincipalName: "x@example.onaliyun.com",
				PasswordSecretRef: &v1alpha1.PasswordSecretReference{Name: "s"},
			},
		}
	}
	for name, tc := range map[string]struct {
		mutate func(*v1alpha1.LoginProfile)
		want   string
	}{
		"bad status":          {func(lp *v1alpha1.LoginProfile) { lp.Spec.Status = "Enabled" }, `Unsupported value: "Enabled"`},
		"bad deletion policy": {func(lp *v1alpha1.LoginProfile) { lp.Spec.DeletionPolicy = "Keep" }, `supported values: "Delete", "Orphan"`},
		"not a UPN":           {func(lp *v1alpha1.LoginProfile) { lp.Spec.UserPrincipalName = "alice" }, "spec.userPrincipalName"},
		"no secret name":      {func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordSecretRef.Name = "" }, "spec.passwordSecretRef.name"},
		"no user":             {func(lp *v1alpha1.LoginProfile) { lp.Spec.UserPrincipalName = "" }, "set exactly one of spec.userPrincipalName (Alibaba Cloud) and spec.userId (Huawei Cloud)"},
		"two users":           {func(lp *v1alpha1.LoginProfile) { lp.Spec.UserID = "0123abc" }, "set exactly one of spec.userPrincipalName (Alibaba Cloud) and spec.userId (Huawei Cloud)"},
		"no password Secret":  {func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordSecretRef = nil }, "spec.passwordSecretRef is required unless spec.managementPolicy is Observe"},
		"bad policy":          {func(lp *v1alpha1.LoginProfile) { lp.Spec.ManagementPolicy = "ReadOnly" }, `supported values: "Manage", "Observe"`},
	} {
		lp := base()
		tc.mutate(lp)
		err := k8s.Create(ctx, lp)
		g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%s: %v", name, err)
		g.Expect(err.Error()).To(ContainSubstring(tc.want), name)
	}

	for name, tc := range map[string]struct {
		mutate func(*v1alpha1.LoginProfile)
		want   string
	}{
		"other user":                  {func(lp *v1alpha1.LoginProfile) { lp.Spec.UserPrincipalName = "other@example.onaliyun.com" }, "userPrincipalName is immutable"},
		"user field of another cloud": {func(lp *v1alpha1.LoginProfile) { lp.Spec.UserPrincipalName, lp.Spec.UserID = "", "abc123" }, "the user of a LoginProfile cannot be changed"},
		"other ProviderConfig": {func(lp *v1alpha1.LoginProfile) {
			lp.Spec.ProviderConfigRef = &v1alpha1.ProviderConfigReference{Name: "another-account"}
		}, "spec.providerConfigRef is immutable"},
	} {
		lp := base()
		g.Expect(k8s.Create(ctx, lp)).To(Succeed())
		t.Cleanup(func() { _ = k8s.Delete(ctx, lp) })
		var err error
		g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
			cur := &v1alpha1.LoginProfile{}
			if gerr := k8s.Get(ctx, client.ObjectKeyFromObject(lp), cur); gerr != nil {
				return gerr
			}
			tc.mutate(cur)
			err = k8s.Update(ctx, cur)
			if apierrors.IsConflict(err) {
				return err
			}
			return nil
		})).To(Succeed())
		g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%s: %v", name, err)
		g.Expect(err.Error()).To(ContainSubstring(tc.want), name)
	}

	env := v1alpha1.ProviderCredentials{Source: "Environment"}
	for name, tc := range map[string]struct {
		spec v1alpha1.ProviderConfigSpec
		want string
	}{
		"no cloud":                     {v1alpha1.ProviderConfigSpec{Credentials: env}, "exactly one of spec.alibaba, spec.huawei and spec.inMemory must be set"},
		"two clouds":                   {v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}, Huawei: &v1alpha1.HuaweiProviderConfig{DomainID: "d1"}, Credentials: env}, "exactly one of spec.alibaba, spec.huawei and spec.inMemory must be set"},
		"secret source, no ref":        {v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}, Credentials: v1alpha1.ProviderCredentials{Source: "Secret"}}, "credentials.secretRef is required"},
		"plain http off-host":          {v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{Endpoint: "http://ims.aliyuncs.com"}, Credentials: env}, "only allowed to a loopback host"},
		"plain http off-host (huawei)": {v1alpha1.ProviderConfigSpec{Huawei: &v1alpha1.HuaweiProviderConfig{Endpoint: "http://iam.example.com", DomainID: "d1"}, Credentials: env}, "only allowed to a loopback host"},
		"huawei without domain":        {v1alpha1.ProviderConfigSpec{Huawei: &v1alpha1.HuaweiProviderConfig{}, Credentials: env}, "spec.huawei.domainId"},
		"bad source":                   {v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}, Credentials: v1alpha1.ProviderCredentials{Source: "File"}}, `supported values: "Secret", "Environment", "OIDC"`},
		"user pattern with a class": {withRules(func(s *v1alpha1.ProviderConfigSpec) { s.AllowedUsers = []v1alpha1.UserPattern{"admin[0-9]"} }),
			"a user pattern may hold letters, digits, '@', '.', '_', '-' and the wildcards '*'"},
		"protected pattern with a space": {withRules(func(s *v1alpha1.ProviderConfigSpec) { s.ProtectedUsers = []v1alpha1.UserPattern{"admin *"} }),
			"a user pattern may hold"},
		"empty allowedNamespaces": {withRules(func(s *v1alpha1.ProviderConfigSpec) { s.AllowedNamespaces = &v1alpha1.NamespaceSelection{} }),
			"allowedNamespaces: set names, selector or both"},
		"namespace name": {withRules(func(s *v1alpha1.ProviderConfigSpec) {
			s.AllowedNamespaces = &v1alpha1.NamespaceSelection{Names: []string{"Team_A"}}
		}), "allowedNamespaces.names: each entry must be a namespace name"},
		"selector operator": {withRules(func(s *v1alpha1.ProviderConfigSpec) {
			s.AllowedNamespaces = &v1alpha1.NamespaceSelection{Selector: &v1alpha1.NamespaceLabelSelector{
				MatchExpressions: []v1alpha1.NamespaceSelectorRequirement{{Key: "tenant", Operator: "Equals", Values: []string{"a"}}}}}
		}), `supported values: "In", "NotIn", "Exists", "DoesNotExist"`},
		"selector In without values": {withRules(func(s *v1alpha1.ProviderConfigSpec) {
			s.AllowedNamespaces = &v1alpha1.NamespaceSelection{Selector: &v1alpha1.NamespaceLabelSelector{
				MatchExpressions: []v1alpha1.NamespaceSelectorRequirement{{Key: "tenant", Operator: metav1.LabelSelectorOpIn}}}}
		}), "In and NotIn need values, Exists and DoesNotExist take none"},
		"selector key": {withRules(func(s *v1alpha1.ProviderConfigSpec) {
			s.AllowedNamespaces = &v1alpha1.NamespaceSelection{Selector: &v1alpha1.NamespaceLabelSelector{
				MatchLabels: map[string]v1alpha1.LabelValue{"not a key!": "a"}}}
		}), "selector.matchLabels: each key must be a label key"},
		"selector value": {withRules(func(s *v1alpha1.ProviderConfigSpec) {
			s.AllowedNamespaces = &v1alpha1.NamespaceSelection{Selector: &v1alpha1.NamespaceLabelSelector{
				MatchLabels: map[string]v1alpha1.LabelValue{"tenant": "-a-"}}}
		}), "selector.matchLabels: each value must be a label value"},
	} {
		pc := &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("bad-%d", seq.Add(1))}, Spec: tc.spec}
		err := k8s.Create(ctx, pc)
		g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%s: %v", name, err)
		g.Expect(err.Error()).To(ContainSubstring(tc.want), name)
	}
}

// withRules is a valid Alibaba ProviderConfig spec with the tenancy rules mutate sets.
func withRules(mutate func(*v1alpha1.ProviderConfigSpec)) v1alpha1.ProviderConfigSpec {
	s := v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}, Credentials: v1alpha1.ProviderCredentials{Source: "Environment"}}
	mutate(&s)
	return s
}
