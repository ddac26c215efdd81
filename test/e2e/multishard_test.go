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
	"testing"
	"time"

	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// shardNamespace holds the shards' leader election Leases.
const shardNamespace = "e2e-shards-election"

// shard is a manager process run with --shard-name and --provider-config-selector shard=NAME.
type shard struct {
	name       string
	p          *utils.Process
	metricsURL string
}

// fieldManager is the field manager the API server records for the shard's writes: its client's
// user agent (manager.Shard.UserAgent).
func (sh shard) fieldManager() string { return "loginprofile-operator-shard-" + sh.name }

// lease is the name of the shard's leader election Lease.
func (sh shard) lease() string { return sh.name + "." + leaseName }

// scrape reads the shard's metrics.
func (sh shard) scrape(g Gomega) *utils.Metrics {
	m, err := utils.Scrape(sh.metricsURL)
	g.Expect(err).NotTo(HaveOccurred(), "scraping shard %s", sh.name)
	return m
}

// limited lists the ProviderConfigs whose rate limiter the shard's calls went through: the cloud
// accounts it called.
func (sh shard) limited(g Gomega) []string {
	names := sh.scrape(g).LabelValues(metricWait, "provider_config")
	slices.Sort(names)
	return slices.Compact(names)
}

// TestShards runs two shards of the manager against one API server, as the chart's shards do:
// shard a (--provider-config-selector shard=a) and shard b (shard=b), each with --leader-elect
// and a Lease of its own, and a cloud account (simulator) per ProviderConfig: pc-a labelled
// shard=a, pc-b labelled shard=b. The suite's manager is stopped meanwhile, so that nothing else
// acts; the suite's ProviderConfigs, which have no shard label, and their LoginProfiles belong
// to neither shard.
//
//   - Both shards lead at once (two Leases). A LoginProfile of each ProviderConfig becomes Ready;
//     each shard's calls went through its own account's limiter only, the status of each object
//     (LoginProfile, ProviderConfig) was written by its shard only (managedFields name the shard's
//     client), and no object of the suite's ProviderConfigs was written by either.
//   - pc-a is labelled shard=b: shard a reports no LoginProfile any more and shard b both; a new
//     password in the LoginProfile's Secret then reaches pc-a's account through shard b (one
//     update carrying a password, counted by shard b, none by shard a), and shard a makes no more
//     calls while shard b keeps observing the user.
func TestShards(t *testing.T) {
	c := begin(t)
	if mgr := c.st.currentManager(); mgr != nil && mgr.Running() {
		c.g.Expect(mgr.Stop(30*time.Second)).To(Succeed(), "the suite's manager should exit cleanly on SIGTERM")
	}
	shards := map[string]*shard{}
	c.Cleanup(func() {
		for _, sh := range shards {
			if sh.p.Running() {
				_ = sh.p.Stop(30 * time.Second)
			}
		}
		if err := c.st.startManager(); err != nil {
			c.Errorf("starting the suite's manager again: %v", err)
		}
	})
	c.namespace(shardNamespace)
	ce := c.st.clouds[0]

	// A cloud account per ProviderConfig; their LoginProfiles are deleted (by the shards) at the end.
	accounts := map[string]*target{}
	for _, name := range []string{"a", "b"} {
		pcName := "pc-" + name
		sim, err := c.st.startCloudsim(ce, "shard-"+name, "--users", "")
		c.g.Expect(err).NotTo(HaveOccurred())
		c.Cleanup(func() { c.removeSimulator(pcName, sim) })
		pc := utils.SimProviderConfig(ce.cloud, pcName, sim, ce.credentialsSecret)
		pc.Labels = map[string]string{"shard": name}
		c.apply("providerconfig-"+pcName, pc)
		accounts[name] = &target{cloudEnv: ce, admin: sim.Admin, pc: pcName}
	}
	for _, name := range []string{"a", "b"} {
		p, url, err := c.st.launchManager("shard-"+name, "--leader-elect", "--leader-election-namespace="+shardNamespace,
			"--shard-name="+name, "--provider-config-selector=shard="+name)
		c.g.Expect(err).NotTo(HaveOccurred())
		shards[name] = &shard{name: name, p: p, metricsURL: url}
	}
	a, b := shards["a"], shards["b"]
	for _, sh := range []*shard{a, b} {
		c.g.Expect(waitLog(sh.p, "Starting workers", 2*time.Minute, "lead its shard and start its controllers")).To(Succeed())
		var lease coordinationv1.Lease
		c.g.Expect(c.st.kubectl.GetJSON(&lease, "lease", sh.lease(), "-n", shardNamespace)).To(Succeed())
		c.g.Expect(lease.Spec.HolderIdentity).NotTo(BeNil(), "shard %s's Lease %s names no holder", sh.name, sh.lease())
	}

	ns := c.namespace("e2e-shards")
	profiles := map[string]lp{}
	for _, name := range []string{"a", "b"} {
		at := accounts[name]
		o := lp{at: at, name: "user-" + name, namespace: ns, user: c.user(at, "e2e-shard-"+name),
			password: "Shard-Passw0rd-" + name + "!" + ce.tag}
		c.create(o)
		profiles[name] = o
	}
	oa, ob := profiles["a"], profiles["b"]
	c.waitReady(oa.namespace, oa.name)
	c.waitReady(ob.namespace, ob.name)
	c.kubectl("wait", "--for=condition=Ready", "providerconfig/pc-a", "providerconfig/pc-b", "--timeout="+readyTimeout.String())

	// Each shard called its own account only, and wrote the status of its own objects only.
	c.g.Expect(a.limited(c.g)).To(Equal([]string{"pc-a"}), "shard a's cloud calls")
	c.g.Expect(b.limited(c.g)).To(Equal([]string{"pc-b"}), "shard b's cloud calls")
	c.g.Expect(c.statusWriters("loginprofiles", oa.name, "-n", ns)).To(ConsistOf(a.fieldManager()))
	c.g.Expect(c.statusWriters("loginprofiles", ob.name, "-n", ns)).To(ConsistOf(b.fieldManager()))
	c.g.Expect(c.statusWriters("providerconfig", "pc-a")).To(ConsistOf(a.fieldManager()))
	c.g.Expect(c.statusWriters("providerconfig", "pc-b")).To(ConsistOf(b.fieldManager()))
	c.expectUntouchedBy([]string{"pc-a", "pc-b"}, a, b)

	// pc-a moves to shard b: shard a lets go of its LoginProfile, shard b takes it.
	c.kubectl("label", "providerconfig", "pc-a", "shard=b", "--overwrite")
	c.g.Eventually(func(g Gomega) {
		g.Expect(a.scrape(g).Sum(metricProfiles, nil)).To(BeZero(), "shard a should report no LoginProfile")
		g.Expect(b.scrape(g).Sum(metricProfiles, nil)).To(BeEquivalentTo(2), "shard b should report both LoginProfiles")
		g.Expect(b.limited(g)).To(Equal([]string{"pc-a", "pc-b"}), "shard b should observe pc-a's user")
	}).WithTimeout(readyTimeout).WithPolling(polling).Should(Succeed())

	updatesBefore := len(passwordCalls(c.calls(oa, utils.OpUpdate)))
	c.setPassword(oa, "Shard-Rotated-Passw0rd!"+ce.tag)
	c.g.Eventually(func(g Gomega) {
		calls, err := oa.at.admin.CallsFor(utils.OpUpdate, oa.user)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(passwordCalls(calls)).To(HaveLen(updatesBefore+1), "the new password should reach pc-a's account once")
	}).WithTimeout(readyTimeout).WithPolling(polling).Should(Succeed())
	c.waitEvent(oa, "Normal", "PasswordRotated")
	c.waitReady(oa.namespace, oa.name)
	c.g.Expect(b.scrape(c.g).Sum(metricCalls, map[string]string{"action": "update", "code": "OK"})).To(BeEquivalentTo(1),
		"shard b should have sent the rotation")
	c.g.Expect(a.scrape(c.g).Sum(metricCalls, map[string]string{"action": "update"})).To(BeZero(), "shard a should have sent nothing")
	c.g.Expect(c.statusWriters("loginprofiles", oa.name, "-n", ns)).To(ContainElement(b.fieldManager()))

	// Shard a makes no more calls while shard b keeps observing pc-a's user.
	callsOfA := a.scrape(c.g).Sum(metricCalls, nil)
	c.settle(oa, 3)
	c.g.Expect(a.scrape(c.g).Sum(metricCalls, nil)).To(Equal(callsOfA), "shard a should not call pc-a's account any more")
}

// statusWriters lists the field managers that wrote the status of an object (kubectl get args).
func (c *tc) statusWriters(args ...string) []string {
	c.Helper()
	var obj metav1.PartialObjectMetadata
	c.g.Expect(c.st.kubectl.GetJSON(&obj, append(args, "--show-managed-fields")...)).To(Succeed())
	var out []string
	for _, f := range obj.ManagedFields {
		if f.Subresource == "status" && !slices.Contains(out, f.Manager) {
			out = append(out, f.Manager)
		}
	}
	return out
}

// expectUntouchedBy checks that no LoginProfile or ProviderConfig but those of the ProviderConfigs
// mine has any field written by the shards.
func (c *tc) expectUntouchedBy(mine []string, shards ...*shard) {
	c.Helper()
	var lps v1alpha1.LoginProfileList
	c.g.Expect(c.st.kubectl.GetJSON(&lps, "loginprofiles", "-A", "--show-managed-fields")).To(Succeed())
	var pcs v1alpha1.ProviderConfigList
	c.g.Expect(c.st.kubectl.GetJSON(&pcs, "providerconfigs", "--show-managed-fields")).To(Succeed())
	var others []metav1.ObjectMeta
	for _, o := range lps.Items {
		if !slices.Contains(mine, o.ProviderConfigName()) {
			others = append(others, o.ObjectMeta)
		}
	}
	for _, o := range pcs.Items {
		if !slices.Contains(mine, o.Name) {
			others = append(others, o.ObjectMeta)
		}
	}
	c.g.Expect(others).NotTo(BeEmpty(), "the suite's objects should be there to check")
	for _, o := range others {
		for _, f := range o.ManagedFields {
			for _, sh := range shards {
				c.g.Expect(f.Manager).NotTo(Equal(sh.fieldManager()), "shard %s wrote %s/%s of another shard", sh.name, o.Namespace, o.Name)
			}
		}
	}
}
