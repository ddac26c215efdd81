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
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
)

// TestSamples applies the samples of config/samples (the ProviderConfig "default" is the suite's,
// pointing at the simulator): every LoginProfile becomes Ready, each user's login profile is created
// by exactly one call with the sample's password and flags, and kubectl shows the printer columns.
func TestSamples(t *testing.T) {
	c := begin(t)
	c.kubectl("wait", "--for=condition=Ready", "providerconfig/default", "--timeout="+readyTimeout.String())

	path := filepath.Join(samplesDir, "iam_v1alpha1_loginprofile.yaml")
	samples := readSamples(c.g, path)
	c.g.Expect(samples).NotTo(BeEmpty())
	for _, smp := range samples {
		c.st.usePassword(smp.password)
	}
	c.kubectl("apply", "-f", path)

	for _, smp := range samples {
		c.waitReady(smp.obj.Namespace, smp.obj.Name)
	}
	for _, smp := range samples {
		spec := smp.obj.Spec
		status := statusOf(spec)
		creates := c.calls(alibaba.ActionCreateLoginProfile, spec.UserPrincipalName)
		c.g.Expect(creates).To(HaveLen(1), "one CreateLoginProfile for %s: %s", spec.UserPrincipalName, jsonString(creates))
		c.g.Expect(creates[0].Code).To(BeEmpty())
		c.g.Expect(creates[0].PasswordSent).To(BeTrue())
		c.g.Expect(creates[0].Params).To(Equal(params(spec.UserPrincipalName,
			alibaba.ParamPassword, redacted,
			alibaba.ParamStatus, status,
			alibaba.ParamMFABindRequired, strconv.FormatBool(spec.MFABindRequired),
			alibaba.ParamPasswordResetRequired, strconv.FormatBool(spec.PasswordResetRequired))))
		// Nothing else wrote to the profile: the one call with a password was the create.
		c.g.Expect(passwordCalls(c.calls("", spec.UserPrincipalName))).To(HaveLen(1))
		c.g.Expect(c.calls(alibaba.ActionUpdateLoginProfile, spec.UserPrincipalName)).To(BeEmpty())

		p := c.simProfile(spec.UserPrincipalName)
		c.g.Expect(*p.Status).To(Equal(status))
		c.g.Expect(*p.MFABindRequired).To(Equal(spec.MFABindRequired))
		c.g.Expect(*p.PasswordResetRequired).To(Equal(spec.PasswordResetRequired))
		c.g.Expect(p.HasPassword).To(BeTrue())

		obj := get(c.g, c.st, smp.obj.Namespace, smp.obj.Name)
		c.g.Expect(ready(obj).Reason).To(Equal("Available"))
		c.g.Expect(obj.Status.AtProvider).NotTo(BeNil())
		c.g.Expect(obj.Status.AtProvider.Status).To(Equal(status))
		c.g.Expect(obj.Status.Password).NotTo(BeNil())
		c.g.Expect(obj.Status.Password.Digest).To(HavePrefix("$argon2id$"))
		c.g.Expect(obj.Status.Password.PendingDigest).To(BeEmpty())
	}

	// The printer columns.
	out := c.kubectl("get", "loginprofiles", "-n", "default")
	columns, rows := parseTable(out)
	c.g.Expect(columns).To(ContainElements("NAME", "USER", "STATUS", "MFA", "READY", "LAST LOGIN", "AGE"), out)
	c.g.Expect(rows).To(HaveLen(len(samples)), out)
	for _, smp := range samples {
		c.g.Expect(rows).To(ContainElement(And(
			HaveKeyWithValue("NAME", smp.obj.Name),
			HaveKeyWithValue("USER", smp.obj.Spec.UserPrincipalName),
			HaveKeyWithValue("STATUS", statusOf(smp.obj.Spec)),
			HaveKeyWithValue("MFA", strconv.FormatBool(smp.obj.Spec.MFABindRequired)),
			HaveKeyWithValue("READY", "True"),
		)), out)
	}
	wide := c.kubectl("get", "lp", "-n", "default", "-o", "wide")
	c.g.Expect(wide).To(ContainSubstring("REASON"))
	c.g.Expect(wide).To(ContainSubstring("Available"))

	// The passwords last: a wrong one would become the user's (see expectPassword).
	for _, smp := range samples {
		c.expectPassword(smp.obj.Spec.UserPrincipalName, smp.password, "the sample's")
	}
}

// statusOf is the login status a spec asks for.
func statusOf(spec v1alpha1.LoginProfileSpec) string {
	if spec.Status == "" {
		return string(v1alpha1.LoginStatusActive)
	}
	return string(spec.Status)
}

// TestPasswordRotation changes the password Secret with kubectl apply: exactly one
// UpdateLoginProfile carries the new password, and the simulator has it.
func TestPasswordRotation(t *testing.T) {
	c := begin(t)
	o := lp{name: "rotation", namespace: c.namespace("e2e-rotation"), user: c.user("e2e-rotation"),
		password: "First-Passw0rd-Rt1!"}
	c.create(o)
	c.waitReady(o.namespace, o.name)
	c.g.Expect(c.calls(alibaba.ActionCreateLoginProfile, o.user)).To(HaveLen(1))
	before := get(c.g, c.st, o.namespace, o.name)

	const newPassword = "Second-Passw0rd-Rt2!"
	c.setPassword(o, newPassword)
	c.g.Eventually(func(g Gomega) {
		g.Expect(passwordCalls(c.calls(alibaba.ActionUpdateLoginProfile, o.user))).NotTo(BeEmpty())
		obj := get(g, c.st, o.namespace, o.name)
		g.Expect(ready(obj).Status).To(Equal(metav1.ConditionTrue))
		g.Expect(obj.Status.Password).NotTo(BeNil())
		g.Expect(obj.Status.Password.Digest).NotTo(Equal(before.Status.Password.Digest))
		g.Expect(obj.Status.Password.PendingDigest).To(BeEmpty())
	}).WithTimeout(readyTimeout).WithPolling(polling).Should(Succeed(), "the new password should be applied")
	c.settle(o.user, 2)

	updates := c.calls(alibaba.ActionUpdateLoginProfile, o.user)
	c.g.Expect(updates).To(HaveLen(1), "one UpdateLoginProfile: %s", jsonString(updates))
	c.g.Expect(updates[0].Code).To(BeEmpty())
	c.g.Expect(updates[0].PasswordSent).To(BeTrue())
	// A rotation re-applies passwordResetRequired; status and MFA did not change and are not sent.
	c.g.Expect(updates[0].Params).To(Equal(params(o.user,
		alibaba.ParamPassword, redacted, alibaba.ParamPasswordResetRequired, "false")))
	c.g.Expect(c.calls(alibaba.ActionCreateLoginProfile, o.user)).To(HaveLen(1))
	c.g.Expect(passwordCalls(c.calls("", o.user))).To(HaveLen(2), "the create and the rotation only")
	c.kubectl("wait", "--for=condition=Ready", "loginprofile/"+o.name, "-n", o.namespace, "--timeout=10s")

	c.expectPassword(o.user, newPassword, "the new one")
}

// TestDriftCorrection changes the MFA flag and the status out of band: the operator corrects them
// within a few poll intervals with one UpdateLoginProfile that carries no password, and says so in a
// DriftCorrected Event.
func TestDriftCorrection(t *testing.T) {
	c := begin(t)
	o := lp{name: "drift", namespace: c.namespace("e2e-drift"), user: c.user("e2e-drift"),
		password: "Drift-Passw0rd-Dr1!", status: "Active", mfa: false}
	c.create(o)
	c.waitReady(o.namespace, o.name)

	inactive, mfa := "Inactive", true
	_, err := c.st.sim.Admin.SetProfile(o.user, alibaba.AdminProfile{Status: &inactive, MFABindRequired: &mfa})
	c.g.Expect(err).NotTo(HaveOccurred())

	c.g.Eventually(func(g Gomega) {
		p, err := c.st.sim.Admin.Profile(o.user)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(*p.Status).To(Equal("Active"))
		g.Expect(*p.MFABindRequired).To(BeFalse())
	}).WithTimeout(driftTimeout).WithPolling(polling).Should(Succeed(),
		"the drift should be corrected within a few poll intervals (%s)", pollInterval)
	c.settle(o.user, 2)

	updates := c.calls(alibaba.ActionUpdateLoginProfile, o.user)
	c.g.Expect(updates).To(HaveLen(1), "one UpdateLoginProfile: %s", jsonString(updates))
	c.g.Expect(updates[0].Code).To(BeEmpty())
	c.g.Expect(updates[0].PasswordSent).To(BeFalse())
	c.g.Expect(updates[0].Params).To(Equal(params(o.user,
		alibaba.ParamStatus, "Active", alibaba.ParamMFABindRequired, "false")))
	c.g.Expect(passwordCalls(c.calls("", o.user))).To(HaveLen(1), "only the create carried a password")

	c.g.Eventually(func(g Gomega) {
		var events corev1.EventList
		g.Expect(c.st.kubectl.GetJSON(&events, "events", "-n", o.namespace,
			"--field-selector", "reason=DriftCorrected,involvedObject.kind=LoginProfile,involvedObject.name="+o.name)).To(Succeed())
		g.Expect(events.Items).NotTo(BeEmpty())
		g.Expect(events.Items[0].Type).To(Equal(corev1.EventTypeNormal))
	}).WithTimeout(30*time.Second).WithPolling(polling).Should(Succeed(), "a DriftCorrected Event should exist")

	obj := get(c.g, c.st, o.namespace, o.name)
	c.g.Expect(ready(obj).Status).To(Equal(metav1.ConditionTrue))
	c.g.Expect(obj.Status.AtProvider.Status).To(Equal("Active"))
	c.g.Expect(obj.Status.AtProvider.MFABindRequired).To(BeFalse())
}

// TestWeakPassword puts a password the cloud refuses in the Secret: the LoginProfile is not Ready
// (InvalidPassword) and the operator does not retry it in a loop while it keeps observing the other
// objects; a good password in the Secret makes it Ready.
func TestWeakPassword(t *testing.T) {
	c := begin(t)
	ns := c.namespace("e2e-weak")
	weak := lp{name: "weak", namespace: ns, user: c.user("e2e-weak"), password: weakPassword}
	healthy := lp{name: "healthy", namespace: ns, user: c.user("e2e-healthy"), password: "Healthy-Passw0rd-Hl1!"}
	c.create(healthy)
	// The Secret before the LoginProfile, in two steps: the LoginProfile's creation is the one event
	// that starts its reconciles (the Secret's creation, before, concerns no LoginProfile yet).
	c.st.usePassword(weak.password)
	c.apply(weak.secretName(), weak.secretManifest(weak.password))
	c.apply(weak.name, weak.profileManifest())
	c.waitReady(ns, healthy.name)

	c.g.Eventually(func(g Gomega) {
		cond := ready(get(g, c.st, ns, weak.name))
		g.Expect(cond.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(cond.Reason).To(Equal("InvalidPassword"))
	}).WithTimeout(readyTimeout).WithPolling(polling).Should(Succeed())
	cond := ready(get(c.g, c.st, ns, weak.name))
	c.g.Expect(cond.Message).To(ContainSubstring(weak.secretName()))
	c.g.Expect(containsSecret(cond.Message, weakPassword)).To(BeFalse(), "the condition shows the password: %s", cond.Message)

	// The healthy object is observed several more times meanwhile; the weak one is not retried.
	c.settle(healthy.user, 3)
	creates := c.calls(alibaba.ActionCreateLoginProfile, weak.user)
	c.g.Expect(creates).To(HaveLen(1), "no retry of a refused password: %s", jsonString(creates))
	c.g.Expect(creates[0].Code).To(Equal(alibaba.CodePasswordTooWeak))
	c.g.Expect(c.calls(alibaba.ActionUpdateLoginProfile, weak.user)).To(BeEmpty())
	exists, err := c.st.sim.Admin.ProfileExists(weak.user)
	c.g.Expect(err).NotTo(HaveOccurred())
	c.g.Expect(exists).To(BeFalse())

	const goodPassword = "Strong-Passw0rd-Wk2!"
	c.setPassword(weak, goodPassword)
	c.waitReady(ns, weak.name)
	creates = c.calls(alibaba.ActionCreateLoginProfile, weak.user)
	c.g.Expect(creates).To(HaveLen(2), jsonString(creates))
	c.g.Expect(creates[1].Code).To(BeEmpty())
	c.g.Expect(creates[1].PasswordSent).To(BeTrue())
	c.expectPassword(weak.user, goodPassword, "the fixed one")
}

// weakPassword is refused by the simulator's password policy (too short).
const weakPassword = "abc"

// TestDeletion deletes a LoginProfile of each deletion policy: Delete removes the cloud login
// profile, Orphan leaves it; both objects go away.
func TestDeletion(t *testing.T) {
	c := begin(t)
	ns := c.namespace("e2e-deletion")
	del := lp{name: "delete", namespace: ns, user: c.user("e2e-delete"), password: "Delete-Passw0rd-Dl1!", deletionPolicy: "Delete"}
	orphan := lp{name: "orphan", namespace: ns, user: c.user("e2e-orphan"), password: "Orphan-Passw0rd-Or1!", deletionPolicy: "Orphan"}
	c.create(del)
	c.create(orphan)
	c.waitReady(ns, del.name)
	c.waitReady(ns, orphan.name)

	c.kubectl("delete", "loginprofiles", del.name, orphan.name, "-n", ns, "--wait", "--timeout="+readyTimeout.String())
	out := c.kubectl("get", "loginprofiles", "-n", ns, "-o", "name")
	c.g.Expect(strings.TrimSpace(out)).To(BeEmpty(), "both LoginProfiles should be gone")

	deletes := c.calls(alibaba.ActionDeleteLoginProfile, del.user)
	c.g.Expect(deletes).To(HaveLen(1), jsonString(deletes))
	c.g.Expect(deletes[0].Code).To(BeEmpty())
	c.g.Expect(deletes[0].Params).To(Equal(params(del.user)))
	exists, err := c.st.sim.Admin.ProfileExists(del.user)
	c.g.Expect(err).NotTo(HaveOccurred())
	c.g.Expect(exists).To(BeFalse(), "the login profile of %s should be deleted", del.user)

	c.g.Expect(c.calls(alibaba.ActionDeleteLoginProfile, orphan.user)).To(BeEmpty())
	p := c.simProfile(orphan.user)
	c.g.Expect(p.HasPassword).To(BeTrue(), "the login profile of %s should be left as it was", orphan.user)
}

// TestRestartMidCreation kills the manager while a CreateLoginProfile is in flight (slowed down by
// the simulator), after the operator recorded the pending password: the new manager adopts the
// profile the call created, without creating it again nor re-sending the password.
func TestRestartMidCreation(t *testing.T) {
	c := begin(t)
	o := lp{name: "restart", namespace: c.namespace("e2e-restart"), user: c.user("e2e-restart"),
		password: "Restart-Passw0rd-Rs1!"}
	c.g.Expect(c.st.sim.Admin.InjectFault(alibaba.AdminFault{
		Action: alibaba.ActionCreateLoginProfile, Times: 1, Latency: json.RawMessage(`"4s"`),
	})).To(Succeed())
	t.Cleanup(func() {
		_ = c.st.sim.Admin.ClearFaults()
		// The next tests need a manager, even when this one failed between the kill and the restart.
		if mgr := c.st.currentManager(); !mgr.Running() {
			if err := c.st.startManager(); err != nil {
				t.Errorf("restarting the manager: %v", err)
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
	old := c.st.currentManager()
	c.g.Expect(old.Kill()).To(Succeed())
	c.g.Expect(ready(get(c.g, c.st, o.namespace, o.name)).Status).NotTo(Equal(metav1.ConditionTrue),
		"the create was still in flight when the manager was killed")

	c.g.Eventually(func(g Gomega) {
		exists, err := c.st.sim.Admin.ProfileExists(o.user)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(exists).To(BeTrue())
	}).WithTimeout(time.Minute).WithPolling(polling).Should(Succeed(), "the call in flight should create the profile")

	c.g.Expect(c.st.startManager()).To(Succeed())
	c.waitReady(o.namespace, o.name)
	c.settle(o.user, 2)

	creates := c.calls(alibaba.ActionCreateLoginProfile, o.user)
	c.g.Expect(creates).To(HaveLen(1), jsonString(creates))
	c.g.Expect(creates[0].Code).To(BeEmpty())
	c.g.Expect(passwordCalls(c.calls(alibaba.ActionUpdateLoginProfile, o.user))).To(BeEmpty(),
		"the password must not be sent again")
	obj := get(c.g, c.st, o.namespace, o.name)
	c.g.Expect(obj.Status.Password.PendingDigest).To(BeEmpty())
	c.g.Expect(obj.Status.Password.Digest).To(HavePrefix("$argon2id$"))
	c.expectPassword(o.user, o.password, "the one of the interrupted create")
}

// TestNoSecretsInLogs, last, stops the manager gracefully and reads the logs of every manager process
// the run started: none holds a password the tests used nor the access key secret. Neither do the
// Events and the LoginProfiles' statuses.
func TestNoSecretsInLogs(t *testing.T) {
	c := begin(t)
	if mgr := c.st.currentManager(); mgr != nil && mgr.Running() {
		c.g.Expect(mgr.Stop(30*time.Second)).To(Succeed(), "the manager should exit cleanly on SIGTERM")
	}
	c.st.mu.Lock()
	logs := append([]string(nil), c.st.managerLogs...)
	secrets := append([]string{accessKeySecret}, c.st.passwords...)
	c.st.mu.Unlock()
	c.g.Expect(logs).NotTo(BeEmpty())

	events := c.kubectl("get", "events", "-A", "-o", "json")
	statuses := c.kubectl("get", "loginprofiles", "-A", "-o", "jsonpath={.items[*].status}")
	if len(secrets) > 1 { // the other tests ran: there is something to check
		c.g.Expect(events).To(ContainSubstring("loginprofile-operator"), "the operator's Events should be there to check")
		c.g.Expect(statuses).To(ContainSubstring("argon2id"), "the statuses should be there to check")
	}
	for _, secret := range secrets {
		c.g.Expect(containsSecret(events, secret)).To(BeFalse(), "an Event holds a secret (%d characters, starting %q)",
			len(secret), secret[:min(2, len(secret))])
		c.g.Expect(containsSecret(statuses, secret)).To(BeFalse(), "a LoginProfile's status holds a secret (%d characters, starting %q)",
			len(secret), secret[:min(2, len(secret))])
	}
	for _, path := range logs {
		b, err := os.ReadFile(path)
		c.g.Expect(err).NotTo(HaveOccurred())
		c.g.Expect(b).NotTo(BeEmpty(), "%s is empty: the check would prove nothing", path)
		text := string(b)
		for _, secret := range secrets {
			c.g.Expect(containsSecret(text, secret)).To(BeFalse(), "%s holds a secret (%d characters, starting %q)",
				path, len(secret), secret[:min(2, len(secret))])
		}
		t.Logf("%s: %d lines, no secret", filepath.Base(path), strings.Count(text, "\n"))
	}
}

// containsSecret tells whether text holds secret. A short secret (the weak password) is looked for
// as a word of its own, not inside identifiers, UIDs or hashes where its letters occur by chance.
func containsSecret(text, secret string) bool {
	if len(secret) >= 8 {
		return strings.Contains(text, secret)
	}
	return regexp.MustCompile(`(^|[^A-Za-z0-9])` + regexp.QuoteMeta(secret) + `($|[^A-Za-z0-9])`).MatchString(text)
}
