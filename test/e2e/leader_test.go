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
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"

	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// The leader election Lease, as the deployment and the chart configure it (--leader-elect).
const (
	leaseNamespace = "e2e-leader-election"
	leaseName      = "loginprofile-operator.iam.loginprofile.io"
)

// replica is one of two manager processes run with --leader-elect.
type replica struct {
	p          *utils.Process
	metricsURL string
}

func (r replica) isLeader() bool { return strings.Contains(r.p.Log(), "Successfully acquired lease") }

// metrics scrapes the replica's metrics: the cloud API calls it made, and the LoginProfiles it
// reports (only the leader does, so that a sum over the replicas counts each once).
func (r replica) metrics(g Gomega) (calls float64, profiles int) {
	m, err := utils.Scrape(r.metricsURL)
	g.Expect(err).NotTo(HaveOccurred())
	return m.Sum(metricCalls, nil), len(m.Matching(metricProfiles, nil))
}

// TestLeaderElection runs two replicas of the manager with --leader-elect, as the Helm chart does
// (replicaCount 2): one holds the Lease and reconciles; the other starts no controller and makes no
// cloud call and reports no LoginProfile in its metrics, while LoginProfiles of both clouds are
// created, each with exactly one create. When the leader stops (SIGTERM, as in a rolling update),
// it releases the Lease on its way out and the other replica takes over: the next LoginProfiles
// become Ready through it. The suite's manager is stopped
// meanwhile and started again at the end.
func TestLeaderElection(t *testing.T) {
	c := begin(t)
	if mgr := c.st.currentManager(); mgr != nil && mgr.Running() {
		c.g.Expect(mgr.Stop(30*time.Second)).To(Succeed(), "the suite's manager should exit cleanly on SIGTERM")
	}
	var replicas []replica
	c.Cleanup(func() {
		for _, r := range replicas {
			if r.p.Running() {
				_ = r.p.Stop(30 * time.Second)
			}
		}
		if err := c.st.startManager(); err != nil {
			c.Errorf("starting the suite's manager again: %v", err)
		}
	})
	c.namespace(leaseNamespace)
	for _, name := range []string{"replica-a", "replica-b"} {
		p, url, err := c.st.launchManager(name, "--leader-elect", "--leader-election-namespace="+leaseNamespace)
		c.g.Expect(err).NotTo(HaveOccurred())
		replicas = append(replicas, replica{p: p, metricsURL: url})
	}

	// One leader, named by the Lease; the other waits for it.
	var leader, follower replica
	c.g.Eventually(func(g Gomega) {
		for _, r := range replicas {
			g.Expect(r.p.Running()).To(BeTrue(), "%s exited: %s", r.p.Name, r.p.LogTail(20))
		}
		a, b := replicas[0].isLeader(), replicas[1].isLeader()
		g.Expect(a != b).To(BeTrue(), "exactly one replica should hold the Lease (a: %t, b: %t)", a, b)
		leader, follower = replicas[0], replicas[1]
		if b {
			leader, follower = replicas[1], replicas[0]
		}
		g.Expect(leader.p.Log()).To(ContainSubstring("Starting workers"))
	}).WithTimeout(2 * time.Minute).WithPolling(polling).Should(Succeed())
	holder := c.leaseHolder()
	c.g.Expect(holder).NotTo(BeEmpty())
	c.g.Expect(follower.p.Log()).To(ContainSubstring("Attempting to acquire leader lease"))

	ns := c.namespace("e2e-leader")
	profiles := func(round string) []lp {
		var out []lp
		for _, ce := range c.st.clouds {
			at := ce.main()
			o := lp{at: at, name: round + "-" + ce.name, namespace: ns, user: c.user(at, "e2e-leader-"+round),
				password: "Leader-Passw0rd-" + round + "!" + ce.tag}
			c.create(o)
			out = append(out, o)
		}
		for _, o := range out {
			c.waitReady(o.namespace, o.name)
		}
		return out
	}
	expectOneCreate := func(objs []lp) {
		for _, o := range objs {
			creates := c.calls(o, utils.OpCreate)
			c.g.Expect(creates).To(HaveLen(1), "one create for %s: %s", o.user, jsonString(creates))
			c.g.Expect(creates[0].Code).To(BeEmpty())
		}
	}

	first := profiles("first")
	for _, o := range first {
		c.settle(o, 2) // a reconcile by the follower, had it started, would have had time to call
	}
	expectOneCreate(first)
	c.g.Expect(follower.p.Log()).NotTo(ContainSubstring("Starting workers"), "the follower must not run the controllers")
	calls, reported := follower.metrics(c.g)
	c.g.Expect(calls).To(BeZero(), "the follower must make no cloud call")
	c.g.Expect(reported).To(BeZero(), "the follower must not report the LoginProfiles")
	calls, reported = leader.metrics(c.g)
	c.g.Expect(calls).To(BeNumerically(">=", 2*len(first)), "the leader observes and creates")
	c.g.Expect(reported).To(BeNumerically(">", 0), "the leader reports the LoginProfiles by Ready status")

	// The leader stops (SIGTERM) and hands the Lease over on its way out: by the time it has
	// exited, the Lease no longer names it (without the hand-over it would, until it expired).
	c.g.Expect(leader.p.Stop(30 * time.Second)).To(Succeed())
	c.g.Expect(c.leaseHolder()).NotTo(Equal(holder), "the stopped leader should have released the Lease")
	c.g.Eventually(func(g Gomega) {
		g.Expect(follower.p.Running()).To(BeTrue(), "the follower exited: %s", follower.p.LogTail(20))
		g.Expect(follower.isLeader()).To(BeTrue())
		g.Expect(follower.p.Log()).To(ContainSubstring("Starting workers"))
	}).WithTimeout(time.Minute).WithPolling(polling).Should(Succeed(), "the other replica should take over")
	newHolder := c.leaseHolder()
	c.g.Expect(newHolder).NotTo(BeEmpty())
	c.g.Expect(newHolder).NotTo(Equal(holder), "the Lease should name the new leader")

	second := profiles("second")
	expectOneCreate(second)
	expectOneCreate(first) // the new leader adopted them without creating them again
	calls, reported = follower.metrics(c.g)
	c.g.Expect(calls).To(BeNumerically(">=", 2*len(second)), "the new leader observes and creates")
	c.g.Expect(reported).To(BeNumerically(">", 0), "the new leader reports the LoginProfiles")
}

// leaseHolder is the identity in the leader election Lease.
func (c *tc) leaseHolder() string {
	c.Helper()
	var lease coordinationv1.Lease
	c.g.Expect(c.st.kubectl.GetJSON(&lease, "lease", leaseName, "-n", leaseNamespace)).To(Succeed())
	if lease.Spec.HolderIdentity == nil {
		return ""
	}
	return *lease.Spec.HolderIdentity
}
