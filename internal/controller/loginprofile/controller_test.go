package loginprofile_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/loginprofile"
	"github.com/loginprofile-operator/loginprofile-operator/internal/password"
	alibabasim "github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
)

var seq atomic.Int64

func requireEnvtest(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("envtest: skipped with -short")
	}
}

// fixture is one test's LoginProfile, its Secret and its cloud user.
type fixture struct {
	t      *testing.T
	g      Gomega
	ns     string
	name   string
	user   string
	secret string
	sim    *alibabasim.Server
}

func newFixture(t *testing.T, ns string) *fixture {
	t.Helper()
	requireEnvtest(t)
	n := seq.Add(1)
	f := &fixture{
		t: t, g: NewWithT(t), ns: ns, sim: sim,
		name:   fmt.Sprintf("lp-%d", n),
		user:   fmt.Sprintf("user%d@example.onaliyun.com", n),
		secret: fmt.Sprintf("console-%d", n),
	}
	f.sim.AddUser(f.user)
	return f
}

func strongPassword() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	pw := "Str0ng-" + hex.EncodeToString(b) + "!"
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
			UserPrincipalName: f.user,
			PasswordSecretRef: v1alpha1.PasswordSecretReference{Name: f.secret},
		},
	}
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
		g.Expect(c.Reason).To(Equal(reason), "message: %s", c.Message)
		g.Expect(c.Status).To(Equal(status))
	}, eventuallyWait, 50*time.Millisecond).Should(Succeed())
	return lp
}

// calls returns the calls of one action the simulator received for this fixture's user.
func (f *fixture) calls(action string) []alibabasim.Call {
	var out []alibabasim.Call
	for _, c := range f.sim.CallsFor(action) {
		if c.Params["UserPrincipalName"] == f.user {
			out = append(out, c)
		}
	}
	return out
}

// waitPolls waits until the operator has observed the user n more times: n poll intervals.
func (f *fixture) waitPolls(n int) {
	f.t.Helper()
	base := len(f.calls("GetLoginProfile"))
	f.g.Eventually(func() int { return len(f.calls("GetLoginProfile")) }, eventuallyWait, 50*time.Millisecond).
		Should(BeNumerically(">=", base+n))
}

func (f *fixture) events(reason string) []eventsv1.Event {
	var list eventsv1.EventList
	f.g.Expect(k8s.List(context.Background(), &list, client.InNamespace(f.ns))).To(Succeed())
	var out []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.Name == f.name && e.Reason == reason {
			out = append(out, e)
		}
	}
	return out
}

func (f *fixture) waitEvent(reason string) eventsv1.Event {
	f.t.Helper()
	var ev eventsv1.Event
	f.g.Eventually(func(g Gomega) {
		evs := f.events(reason)
		g.Expect(evs).NotTo(BeEmpty())
		ev = evs[0]
	}, eventuallyWait, 100*time.Millisecond).Should(Succeed())
	return ev
}

func TestCreateSendsEveryFieldOnce(t *testing.T) {
	f := newFixture(t, nsWatch)
	pw := strongPassword()
	f.setSecret(pw)
	f.create(func(lp *v1alpha1.LoginProfile) {
		lp.Spec.MFABindRequired = true
		lp.Spec.PasswordResetRequired = true
	})
	lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

	creates := f.calls("CreateLoginProfile")
	f.g.Expect(creates).To(HaveLen(1))
	f.g.Expect(creates[0].Params).To(Equal(map[string]string{
		"UserPrincipalName": f.user, "Password": pw, "Status": "Active",
		"MFABindRequired": "true", "PasswordResetRequired": "true",
	}))
	f.g.Expect(f.calls("UpdateLoginProfile")).To(BeEmpty())
	got, _ := f.sim.Password(f.user)
	f.g.Expect(got).To(Equal(pw))

	f.g.Expect(lp.Finalizers).To(ContainElement(loginprofile.Finalizer))
	f.g.Expect(lp.Status.ObservedGeneration).To(Equal(lp.Generation))
	f.g.Expect(lp.Status.AtProvider).NotTo(BeNil())
	f.g.Expect(lp.Status.AtProvider.UserPrincipalName).To(Equal(f.user))
	f.g.Expect(lp.Status.AtProvider.Status).To(Equal("Active"))
	f.g.Expect(lp.Status.AtProvider.MFABindRequired).To(BeTrue())
	f.g.Expect(lp.Status.AtProvider.PasswordResetRequired).To(BeTrue())
	f.g.Expect(lp.Status.AtProvider.UpdateDate).NotTo(BeNil())
	f.g.Expect(lp.Status.Password).NotTo(BeNil())
	f.g.Expect(lp.Status.Password.Digest).To(HavePrefix("$argon2id$"))
	f.g.Expect(password.Matches(lp.Status.Password.Digest, pw)).To(BeTrue())
	f.g.Expect(lp.Status.Password.PendingDigest).To(BeEmpty())
	f.g.Expect(f.waitEvent(loginprofile.EventCreated).Note).To(ContainSubstring(f.user))
}

func TestSpecChangeUpdatesOnlyChangedFieldsWithoutPassword(t *testing.T) {
	f := newFixture(t, nsWatch)
	f.setSecret(strongPassword())
	f.create()
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

	f.patchSpec(func(lp *v1alpha1.LoginProfile) {
		lp.Spec.MFABindRequired = true
		lp.Spec.Status = v1alpha1.LoginStatusInactive
	})
	lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	f.g.Expect(lp.Generation).To(Equal(int64(2)))
	updates := f.calls("UpdateLoginProfile")
	f.g.Expect(updates).To(HaveLen(1))
	f.g.Expect(updates[0].Params).To(Equal(map[string]string{
		"UserPrincipalName": f.user, "Status": "Inactive", "MFABindRequired": "true",
	}), "an update that does not rotate the password must not carry it")
	p, _ := f.sim.Profile(f.user)
	f.g.Expect(p.Status).To(Equal("Inactive"))
	f.g.Expect(p.MFABindRequired).To(BeTrue())
	f.g.Expect(lp.Status.AtProvider.Status).To(Equal("Inactive"))
	f.waitEvent(loginprofile.EventUpdated)
}

func TestSecretChangeRotatesPasswordOnceThroughTheWatch(t *testing.T) {
	// nsWatch polls once an hour: the rotation can only come from the Secret watch.
	f := newFixture(t, nsWatch)
	f.setSecret(strongPassword())
	f.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = true })
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	f.g.Expect(f.sim.UserResetsPassword(f.user, strongPassword())).To(Succeed())

	pw2 := strongPassword()
	f.setSecret(pw2)
	f.g.Eventually(func() []alibabasim.Call { return f.calls("UpdateLoginProfile") }, eventuallyWait, 50*time.Millisecond).Should(HaveLen(1))
	f.g.Expect(f.calls("UpdateLoginProfile")[0].Params).To(Equal(map[string]string{
		"UserPrincipalName": f.user, "Password": pw2, "PasswordResetRequired": "true",
	}), "a rotation sends the password once, with the spec's passwordResetRequired")
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
	f.g.Expect(f.calls("UpdateLoginProfile")).To(HaveLen(1))
	f.g.Expect(f.calls("CreateLoginProfile")).To(HaveLen(1))
}

func TestResetRequiredIsNotForcedAgainAfterTheUserReset(t *testing.T) {
	f := newFixture(t, nsPoll)
	f.setSecret(strongPassword())
	f.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = true })
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

	f.g.Expect(f.sim.UserResetsPassword(f.user, strongPassword())).To(Succeed())
	f.waitPolls(3)
	f.g.Expect(f.calls("UpdateLoginProfile")).To(BeEmpty(), "the cloud clearing the flag after a reset is not drift")
	p, _ := f.sim.Profile(f.user)
	f.g.Expect(p.PasswordResetRequired).To(BeFalse())
	f.g.Eventually(func() bool { return f.get().Status.AtProvider.PasswordResetRequired }, eventuallyWait).Should(BeFalse())

	// Setting the spec field again is a change of the spec: applied once, without the password.
	f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = false })
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = true })
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	f.g.Eventually(func() []alibabasim.Call { return f.calls("UpdateLoginProfile") }, eventuallyWait).Should(HaveLen(1))
	f.g.Expect(f.calls("UpdateLoginProfile")[0].Params).To(Equal(map[string]string{
		"UserPrincipalName": f.user, "PasswordResetRequired": "true",
	}))
}

func TestDriftIsCorrectedWithinAPollInterval(t *testing.T) {
	f := newFixture(t, nsPoll)
	f.setSecret(strongPassword())
	f.create()
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

	p, _ := f.sim.Profile(f.user)
	p.Status, p.MFABindRequired = "Inactive", true
	f.sim.SetProfile(p)
	f.g.Eventually(func() []alibabasim.Call { return f.calls("UpdateLoginProfile") }, eventuallyWait, 50*time.Millisecond).Should(HaveLen(1))
	f.g.Expect(f.calls("UpdateLoginProfile")[0].Params).To(Equal(map[string]string{
		"UserPrincipalName": f.user, "Status": "Active", "MFABindRequired": "false",
	}))
	p, _ = f.sim.Profile(f.user)
	f.g.Expect(p.Status).To(Equal("Active"))
	f.g.Expect(p.MFABindRequired).To(BeFalse())
	f.g.Expect(f.waitEvent(loginprofile.EventDriftCorrected).Note).To(And(ContainSubstring("status"), ContainSubstring("mfaBindRequired")))
}

func TestSteadyStateWritesNothing(t *testing.T) {
	f := newFixture(t, nsPoll)
	f.setSecret(strongPassword())
	f.create()
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	// Let the first poll record what it observes, then take the baseline.
	f.waitPolls(1)
	rv := f.get().ResourceVersion

	f.waitPolls(3)
	f.g.Expect(f.get().ResourceVersion).To(Equal(rv), "a no-op reconcile must not write to the API server")
	f.g.Expect(f.calls("CreateLoginProfile")).To(HaveLen(1))
	f.g.Expect(f.calls("UpdateLoginProfile")).To(BeEmpty(), "a no-op reconcile must not write to the cloud")
}

func TestMissingSecretWaitsAndRecoversWhenItAppears(t *testing.T) {
	f := newFixture(t, nsWatch)
	f.create()
	lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonPasswordSecretNotFound)
	msg := meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady).Message
	f.g.Expect(msg).To(And(ContainSubstring(f.secret), ContainSubstring(f.ns), ContainSubstring(`"password"`)))
	f.g.Expect(f.calls("GetLoginProfile")).To(BeEmpty())
	f.g.Expect(f.calls("CreateLoginProfile")).To(BeEmpty())

	// nsWatch polls once an hour: recovery comes from the Secret watch.
	pw := strongPassword()
	f.setSecret(pw)
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	f.g.Expect(f.calls("CreateLoginProfile")).To(HaveLen(1))
	got, _ := f.sim.Password(f.user)
	f.g.Expect(got).To(Equal(pw))
}

func TestWeakPasswordIsTerminalUntilTheSecretChanges(t *testing.T) {
	f := newFixture(t, nsPoll)
	f.setSecret("abc")
	f.create()
	lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)
	msg := meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady).Message
	f.g.Expect(msg).To(And(ContainSubstring(f.secret), ContainSubstring("InvalidParameter.Password.TooWeak")))
	f.g.Expect(msg).NotTo(ContainSubstring("abc"))
	f.g.Expect(lp.Status.Password).To(BeNil(), "nothing was applied")

	// A healthy object polls several times meanwhile; the weak one is not retried.
	canary := newFixture(t, nsPoll)
	canary.setSecret(strongPassword())
	canary.create()
	canary.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	canary.waitPolls(3)
	f.g.Expect(f.calls("CreateLoginProfile")).To(HaveLen(1))
	f.g.Expect(f.calls("GetLoginProfile")).To(HaveLen(1))

	pw := strongPassword()
	f.setSecret(pw)
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	creates := f.calls("CreateLoginProfile")
	f.g.Expect(creates).To(HaveLen(2))
	f.g.Expect(creates[1].Params["Password"]).To(Equal(pw))
}

func TestDeletionPolicies(t *testing.T) {
	del := newFixture(t, nsWatch)
	del.setSecret(strongPassword())
	del.create()
	orphan := newFixture(t, nsWatch)
	orphan.setSecret(strongPassword())
	orphan.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.DeletionPolicy = v1alpha1.DeletionPolicyOrphan })
	del.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	orphan.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

	for _, f := range []*fixture{del, orphan} {
		f.g.Expect(k8s.Delete(context.Background(), f.get())).To(Succeed())
		f.g.Eventually(func() bool {
			return apierrors.IsNotFound(k8s.Get(context.Background(), f.key(), &v1alpha1.LoginProfile{}))
		}, eventuallyWait, 50*time.Millisecond).Should(BeTrue())
	}
	f := del
	f.g.Expect(del.calls("DeleteLoginProfile")).To(HaveLen(1))
	_, exists := sim.Profile(del.user)
	f.g.Expect(exists).To(BeFalse(), "deletionPolicy Delete removes the cloud profile")
	f.g.Expect(orphan.calls("DeleteLoginProfile")).To(BeEmpty())
	_, exists = sim.Profile(orphan.user)
	f.g.Expect(exists).To(BeTrue(), "deletionPolicy Orphan leaves the cloud profile")
}

func TestDeletingAnAlreadyDeletedProfileSucceeds(t *testing.T) {
	f := newFixture(t, nsWatch)
	f.setSecret(strongPassword())
	f.create()
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	f.sim.DeleteUser(f.user)
	f.g.Expect(k8s.Delete(context.Background(), f.get())).To(Succeed())
	f.g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(context.Background(), f.key(), &v1alpha1.LoginProfile{}))
	}, eventuallyWait, 50*time.Millisecond).Should(BeTrue())
	f.g.Expect(f.calls("DeleteLoginProfile")).To(HaveLen(1))
}

func TestUserNotFoundRecoversWhenTheUserIsCreated(t *testing.T) {
	f := newFixture(t, nsPoll)
	f.sim.DeleteUser(f.user)
	f.setSecret(strongPassword())
	f.create()
	lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonUserNotFound)
	f.g.Expect(meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady).Message).To(ContainSubstring("EntityNotExist.User"))
	f.g.Expect(f.calls("CreateLoginProfile")).To(BeEmpty())

	f.sim.AddUser(f.user)
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	f.g.Expect(f.calls("CreateLoginProfile")).To(HaveLen(1))
}

func TestThrottlingBacksOffAndRecovers(t *testing.T) {
	f := newFixture(t, nsPoll)
	f.setSecret(strongPassword())
	f.create()
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

	f.sim.InjectFault(alibabasim.Fault{Action: "GetLoginProfile", Code: "Throttling.User", HTTPStatus: 400,
		Message: "Request was denied due to user flow control."})
	t.Cleanup(f.sim.ClearFaults)
	lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonThrottled)
	f.g.Expect(meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady).Message).To(ContainSubstring("Throttling.User"))
	throttled := func() int {
		n := 0
		for _, c := range f.calls("GetLoginProfile") {
			if c.Code == "Throttling.User" {
				n++
			}
		}
		return n
	}
	f.g.Eventually(throttled, eventuallyWait, 50*time.Millisecond).Should(BeNumerically(">=", 2))
	f.sim.ClearFaults()
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	f.g.Expect(f.calls("UpdateLoginProfile")).To(BeEmpty())
}

func TestProviderConfigNotFoundRecoversWhenItIsCreated(t *testing.T) {
	f := newFixture(t, nsWatch)
	pcName := fmt.Sprintf("later-%d", seq.Add(1))
	f.setSecret(strongPassword())
	f.create(func(lp *v1alpha1.LoginProfile) {
		lp.Spec.ProviderConfigRef = &v1alpha1.ProviderConfigReference{Name: pcName}
	})
	lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonProviderConfigNotFound)
	f.g.Expect(meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady).Message).To(ContainSubstring(pcName))
	f.g.Expect(f.calls("GetLoginProfile")).To(BeEmpty())

	pc := providerConfig(pcName, simURL, nil)
	f.g.Expect(k8s.Create(context.Background(), pc)).To(Succeed())
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), pc) })
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
}

func TestRateLimiterKeepsTheAccountUnderItsQuota(t *testing.T) {
	requireEnvtest(t)
	// limitedSim answers Throttling.User above 4 reads and 2 writes per second; the ProviderConfig
	// "limited" caps the operator at the same rates. Eight objects at once must never be throttled.
	var fs []*fixture
	for range 8 {
		f := newFixture(t, nsWatch)
		f.sim = limitedSim
		f.sim.AddUser(f.user)
		f.setSecret(strongPassword())
		f.create(func(lp *v1alpha1.LoginProfile) {
			lp.Spec.ProviderConfigRef = &v1alpha1.ProviderConfigReference{Name: limitedPC}
		})
		fs = append(fs, f)
	}
	for _, f := range fs {
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	}
	g := NewWithT(t)
	for _, c := range limitedSim.Calls() {
		g.Expect(c.Code).NotTo(HavePrefix("Throttling"), "call %s was throttled", c.Action)
	}
	g.Expect(limitedSim.CallsFor("CreateLoginProfile")).To(HaveLen(8))
}

func TestCreateRacingAnotherCreatorAppliesTheSecretsPassword(t *testing.T) {
	f := newFixture(t, nsWatch)
	f.sim = raceSim
	f.sim.AddUser(f.user)
	pw := strongPassword()
	f.setSecret(pw)
	pcName := fmt.Sprintf("race-%d", seq.Add(1))
	f.create(func(lp *v1alpha1.LoginProfile) {
		lp.Spec.ProviderConfigRef = &v1alpha1.ProviderConfigReference{Name: pcName}
	})
	f.waitReady(metav1.ConditionFalse, loginprofile.ReasonProviderConfigNotFound)

	// Another actor creates the profile with its own password just after our observation: the
	// first GetLoginProfile says "no profile", our create is answered "already exists".
	other := strongPassword()
	_, err := directProviderAt(t, raceURL).Create(context.Background(), cloud.CreateRequest{
		User: f.user, Password: cloud.NewSensitive(other), Status: "Active"})
	f.g.Expect(err).NotTo(HaveOccurred())
	f.sim.InjectFault(alibabasim.Fault{Action: "GetLoginProfile", Code: "EntityNotExist.User.LoginProfile", HTTPStatus: 404,
		Message: "The login profile does not exist.", Times: 1})
	pc := providerConfig(pcName, raceURL, nil)
	f.g.Expect(k8s.Create(context.Background(), pc)).To(Succeed())
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), pc) })

	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	creates := f.calls("CreateLoginProfile")
	f.g.Expect(creates).To(HaveLen(2))
	f.g.Expect(creates[1].Code).To(Equal("EntityAlreadyExists.User.LoginProfile"))
	updates := f.calls("UpdateLoginProfile")
	f.g.Expect(updates).To(HaveLen(1), "the other creator's password is not ours: ours is applied")
	f.g.Expect(updates[0].Params["Password"]).To(Equal(pw))
	got, _ := f.sim.Password(f.user)
	f.g.Expect(got).To(Equal(pw))
}

func TestDeletionBlockedByAMissingProviderConfigSaysHowToOrphan(t *testing.T) {
	f := newFixture(t, nsWatch)
	f.setSecret(strongPassword())
	pcName := fmt.Sprintf("gone-%d", seq.Add(1))
	pc := providerConfig(pcName, simURL, nil)
	f.g.Expect(k8s.Create(context.Background(), pc)).To(Succeed())
	f.create(func(lp *v1alpha1.LoginProfile) {
		lp.Spec.ProviderConfigRef = &v1alpha1.ProviderConfigReference{Name: pcName}
	})
	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

	f.g.Expect(k8s.Delete(context.Background(), pc)).To(Succeed())
	f.g.Expect(k8s.Delete(context.Background(), f.get())).To(Succeed())
	f.g.Eventually(func(g Gomega) {
		lp := f.get()
		c := meta.FindStatusCondition(lp.Status.Conditions, v1alpha1.ConditionReady)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.Reason).To(Equal(loginprofile.ReasonProviderConfigNotFound))
		g.Expect(c.Message).To(ContainSubstring("deletionPolicy to Orphan"))
	}, eventuallyWait, 50*time.Millisecond).Should(Succeed())
	f.g.Expect(f.calls("DeleteLoginProfile")).To(BeEmpty())

	f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.DeletionPolicy = v1alpha1.DeletionPolicyOrphan })
	f.g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(context.Background(), f.key(), &v1alpha1.LoginProfile{}))
	}, eventuallyWait, 50*time.Millisecond).Should(BeTrue())
	_, exists := f.sim.Profile(f.user)
	f.g.Expect(exists).To(BeTrue())
}

// seedPending simulates a manager that stopped between a password write and its status write:
// status.password carries the pending digest written before the call.
func seedPending(f *fixture, pcName string, ps v1alpha1.PasswordStatus) {
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
	pc := providerConfig(pcName, simURL, nil)
	f.g.Expect(k8s.Create(context.Background(), pc)).To(Succeed())
	f.t.Cleanup(func() { _ = k8s.Delete(context.Background(), pc) })
}

// directProvider returns a Provider of the simulator, to change the cloud as another actor would.
func directProvider(t *testing.T) cloud.Provider { return directProviderAt(t, simURL) }

func directProviderAt(t *testing.T, url string) cloud.Provider {
	pc := providerConfig("direct", url, nil)
	factory, err := cloud.FactoryFor(&pc.Spec)
	if err != nil {
		t.Fatal(err)
	}
	p, err := factory.New(&pc.Spec, cloud.Credentials{
		Source:          v1alpha1.CredentialsSourceSecret,
		AccessKeyID:     alibabasim.DefaultAccessKeyID,
		AccessKeySecret: cloud.NewSensitive(alibabasim.DefaultAccessKeySecret),
	}, cloud.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func blockedOnProviderConfig(f *fixture) string {
	pcName := fmt.Sprintf("late-%d", seq.Add(1))
	f.create(func(lp *v1alpha1.LoginProfile) {
		lp.Spec.ProviderConfigRef = &v1alpha1.ProviderConfigReference{Name: pcName}
	})
	f.waitReady(metav1.ConditionFalse, loginprofile.ReasonProviderConfigNotFound)
	return pcName
}

func TestInterruptedCreateIsAdoptedNotRepeated(t *testing.T) {
	f := newFixture(t, nsWatch)
	pw := strongPassword()
	f.setSecret(pw)
	pcName := blockedOnProviderConfig(f)
	digest, err := password.Digest(pw)
	f.g.Expect(err).NotTo(HaveOccurred())
	// The create landed in the cloud; the manager stopped before recording it.
	_, err = directProvider(t).Create(context.Background(), cloud.CreateRequest{
		User: f.user, Password: cloud.NewSensitive(pw), Status: "Active"})
	f.g.Expect(err).NotTo(HaveOccurred())
	seedPending(f, pcName, v1alpha1.PasswordStatus{PendingDigest: digest, PendingOperation: v1alpha1.PendingCreate,
		SecretName: f.secret, SecretKey: "password"})

	lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	f.g.Expect(f.calls("CreateLoginProfile")).To(HaveLen(1), "only the create that landed")
	f.g.Expect(f.calls("UpdateLoginProfile")).To(BeEmpty(), "the landed password is not sent again")
	f.g.Expect(lp.Status.Password.Digest).To(Equal(digest))
	f.g.Expect(lp.Status.Password.PendingDigest).To(BeEmpty())
}

func TestInterruptedRotationThatDidNotLandIsSentOnce(t *testing.T) {
	f := newFixture(t, nsWatch)
	pw1, pw2 := strongPassword(), strongPassword()
	f.setSecret(pw2)
	pcName := blockedOnProviderConfig(f)
	created, err := directProvider(t).Create(context.Background(), cloud.CreateRequest{
		User: f.user, Password: cloud.NewSensitive(pw1), Status: "Active"})
	f.g.Expect(err).NotTo(HaveOccurred())
	d1, _ := password.Digest(pw1)
	d2, _ := password.Digest(pw2)
	base := metav1.NewTime(created.UpdateDate)
	seedPending(f, pcName, v1alpha1.PasswordStatus{Digest: d1, PendingDigest: d2, PendingOperation: v1alpha1.PendingUpdate, PendingBaseUpdateDate: &base,
		SecretName: f.secret, SecretKey: "password"})

	f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	updates := f.calls("UpdateLoginProfile")
	f.g.Expect(updates).To(HaveLen(1))
	f.g.Expect(updates[0].Params["Password"]).To(Equal(pw2))
	got, _ := f.sim.Password(f.user)
	f.g.Expect(got).To(Equal(pw2))
}

func TestInterruptedRotationThatLandedIsNotRepeated(t *testing.T) {
	f := newFixture(t, nsWatch)
	pw1, pw2 := strongPassword(), strongPassword()
	f.setSecret(pw2)
	pcName := blockedOnProviderConfig(f)
	_, err := directProvider(t).Create(context.Background(), cloud.CreateRequest{
		User: f.user, Password: cloud.NewSensitive(pw2), Status: "Active"})
	f.g.Expect(err).NotTo(HaveOccurred())
	d1, _ := password.Digest(pw1)
	d2, _ := password.Digest(pw2)
	before := metav1.NewTime(time.Now().Add(-time.Hour).UTC().Truncate(time.Second))
	seedPending(f, pcName, v1alpha1.PasswordStatus{Digest: d1, PendingDigest: d2, PendingOperation: v1alpha1.PendingUpdate, PendingBaseUpdateDate: &before,
		SecretName: f.secret, SecretKey: "password"})

	lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
	f.g.Expect(f.calls("UpdateLoginProfile")).To(BeEmpty(), "the profile's updateDate moved: the rotation landed")
	f.g.Expect(lp.Status.Password.Digest).To(Equal(d2))
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
				PasswordSecretRef: v1alpha1.PasswordSecretReference{Name: "s"},
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
	} {
		lp := base()
		tc.mutate(lp)
		err := k8s.Create(ctx, lp)
		g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%s: %v", name, err)
		g.Expect(err.Error()).To(ContainSubstring(tc.want), name)
	}

	lp := base()
	g.Expect(k8s.Create(ctx, lp)).To(Succeed())
	t.Cleanup(func() { _ = k8s.Delete(ctx, lp) })
	g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur := &v1alpha1.LoginProfile{}
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(lp), cur); err != nil {
			return err
		}
		cur.Spec.UserPrincipalName = "other@example.onaliyun.com"
		err := k8s.Update(ctx, cur)
		if apierrors.IsConflict(err) {
			return err
		}
		g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%v", err)
		g.Expect(err.Error()).To(ContainSubstring("userPrincipalName is immutable"))
		return nil
	})).To(Succeed())

	for name, tc := range map[string]struct {
		pc   *v1alpha1.ProviderConfig
		want string
	}{
		"no cloud":              {&v1alpha1.ProviderConfig{Spec: v1alpha1.ProviderConfigSpec{Credentials: v1alpha1.ProviderCredentials{Source: "Environment"}}}, "exactly one of spec.alibaba and spec.huawei"},
		"two clouds":            {&v1alpha1.ProviderConfig{Spec: v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}, Huawei: &v1alpha1.HuaweiProviderConfig{DomainID: "d1"}, Credentials: v1alpha1.ProviderCredentials{Source: "Environment"}}}, "exactly one of spec.alibaba and spec.huawei"},
		"secret source, no ref": {&v1alpha1.ProviderConfig{Spec: v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}, Credentials: v1alpha1.ProviderCredentials{Source: "Secret"}}}, "credentials.secretRef is required"},
		"plain http off-host":   {&v1alpha1.ProviderConfig{Spec: v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{Endpoint: "http://ims.aliyuncs.com"}, Credentials: v1alpha1.ProviderCredentials{Source: "Environment"}}}, "only allowed to a loopback host"},
		"bad source":            {&v1alpha1.ProviderConfig{Spec: v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}, Credentials: v1alpha1.ProviderCredentials{Source: "File"}}}, `supported values: "Secret", "Environment", "OIDC"`},
	} {
		tc.pc.Name = fmt.Sprintf("bad-%d", seq.Add(1))
		err := k8s.Create(ctx, tc.pc)
		g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%s: %v", name, err)
		g.Expect(err.Error()).To(ContainSubstring(tc.want), name)
	}
}
