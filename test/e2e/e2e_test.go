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

package e2e

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// Every scenario runs once per cloud (eachCloud: the subtests "alibaba" and "huawei") and speaks of
// the cloud's calls in neutral terms (utils.Op, the utils.Param* keys); what differs between the
// clouds is in cloudEnv.

// TestSamples applies the cloud's samples of config/samples (their ProviderConfig, "default" or
// "huawei", is the suite's, pointing at the simulator): every LoginProfile becomes Ready, each user's
// login profile is created by exactly one call with the sample's password and flags, and kubectl
// shows the printer columns (USER for Alibaba Cloud, USER ID with -o wide for Huawei Cloud).
func TestSamples(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		c.kubectl("wait", "--for=condition=Ready", "providerconfig/"+ce.pc, "--timeout="+readyTimeout.String())

		samples := readSamples(c.g, ce.samplesFile)
		c.g.Expect(samples).NotTo(BeEmpty())
		for _, smp := range samples {
			c.g.Expect(smp.obj.ProviderConfigName()).To(Equal(ce.pc),
				"sample %s should use the ProviderConfig the suite points at the %s simulator", smp.obj.Name, ce.name)
			if smp.password != "" {
				c.st.usePassword(smp.password)
			}
		}
		c.kubectl("apply", "-f", ce.samplesFile)

		var profiles []lp
		for _, smp := range samples {
			c.waitReady(smp.obj.Namespace, smp.obj.Name)
			pw := smp.password
			if pw == "" {
				// Generated into the Secret the operator created: from now on the suite checks that no
				// log holds it either.
				encoded := c.kubectl("get", "secret", smp.obj.PasswordSecretName(), "-n", smp.obj.Namespace,
					"-o", "jsonpath={.data."+smp.obj.PasswordKey()+"}")
				raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
				c.g.Expect(err).NotTo(HaveOccurred())
				pw = string(raw)
				c.g.Expect(pw).To(HaveLen(20), "a generated password")
				c.st.usePassword(pw)
			}
			profiles = append(profiles, lp{at: ce.main(), name: smp.obj.Name, namespace: smp.obj.Namespace,
				user: ce.userOf(smp.obj.Spec), password: pw})
		}
		for i, smp := range samples {
			o, spec := profiles[i], smp.obj.Spec
			status := statusOf(spec)
			creates := c.calls(o, utils.OpCreate)
			c.g.Expect(creates).To(HaveLen(1), "one create for %s: %s", o.user, jsonString(creates))
			c.g.Expect(creates[0].Code).To(BeEmpty())
			c.g.Expect(creates[0].PasswordSent).To(BeTrue())
			c.g.Expect(creates[0].Params).To(Equal(ce.createParams(status, spec.MFABindRequired, spec.PasswordResetRequired)))
			// Nothing else wrote to the profile: the one call with a password was the create.
			c.g.Expect(passwordCalls(c.calls(o, utils.OpAny))).To(HaveLen(1))
			c.g.Expect(c.calls(o, utils.OpUpdate)).To(BeEmpty())

			p := c.simProfile(o)
			if ce.hasStatus {
				c.g.Expect(p.Status).To(HaveValue(Equal(status)))
			}
			if ce.hasMFA {
				c.g.Expect(p.MFABindRequired).To(HaveValue(Equal(spec.MFABindRequired)))
			}
			c.g.Expect(p.PasswordResetRequired).To(Equal(spec.PasswordResetRequired))
			c.g.Expect(p.HasPassword).To(BeTrue())

			obj := get(c.g, c.st, o.namespace, o.name)
			c.g.Expect(ready(obj).Reason).To(Equal("Available"))
			c.g.Expect(obj.Status.AtProvider).NotTo(BeNil())
			c.g.Expect(obj.Status.AtProvider.Status).To(Equal(status))
			c.g.Expect(ce.userOf(v1alpha1.LoginProfileSpec{UserPrincipalName: obj.Status.AtProvider.UserPrincipalName,
				UserID: obj.Status.AtProvider.UserID})).To(Equal(o.user), "status.atProvider names the user in the spec's field")
			c.g.Expect(obj.Status.Password).NotTo(BeNil())
			c.g.Expect(obj.Status.Password.Digest).To(HavePrefix("$argon2id$"))
			c.g.Expect(obj.Status.Password.PendingDigest).To(BeEmpty())
		}

		// The printer columns: USER ID and REASON only with -o wide.
		out := c.kubectl("get", "loginprofiles", "-n", "default")
		columns, rows := parseTable(out)
		c.g.Expect(columns).To(ContainElements("NAME", "USER", "STATUS", "MFA", "READY", "LAST LOGIN", "AGE"), out)
		c.g.Expect(columns).NotTo(ContainElements("USER ID", "REASON"), out)
		wide := c.kubectl("get", "lp", "-n", "default", "-o", "wide")
		wideColumns, wideRows := parseTable(wide)
		c.g.Expect(wideColumns).To(ContainElements("NAME", "USER", "USER ID", "STATUS", "MFA", "READY", "REASON", "LAST LOGIN", "AGE"), wide)
		for _, smp := range samples {
			spec := smp.obj.Spec
			row := And(
				HaveKeyWithValue("NAME", smp.obj.Name),
				HaveKeyWithValue("USER", cell(spec.UserPrincipalName)),
				HaveKeyWithValue("STATUS", statusOf(spec)),
				HaveKeyWithValue("MFA", strconv.FormatBool(spec.MFABindRequired)),
				HaveKeyWithValue("READY", "True"),
			)
			c.g.Expect(rows).To(ContainElement(row), out)
			c.g.Expect(wideRows).To(ContainElement(And(row,
				HaveKeyWithValue("USER ID", cell(spec.UserID)),
				HaveKeyWithValue("REASON", "Available"),
			)), wide)
		}
		c.Logf("kubectl get lp -n default -o wide:\n%s", wide)

		// The passwords last: a wrong one would become the user's (see expectPassword).
		for _, o := range profiles {
			c.expectPassword(o, o.password, "the sample's")
		}
	})
}

// cell matches a table cell showing v; kubectl shows an absent value as "<none>".
func cell(v string) OmegaMatcher {
	if v == "" {
		return Or(BeEmpty(), Equal("<none>"))
	}
	return Equal(v)
}

// statusOf is the login status a spec asks for.
func statusOf(spec v1alpha1.LoginProfileSpec) string {
	if spec.Status == "" {
		return string(v1alpha1.LoginStatusActive)
	}
	return string(spec.Status)
}

// TestPasswordRotation changes the password Secret with kubectl apply: exactly one update carries
// the new password, and the simulator has it.
func TestPasswordRotation(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := ce.main()
		o := lp{at: at, name: "rotation", namespace: c.namespace("e2e-rotation-" + ce.name), user: c.user(at, "e2e-rotation"),
			password: "First-Passw0rd-Rt1!" + ce.tag}
		c.create(o)
		c.waitReady(o.namespace, o.name)
		c.g.Expect(c.calls(o, utils.OpCreate)).To(HaveLen(1))
		before := get(c.g, c.st, o.namespace, o.name)

		newPassword := "Second-Passw0rd-Rt2!" + ce.tag
		c.setPassword(o, newPassword)
		c.g.Eventually(func(g Gomega) {
			g.Expect(passwordCalls(c.calls(o, utils.OpUpdate))).NotTo(BeEmpty())
			obj := get(g, c.st, o.namespace, o.name)
			g.Expect(ready(obj).Status).To(Equal(metav1.ConditionTrue))
			g.Expect(obj.Status.Password).NotTo(BeNil())
			g.Expect(obj.Status.Password.Digest).NotTo(Equal(before.Status.Password.Digest))
			g.Expect(obj.Status.Password.PendingDigest).To(BeEmpty())
		}).WithTimeout(readyTimeout).WithPolling(polling).Should(Succeed(), "the new password should be applied")
		c.settle(o, 2)

		updates := c.calls(o, utils.OpUpdate)
		c.g.Expect(updates).To(HaveLen(1), "one update: %s", jsonString(updates))
		c.g.Expect(updates[0].Code).To(BeEmpty())
		c.g.Expect(updates[0].PasswordSent).To(BeTrue())
		// A rotation re-applies passwordResetRequired; status and MFA did not change and are not sent.
		c.g.Expect(updates[0].Params).To(Equal(map[string]string{
			utils.ParamPassword: utils.Redacted, utils.ParamPasswordResetRequired: "false"}))
		c.g.Expect(c.calls(o, utils.OpCreate)).To(HaveLen(1))
		c.g.Expect(passwordCalls(c.calls(o, utils.OpAny))).To(HaveLen(2), "the create and the rotation only")
		c.kubectl("wait", "--for=condition=Ready", "loginprofile/"+o.name, "-n", o.namespace, "--timeout=10s")

		c.expectPassword(o, newPassword, "the new one")
	})
}

// TestDriftCorrection changes the MFA flag and the status out of band: the operator corrects them
// within a few poll intervals with one update that carries no password, and says so in a
// DriftCorrected Event. Huawei Cloud's login profile has neither: its drift is a deleted profile
// (TestDriftProfileDeleted).
func TestDriftCorrection(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := ce.main()
		if err := at.admin.StatusAndMFASupported(); err != nil {
			c.Skipf("%v; its drift is a deleted login profile: TestDriftProfileDeleted", err)
		}
		o := lp{at: at, name: "drift", namespace: c.namespace("e2e-drift-" + ce.name), user: c.user(at, "e2e-drift"),
			password: "Drift-Passw0rd-Dr1!" + ce.tag, status: "Active", mfa: false}
		c.create(o)
		c.waitReady(o.namespace, o.name)

		c.g.Expect(at.admin.SetStatusAndMFA(o.user, "Inactive", true)).To(Succeed())

		c.g.Eventually(func(g Gomega) {
			p, err := at.admin.Profile(o.user)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(p.Status).To(HaveValue(Equal("Active")))
			g.Expect(p.MFABindRequired).To(HaveValue(BeFalse()))
		}).WithTimeout(driftTimeout).WithPolling(polling).Should(Succeed(),
			"the drift should be corrected within a few poll intervals (%s)", pollInterval)
		c.settle(o, 2)

		updates := c.calls(o, utils.OpUpdate)
		c.g.Expect(updates).To(HaveLen(1), "one update: %s", jsonString(updates))
		c.g.Expect(updates[0].Code).To(BeEmpty())
		c.g.Expect(updates[0].PasswordSent).To(BeFalse())
		c.g.Expect(updates[0].Params).To(Equal(map[string]string{
			utils.ParamStatus: "Active", utils.ParamMFABindRequired: "false"}))
		c.g.Expect(passwordCalls(c.calls(o, utils.OpAny))).To(HaveLen(1), "only the create carried a password")

		c.waitEvent(o, corev1.EventTypeNormal, "DriftCorrected")
		obj := get(c.g, c.st, o.namespace, o.name)
		c.g.Expect(ready(obj).Status).To(Equal(metav1.ConditionTrue))
		c.g.Expect(obj.Status.AtProvider.Status).To(Equal("Active"))
		c.g.Expect(obj.Status.AtProvider.MFABindRequired).To(BeFalse())
	})
}

// TestDriftProfileDeleted deletes the login profile out of band: the operator creates it again,
// with the Secret's password, at its next poll, and says so in a DriftCorrected Event.
//
// It runs on a simulator of its own, without password reuse prevention: the simulators keep a
// user's password history when the login profile is deleted (as the clouds' reuse prevention
// does), so the suite's, which refuse the last password (for expectPassword), would refuse the
// Secret's unchanged password when the operator creates the profile again.
func TestDriftProfileDeleted(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := c.ownSimulator(ce, "drift")
		o := lp{at: at, name: "drift-deleted", namespace: c.namespace("e2e-drift-deleted-" + ce.name),
			user: c.user(at, "e2e-drift-deleted"), password: "Drift-Passw0rd-Dd1!" + ce.tag}
		c.create(o)
		c.waitReady(o.namespace, o.name)

		c.g.Expect(at.admin.DeleteProfile(o.user)).To(Succeed())
		c.g.Eventually(func(g Gomega) {
			exists, err := at.admin.ProfileExists(o.user)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(exists).To(BeTrue())
		}).WithTimeout(driftTimeout).WithPolling(polling).Should(Succeed(),
			"the profile should be created again within a few poll intervals (%s)", pollInterval)
		c.waitReady(o.namespace, o.name)
		c.settle(o, 2)

		creates := c.calls(o, utils.OpCreate)
		c.g.Expect(creates).To(HaveLen(2), "the create and the re-creation: %s", jsonString(creates))
		for _, create := range creates {
			c.g.Expect(create.Code).To(BeEmpty())
			c.g.Expect(create.PasswordSent).To(BeTrue())
			c.g.Expect(create.Params).To(Equal(ce.createParams("Active", false, false)))
		}
		c.g.Expect(c.calls(o, utils.OpUpdate)).To(BeEmpty())
		c.g.Expect(c.calls(o, utils.OpDelete)).To(BeEmpty(), "the operator deleted nothing")
		c.g.Expect(passwordCalls(c.calls(o, utils.OpAny))).To(HaveLen(2))
		c.g.Expect(c.simProfile(o).HasPassword).To(BeTrue())

		events := c.waitEvent(o, corev1.EventTypeNormal, "DriftCorrected")
		c.g.Expect(events[0].Message).To(ContainSubstring("deleted outside the operator"))
		obj := get(c.g, c.st, o.namespace, o.name)
		c.g.Expect(ready(obj).Reason).To(Equal("Available"))
		c.g.Expect(obj.Status.AtProvider.Status).To(Equal("Active"))
		c.g.Expect(obj.Status.Password.PendingDigest).To(BeEmpty())
	})
}

// TestWeakPassword puts a password the account's policy refuses in the Secret: the LoginProfile is
// not Ready (InvalidPassword, naming the rule), the password is never sent (the operator checks it
// against the policy it read first), and nothing is retried in a loop while the other objects are
// observed; a good password in the Secret makes it Ready.
func TestWeakPassword(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := ce.main()
		ns := c.namespace("e2e-weak-" + ce.name)
		weak := lp{at: at, name: "weak", namespace: ns, user: c.user(at, "e2e-weak"), password: weakPassword}
		healthy := lp{at: at, name: "healthy", namespace: ns, user: c.user(at, "e2e-healthy"), password: "Healthy-Passw0rd-Hl1!" + ce.tag}
		c.create(healthy)
		// The Secret before the LoginProfile, in two steps: the LoginProfile's creation is the one event
		// that starts its reconciles (the Secret's creation, before, concerns no LoginProfile yet).
		c.st.usePassword(weak.password)
		c.apply(weak.secretName(), weak.secret(weak.password))
		c.apply(weak.name, weak.profile())
		c.waitReady(ns, healthy.name)

		cond := ready(c.waitCondition(weak, metav1.ConditionFalse, "InvalidPassword"))
		c.g.Expect(cond.Message).To(ContainSubstring(weak.secretName()))
		c.g.Expect(cond.Message).To(ContainSubstring("at least 8 characters"))
		c.g.Expect(containsSecret(cond.Message, weakPassword)).To(BeFalse(), "the condition shows the password: %s", cond.Message)

		// The healthy object is observed several more times meanwhile; the weak one is not retried.
		c.settle(healthy, 3)
		c.g.Expect(c.calls(weak, utils.OpCreate)).To(BeEmpty(), "the refused password is never sent")
		c.g.Expect(c.calls(weak, utils.OpUpdate)).To(BeEmpty())
		c.g.Expect(c.profileExists(weak)).To(BeFalse())

		goodPassword := "Strong-Passw0rd-Wk2!" + ce.tag
		c.setPassword(weak, goodPassword)
		c.waitReady(ns, weak.name)
		creates := c.calls(weak, utils.OpCreate)
		c.g.Expect(creates).To(HaveLen(1), jsonString(creates))
		c.g.Expect(creates[0].Code).To(BeEmpty())
		c.g.Expect(creates[0].PasswordSent).To(BeTrue())
		c.expectPassword(weak, goodPassword, "the fixed one")
	})
}

// weakPassword is refused by both simulators' password policies (too short).
const weakPassword = "abc"

// TestDeletion deletes a LoginProfile of each deletion policy: Delete removes the cloud login
// profile, Orphan leaves it; both objects go away.
func TestDeletion(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := ce.main()
		ns := c.namespace("e2e-deletion-" + ce.name)
		del := lp{at: at, name: "delete", namespace: ns, user: c.user(at, "e2e-delete"), password: "Delete-Passw0rd-Dl1!" + ce.tag,
			deletionPolicy: "Delete"}
		orphan := lp{at: at, name: "orphan", namespace: ns, user: c.user(at, "e2e-orphan"), password: "Orphan-Passw0rd-Or1!" + ce.tag,
			deletionPolicy: "Orphan"}
		c.create(del)
		c.create(orphan)
		c.waitReady(ns, del.name)
		c.waitReady(ns, orphan.name)

		c.kubectl("delete", "loginprofiles", del.name, orphan.name, "-n", ns, "--wait", "--timeout="+readyTimeout.String())
		out := c.kubectl("get", "loginprofiles", "-n", ns, "-o", "name")
		c.g.Expect(strings.TrimSpace(out)).To(BeEmpty(), "both LoginProfiles should be gone")

		deletes := c.calls(del, utils.OpDelete)
		c.g.Expect(deletes).To(HaveLen(1), jsonString(deletes))
		c.g.Expect(deletes[0].Code).To(BeEmpty())
		c.g.Expect(deletes[0].Params).To(BeEmpty())
		c.g.Expect(c.profileExists(del)).To(BeFalse(), "the login profile of %s should be deleted", del.user)

		c.g.Expect(c.calls(orphan, utils.OpDelete)).To(BeEmpty())
		c.g.Expect(c.simProfile(orphan).HasPassword).To(BeTrue(), "the login profile of %s should be left as it was", orphan.user)
	})
}

// createInFlight creates o with its create slowed down by the simulator for latency, and returns
// once the operator recorded the pending password: the create is in flight. The test may stop or
// kill the manager then; a manager is running again after the test whatever happens.
func (c *tc) createInFlight(o lp, latency time.Duration) {
	c.Helper()
	// Times 1: the fault is global to the simulator, and this is the one create of the moment.
	c.g.Expect(o.at.admin.InjectFault(utils.Fault{Op: utils.OpCreate, Times: 1, Latency: latency})).To(Succeed())
	c.Cleanup(func() {
		_ = o.at.admin.ClearFaults()
		// The next tests need a manager, even when this one failed between the stop and the restart.
		if mgr := c.st.currentManager(); !mgr.Running() {
			if err := c.st.startManager(); err != nil {
				c.Errorf("restarting the manager: %v", err)
			}
		}
	})
	c.create(o)
	c.g.Eventually(func(g Gomega) {
		obj := get(g, c.st, o.namespace, o.name)
		g.Expect(obj.Status.Password).NotTo(BeNil())
		g.Expect(obj.Status.Password.PendingDigest).NotTo(BeEmpty())
	}).WithTimeout(readyTimeout).WithPolling(100*time.Millisecond).Should(Succeed(),
		"the operator should record the pending password before creating the profile")
}

// TestRestartMidCreation kills the manager (SIGKILL) while a create is in flight (slowed down by
// the simulator), after the operator recorded the pending password: the new manager adopts the
// profile the call created, without creating it again nor re-sending the password.
func TestRestartMidCreation(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := ce.main()
		o := lp{at: at, name: "restart", namespace: c.namespace("e2e-restart-" + ce.name), user: c.user(at, "e2e-restart"),
			password: "Restart-Passw0rd-Rs1!" + ce.tag}
		c.createInFlight(o, 4*time.Second)
		old := c.st.currentManager()
		c.g.Expect(old.Kill()).To(Succeed())
		c.g.Expect(ready(get(c.g, c.st, o.namespace, o.name)).Status).NotTo(Equal(metav1.ConditionTrue),
			"the create was still in flight when the manager was killed")

		c.g.Eventually(func(g Gomega) {
			exists, err := at.admin.ProfileExists(o.user)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(exists).To(BeTrue())
		}).WithTimeout(time.Minute).WithPolling(polling).Should(Succeed(), "the call in flight should create the profile")

		c.g.Expect(c.st.startManager()).To(Succeed())
		c.waitReady(o.namespace, o.name)
		c.settle(o, 2)

		creates := c.calls(o, utils.OpCreate)
		c.g.Expect(creates).To(HaveLen(1), jsonString(creates))
		c.g.Expect(creates[0].Code).To(BeEmpty())
		c.g.Expect(passwordCalls(c.calls(o, utils.OpUpdate))).To(BeEmpty(), "the password must not be sent again")
		obj := get(c.g, c.st, o.namespace, o.name)
		c.g.Expect(obj.Status.Password.PendingDigest).To(BeEmpty())
		c.g.Expect(obj.Status.Password.Digest).To(HavePrefix("$argon2id$"))
		c.expectPassword(o, o.password, "the one of the interrupted create")
	})
}

// TestShutdownLetsTheCallInFlightFinish stops the manager gracefully (SIGTERM, as a rolling update
// or a drain does) while a create is in flight (slowed down by the simulator): the call that
// carries the password and the status write after it finish before the manager exits, so the next
// manager finds nothing interrupted.
func TestShutdownLetsTheCallInFlightFinish(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := ce.main()
		o := lp{at: at, name: "shutdown", namespace: c.namespace("e2e-shutdown-" + ce.name), user: c.user(at, "e2e-shutdown"),
			password: "Shutdown-Passw0rd-Sd1!" + ce.tag}
		c.createInFlight(o, 3*time.Second)
		old := c.st.currentManager()
		c.g.Expect(old.Stop(30*time.Second)).To(Succeed(), "the manager exits cleanly on SIGTERM")
		obj := get(c.g, c.st, o.namespace, o.name)
		c.g.Expect(obj.Status.Password.PendingDigest).To(BeEmpty(), "the create in flight finished and was recorded before the exit")
		c.g.Expect(obj.Status.Password.Digest).To(HavePrefix("$argon2id$"))
		c.g.Expect(ready(obj).Status).To(Equal(metav1.ConditionTrue))
		c.expectPassword(o, o.password, "the one of the create in flight")

		c.g.Expect(c.st.startManager()).To(Succeed())
		c.waitReady(o.namespace, o.name)
		c.settle(o, 2)
		creates := c.calls(o, utils.OpCreate)
		c.g.Expect(creates).To(HaveLen(1), jsonString(creates))
		c.g.Expect(creates[0].Code).To(BeEmpty())
		c.g.Expect(passwordCalls(c.calls(o, utils.OpUpdate))).To(BeEmpty(), "nothing to send again")
	})
}

// TestMissingSecret creates a LoginProfile before its password Secret, as GitOps tools often do:
// it is not Ready (PasswordSecretNotFound, naming the Secret) and the operator only reads (the
// Secret is needed to create the profile, not to find that there is none); once the Secret is
// applied, it becomes Ready with exactly one create.
func TestMissingSecret(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := ce.main()
		o := lp{at: at, name: "late-secret", namespace: c.namespace("e2e-missing-secret-" + ce.name),
			user: c.user(at, "e2e-missing-secret"), password: "Late-Passw0rd-Ms1!" + ce.tag}
		c.apply(o.name, o.profile())

		cond := ready(c.waitCondition(o, metav1.ConditionFalse, "PasswordSecretNotFound"))
		c.g.Expect(cond.Message).To(ContainSubstring(strconv.Quote(o.secretName())), "the condition should name the Secret")
		calls := c.calls(o, utils.OpAny)
		c.g.Expect(calls).NotTo(BeEmpty(), "the operator looks before it asks for the Secret")
		for _, call := range calls {
			c.g.Expect(call.Op).To(Equal(utils.OpGet), "only reads without a password: %s", jsonString(calls))
			c.g.Expect(call.Code).To(Equal(ce.profileNotFoundCode), "the user has no login profile yet")
		}

		c.st.usePassword(o.password)
		c.apply(o.secretName(), o.secret(o.password))
		c.waitReady(o.namespace, o.name)
		c.settle(o, 2)

		creates := c.calls(o, utils.OpCreate)
		c.g.Expect(creates).To(HaveLen(1), jsonString(creates))
		c.g.Expect(creates[0].Code).To(BeEmpty())
		c.g.Expect(creates[0].Params).To(Equal(ce.createParams("Active", false, false)))
		c.g.Expect(c.calls(o, utils.OpUpdate)).To(BeEmpty())
		c.g.Expect(passwordCalls(c.calls(o, utils.OpAny))).To(HaveLen(1))
		c.expectPassword(o, o.password, "the late Secret's")
	})
}

// TestThrottling makes the cloud answer its throttling error to every observation (Alibaba Cloud:
// Throttling.User, HTTP 400; Huawei Cloud: APIGW.0308, HTTP 429): the LoginProfile turns Ready=False
// (Throttled, with the code) and a Warning Event says why; once the quota is back, it is Ready again,
// without any write. The fault is global to a simulator process: the scenario runs on its own.
func TestThrottling(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := c.ownSimulator(ce, "throttle")
		o := lp{at: at, name: "throttled", namespace: c.namespace("e2e-throttle-" + ce.name),
			user: c.user(at, "e2e-throttle"), password: "Quota-Passw0rd-Th1!" + ce.tag}
		c.create(o)
		c.waitReady(o.namespace, o.name)

		fault := at.admin.ThrottlingFault(utils.OpGet)
		c.g.Expect(at.admin.InjectFault(fault)).To(Succeed())
		cond := ready(c.waitCondition(o, metav1.ConditionFalse, "Throttled"))
		c.g.Expect(cond.Message).To(ContainSubstring(fault.Code))
		events := c.waitEvent(o, corev1.EventTypeWarning, "ReconcileFailed")
		c.g.Expect(events[0].Message).To(ContainSubstring(fault.Code))

		c.g.Expect(at.admin.ClearFaults()).To(Succeed())
		c.waitReady(o.namespace, o.name)
		c.settle(o, 1)

		// The observations, in order: the one before the create (no profile), maybe polls before the
		// fault, the throttled ones, then only successful ones.
		gets := c.calls(o, utils.OpGet)
		c.g.Expect(gets).NotTo(BeEmpty())
		c.g.Expect(gets[0].Code).To(Equal(ce.profileNotFoundCode), jsonString(gets))
		n := 1
		for n < len(gets) && gets[n].Code == "" {
			n++
		}
		first := n
		for n < len(gets) && gets[n].Code == fault.Code {
			c.g.Expect(gets[n].HTTPStatus).To(Equal(fault.HTTPStatus))
			n++
		}
		c.g.Expect(n-first).To(BeNumerically(">=", 1), "throttled observations: %s", jsonString(gets))
		c.g.Expect(gets[n:]).NotTo(BeEmpty(), "observations after the quota is back: %s", jsonString(gets))
		c.g.Expect(withCode(gets[n:], "")).To(HaveLen(len(gets)-n), "only successes after the quota is back: %s", jsonString(gets))
		c.g.Expect(c.calls(o, utils.OpCreate)).To(HaveLen(1))
		c.g.Expect(c.calls(o, utils.OpUpdate)).To(BeEmpty())
		c.g.Expect(c.calls(o, utils.OpDelete)).To(BeEmpty())
		c.g.Expect(passwordCalls(c.calls(o, utils.OpAny))).To(HaveLen(1))
		c.g.Expect(ready(get(c.g, c.st, o.namespace, o.name)).Reason).To(Equal("Available"))
	})
}

// TestInactive sets a LoginProfile to status Inactive, then back to Active. Alibaba Cloud keeps an
// Inactive profile: one update each way, no password. Huawei Cloud's profile has no status:
// Inactive deletes it (a Disabled Event), Active creates it again from the Secret (Created, not
// DriftCorrected).
//
// On Huawei Cloud it runs on a simulator of its own, without password reuse prevention, for the
// reason TestDriftProfileDeleted says.
func TestInactive(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := ce.main()
		if !ce.hasStatus {
			at = c.ownSimulator(ce, "inactive")
		}
		o := lp{at: at, name: "inactive", namespace: c.namespace("e2e-inactive-" + ce.name),
			user: c.user(at, "e2e-inactive"), password: "Toggle-Passw0rd-In1!" + ce.tag}
		c.create(o)
		c.waitReady(o.namespace, o.name)

		c.patchSpec(o, `{"status":"Inactive"}`)
		obj := c.waitCondition(o, metav1.ConditionTrue, "Available")
		c.g.Expect(obj.Status.AtProvider).NotTo(BeNil())
		c.g.Expect(obj.Status.AtProvider.Status).To(Equal("Inactive"))
		if ce.hasStatus {
			p := c.simProfile(o)
			c.g.Expect(p.Status).To(HaveValue(Equal("Inactive")))
			c.g.Expect(p.HasPassword).To(BeTrue(), "the profile is kept, Inactive")
			updates := c.calls(o, utils.OpUpdate)
			c.g.Expect(updates).To(HaveLen(1), jsonString(updates))
			c.g.Expect(updates[0].Params).To(Equal(map[string]string{utils.ParamStatus: "Inactive"}))
			c.g.Expect(c.calls(o, utils.OpDelete)).To(BeEmpty())
		} else {
			c.g.Expect(c.profileExists(o)).To(BeFalse(), "Inactive means no login profile")
			deletes := c.calls(o, utils.OpDelete)
			c.g.Expect(deletes).To(HaveLen(1), jsonString(deletes))
			c.g.Expect(deletes[0].Code).To(BeEmpty())
			events := c.waitEvent(o, corev1.EventTypeNormal, "Disabled")
			c.g.Expect(events[0].Message).To(ContainSubstring(o.user))
		}
		c.g.Expect(c.calls(o, utils.OpCreate)).To(HaveLen(1))

		c.patchSpec(o, `{"status":"Active"}`)
		obj = c.waitCondition(o, metav1.ConditionTrue, "Available")
		c.g.Expect(obj.Status.AtProvider.Status).To(Equal("Active"))
		c.settle(o, 2)
		if ce.hasStatus {
			updates := c.calls(o, utils.OpUpdate)
			c.g.Expect(updates).To(HaveLen(2), jsonString(updates))
			c.g.Expect(updates[1].Params).To(Equal(map[string]string{utils.ParamStatus: "Active"}))
			c.g.Expect(c.calls(o, utils.OpCreate)).To(HaveLen(1))
			c.g.Expect(passwordCalls(c.calls(o, utils.OpAny))).To(HaveLen(1), "only the create carried a password")
			c.expectPassword(o, o.password, "the one it was created with")
			return
		}
		creates := c.calls(o, utils.OpCreate)
		c.g.Expect(creates).To(HaveLen(2), jsonString(creates))
		c.g.Expect(creates[1].Code).To(BeEmpty())
		c.g.Expect(creates[1].PasswordSent).To(BeTrue())
		c.g.Expect(creates[1].Params).To(Equal(ce.createParams("Active", false, false)))
		c.g.Expect(c.calls(o, utils.OpDelete)).To(HaveLen(1))
		c.g.Expect(c.calls(o, utils.OpUpdate)).To(BeEmpty())
		c.g.Expect(c.simProfile(o).HasPassword).To(BeTrue())
		c.waitEvent(o, corev1.EventTypeNormal, "Created")
		c.g.Expect(c.events(c.g, o, "DriftCorrected")).To(BeEmpty(), "turning a profile Active is no drift")
	})
}

// TestMFAUnsupported asks Huawei Cloud, whose login profile has no MFA flag, for mfaBindRequired:
// the LoginProfile is Ready=False (Unsupported) and the operator makes no call for that user, while
// it keeps observing another one; setting it back to false creates the profile. Alibaba Cloud has
// the flag: TestSamples (bob) sets it, TestDriftCorrection corrects it.
func TestMFAUnsupported(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		if ce.hasMFA {
			c.Skip("Alibaba Cloud's login profile has the MFA flag: TestSamples (bob) sets it, TestDriftCorrection corrects it")
		}
		at := ce.main()
		ns := c.namespace("e2e-mfa-" + ce.name)
		clock := lp{at: at, name: "clock", namespace: ns, user: c.user(at, "e2e-mfa-clock"), password: "Clock-Passw0rd-Mf1!" + ce.tag}
		mfa := lp{at: at, name: "mfa", namespace: ns, user: c.user(at, "e2e-mfa"), password: "Mfa-Passw0rd-Mf2!" + ce.tag, mfa: true}
		c.create(clock)
		c.create(mfa)
		c.waitReady(ns, clock.name)

		cond := ready(c.waitCondition(mfa, metav1.ConditionFalse, "Unsupported"))
		c.g.Expect(cond.Message).To(ContainSubstring("mfaBindRequired"))
		// The other object is observed several more times meanwhile; this one is not.
		c.settle(clock, 2)
		c.g.Expect(c.calls(mfa, utils.OpAny)).To(BeEmpty(), "no call for a spec the cloud cannot honour")
		c.g.Expect(c.profileExists(mfa)).To(BeFalse())

		c.patchSpec(mfa, `{"mfaBindRequired":false}`)
		c.waitCondition(mfa, metav1.ConditionTrue, "Available")
		creates := c.calls(mfa, utils.OpCreate)
		c.g.Expect(creates).To(HaveLen(1), jsonString(creates))
		c.g.Expect(creates[0].Params).To(Equal(ce.createParams("Active", false, false)))
		c.expectPassword(mfa, mfa.password, "the Secret's")
	})
}
