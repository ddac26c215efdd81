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
	mrand "math/rand/v2"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/loginprofile"
	"github.com/loginprofile-operator/loginprofile-operator/internal/password"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// The login's whole life (issue 12): generated passwords that fit the account's policy, the policy
// checked before any call, MFA evidence, and unused logins disabled. The scenarios run on the poll
// manager (1 s poll, so the policy cache and the readings refresh every second) unless a watch is
// what they show.

// strictRules are password policies stricter than the clouds' defaults; each cloud takes the first
// it can express.
var strictRules = []simcore.Rules{
	{MinLength: 14, RequireUpper: true, RequireLower: true, RequireDigit: true, RequireSymbol: true, MinDistinct: 8, NoUserName: true},
	{MinLength: 14, MinClasses: 4, MaxRepeated: 2, NoUserName: true, NoUserNameReversed: true},
}

// useStrictPolicy sets the first of strictRules the fixture's simulator takes, until the test ends.
func (f *fixture) useStrictPolicy() simcore.Rules {
	f.t.Helper()
	before := f.sim.PasswordPolicy()
	f.t.Cleanup(func() { f.sim.SetPasswordPolicy(before) })
	for _, r := range strictRules {
		if f.sim.SetRules(r) == nil {
			return r
		}
	}
	f.t.Fatalf("%s takes none of the strict policies", f.c.name)
	return simcore.Rules{}
}

// onRaceSim is a fixture on the race simulator, with a ProviderConfig of its own: its policy
// changes touch no other scenario.
func onRaceSim(t *testing.T, c *testCloud, ns string) *fixture {
	f := newFixtureOn(t, c, c.race, fmt.Sprintf("%s-life-%d", c.name, seq.Add(1)), ns)
	f.createProviderConfig()
	return f
}

// strictPassword is a password every one of strictRules takes: strongPassword's random hex may
// repeat a character three times.
func strictPassword() string {
	return remember(fmt.Sprintf("Kept-Pa55w0rd-%02d!", seq.Add(1)%100))
}

// secretValue is the password in the fixture's Secret, and the Secret.
func (f *fixture) secretValue() (string, *corev1.Secret) {
	f.t.Helper()
	var s corev1.Secret
	f.g.Expect(k8s.Get(context.Background(), client.ObjectKey{Namespace: f.ns, Name: f.secret}, &s)).To(Succeed())
	// A generated password, too, must reach no log, Event or status (noPasswordsAnywhere).
	return remember(string(s.Data["password"])), &s
}

// passwordCalls are the calls of o that carried a password.
func (f *fixture) passwordCalls(o op) []call {
	var out []call
	for _, c := range f.calls(o) {
		if c.Params["password"] != "" {
			out = append(out, c)
		}
	}
	return out
}

func generated(lp *v1alpha1.LoginProfile) { lp.Spec.GeneratePassword = true }

func TestGeneratedPasswordFitsThePolicyIsAppliedOnceAndRegeneratedOnce(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := onRaceSim(t, c, nsPoll)
		f.useStrictPolicy()
		f.create(generated, func(lp *v1alpha1.LoginProfile) { lp.Spec.PasswordResetRequired = true })
		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)

		pw, s := f.secretValue()
		f.g.Expect(s.Labels).To(HaveKeyWithValue(loginprofile.LabelGeneratedFor, f.name))
		f.g.Expect(metav1.IsControlledBy(s, lp)).To(BeTrue(), "the Secret is owned by the LoginProfile")
		f.g.Expect(simcore.CheckPassword(f.sim.PasswordPolicy(), f.user, pw)).To(BeEmpty(), "the cloud's own policy takes it")
		creates := f.passwordCalls(opCreate)
		f.g.Expect(creates).To(HaveLen(1))
		f.g.Expect(creates[0].Params["password"]).To(Equal(pw))
		f.g.Expect(creates[0].Params["passwordResetRequired"]).To(Equal("true"))
		f.g.Expect(f.sim.CallsFor(string(simcore.OpGetPasswordPolicy))).NotTo(BeEmpty(), "the policy was read")
		f.g.Expect(f.waitEvent(loginprofile.EventPasswordGenerated).Note).NotTo(ContainSubstring(pw))
		f.g.Expect(password.Matches(lp.Status.Password.Digest, pw)).To(BeTrue())

		// Rotation: delete the key. A new password is generated and applied, once.
		delete(s.Data, "password")
		f.g.Expect(k8s.Update(context.Background(), s)).To(Succeed())
		f.g.Eventually(func() []call { return f.passwordCalls(opUpdate) }, eventuallyWait, 50*time.Millisecond).Should(HaveLen(1))
		f.waitPolls(3)
		rotated, _ := f.secretValue()
		f.g.Expect(rotated).NotTo(BeEmpty())
		f.g.Expect(rotated).NotTo(Equal(pw))
		f.g.Expect(f.passwordCalls(opUpdate)).To(HaveLen(1), "applied once, however many polls follow")
		f.g.Expect(f.passwordCalls(opUpdate)[0].Params["password"]).To(Equal(rotated))
		f.g.Expect(f.passwordCalls(opCreate)).To(HaveLen(1))
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(rotated))
	})
}

func TestGeneratePasswordNeverWritesASecretItDidNotCreate(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsWatch)
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: f.secret}, StringData: map[string]string{"other": "x"}}
		f.g.Expect(k8s.Create(context.Background(), s)).To(Succeed())
		f.create(generated)
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonPasswordSecretNotFound)
		f.g.Expect(readyMessage(lp)).To(ContainSubstring("writes only the Secrets the operator created"))
		_, after := f.secretValue()
		f.g.Expect(after.Data).NotTo(HaveKey("password"))
		f.g.Expect(f.userCalls()).To(BeEmpty(), "no password, no call")
	})
}

func TestAPasswordThePolicyRefusesIsNotSent(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := onRaceSim(t, c, nsPoll)
		f.useStrictPolicy()
		f.setSecret("Short-1x") // 8 characters: the cloud's default policy would take it
		f.create()
		lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)
		f.g.Expect(readyMessage(lp)).To(ContainSubstring("at least 14 characters"))
		f.g.Expect(readyMessage(lp)).To(ContainSubstring("was not sent"))
		f.g.Expect(readyMessage(lp)).NotTo(ContainSubstring("Short-1x"))
		f.waitPolls(2)
		f.g.Expect(f.calls(opCreate)).To(BeEmpty(), "no call carried the password")

		good := strictPassword()
		f.setSecret(good)
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.passwordCalls(opCreate)).To(HaveLen(1))

		// A rotation the policy refuses: nothing sent, the login stays as it is.
		f.setSecret("Short-2y")
		lp = f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)
		f.g.Expect(readyMessage(lp)).To(ContainSubstring("at least 14 characters"))
		f.g.Expect(f.passwordCalls(opUpdate)).To(BeEmpty())
		got, _ := f.sim.Password(f.user)
		f.g.Expect(got).To(Equal(good))
	})
}

// The clouds keep a user's password history when the login profile is deleted: creating it again
// with the password it had is refused where the policy prevents reuse.
func TestALoginCreatedAgainNeedsANewPassword(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		t.Run("from the Secret: the message says to rotate it", func(t *testing.T) {
			f := onRaceSim(t, c, nsPoll)
			f.sim.PreventReuse(3)
			t.Cleanup(func() { f.sim.PreventReuse(0) })
			f.setSecret(strongPassword())
			f.create()
			f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
			if !c.caps.Status {
				// Re-enabled: Inactive deletes the profile on a cloud whose profiles have no status.
				f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.Status = v1alpha1.LoginStatusInactive })
				f.waitCalls(opDelete, 1)
				f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
				f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.Status = v1alpha1.LoginStatusActive })
			} else {
				f.sim.DeleteProfile(f.user) // out of band
			}
			lp := f.waitReady(metav1.ConditionFalse, loginprofile.ReasonInvalidPassword)
			f.g.Expect(readyMessage(lp)).To(ContainSubstring("Put a new password in the Secret"))
			f.waitPolls(2)
			f.g.Expect(f.calls(opCreate)).To(HaveLen(1), "the password applied before is not sent to be refused")

			f.setSecret(strongPassword())
			f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
			f.g.Expect(f.passwordCalls(opCreate)).To(HaveLen(2))
		})
		t.Run("generated: a fresh one is generated", func(t *testing.T) {
			f := onRaceSim(t, c, nsPoll)
			f.sim.PreventReuse(3)
			t.Cleanup(func() { f.sim.PreventReuse(0) })
			f.create(generated)
			f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
			first, _ := f.secretValue()
			f.sim.DeleteProfile(f.user)
			f.g.Eventually(func() []call { return f.passwordCalls(opCreate) }, eventuallyWait, 50*time.Millisecond).Should(HaveLen(2))
			f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
			second, _ := f.secretValue()
			f.g.Expect(second).NotTo(Equal(first))
			creates := f.passwordCalls(opCreate)
			f.g.Expect(creates[1].Params["password"]).To(Equal(second))
			f.g.Expect(creates[1].Code).To(BeEmpty(), "not refused")
		})
	})
}

func TestMFABoundAfterTheGracePeriod(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		if !c.caps.MFABindRequired {
			t.Skipf("%s login profiles cannot require MFA: the manager's --audit reads it (TestAuditReadsMFAAndLastLogin)", c.name)
		}
		f := newFixture(t, c, nsPoll)
		f.setSecret(strongPassword())
		f.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.MFABindRequired = true })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.waitCondition(loginprofile.ConditionMFABound, metav1.ConditionUnknown, loginprofile.ReasonGracePeriod)
		f.g.Expect(f.get().Status.AtProvider.MFABound).To(HaveValue(BeFalse()))

		// Created 8 days ago: the grace period (7 days) is over.
		p, _ := f.sim.Profile(f.user)
		p.CreateDate = time.Now().Add(-8 * 24 * time.Hour)
		f.sim.SetProfile(p)
		cond := f.waitCondition(loginprofile.ConditionMFABound, metav1.ConditionFalse, loginprofile.ReasonNotBound)
		f.g.Expect(cond.Message).To(ContainSubstring("has no MFA device bound"))
		f.g.Expect(f.waitEvent(loginprofile.EventMFANotBound).Type).To(Equal(corev1.EventTypeWarning))
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable) // informational: Ready stays True

		f.g.Expect(f.sim.SetMFABound(f.user, true)).To(Succeed())
		f.waitCondition(loginprofile.ConditionMFABound, metav1.ConditionTrue, loginprofile.ReasonBound)
		f.g.Expect(f.get().Status.AtProvider.MFABound).To(HaveValue(BeTrue()))
		gets, mfas := len(f.calls(opGet)), len(f.calls(simcore.OpGetMFA))
		f.g.Expect(mfas).To(BeNumerically("<=", gets), "at most one MFA read per poll")
	})
}

// TestAuditReadsMFAAndLastLogin: with --audit a manager reads every login's MFA device and last
// login, at most once per poll interval, for the status and the audit metrics.
func TestAuditReadsMFAAndLastLogin(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsWatch)
		f.setSecret(strongPassword())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(f.calls(simcore.OpGetMFA)).To(BeEmpty(), "without --audit nor mfaBindRequired, MFA is not read")
		auditor := func() *loginprofile.Reconciler {
			return &loginprofile.Reconciler{
				Client: watchClient, APIReader: k8s, Audit: true, PollInterval: time.Hour,
				Providers: &cloud.Providers{Metadata: watchClient, Secrets: k8s, Options: cloud.Options{Timeout: 10 * time.Second}},
			}
		}
		reconcile := func(r *loginprofile.Reconciler) {
			waitCached(f)
			_, err := r.Reconcile(context.Background(), ctrl.Request{NamespacedName: f.key()})
			f.g.Expect(err).NotTo(HaveOccurred())
		}
		r := auditor()
		reconcile(r) // the first visit of an object in sync only schedules its poll
		reconcile(r)
		at := f.get().Status.AtProvider
		f.g.Expect(at.MFABound).To(HaveValue(BeFalse()))
		f.g.Expect(at.LastLoginKnown).To(BeTrue())
		f.g.Expect(at.LastLoginTime).To(BeNil(), "never logged in")
		f.g.Expect(f.calls(simcore.OpGetMFA)).To(HaveLen(1))
		lastLogins := 0
		if c.name == "huawei" {
			lastLogins = 1
		}
		f.g.Expect(f.calls(simcore.OpGetLastLogin)).To(HaveLen(lastLogins), "read only where the login profile does not carry it")

		login := time.Now().Add(-40 * 24 * time.Hour).Truncate(time.Second)
		f.g.Expect(f.sim.SetMFABound(f.user, true)).To(Succeed())
		f.g.Expect(f.sim.SetLastLogin(f.user, login)).To(Succeed())
		reconcile(r)
		f.g.Expect(f.calls(simcore.OpGetMFA)).To(HaveLen(1), "not read again within the poll interval")

		r = auditor() // a new manager: its first poll reads again
		reconcile(r)
		reconcile(r)
		at = f.get().Status.AtProvider
		f.g.Expect(at.MFABound).To(HaveValue(BeTrue()))
		f.g.Expect(at.LastLoginTime).NotTo(BeNil())
		f.g.Expect(at.LastLoginTime.Time.Equal(login)).To(BeTrue(), "last login %v, want %v", at.LastLoginTime, login)
		f.g.Expect(metricValue(t, "loginprofile_loginprofiles_mfa", map[string]string{"mfa": "bound"})).To(BeNumerically(">=", 1))
		f.g.Expect(metricValue(t, "loginprofile_loginprofiles_last_login", map[string]string{"days": "31-90"})).To(BeNumerically(">=", 1))
	})
}

func TestUnusedLoginIsDisabledOnceAndNotFoughtAfterAReEnable(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsPoll)
		f.setSecret(strongPassword())
		f.create(func(lp *v1alpha1.LoginProfile) { lp.Spec.DisableAfterUnused = "3s" })
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		disabling := func() []call {
			if c.caps.Status {
				var out []call
				for _, u := range f.calls(opUpdate) {
					if u.Params["status"] == cloud.StatusInactive {
						out = append(out, u)
					}
				}
				return out
			}
			return f.calls(opDelete)
		}
		cond := f.waitCondition(loginprofile.ConditionDisabled, metav1.ConditionTrue, loginprofile.ReasonUnused)
		f.g.Expect(cond.Message).To(ContainSubstring("was unused for more than 3s"))
		f.g.Expect(f.waitEvent(loginprofile.EventDisabled).Note).To(ContainSubstring("unused"))
		f.g.Expect(disabling()).To(HaveLen(1))
		f.waitPolls(3)
		f.g.Expect(disabling()).To(HaveLen(1), "disabled once")
		f.g.Expect(f.calls(opCreate)).To(HaveLen(1), "the disabled login is not created again")
		lp := f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Expect(readyMessage(lp)).To(ContainSubstring("disabled for being unused"))

		// A change of the spec enables it again and restarts the clock.
		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.DisableAfterUnused = "1h" })
		reEnabled := f.waitCondition(loginprofile.ConditionDisabled, metav1.ConditionFalse, loginprofile.ReasonReEnabled)
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		f.g.Eventually(func() bool { return f.sim.HasProfile(f.user) && activeOrNoStatus(f) }, eventuallyWait, 50*time.Millisecond).Should(BeTrue())
		f.waitPolls(3)
		f.g.Expect(disabling()).To(HaveLen(1), "not disabled again: the clock restarted")

		f.patchSpec(func(lp *v1alpha1.LoginProfile) { lp.Spec.DisableAfterUnused = "4s" })
		f.g.Eventually(disabling, eventuallyWait, 50*time.Millisecond).Should(HaveLen(2))
		second := disabling()[1].Time
		f.g.Expect(second).To(BeTemporally(">=", reEnabled.LastTransitionTime.Add(3*time.Second)),
			"counted from the re-enable (condition times are to the second), not from the profile's creation")
	})
}

func activeOrNoStatus(f *fixture) bool {
	p, _ := f.sim.Profile(f.user)
	return !f.c.caps.Status || p.Status == simcore.StatusActive
}

// waitCondition waits until the condition of type has status and reason for the current generation.
func (f *fixture) waitCondition(typ string, status metav1.ConditionStatus, reason string) metav1.Condition {
	f.t.Helper()
	var got metav1.Condition
	f.g.Eventually(func(g Gomega) {
		lp := f.get()
		c := meta.FindStatusCondition(lp.Status.Conditions, typ)
		g.Expect(c).NotTo(BeNil(), "no %s condition", typ)
		g.Expect(c.Reason).To(Equal(reason), "message: %s", c.Message)
		g.Expect(c.Status).To(Equal(status))
		g.Expect(c.ObservedGeneration).To(Equal(lp.Generation))
		got = *c
	}, eventuallyWait, 50*time.Millisecond).Should(Succeed())
	return got
}

// waitCached waits until the watch manager's cache holds the stored object, for a reconciler
// driven by hand that reads from it.
func waitCached(f *fixture) {
	f.t.Helper()
	stored := f.get().ResourceVersion
	f.g.Eventually(func() string {
		var cached v1alpha1.LoginProfile
		if err := watchClient.Get(context.Background(), f.key(), &cached); err != nil {
			return err.Error()
		}
		return cached.ResourceVersion
	}).Should(Equal(stored))
}

// TestGeneratedPasswordsFitEveryPolicyTheCloudsTake fuzzes policies: whatever rules a simulator
// takes, the policy its provider reads back yields generated passwords that the cloud accepts on
// a real create.
func TestGeneratedPasswordsFitEveryPolicyTheCloudsTake(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := onRaceSim(t, c, nsWatch)
		before := f.sim.PasswordPolicy()
		t.Cleanup(func() { f.sim.SetPasswordPolicy(before) })
		// Within the account's quotas, as the operator calls it.
		provider := cloud.RateLimited(directProvider(t, c, f.sim.URL()),
			cloud.NewLimiter("fuzz-"+c.name, cloud.RateLimit{ReadsPerSecond: 20, WritesPerSecond: 5}))
		rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 12))
		taken := 0
		for i := 0; taken < 15 && i < 400; i++ {
			r := simcore.Rules{
				MinLength: rng.IntN(33), RequireUpper: rng.IntN(2) == 0, RequireLower: rng.IntN(2) == 0,
				RequireDigit: rng.IntN(2) == 0, RequireSymbol: rng.IntN(2) == 0, MinClasses: rng.IntN(5),
				MaxRepeated: rng.IntN(4), MinDistinct: rng.IntN(9), ReusePrevention: rng.IntN(4),
			}
			if rng.IntN(2) == 0 { // a policy of classes counted, as Huawei Cloud's
				r.RequireUpper, r.RequireLower, r.RequireDigit, r.RequireSymbol, r.MinDistinct = false, false, false, false, 0
			} else {
				r.MaxRepeated = 0
			}
			r.NoUserName = rng.IntN(2) == 0
			r.NoUserNameReversed = r.NoUserName && rng.IntN(2) == 0
			if f.sim.SetRules(r) != nil {
				continue // not a policy this cloud can have
			}
			taken++
			policy, err := provider.PasswordPolicy(context.Background())
			f.g.Expect(err).NotTo(HaveOccurred())
			pw, err := password.Generate(policy, f.user)
			f.g.Expect(err).NotTo(HaveOccurred(), "rules %+v read back as %+v", r, *policy)
			_, err = provider.Create(context.Background(), cloud.CreateRequest{User: f.user, Password: cloud.NewSensitive(pw),
				Status: statusIf(c, "Active")})
			f.g.Expect(err).NotTo(HaveOccurred(), "rules %+v: the cloud refused a generated password", r)
			f.g.Expect(provider.Delete(context.Background(), f.user)).To(Succeed())
		}
		t.Logf("%s: %d policies taken and satisfied", c.name, taken)
		f.g.Expect(taken).To(BeNumerically(">=", 5), "the fuzz reached too few policies")
	})
}
