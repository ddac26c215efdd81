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
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/loginprofile-operator/loginprofile-operator/internal/health"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// verdict is what Argo CD (the health script of config/argocd, in Argo's Lua environment) and
// kstatus (Flux) made of one state of a LoginProfile, as the API server sent it to a watch.
type verdict struct {
	event           string // ADDED, MODIFIED, DELETED
	resourceVersion string
	// generation and observedGeneration (0: none) of the state; hasStatus: it has a status at all;
	// deleting: it has a deletionTimestamp.
	generation, observedGeneration int64
	hasStatus, deleting            bool
	ready, reason                  string // the Ready condition's status and reason, if any
	argo, argoMessage, kstatus     string
}

func (v verdict) String() string {
	return fmt.Sprintf("%s rv=%s gen=%d/%d ready=%s/%s -> Argo %s (%q), kstatus %s",
		v.event, v.resourceVersion, v.observedGeneration, v.generation, v.ready, v.reason, v.argo, v.argoMessage, v.kstatus)
}

// judge runs the health script and kstatus on one watched state.
func judge(g Gomega, ev utils.WatchEvent) verdict {
	obj, err := health.DecodeObject(ev.Object)
	g.Expect(err).NotTo(HaveOccurred())
	u := &unstructured.Unstructured{Object: obj}
	v := verdict{event: ev.Type, resourceVersion: u.GetResourceVersion(), generation: u.GetGeneration(),
		deleting: u.GetDeletionTimestamp() != nil}
	status, hasStatus, _ := unstructured.NestedMap(obj, "status")
	v.hasStatus = hasStatus && len(status) > 0
	v.observedGeneration, _, _ = unstructured.NestedInt64(obj, "status", "observedGeneration")
	conditions, _, _ := unstructured.NestedSlice(obj, "status", "conditions")
	for _, c := range conditions {
		if m, ok := c.(map[string]any); ok && m["type"] == "Ready" {
			v.ready, _ = m["status"].(string)
			v.reason, _ = m["reason"].(string)
		}
	}
	v.argo, v.argoMessage, err = health.ArgoHealth(obj)
	g.Expect(err).NotTo(HaveOccurred(), "the health script failed on %s", ev.Object)
	v.kstatus, err = health.KStatus(u)
	g.Expect(err).NotTo(HaveOccurred(), "kstatus failed on %s", ev.Object)
	return v
}

// healthWatch follows one LoginProfile with kubectl get --watch: unlike polling, a watch sees
// every state the object goes through, so the test can tell what Argo CD and Flux would have
// shown at each instant, not only at the end of each step.
type healthWatch struct {
	c    *tc
	o    lp
	w    *utils.Watch
	seen int     // the events already judged by a step
	last verdict // the last state of the previous step
}

// watchHealth starts watching o (its namespace must exist; the object may not yet).
func (c *tc) watchHealth(o lp) *healthWatch {
	c.Helper()
	w, err := c.st.kubectl.Watch(30*time.Second, "loginprofiles", "-n", o.namespace, "--field-selector", "metadata.name="+o.name)
	c.g.Expect(err).NotTo(HaveOccurred())
	c.Cleanup(w.Stop)
	return &healthWatch{c: c, o: o, w: w}
}

// step returns the verdicts of the states o went through since the previous step, up to the
// current one (which the step has waited for), or up to its deletion when gone is true, and the
// Argo CD health along the way: the previous step's last one, then each new one (consecutive
// repeats collapsed, so that a poll writing an observation between two steps changes nothing).
func (h *healthWatch) step(what string, gone bool) (vs []verdict, path []string) {
	h.c.Helper()
	target := ""
	if !gone {
		target = get(h.c.g, h.c.st, h.o.namespace, h.o.name).ResourceVersion
	}
	var out []verdict
	h.c.g.Eventually(func(g Gomega) {
		g.Expect(h.w.Err()).NotTo(HaveOccurred())
		events := h.w.Events()
		out = nil
		for i := h.seen; i < len(events); i++ {
			v := judge(g, events[i])
			out = append(out, v)
			if (gone && v.event == "DELETED") || (!gone && v.resourceVersion == target) {
				h.seen = i + 1
				return
			}
		}
		g.Expect(false).To(BeTrue(), "the watch has not seen %s yet (%d events)", what, len(events))
	}).WithTimeout(30 * time.Second).WithPolling(polling).Should(Succeed())
	h.c.Logf("%s:\n  %s", what, strings.Join(verdictStrings(out), "\n  "))
	// Argo CD and Flux agree on every state but one: an object with no status at all, which
	// kstatus takes for Current (done) and the health script for Progressing.
	for _, v := range out {
		if v.hasStatus || v.deleting {
			h.c.g.Expect(health.ArgoOfKStatus(v.kstatus)).To(Equal(v.argo), "Argo CD and kstatus disagree, %s: %s", what, v)
		} else {
			h.c.g.Expect(v.argo).To(Equal(health.Progressing), "an object without status, %s: %s", what, v)
		}
		h.c.g.Expect(containsSecret(v.argoMessage, h.o.password)).To(BeFalse(), "the health message shows the password")
	}
	states := out
	if h.last.argo != "" {
		states = append([]verdict{h.last}, out...)
	}
	h.last = out[len(out)-1]
	return out, argoSequence(states)
}

// argoSequence is the Argo CD health of each state, consecutive repeats collapsed.
func argoSequence(vs []verdict) []string {
	var out []string
	for _, v := range vs {
		if len(out) == 0 || out[len(out)-1] != v.argo {
			out = append(out, v.argo)
		}
	}
	return out
}

// readyReasons is the Ready reason of each state.
func readyReasons(vs []verdict) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.reason
	}
	return out
}

func verdictStrings(vs []verdict) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

// TestHealthLive runs the Argo CD health script and kstatus on every state a LoginProfile goes
// through under the real manager, watched with kubectl get --watch: created before its password
// Secret (Progressing: the Secret is expected), Ready (Healthy), its spec changed (Progressing until
// the operator acted, then Healthy), a weak password (Degraded, kstatus Failed), fixed, then being
// deleted (Progressing, kstatus Terminating). At every state Argo CD and kstatus agree.
func TestHealthLive(t *testing.T) {
	eachCloud(t, func(c *tc, ce *cloudEnv) {
		at := ce.main()
		o := lp{at: at, name: "health", namespace: c.namespace("e2e-health-" + ce.name), user: c.user(at, "e2e-health"),
			password: "Health-Passw0rd-He1!" + ce.tag}
		h := c.watchHealth(o)

		// Created, its Secret not there yet: never Healthy, never Degraded (a sync must not fail on
		// it). The first state has no status; the operator's first write is one.
		c.apply(o.name, o.profile())
		c.waitCondition(o, metav1.ConditionFalse, "PasswordSecretNotFound")
		vs, path := h.step("created before its Secret", false)
		join := func(vs []verdict) string { return strings.Join(verdictStrings(vs), "\n") }
		c.g.Expect(path).To(Equal([]string{health.Progressing}), join(vs))
		c.g.Expect(vs[0].event).To(Equal("ADDED"))
		c.g.Expect(vs[0].hasStatus).To(BeFalse())
		c.g.Expect(vs[0].argoMessage).To(Equal("Waiting for the operator to report the status"))
		c.g.Expect(vs[1].hasStatus).To(BeTrue(), "the first write of the operator is the status: %s", vs[1])
		c.g.Expect(vs[1].kstatus).To(Equal("InProgress"))
		last := vs[len(vs)-1]
		c.g.Expect(last.kstatus).To(Equal("InProgress"))
		c.g.Expect(last.argoMessage).To(HavePrefix("Reconciling: PasswordSecretNotFound: "))
		c.g.Expect(last.argoMessage).To(ContainSubstring(o.secretName()))

		// The Secret arrives: Progressing while the create is in flight, then Healthy.
		c.st.usePassword(o.password)
		c.apply(o.secretName(), o.secret(o.password))
		c.waitReady(o.namespace, o.name)
		vs, path = h.step("the Secret applied", false)
		c.g.Expect(path).To(Equal([]string{health.Progressing, health.Healthy}), join(vs))
		c.g.Expect(readyReasons(vs)).To(ContainElement("Progressing"), "the create in flight shows: %s", join(vs))
		c.g.Expect(vs[len(vs)-1].kstatus).To(Equal("Current"))

		// The spec changes: Progressing until the operator acted on the new generation.
		c.patchSpec(o, `{"passwordResetRequired":true}`)
		obj := c.waitCondition(o, metav1.ConditionTrue, "Available")
		vs, path = h.step("the spec changed", false)
		c.g.Expect(path).To(Equal([]string{health.Healthy, health.Progressing, health.Healthy}), join(vs))
		first := slices.IndexFunc(vs, func(v verdict) bool { return v.generation == obj.Generation })
		c.g.Expect(first).To(BeNumerically(">=", 0), join(vs))
		c.g.Expect(vs[first].observedGeneration).To(Equal(obj.Generation-1), "the first state is the new spec, not yet acted on")
		c.g.Expect(vs[first].argoMessage).To(HavePrefix("Waiting for the operator to act on generation "))
		c.g.Expect(vs[first].kstatus).To(Equal("InProgress"))
		c.g.Expect(vs[len(vs)-1].kstatus).To(Equal("Current"))

		// A weak password: refused by the account's policy before any call (no rotation in flight):
		// Degraded, kstatus Failed, and the message says which Secret to fix.
		c.setPassword(o, weakPassword)
		c.waitCondition(o, metav1.ConditionFalse, "InvalidPassword")
		vs, path = h.step("a weak password", false)
		c.g.Expect(path).To(Equal([]string{health.Healthy, health.Degraded}), join(vs))
		last = vs[len(vs)-1]
		c.g.Expect(last.kstatus).To(Equal("Failed"))
		c.g.Expect(last.argoMessage).To(HavePrefix("Stalled: InvalidPassword: "))
		c.g.Expect(last.argoMessage).To(ContainSubstring(o.secretName()))
		c.g.Expect(containsSecret(last.argoMessage, weakPassword)).To(BeFalse())

		fixed := "Health-Passw0rd-He2!" + ce.tag
		c.setPassword(o, fixed)
		c.waitCondition(o, metav1.ConditionTrue, "Available")
		vs, path = h.step("the password fixed", false)
		c.g.Expect(path).To(Equal([]string{health.Degraded, health.Progressing, health.Healthy}), join(vs))

		// Being deleted: Progressing (kstatus Terminating) until the login profile is gone.
		c.kubectl("delete", "loginprofiles", o.name, "-n", o.namespace, "--wait", "--timeout="+readyTimeout.String())
		vs, path = h.step("deleted", true)
		c.g.Expect(path).To(Equal([]string{health.Healthy, health.Progressing}), join(vs))
		c.g.Expect(vs[len(vs)-1].event).To(Equal("DELETED"))
		first = slices.IndexFunc(vs, func(v verdict) bool { return v.deleting })
		c.g.Expect(first).To(BeNumerically(">=", 0), join(vs))
		for _, v := range vs[first:] {
			c.g.Expect(v.deleting).To(BeTrue(), "every state after the delete has a deletionTimestamp: %s", v)
			c.g.Expect(v.argo).To(Equal(health.Progressing), v.String())
			c.g.Expect(v.kstatus).To(Equal("Terminating"), v.String())
		}
		c.g.Expect(c.profileExists(o)).To(BeFalse())
	})
}

// Metric names the manager serves (internal/cloud, internal/controller/loginprofile).
const (
	metricCalls     = "loginprofile_cloud_api_calls_total"
	metricLatency   = "loginprofile_cloud_api_call_duration_seconds"
	metricThrottled = "loginprofile_cloud_api_throttled_total"
	metricWait      = "loginprofile_rate_limiter_wait_seconds"
	metricProfiles  = "loginprofile_loginprofiles"
)

// scrape reads the running manager's metrics endpoint.
func (c *tc) scrape() *utils.Metrics {
	c.Helper()
	c.st.mu.Lock()
	url := c.st.metricsURL
	c.st.mu.Unlock()
	m, err := utils.Scrape(url)
	c.g.Expect(err).NotTo(HaveOccurred())
	return m
}

// TestMetrics scrapes the manager's metrics endpoint over HTTP, as Prometheus would. It first makes,
// per cloud, the calls it then looks for (metricsScenario: creates, a rotation, a weak password
// refused by the policy check, a delete, a read throttled by a fault), so it needs no test to run before it. For each cloud it finds the calls by action and result code (successes, the
// password policy read, the throttled read), the throttled calls, a latency observation for
// every call and the rate limiters' waits; the LoginProfiles by Ready status and reason match
// what kubectl lists; no password or access key is in the text. Then it creates one LoginProfile
// per cloud and sees exactly one more create counted, as the simulator received.
func TestMetrics(t *testing.T) {
	c := begin(t)
	for _, ce := range c.st.clouds {
		c.metricsScenario(ce)
	}
	m := c.scrape()
	for _, name := range []string{metricCalls, metricLatency, metricThrottled, metricWait, metricProfiles,
		"controller_runtime_reconcile_total", "workqueue_depth"} {
		c.g.Expect(m.Has(name)).To(BeTrue(), "the endpoint should serve %s", name)
	}
	for _, ce := range c.st.clouds {
		cloud := map[string]string{"cloud": ce.name}
		for _, action := range []string{"get", "create", "update", "delete"} {
			c.g.Expect(m.Sum(metricCalls, map[string]string{"cloud": ce.name, "action": action, "code": "OK"})).
				To(BeNumerically(">", 0), "successful %s calls to %s", action, ce.name)
		}
		// metricsScenario's weak password was checked against the policy read from the cloud (and
		// never sent); its throttled read is counted under the cloud's own code.
		c.g.Expect(m.Sum(metricCalls, map[string]string{"cloud": ce.name, "action": "get_password_policy", "code": "OK"})).
			To(BeNumerically(">=", 1))
		throttleCode := ce.sim.Admin.ThrottlingFault(utils.OpGet).Code
		throttledGets := m.Sum(metricCalls, map[string]string{"cloud": ce.name, "action": "get", "code": throttleCode})
		c.g.Expect(throttledGets).To(BeNumerically(">=", 1), "reads throttled with %s", throttleCode)
		c.g.Expect(m.Sum(metricThrottled, map[string]string{"cloud": ce.name, "action": "get"})).To(Equal(throttledGets))
		c.g.Expect(m.Sum(metricCalls, map[string]string{"cloud": ce.name, "code": "Error"})).To(BeZero(),
			"every error has a code: %v", m.LabelValues(metricCalls, "code"))
		c.g.Expect(m.Sum(metricCalls, cloud)).To(BeNumerically(">", 0))
		for _, kind := range []string{"read", "write"} {
			c.g.Expect(m.Sum(metricWait, map[string]string{"provider_config": ce.pc, "kind": kind})).To(BeNumerically(">", 0),
				"the %s rate limiter of ProviderConfig %s should have let calls through", kind, ce.pc)
		}
	}
	// Every call is also timed. The scenarios' objects are still polled: compare one scrape at a
	// time until none falls between a call's two observations.
	c.g.Eventually(func(g Gomega) {
		m := c.scrape()
		for _, ce := range c.st.clouds {
			for _, action := range []string{"get", "create", "update", "delete"} {
				labels := map[string]string{"cloud": ce.name, "action": action}
				g.Expect(m.Sum(metricLatency, labels)).To(Equal(m.Sum(metricCalls, labels)), "latency observations of %v", labels)
			}
		}
	}).WithTimeout(30 * time.Second).WithPolling(polling).Should(Succeed())

	// The LoginProfiles by Ready status and reason are the ones kubectl lists.
	c.g.Eventually(func(g Gomega) {
		var list struct {
			Items []struct {
				Status struct {
					Conditions []metav1.Condition `json:"conditions"`
				} `json:"status"`
			} `json:"items"`
		}
		g.Expect(c.st.kubectl.GetJSON(&list, "loginprofiles", "-A")).To(Succeed())
		want := map[string]float64{}
		for _, item := range list.Items {
			status, reason := "Unknown", ""
			for _, cond := range item.Status.Conditions {
				if cond.Type == "Ready" {
					status, reason = string(cond.Status), cond.Reason
				}
			}
			want[status+"/"+reason]++
		}
		got := map[string]float64{}
		for _, mt := range c.scrape().Matching(metricProfiles, nil) {
			if v := mt.GetGauge().GetValue(); v > 0 {
				got[utils.Label(mt, "ready")+"/"+utils.Label(mt, "reason")] += v
			}
		}
		g.Expect(got).To(Equal(want))
		g.Expect(want).To(HaveKey("True/Available"))
	}).WithTimeout(30 * time.Second).WithPolling(polling).Should(Succeed())

	c.st.mu.Lock()
	secrets := append([]string(nil), c.st.passwords...)
	c.st.mu.Unlock()
	for _, ce := range c.st.clouds {
		secrets = append(secrets, ce.accessKeySecret)
	}
	for _, secret := range secrets {
		c.g.Expect(containsSecret(m.Text, secret)).To(BeFalse(), "the metrics hold a secret (%d characters)", len(secret))
	}

	// Exact counts: one new LoginProfile per cloud is one more create, as the simulator received.
	before := c.scrape()
	var created []lp
	for _, ce := range c.st.clouds {
		at := ce.main()
		o := lp{at: at, name: "metrics-" + ce.name, namespace: "default", user: c.user(at, "e2e-metrics"),
			password: "Metrics-Passw0rd-Mt1!" + ce.tag}
		c.create(o)
		created = append(created, o)
	}
	for _, o := range created {
		c.waitReady(o.namespace, o.name)
	}
	after := c.scrape()
	for _, o := range created {
		creates := c.calls(o, utils.OpCreate)
		c.g.Expect(creates).To(HaveLen(1), jsonString(creates))
		create := map[string]string{"cloud": o.at.name, "action": "create"}
		c.g.Expect(after.Sum(metricCalls, create)-before.Sum(metricCalls, create)).To(Equal(1.0),
			"creates counted on %s while one LoginProfile was created", o.at.name)
		create["code"] = "OK"
		c.g.Expect(after.Sum(metricCalls, create) - before.Sum(metricCalls, create)).To(Equal(1.0))
		delete(create, "code")
		c.g.Expect(after.Sum(metricLatency, create) - before.Sum(metricLatency, create)).To(Equal(1.0))
		gets := map[string]string{"cloud": o.at.name, "action": "get", "code": o.at.profileNotFoundCode}
		c.g.Expect(after.Sum(metricCalls, gets)-before.Sum(metricCalls, gets)).To(BeNumerically(">=", 1),
			"the observation before the create found no profile (%s)", o.at.profileNotFoundCode)
	}
}

// metricsScenario makes on ce's main simulator the calls TestMetrics looks for: a get throttled
// by a fault (the first read of a new LoginProfile, or of any the manager polls then), creates,
// gets, an update rotating a password, an update refused as weak, and a delete. It waits for each,
// as the simulator received it. One LoginProfile stays, Ready, so that the gauge of LoginProfiles
// by Ready status has a series.
func (c *tc) metricsScenario(ce *cloudEnv) {
	c.Helper()
	at := ce.main()
	kept := lp{at: at, name: "metrics-kept-" + ce.name, namespace: "default", user: c.user(at, "e2e-metrics-kept"),
		password: "Metrics-Passw0rd-Mk1!" + ce.tag}
	gone := lp{at: at, name: "metrics-gone-" + ce.name, namespace: "default", user: c.user(at, "e2e-metrics-gone"),
		password: "Metrics-Passw0rd-Mg1!" + ce.tag}
	throttled := at.admin.ThrottlingFault(utils.OpGet)
	throttled.Times = 1
	c.g.Expect(at.admin.InjectFault(throttled)).To(Succeed())
	c.create(kept)
	c.create(gone)
	c.waitReady(kept.namespace, kept.name)
	c.waitReady(gone.namespace, gone.name)
	c.g.Eventually(func(g Gomega) {
		calls, err := at.admin.Calls()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(calls).To(ContainElement(And(HaveField("Op", utils.OpGet), HaveField("Code", throttled.Code))))
	}).WithTimeout(readyTimeout).WithPolling(polling).Should(Succeed(), "a read throttled with %s", throttled.Code)

	c.setPassword(kept, "Metrics-Passw0rd-Mk2!"+ce.tag)
	c.setPassword(gone, weakPassword)
	c.g.Eventually(func(g Gomega) {
		g.Expect(c.calls(kept, utils.OpUpdate)).To(ContainElement(HaveField("Code", "")))
	}).WithTimeout(readyTimeout).WithPolling(polling).Should(Succeed(), "the rotation's update")
	c.waitCondition(gone, metav1.ConditionFalse, "InvalidPassword")
	c.g.Expect(c.calls(gone, utils.OpUpdate)).To(BeEmpty(), "the account's policy refuses the weak password before any call")

	c.kubectl("delete", "loginprofiles", gone.name, "-n", gone.namespace, "--wait", "--timeout="+readyTimeout.String())
	c.g.Expect(c.calls(gone, utils.OpDelete)).To(ContainElement(HaveField("Code", "")))
}
