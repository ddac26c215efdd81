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
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// Timeouts of the waits. Generous: a 2-core machine running other tests can be slow; the waits end
// as soon as the condition holds.
const (
	readyTimeout = 90 * time.Second
	// driftTimeout covers a few poll intervals, with room for a slow machine.
	driftTimeout = 15 * pollInterval
	polling      = 200 * time.Millisecond
)

// lp describes a LoginProfile and its password Secret, and where its cloud user is.
type lp struct {
	at              *target
	name, namespace string
	user            string
	password        string
	status          string // "" leaves the default (Active)
	mfa, reset      bool
	deletionPolicy  string // "" leaves the default (Delete)
}

func (o lp) secretName() string { return o.name + "-console" }

// profile is the LoginProfile.
func (o lp) profile() *v1alpha1.LoginProfile {
	return utils.LoginProfile(o.at.cloud, o.namespace, o.name, o.user, v1alpha1.LoginProfileSpec{
		ProviderConfigRef:     &v1alpha1.ProviderConfigReference{Name: o.at.pc},
		Status:                v1alpha1.LoginStatus(o.status),
		MFABindRequired:       o.mfa,
		PasswordResetRequired: o.reset,
		PasswordSecretRef:     &v1alpha1.PasswordSecretReference{Name: o.secretName()},
		DeletionPolicy:        v1alpha1.DeletionPolicy(o.deletionPolicy),
	})
}

// secret is the password Secret holding pw.
func (o lp) secret(pw string) *corev1.Secret {
	return utils.PasswordSecret(o.namespace, o.secretName(), pw)
}

// tc is one test's view of the suite.
type tc struct {
	*testing.T
	g  *WithT
	st *suite
}

// begin starts a test: it fails it when the suite could not start, and on failure logs the end of
// the manager's log.
func begin(t *testing.T) *tc {
	t.Helper()
	st := env(t)
	c := &tc{T: t, g: NewWithT(t), st: st}
	t.Cleanup(func() {
		if t.Failed() {
			if mgr := st.currentManager(); mgr != nil {
				t.Logf("end of the manager's log (%s):\n%s", mgr.LogPath, mgr.LogTail(40))
			}
		}
	})
	return c
}

// namespace creates a namespace for the test.
func (c *tc) namespace(name string) string {
	c.Helper()
	c.kubectl("create", "namespace", name)
	return name
}

// user adds a cloud user (without login profile) to the simulator of at and returns its key in
// that cloud (a user principal name, a user id).
func (c *tc) user(at *target, name string) string {
	c.Helper()
	user := at.user(name)
	c.g.Expect(at.admin.AddUser(user)).To(Succeed())
	return user
}

// kubectl runs kubectl and returns its stdout; it fails the test on error.
func (c *tc) kubectl(args ...string) string {
	c.Helper()
	out, err := c.st.kubectl.Run(args...)
	c.g.Expect(err).NotTo(HaveOccurred())
	return out
}

// apply writes objs as a manifest to a file and runs kubectl apply -f on it.
func (c *tc) apply(name string, objs ...any) {
	c.Helper()
	manifest, err := utils.Manifest(objs...)
	c.g.Expect(err).NotTo(HaveOccurred())
	dir := filepath.Join(c.st.dir, "manifests", c.Name())
	_, err = c.st.kubectl.ApplyManifest(dir, name+".yaml", manifest)
	c.g.Expect(err).NotTo(HaveOccurred())
}

// create applies a LoginProfile and its Secret; the password is recorded for the log check.
func (c *tc) create(o lp) {
	c.Helper()
	c.st.usePassword(o.password)
	c.apply(o.name, o.secret(o.password), o.profile())
}

// setPassword applies the Secret of o with a new password.
func (c *tc) setPassword(o lp, pw string) {
	c.Helper()
	c.st.usePassword(pw)
	c.apply(o.secretName()+"-"+strconv.FormatInt(time.Now().UnixNano(), 36), o.secret(pw))
}

// waitReady waits with kubectl wait for the LoginProfile to be Ready.
func (c *tc) waitReady(namespace, name string) {
	c.Helper()
	_, err := c.st.kubectl.Run("wait", "--for=condition=Ready", "loginprofile/"+name, "-n", namespace,
		"--timeout="+readyTimeout.String())
	c.g.Expect(err).NotTo(HaveOccurred(), "LoginProfile %s/%s is not Ready: %s", namespace, name, c.describe(namespace, name))
}

// describe is the LoginProfile's status, for failure messages.
func (c *tc) describe(namespace, name string) string {
	out, err := c.st.kubectl.Run("get", "loginprofiles", name, "-n", namespace, "-o", "jsonpath={.status}")
	if err != nil {
		return err.Error()
	}
	return out
}

// get reads a LoginProfile with kubectl get -o json. The tests name the resource "loginprofiles":
// the singular "loginprofile" is also the name of the CRDs' category, which kubectl expands first
// (to loginprofiles and providerconfigs), so "kubectl get loginprofile NAME" fails.
func get(g Gomega, st *suite, namespace, name string) *v1alpha1.LoginProfile {
	var obj v1alpha1.LoginProfile
	g.Expect(st.kubectl.GetJSON(&obj, "loginprofiles", name, "-n", namespace)).To(Succeed())
	return &obj
}

// ready is the Ready condition, or an empty one.
func ready(obj *v1alpha1.LoginProfile) metav1.Condition {
	if c := meta.FindStatusCondition(obj.Status.Conditions, v1alpha1.ConditionReady); c != nil {
		return *c
	}
	return metav1.Condition{}
}

// calls lists the calls of op (utils.OpAny for every operation) the simulator received about
// o's user.
func (c *tc) calls(o lp, op utils.Op) []utils.Call {
	c.Helper()
	calls, err := o.at.admin.CallsFor(op, o.user)
	c.g.Expect(err).NotTo(HaveOccurred())
	return calls
}

// passwordCalls keeps the calls that carried a password.
func passwordCalls(calls []utils.Call) []utils.Call {
	var out []utils.Call
	for _, call := range calls {
		if call.PasswordSent {
			out = append(out, call)
		}
	}
	return out
}

// withCode keeps the calls answered with code ("" for the successful ones).
func withCode(calls []utils.Call, code string) []utils.Call {
	var out []utils.Call
	for _, call := range calls {
		if call.Code == code {
			out = append(out, call)
		}
	}
	return out
}

// settle waits until the operator observed o's user n more times (the cloud's get), so that any
// call the last change could still cause has been made.
func (c *tc) settle(o lp, n int) {
	c.Helper()
	before := len(c.calls(o, utils.OpGet))
	c.g.Eventually(func(g Gomega) {
		calls, err := o.at.admin.CallsFor(utils.OpGet, o.user)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(len(calls)).To(BeNumerically(">=", before+n))
	}).WithTimeout(driftTimeout+time.Duration(n)*pollInterval).WithPolling(polling).Should(Succeed(),
		"the operator should keep observing %s every %s", o.user, pollInterval)
}

// simProfile is the simulator's login profile of o's user; it fails the test when there is none.
func (c *tc) simProfile(o lp) *utils.Profile {
	c.Helper()
	p, err := o.at.admin.Profile(o.user)
	c.g.Expect(err).NotTo(HaveOccurred())
	return p
}

// profileExists tells whether o's user has a login profile in the simulator.
func (c *tc) profileExists(o lp) bool {
	c.Helper()
	exists, err := o.at.admin.ProfileExists(o.user)
	c.g.Expect(err).NotTo(HaveOccurred())
	return exists
}

// expectPassword checks that pw is the user's password in the simulator. Call it last in a test:
// a wrong password becomes the user's (see utils.SimAdmin.PasswordIs). It needs a simulator started
// with --password-reuse-prevention 1, as the suite's are.
func (c *tc) expectPassword(o lp, pw, what string) {
	c.Helper()
	is, err := o.at.admin.PasswordIs(o.user, pw)
	c.g.Expect(err).NotTo(HaveOccurred())
	c.g.Expect(is).To(BeTrue(), "the simulator's password of %s should be %s", o.user, what)
}

// waitCondition waits until o's Ready condition has status and reason, for the current generation
// of the spec, and returns the object.
func (c *tc) waitCondition(o lp, status metav1.ConditionStatus, reason string) *v1alpha1.LoginProfile {
	c.Helper()
	var obj *v1alpha1.LoginProfile
	c.g.Eventually(func(g Gomega) {
		obj = get(g, c.st, o.namespace, o.name)
		cond := ready(obj)
		g.Expect(cond.ObservedGeneration).To(Equal(obj.Generation), "the condition is of an older spec: %s", jsonString(cond))
		g.Expect(cond.Reason).To(Equal(reason), "message: %s", cond.Message)
		g.Expect(cond.Status).To(Equal(status))
	}).WithTimeout(readyTimeout).WithPolling(polling).Should(Succeed(), "LoginProfile %s/%s: Ready %s, reason %s", o.namespace, o.name, status, reason)
	return obj
}

// patchSpec merges patch (JSON) into o's spec with kubectl patch.
func (c *tc) patchSpec(o lp, patch string) {
	c.Helper()
	c.kubectl("patch", "loginprofiles", o.name, "-n", o.namespace, "--type=merge", "-p", `{"spec":`+patch+`}`)
}

// events lists the Events of reason about o.
func (c *tc) events(g Gomega, o lp, reason string) []corev1.Event {
	var events corev1.EventList
	g.Expect(c.st.kubectl.GetJSON(&events, "events", "-n", o.namespace,
		"--field-selector", "reason="+reason+",involvedObject.kind=LoginProfile,involvedObject.name="+o.name)).To(Succeed())
	return events.Items
}

// waitEvent waits for an Event of reason and type about o and returns the Events of that reason.
func (c *tc) waitEvent(o lp, eventType, reason string) []corev1.Event {
	c.Helper()
	var events []corev1.Event
	c.g.Eventually(func(g Gomega) {
		events = c.events(g, o, reason)
		g.Expect(events).NotTo(BeEmpty())
		g.Expect(events[0].Type).To(Equal(eventType))
	}).WithTimeout(30*time.Second).WithPolling(polling).Should(Succeed(), "a %s Event about %s/%s should exist", reason, o.namespace, o.name)
	return events
}

// sample is a LoginProfile of config/samples with its password.
type sample struct {
	obj v1alpha1.LoginProfile
	// password is the one in the sample's Secret; "" for a sample whose password is generated.
	password string
}

// readSamples reads the LoginProfiles of a samples file and the passwords of their Secrets (none
// for a LoginProfile with generatePassword whose Secret the file leaves out).
func readSamples(g Gomega, path string) []sample {
	raw, err := os.ReadFile(path)
	g.Expect(err).NotTo(HaveOccurred())
	secrets := map[string]corev1.Secret{}
	var profiles []v1alpha1.LoginProfile
	for _, doc := range strings.Split(string(raw), "\n---") {
		var head metav1.TypeMeta
		g.Expect(yaml.Unmarshal([]byte(doc), &head)).To(Succeed())
		switch head.Kind {
		case "LoginProfile":
			var obj v1alpha1.LoginProfile
			g.Expect(yaml.Unmarshal([]byte(doc), &obj)).To(Succeed())
			profiles = append(profiles, obj)
		case "Secret":
			var sec corev1.Secret
			g.Expect(yaml.Unmarshal([]byte(doc), &sec)).To(Succeed())
			secrets[sec.Namespace+"/"+sec.Name] = sec
		}
	}
	var out []sample
	for _, obj := range profiles {
		sec, ok := secrets[obj.Namespace+"/"+obj.PasswordSecretName()]
		if !ok && obj.Spec.GeneratePassword {
			out = append(out, sample{obj: obj}) // the operator generates its Secret
			continue
		}
		g.Expect(ok).To(BeTrue(), "the Secret of sample %s is not in %s", obj.Name, path)
		pw, ok := sec.StringData[obj.PasswordKey()]
		if !ok {
			pw = string(sec.Data[obj.PasswordKey()])
		}
		g.Expect(pw).NotTo(BeEmpty(), "sample Secret %s has no key %s", sec.Name, obj.PasswordKey())
		out = append(out, sample{obj: obj, password: pw})
	}
	return out
}

// parseTable reads kubectl's table output: the column names, and each row as column -> value. A
// column starts where its name does in the header (kubectl aligns the values with it); names may
// hold one space ("LAST LOGIN"), columns are separated by at least two.
func parseTable(out string) ([]string, []map[string]string) {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	header := lines[0]
	var starts []int
	for i := range header {
		if header[i] != ' ' && (i == 0 || (i >= 2 && header[i-1] == ' ' && header[i-2] == ' ')) {
			starts = append(starts, i)
		}
	}
	cell := func(line string, i int) string {
		if starts[i] >= len(line) {
			return ""
		}
		end := len(line)
		if i+1 < len(starts) && starts[i+1] < end {
			end = starts[i+1]
		}
		return strings.TrimSpace(line[starts[i]:end])
	}
	columns := make([]string, len(starts))
	for i := range starts {
		columns[i] = cell(header, i)
	}
	var rows []map[string]string
	for _, line := range lines[1:] {
		row := map[string]string{}
		for i, name := range columns {
			row[name] = cell(line, i)
		}
		rows = append(rows, row)
	}
	return columns, rows
}

// jsonString is v as JSON, for failure messages.
func jsonString(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
