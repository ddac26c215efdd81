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
	"slices"
	"strconv"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// The tenancy rules of TestTenancy's ProviderConfig, as user key prefixes (cloudEnv.userWithPrefix):
// team A's users start with teamPrefix; its administrators, which no LoginProfile may touch, with
// protectedPrefix (inside teamPrefix: protectedUsers wins over allowedUsers); outsiderPrefix is
// nobody's.
const (
	teamPrefix      = "a0"
	protectedPrefix = "a0ad"
	outsiderPrefix  = "b0"
)

// refusedByRule is a LoginProfile a tenancy rule refuses, and what the refusal must say.
type refusedByRule struct {
	o    lp
	rule string
	// says are the other words the message must hold (besides the ProviderConfig and the rule).
	says []string
}

// TestTenancy applies with kubectl, per cloud, a ProviderConfig that only team A's namespace may
// use (allowedNamespaces.names), for the users that allowedUsers matches but never the ones
// protectedUsers matches, and LoginProfiles in team A's and team B's namespaces:
//
//   - "first" (team A) and "allowed" (team A) are Ready, each with exactly one create carrying its
//     own password;
//   - "second" (team A) names first's user: Ready=False reason Conflict, Stalled, a message naming
//     the owner as namespace/name; the user's only calls are first's (one create, with first's
//     password; no update, no delete);
//   - "intruder" (team B, by allowedNamespaces), "admin" (team A, a protected user) and
//     "outsider" (team A, a user outside allowedUsers) are Forbidden, Stalled, with a message naming
//     the ProviderConfig and the rule; the simulator received no call at all about their users, who
//     exist there (a call would have succeeded).
//
// Then second, with deletionPolicy Delete, is deleted: no delete call, first's profile stays and
// first stays Ready; and the Forbidden ones are deleted: still no call about their users. It runs on
// a simulator of its own, so that the call log holds this test's calls only.
func TestTenancy(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		nsA := c.namespace("e2e-team-a-" + ce.name)
		nsB := c.namespace("e2e-team-b-" + ce.name)
		rules := func(spec *v1alpha1.ProviderConfigSpec) {
			spec.AllowedNamespaces = &v1alpha1.NamespaceSelection{Names: []string{nsA}}
			spec.AllowedUsers = []v1alpha1.UserPattern{teamPrefix + "*"}
			spec.ProtectedUsers = []v1alpha1.UserPattern{protectedPrefix + "*"}
		}
		// Reuse prevention 1, as the suite's simulators: expectPassword needs it.
		at := c.ownSimulatorWith(ce, "tenancy", rules, "--password-reuse-prevention", "1")
		pc := strconv.Quote(at.pc)

		// "first" sorts before "second": were both created in the same second, the tie-break
		// (namespace/name) would still make first the owner.
		first := lp{at: at, name: "first", namespace: nsA, user: c.teamUser(at, teamPrefix, "e2e-tenancy-owned"),
			password: "Owner-Passw0rd-Tn1!" + ce.tag, deletionPolicy: "Delete"}
		second := lp{at: at, name: "second", namespace: nsA, user: first.user,
			password: "Second-Passw0rd-Tn2!" + ce.tag, deletionPolicy: "Delete"}
		allowed := lp{at: at, name: "allowed", namespace: nsA, user: c.teamUser(at, teamPrefix, "e2e-tenancy-allowed"),
			password: "Allowed-Passw0rd-Tn3!" + ce.tag, deletionPolicy: "Delete"}
		intruder := lp{at: at, name: "intruder", namespace: nsB, user: c.teamUser(at, teamPrefix, "e2e-tenancy-intruder"),
			password: "Intruder-Passw0rd-Tn4!" + ce.tag, deletionPolicy: "Delete"}
		admin := lp{at: at, name: "admin", namespace: nsA, user: c.teamUser(at, protectedPrefix, "e2e-tenancy-admin"),
			password: "Admin-Passw0rd-Tn5!" + ce.tag, deletionPolicy: "Delete"}
		outsider := lp{at: at, name: "outsider", namespace: nsA, user: c.teamUser(at, outsiderPrefix, "e2e-tenancy-outsider"),
			password: "Outsider-Passw0rd-Tn6!" + ce.tag, deletionPolicy: "Delete"}
		forbidden := []refusedByRule{
			{o: intruder, rule: "allowedNamespaces", says: []string{strconv.Quote(nsB), nsA}},
			{o: admin, rule: "protectedUsers", says: []string{strconv.Quote(admin.user), strconv.Quote(protectedPrefix + "*")}},
			{o: outsider, rule: "allowedUsers", says: []string{strconv.Quote(outsider.user), strconv.Quote(teamPrefix + "*")}},
		}

		// The owner first, Ready before the others exist.
		c.create(first)
		c.waitReady(first.namespace, first.name)
		c.create(second)
		c.create(allowed)
		for _, f := range forbidden {
			c.create(f.o)
		}
		c.waitReady(allowed.namespace, allowed.name)

		obj := c.waitRefused(second, "Conflict")
		msg := ready(obj).Message
		c.g.Expect(msg).To(ContainSubstring("LoginProfile "+nsA+"/first "), "the Conflict message names the owner as namespace/name")
		c.g.Expect(msg).To(ContainSubstring(strconv.Quote(first.user)))
		c.g.Expect(msg).To(ContainSubstring(pc))
		events := c.waitEvent(second, corev1.EventTypeWarning, "Conflict")
		c.g.Expect(events[0].Message).To(ContainSubstring(nsA + "/first"))
		for _, f := range forbidden {
			obj := c.waitRefused(f.o, "Forbidden")
			msg := ready(obj).Message
			c.g.Expect(msg).To(ContainSubstring(pc), "the Forbidden message names the ProviderConfig")
			c.g.Expect(msg).To(ContainSubstring(f.rule), "the Forbidden message names the rule")
			for _, w := range f.says {
				c.g.Expect(msg).To(ContainSubstring(w))
			}
			c.waitEvent(f.o, corev1.EventTypeWarning, "Forbidden")
		}

		// kubectl shows the reasons (-o wide).
		wide := c.kubectl("get", "loginprofiles", "-n", nsA, "-o", "wide")
		_, rows := parseTable(wide)
		for name, want := range map[string][2]string{
			"first": {"True", "Available"}, "allowed": {"True", "Available"}, "second": {"False", "Conflict"},
			"admin": {"False", "Forbidden"}, "outsider": {"False", "Forbidden"},
		} {
			c.g.Expect(rows).To(ContainElement(And(HaveKeyWithValue("NAME", name),
				HaveKeyWithValue("READY", want[0]), HaveKeyWithValue("REASON", want[1]))), wide)
		}
		c.Logf("kubectl get lp -n %s -o wide:\n%s", nsA, wide)

		// The owner is observed a few more times meanwhile: whatever the refused objects would have
		// called, they would have by now.
		c.settle(first, 2)
		c.expectNoCall(forbidden...)
		c.expectOwnerCallsOnly(first)
		c.expectOwnerCallsOnly(allowed)
		c.g.Expect(ready(get(c.g, c.st, first.namespace, first.name)).Reason).To(Equal("Available"))

		// Deleting the Conflict object, deletionPolicy Delete, does not touch the owner's profile.
		c.kubectl("delete", "loginprofiles", second.name, "-n", second.namespace, "--wait", "--timeout="+readyTimeout.String())
		c.g.Expect(c.calls(first, utils.OpDelete)).To(BeEmpty(), "deleting the Conflict object deleted the owner's login profile")
		c.g.Expect(c.simProfile(first).HasPassword).To(BeTrue(), "the owner's login profile should still exist")
		events = c.waitEvent(second, corev1.EventTypeNormal, "Released")
		c.g.Expect(events[0].Message).To(ContainSubstring("Conflict"))
		c.settle(first, 1)
		c.expectOwnerCallsOnly(first)
		c.waitCondition(first, metav1.ConditionTrue, "Available")

		// Deleting the Forbidden objects makes no call either.
		names := make([]string, 0, len(forbidden))
		for _, f := range forbidden {
			c.kubectl("delete", "loginprofiles", f.o.name, "-n", f.o.namespace, "--wait", "--timeout="+readyTimeout.String())
			names = append(names, f.o.namespace+"/"+f.o.name)
			events := c.waitEvent(f.o, corev1.EventTypeNormal, "Released")
			c.g.Expect(events[0].Message).To(ContainSubstring("Forbidden"))
		}
		c.expectNoCall(forbidden...)
		c.Logf("deleted %v: no call about their users", names)

		// The passwords last: a wrong one would become the user's (see expectPassword).
		c.expectPassword(first, first.password, "the owner's, not the Conflict object's")
		c.expectPassword(allowed, allowed.password, "its Secret's")
	})
}

// teamUser adds a cloud user whose key starts with prefix (cloudEnv.userWithPrefix), without login
// profile, to the simulator of at, and returns its key.
func (c *tc) teamUser(at *target, prefix, name string) string {
	c.Helper()
	user := at.userWithPrefix(prefix, name)
	c.g.Expect(at.admin.AddUser(user)).To(Succeed())
	return user
}

// waitRefused waits until o is refused with reason (Forbidden, Conflict) and checks what a refusal
// shows: Stalled True with the same reason, not Reconciling, and nothing observed or applied.
func (c *tc) waitRefused(o lp, reason string) *v1alpha1.LoginProfile {
	c.Helper()
	obj := c.waitCondition(o, metav1.ConditionFalse, reason)
	stalled := meta.FindStatusCondition(obj.Status.Conditions, v1alpha1.ConditionStalled)
	c.g.Expect(stalled).NotTo(BeNil(), "%s/%s should be Stalled: %s", o.namespace, o.name, jsonString(obj.Status))
	c.g.Expect(stalled.Status).To(Equal(metav1.ConditionTrue))
	c.g.Expect(stalled.Reason).To(Equal(reason))
	c.g.Expect(meta.FindStatusCondition(obj.Status.Conditions, v1alpha1.ConditionReconciling)).To(BeNil())
	c.g.Expect(obj.Status.AtProvider).To(BeNil(), "a refused object observes nothing")
	c.g.Expect(obj.Status.Password).To(BeNil(), "a refused object applies no password")
	return obj
}

// expectNoCall checks that the simulator received no call at all, read or write, about the users
// of the refused objects: none names them, under any parameter.
func (c *tc) expectNoCall(refused ...refusedByRule) {
	c.Helper()
	for _, r := range refused {
		calls, err := r.o.at.admin.Calls()
		c.g.Expect(err).NotTo(HaveOccurred())
		for _, call := range calls {
			c.g.Expect(call.User).NotTo(Equal(r.o.user), "%s/%s is Forbidden by %s, yet the cloud received a call about its user: %s",
				r.o.namespace, r.o.name, r.rule, jsonString(call))
			for k, v := range call.Params {
				c.g.Expect(v).NotTo(Equal(r.o.user), "a call names the user of %s/%s in %s: %s", r.o.namespace, r.o.name, k, jsonString(call))
			}
		}
	}
}

// expectOwnerCallsOnly checks that o's user received exactly the calls of one LoginProfile that
// created its login profile: reads, and one successful create carrying a password; no update, no
// delete, no other call.
func (c *tc) expectOwnerCallsOnly(o lp) {
	c.Helper()
	creates := c.calls(o, utils.OpCreate)
	c.g.Expect(creates).To(HaveLen(1), "one create for %s: %s", o.user, jsonString(creates))
	c.g.Expect(creates[0].Code).To(BeEmpty())
	c.g.Expect(creates[0].PasswordSent).To(BeTrue())
	c.g.Expect(creates[0].Params).To(Equal(o.at.createParams("Active", false, false)))
	all := c.calls(o, utils.OpAny)
	others := slices.DeleteFunc(slices.Clone(all), func(call utils.Call) bool { return call.Op == utils.OpGet || call.Op == utils.OpCreate })
	c.g.Expect(others).To(BeEmpty(), "only reads and the create for %s: %s", o.user, jsonString(all))
	c.g.Expect(passwordCalls(all)).To(HaveLen(1), "only the create carried a password")
}
