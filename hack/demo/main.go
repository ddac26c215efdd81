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

// Command demo runs the operator on a laptop, with nothing to install and no cloud account: a
// local control plane (etcd and kube-apiserver, as envtest runs them), a simulator of each cloud
// the operator manages (Alibaba Cloud IMS, Huawei Cloud IAM v5), the manager, the sample
// LoginProfiles of both clouds, and two teams sharing the Alibaba Cloud account
// (config/samples/multi_team.yaml), one of whose LoginProfiles is refused as Forbidden and another
// as Conflict. It runs until interrupted (Ctrl-C), then stops everything.
//
//	make demo
//	# or: KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh) go run ./hack/demo --manager bin/manager --cloudsim bin/cloudsim
//
// Run it from the repository root: it reads config/crd/bases and config/samples.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/yaml"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

const (
	crdDir = "config/crd/bases"
	// The sample LoginProfiles of each cloud.
	samplesFile       = "config/samples/iam_v1alpha1_loginprofile.yaml"
	huaweiSamplesFile = "config/samples/iam_v1alpha1_loginprofile_huawei.yaml"
	// The sample ProviderConfigs point at the real clouds: the demo applies its own instead.
	sampleProviderConfig       = "config/samples/iam_v1alpha1_providerconfig.yaml"
	huaweiSampleProviderConfig = "config/samples/iam_v1alpha1_providerconfig_huawei.yaml"
	// Two teams sharing the Alibaba Cloud account: their ProviderConfigs (applied with the
	// simulator as endpoint), LoginProfiles and Secrets.
	multiTeamFile = "config/samples/multi_team.yaml"
	// huaweiProviderConfig is the name the Huawei sample LoginProfile's providerConfigRef uses.
	huaweiProviderConfig = "huawei"
	metricsAddr          = "127.0.0.1:8080"
	pollInterval         = 30 * time.Second
	readyTimeout         = 3 * time.Minute
)

// The Alibaba Cloud simulator's users: the samples', one more to try things with (carol), and the
// teams' (multi_team.yaml).
var users = []string{"alice@example.onaliyun.com", "bob@example.onaliyun.com", "carol@example.onaliyun.com",
	teamDana, "ben.team-b@example.onaliyun.com", teamGina}

// The LoginProfiles of multi_team.yaml refused on purpose, by namespace/name: the Ready reason each
// must show. Every other LoginProfile must be Ready.
var refusedOnPurpose = map[string]string{
	"team-b/gina":           "Forbidden",
	"team-a/dana-duplicate": "Conflict",
}

// The users of the refused LoginProfiles: the cloud must hear nothing of gina, and of dana only
// what team-a/dana, her owner, did.
const (
	teamDana = "dana.team-a@example.onaliyun.com"
	teamGina = "gina.team-a@example.onaliyun.com"
)

// The Huawei Cloud simulator's users are cloudsim's defaults (IAM user ids, which it prints): among
// them erin, the user of the Huawei sample, and carol, to try things with.
const (
	huaweiErin  = "e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1"
	huaweiCarol = "ca401000000000000000000000000000"
)

type options struct {
	manager, cloudsim, dir string
}

func main() {
	var o options
	flag.StringVar(&o.manager, "manager", "bin/manager", "the manager binary (make build)")
	flag.StringVar(&o.cloudsim, "cloudsim", "bin/cloudsim", "the cloud simulator binary (make build)")
	flag.StringVar(&o.dir, "dir", ".demo", "where the kubeconfig and the logs are written")
	flag.Usage = func() {
		_, _ = fmt.Fprintf(flag.CommandLine.Output(), `Usage: KUBEBUILDER_ASSETS=DIR go run ./hack/demo [flags]   (or: make demo)

Runs a local control plane, a simulator of each cloud (Alibaba Cloud, Huawei Cloud), the operator
and the sample LoginProfiles until interrupted. KUBEBUILDER_ASSETS is the directory holding kube-apiserver, etcd and kubectl
(hack/envtest-assets.sh prints it). Run it from the repository root.

Flags:
`)
		flag.PrintDefaults()
	}
	flag.Parse()

	// The first Ctrl-C stops the demo cleanly; a second one ends it at once (the manager and the
	// simulators die with it; envtest's etcd and kube-apiserver may be left running).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()

	d := &demo{opts: o}
	err := d.run(ctx)
	d.shutdown()
	if err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("Everything is stopped. Bye.")
}

type demo struct {
	opts    options
	dir     string
	assets  string
	kubectl utils.Kubectl
	cp      *utils.ControlPlane
	sim     *utils.Cloudsim // Alibaba Cloud
	huawei  *utils.Cloudsim // Huawei Cloud
	manager *utils.Process
	metrics bool // served on metricsAddr
}

func step(format string, args ...any) { fmt.Printf("==> "+format+"\n", args...) }

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// checkInputs explains what to do when something the demo needs is missing.
func (d *demo) checkInputs() error {
	d.assets = os.Getenv("KUBEBUILDER_ASSETS")
	if d.assets == "" {
		return errors.New("KUBEBUILDER_ASSETS is not set: it names the directory holding kube-apiserver, etcd and kubectl.\n" +
			"Run `make demo`, or: KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh) go run ./hack/demo --manager bin/manager --cloudsim bin/cloudsim")
	}
	if err := utils.CheckAssets(d.assets); err != nil {
		return fmt.Errorf("%w\nRun `make envtest` (or hack/envtest-assets.sh) to build them", err)
	}
	for name, path := range map[string]string{"--manager": d.opts.manager, "--cloudsim": d.opts.cloudsim} {
		if err := utils.CheckExecutable(path); err != nil {
			return fmt.Errorf("%s %s: %w\nRun `make build` first (it builds bin/manager and bin/cloudsim)", name, path, err)
		}
	}
	for _, p := range []string{crdDir, samplesFile, huaweiSamplesFile, multiTeamFile} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%s not found: run the demo from the repository root", p)
		}
	}
	dir, err := filepath.Abs(d.opts.dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	d.dir = dir
	return nil
}

func (d *demo) run(ctx context.Context) error {
	if err := d.checkInputs(); err != nil {
		return err
	}
	logf.SetLogger(logr.Discard()) // envtest's own logging
	fmt.Println("loginprofile-operator demo: a local control plane, a simulated Alibaba Cloud (IMS API) and Huawei Cloud " +
		"(IAM v5 API), the operator and the samples")

	step("Starting a local control plane: etcd and kube-apiserver from %s", d.assets)
	start := time.Now()
	cp, err := utils.StartControlPlane(utils.ControlPlaneOptions{
		AssetsDir: d.assets, CRDDir: crdDir, KubeconfigPath: filepath.Join(d.dir, "kubeconfig"),
	})
	if err != nil {
		return err
	}
	d.cp, d.kubectl = cp, cp.Kubectl
	fmt.Printf("    ready in %s, CRDs installed, admin kubeconfig in %s\n", time.Since(start).Round(100*time.Millisecond), cp.Kubeconfig)
	if err := ctx.Err(); err != nil {
		return nil
	}

	step("Starting the Alibaba Cloud simulator (%s --cloud alibaba) with the users %s", d.opts.cloudsim, strings.Join(users, ", "))
	d.sim, err = utils.StartCloudsim(d.opts.cloudsim, []string{
		"--cloud", "alibaba", "--listen", "127.0.0.1:0", "--users", strings.Join(users, ","), "--log-calls",
	}, filepath.Join(d.dir, "cloudsim-alibaba.log"), time.Minute)
	if err != nil {
		return err
	}
	fmt.Printf("    listening on %s (log: %s)\n", d.sim.URL, d.sim.LogPath)
	if err := ctx.Err(); err != nil {
		return nil
	}

	step("Starting the Huawei Cloud simulator (%s --cloud huawei) with its default users", d.opts.cloudsim)
	d.huawei, err = utils.StartCloudsim(d.opts.cloudsim, []string{
		"--cloud", "huawei", "--listen", "127.0.0.1:0", "--log-calls",
	}, filepath.Join(d.dir, "cloudsim-huawei.log"), time.Minute)
	if err != nil {
		return err
	}
	huaweiUsers, err := d.huawei.Admin.Users()
	if err != nil {
		return err
	}
	fmt.Printf("    listening on %s, domain id %s, user ids %s (log: %s)\n", d.huawei.URL, d.huawei.DomainID,
		strings.Join(huaweiUsers, ", "), d.huawei.LogPath)

	step("Creating the namespace loginprofile-system, the credentials Secrets and the ProviderConfigs \"default\" (Alibaba Cloud, %s) and %q (Huawei Cloud, %s)",
		d.sim.URL, huaweiProviderConfig, d.huawei.URL)
	fmt.Printf("    (%s and %s are not applied: they point at the real clouds; these point at the simulators)\n",
		sampleProviderConfig, huaweiSampleProviderConfig)
	out, err := d.kubectl.ApplyManifest(d.dir, "providerconfigs.yaml",
		providerConfigManifest(d.sim.URL)+"---\n"+huaweiProviderConfigManifest(d.huawei.URL, d.huawei.DomainID))
	if err != nil {
		return err
	}
	fmt.Println(indent(out))

	metrics := "0"
	metricsNote := "metrics disabled: " + metricsAddr + " is in use"
	if utils.PortFree(metricsAddr) {
		metrics, d.metrics = metricsAddr, true
		metricsNote = "metrics on http://" + metricsAddr + "/metrics"
	}
	managerLog := filepath.Join(d.dir, "manager.log")
	step("Starting the manager (%s): poll interval %s, %s, log in %s", d.opts.manager, pollInterval, metricsNote, managerLog)
	d.manager, err = utils.StartProcess(utils.ProcessOptions{
		Name: "manager", Path: d.opts.manager, LogPath: managerLog,
		Args: []string{
			"--kubeconfig", cp.Kubeconfig,
			"--poll-interval=" + pollInterval.String(),
			"--metrics-bind-address=" + metrics,
			"--metrics-secure=false",
			"--health-probe-bind-address=0",
		},
	})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return nil
	}

	for _, f := range []string{samplesFile, huaweiSamplesFile} {
		step("Applying the sample LoginProfiles and their Secrets: kubectl apply -f %s", f)
		out, err = d.kubectl.ApplyFile(f)
		if err != nil {
			return err
		}
		fmt.Println(indent(out))
	}

	teams, namespaces, err := multiTeamManifest(d.sim.URL)
	if err != nil {
		return err
	}
	step("Two teams share the Alibaba Cloud account: the namespaces %s, and kubectl apply -f %s", strings.Join(namespaces, " and "), multiTeamFile)
	fmt.Printf("    (its ProviderConfigs with spec.alibaba.endpoint set to the simulator; the LoginProfiles %s are refused on purpose)\n",
		strings.Join(refusedNames(), " and "))
	out, err = d.kubectl.ApplyManifest(d.dir, "multi-team.yaml", namespaceManifest(namespaces)+teams)
	if err != nil {
		return err
	}
	fmt.Println(indent(out))

	step("Waiting for the LoginProfiles to be Ready, but the %d refused on purpose: kubectl get lp -A -o wide", len(refusedOnPurpose))
	if err := d.waitReady(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		fmt.Printf("\nWARNING: %v\nThe demo keeps running so that you can look into it; the manager's log is %s.\n", err, managerLog)
	}
	d.instructions()
	return d.wait(ctx)
}

// waitReady prints kubectl get lp -A -o wide (USER ID and REASON included) each time it changes,
// until every LoginProfile is Ready but those refused on purpose, which must show their reason
// (refusedOnPurpose); then it says so.
func (d *demo) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(readyTimeout)
	last := ""
	for {
		// Read before the table, so that the last table printed shows them all as expected.
		profiles, listErr := d.profiles()
		out, err := d.kubectl.Run("get", "loginprofiles", "-A", "-o", "wide")
		if err == nil && withoutAge(out) != last {
			fmt.Println(indent(out))
			last = withoutAge(out)
		}
		pending := waitingFor(profiles)
		if listErr == nil && len(pending) == 0 {
			d.summary(profiles)
			return nil
		}
		if !d.manager.Running() {
			return fmt.Errorf("the manager exited (%w); end of its log:\n%s", d.manager.ExitCause(), indent(d.manager.LogTail(20)))
		}
		if time.Now().After(deadline) {
			if listErr != nil {
				return fmt.Errorf("after %s, the LoginProfiles cannot be listed: %w", readyTimeout, listErr)
			}
			return fmt.Errorf("after %s, still waiting for: %s (kubectl get lp -A -o wide shows the reasons)", readyTimeout, strings.Join(pending, "; "))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// profile is what the demo reads of a LoginProfile: its namespace/name and Ready condition.
type profile struct {
	key                    string
	ready, reason, message string
}

func (d *demo) profiles() ([]profile, error) {
	var list struct {
		Items []struct {
			Metadata struct{ Namespace, Name string }
			Status   struct {
				Conditions []struct{ Type, Status, Reason, Message string }
			}
		}
	}
	if err := d.kubectl.GetJSON(&list, "loginprofiles", "-A"); err != nil {
		return nil, err
	}
	out := make([]profile, 0, len(list.Items))
	for _, item := range list.Items {
		p := profile{key: item.Metadata.Namespace + "/" + item.Metadata.Name}
		for _, c := range item.Status.Conditions {
			if c.Type == "Ready" {
				p.ready, p.reason, p.message = c.Status, c.Reason, c.Message
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// waitingFor says which LoginProfiles are not as expected yet: Ready, or refused with the reason
// refusedOnPurpose gives. Empty when every one is, the refused ones included.
func waitingFor(profiles []profile) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range profiles {
		want, refused := refusedOnPurpose[p.key]
		seen[p.key] = refused
		switch {
		case refused && (p.ready != "False" || p.reason != want):
			out = append(out, fmt.Sprintf("%s to be refused (%s), it is Ready %s (%s)", p.key, want, orUnknown(p.ready), p.reason))
		case !refused && p.ready != "True":
			out = append(out, fmt.Sprintf("%s to be Ready, it is Ready %s (%s)", p.key, orUnknown(p.ready), p.reason))
		}
	}
	for _, key := range refusedNames() {
		if !seen[key] {
			out = append(out, key+" to exist")
		}
	}
	if len(profiles) == 0 {
		out = append(out, "LoginProfiles to exist")
	}
	return out
}

func orUnknown(status string) string {
	if status == "" {
		return "Unknown"
	}
	return status
}

// refusedNames are the LoginProfiles refused on purpose, sorted.
func refusedNames() []string {
	names := make([]string, 0, len(refusedOnPurpose))
	for key := range refusedOnPurpose {
		names = append(names, key)
	}
	slices.Sort(names)
	return names
}

// summary says that every LoginProfile is Ready but the ones refused on purpose, why those are
// refused, and what the simulated cloud heard of their users.
func (d *demo) summary(profiles []profile) {
	step("%d LoginProfiles are Ready; the other %d are refused on purpose:", len(profiles)-len(refusedOnPurpose), len(refusedOnPurpose))
	for _, p := range profiles {
		if want, ok := refusedOnPurpose[p.key]; ok {
			fmt.Printf("    %s: %s: %s\n", p.key, want, p.message)
		}
	}
	gina, errGina := d.sim.Admin.CallsFor(utils.OpAny, teamGina)
	dana, errDana := d.sim.Admin.CallsFor(utils.OpAny, teamDana)
	if err := errors.Join(errGina, errDana); err != nil {
		fmt.Printf("    (the simulator's call log cannot be read: %v)\n", err)
		return
	}
	var writes []string
	for _, c := range dana {
		if c.Op != utils.OpGet {
			writes = append(writes, string(c.Op))
		}
	}
	if len(gina) == 0 && slices.Equal(writes, []string{string(utils.OpCreate)}) {
		fmt.Printf("    The simulated Alibaba Cloud received no call about %s, and one write for %s: the create of team-a/dana.\n",
			teamGina, teamDana)
		return
	}
	fmt.Printf("    WARNING: the simulated Alibaba Cloud received %d calls about %s (want none), and the writes %v for %s (want one Create)\n",
		len(gina), teamGina, writes, teamDana)
}

// withoutAge is a kubectl table without its last column (AGE), which changes every second.
func withoutAge(table string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(strings.TrimRight(table, "\n"), "\n") {
		line = strings.TrimRight(line, " ")
		if i := strings.LastIndex(line, " "); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func (d *demo) instructions() {
	sim, hw := d.sim.URL, d.huawei.URL
	alice := sim + "/_sim/users/" + users[0]
	erin := hw + "/_sim/users/" + huaweiErin
	fmt.Printf(`
The demo is running. In another terminal, from this directory:

  export KUBECONFIG=%[1]s
  export PATH=%[2]s:$PATH
  # (that puts first the kubectl the demo uses: %[2]s/kubectl)

Look around:
  kubectl get loginprofiles -A
  kubectl get lp -A -o wide                       # with USER ID (Huawei Cloud) and the reason of Ready
  kubectl describe loginprofiles -n default alice
  kubectl get providerconfigs
  kubectl get events -n default

Rotate alice's password: change her Secret; the operator sends the new password, once:
  kubectl -n default create secret generic alice-console --from-literal=password='Rotated-Passw0rd-9!' \
    --dry-run=client -o yaml | kubectl apply -f -
  kubectl get events -n default --field-selector reason=PasswordRotated

The simulated Alibaba Cloud, through its admin API (passwords show as [redacted]):
  # every API call the operator made
  curl -s %[3]s/_sim/calls
  # alice's console login in the cloud
  curl -s %[4]s/profile
  # drift: require MFA out of band; the operator corrects it at its next poll (within %[5]s)
  curl -s -X PUT -d '{"mfaBindRequired":true}' %[4]s/profile
  kubectl get events -n default --field-selector reason=DriftCorrected

Give carol a console login:
  kubectl -n default create secret generic carol-console --from-literal=password='Console-S3cret-Pw7!'
  kubectl apply -f - <<EOF
  apiVersion: iam.loginprofile.io/v1alpha1
  kind: LoginProfile
  metadata: {name: carol, namespace: default}
  spec: {userPrincipalName: %[6]s, passwordSecretRef: {name: carol-console}}
  EOF
  kubectl wait --for=condition=Ready loginprofiles/carol -n default

The simulated Huawei Cloud (IAM v5, domain id %[7]s), through its admin API, keyed by user id.
Its login profile has no status and no MFA flag: erin's LoginProfile names her by spec.userId.
  # every API call the operator made, and erin's console login in the cloud
  curl -s %[8]s/_sim/calls
  curl -s %[9]s/profile
  # drift: delete erin's login profile out of band; the operator creates it again from her Secret
  # at its next poll (within %[5]s)
  curl -s -X DELETE %[9]s/profile
  kubectl get events -n default --field-selector reason=DriftCorrected,involvedObject.name=erin
  # status Inactive means no login profile on Huawei Cloud: the operator deletes it (a Disabled
  # Event; the profile answers 404) ...
  kubectl -n default patch loginprofiles erin --type merge -p '{"spec":{"status":"Inactive"}}'
  kubectl get events -n default --field-selector reason=Disabled
  curl -s %[9]s/profile
  # ... and Active creates it again, from the Secret
  kubectl -n default patch loginprofiles erin --type merge -p '{"spec":{"status":"Active"}}'
  # mfaBindRequired cannot be honoured there: Ready=False, reason Unsupported, no call to the cloud
  kubectl -n default create secret generic carol-huawei-console --from-literal=password='Console-S3cret-Hw7!'
  kubectl apply -f - <<EOF
  apiVersion: iam.loginprofile.io/v1alpha1
  kind: LoginProfile
  metadata: {name: carol-huawei, namespace: default}
  spec: {providerConfigRef: {name: %[10]s}, userId: %[11]s, mfaBindRequired: true, passwordSecretRef: {name: carol-huawei-console}}
  EOF
  kubectl get lp -n default carol-huawei -o wide

Two teams share the simulated Alibaba Cloud account, each through a ProviderConfig of its own
(team-a, team-b: allowedNamespaces, allowedUsers, protectedUsers; see %[16]s):
  kubectl get providerconfigs team-a -o yaml
  kubectl get lp -n team-a -o wide; kubectl get lp -n team-b -o wide
  # Forbidden: team-b may not use team A's ProviderConfig; the cloud never heard of gina
  kubectl describe loginprofiles -n team-b gina
  curl -s %[3]s/_sim/calls | grep -c gina.team-a     # 0
  # Conflict: team-a/dana, older, manages dana.team-a; dana-duplicate makes no call
  kubectl describe loginprofiles -n team-a dana-duplicate
  # let team-b use team A's ProviderConfig: gina becomes Ready
  kubectl patch providerconfigs team-a --type merge -p '{"spec":{"allowedNamespaces":{"names":["team-a","team-b"]}}}'
  # hand dana over: delete team-a/dana, leaving her login (Orphan); dana-duplicate takes over
  kubectl -n team-a patch loginprofiles dana --type merge -p '{"spec":{"deletionPolicy":"Orphan"}}'
  kubectl -n team-a delete loginprofiles dana
  kubectl get events -n team-a --field-selector reason=TookOver
%[12]s
Logs: %[13]s (manager), %[14]s and %[15]s (simulators).

Press Ctrl-C to stop everything.
`, d.cp.Kubeconfig, d.assets, sim, alice, pollInterval, users[2],
		d.huawei.DomainID, hw, erin, huaweiProviderConfig, huaweiCarol,
		d.metricsHint(), d.manager.LogPath, d.sim.LogPath, d.huawei.LogPath, multiTeamFile)
}

func (d *demo) metricsHint() string {
	if !d.metrics {
		return ""
	}
	return "\nThe operator's metrics:\n  curl -s http://" + metricsAddr + "/metrics | grep -E '^loginprofile_'   # calls by cloud, action and code; LoginProfiles by Ready (docs/operations.md)\n"
}

// wait runs until interrupted, or until the manager or a simulator exits.
func (d *demo) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		fmt.Println("\nInterrupted.")
		return nil
	case <-d.manager.Exited():
		return fmt.Errorf("the manager exited unexpectedly (%w); end of its log (%s):\n%s",
			d.manager.ExitCause(), d.manager.LogPath, indent(d.manager.LogTail(20)))
	case <-d.sim.Exited():
		return fmt.Errorf("the Alibaba Cloud simulator exited unexpectedly (%w); end of its log (%s):\n%s",
			d.sim.ExitCause(), d.sim.LogPath, indent(d.sim.LogTail(20)))
	case <-d.huawei.Exited():
		return fmt.Errorf("the Huawei Cloud simulator exited unexpectedly (%w); end of its log (%s):\n%s",
			d.huawei.ExitCause(), d.huawei.LogPath, indent(d.huawei.LogTail(20)))
	}
}

// shutdown stops what was started, the manager first.
func (d *demo) shutdown() {
	if d.cp == nil {
		return
	}
	step("Stopping everything")
	if d.manager != nil {
		if d.manager.Running() {
			if err := d.manager.Stop(30 * time.Second); err != nil {
				fmt.Printf("    the manager: %v\n", err)
			} else {
				fmt.Println("    stopped the manager")
			}
		}
	}
	for _, sim := range []struct {
		p    *utils.Cloudsim
		name string
	}{{d.sim, "Alibaba Cloud"}, {d.huawei, "Huawei Cloud"}} {
		if sim.p != nil && sim.p.Running() {
			if err := sim.p.Stop(10 * time.Second); err != nil {
				fmt.Printf("    the %s simulator: %v\n", sim.name, err)
			} else {
				fmt.Printf("    stopped the %s simulator\n", sim.name)
			}
		}
	}
	if d.cp != nil {
		if err := d.cp.Stop(); err != nil {
			fmt.Printf("    the control plane: %v\n", err)
		} else {
			fmt.Println("    stopped the control plane (kube-apiserver, etcd; their data is removed)")
		}
	}
}

// providerConfigManifest is the namespace, the credentials Secret with the simulator's access key
// and the ProviderConfig "default" pointing at the simulator.
func providerConfigManifest(endpoint string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata:
  name: loginprofile-system
---
apiVersion: v1
kind: Secret
metadata:
  name: alibaba-credentials
  namespace: loginprofile-system
type: Opaque
stringData:
  accessKeyId: %s
  accessKeySecret: %s
---
apiVersion: iam.loginprofile.io/v1alpha1
kind: ProviderConfig
metadata:
  name: default
spec:
  alibaba:
    endpoint: %s
  credentials:
    source: Secret
    secretRef:
      namespace: loginprofile-system
      name: alibaba-credentials
`, jsonQuote(alibaba.DefaultAccessKeyID), jsonQuote(alibaba.DefaultAccessKeySecret), jsonQuote(endpoint))
}

// huaweiProviderConfigManifest is the credentials Secret with the Huawei Cloud simulator's access
// key and the ProviderConfig "huawei" (the name the Huawei sample LoginProfile uses) pointing at it.
func huaweiProviderConfigManifest(endpoint, domainID string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Secret
metadata:
  name: huawei-credentials
  namespace: loginprofile-system
type: Opaque
stringData:
  accessKeyId: %s
  accessKeySecret: %s
---
apiVersion: iam.loginprofile.io/v1alpha1
kind: ProviderConfig
metadata:
  name: %s
spec:
  huawei:
    endpoint: %s
    domainId: %s
  credentials:
    source: Secret
    secretRef:
      namespace: loginprofile-system
      name: huawei-credentials
`, jsonQuote(huawei.DefaultAccessKeyID), jsonQuote(huawei.DefaultAccessKeySecret), huaweiProviderConfig,
		jsonQuote(endpoint), jsonQuote(domainID))
}

// multiTeamManifest is the manifest of the multi-team sample (multiTeamFile) with its
// ProviderConfigs pointing at the Alibaba Cloud simulator (endpoint), and the namespaces its objects
// are in, sorted.
func multiTeamManifest(endpoint string) (manifest string, namespaces []string, err error) {
	const path = multiTeamFile
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	var docs []string
	for doc := range strings.SplitSeq(string(raw), "\n---") {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			return "", nil, fmt.Errorf("%s: %w", path, err)
		}
		if obj == nil {
			continue // comments only
		}
		meta, _ := obj["metadata"].(map[string]any)
		if ns, _ := meta["namespace"].(string); ns != "" && !slices.Contains(namespaces, ns) {
			namespaces = append(namespaces, ns)
		}
		if obj["kind"] == "ProviderConfig" {
			spec, _ := obj["spec"].(map[string]any)
			alibabaSpec, ok := spec["alibaba"].(map[string]any)
			if !ok {
				return "", nil, fmt.Errorf("%s: ProviderConfig %v is not an Alibaba Cloud one: the demo points it at the Alibaba Cloud simulator",
					path, meta["name"])
			}
			alibabaSpec["endpoint"] = endpoint
		}
		b, err := yaml.Marshal(obj)
		if err != nil {
			return "", nil, err
		}
		docs = append(docs, string(b))
	}
	slices.Sort(namespaces)
	return strings.Join(docs, "---\n"), namespaces, nil
}

// namespaceManifest is a Namespace per name.
func namespaceManifest(names []string) string {
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n---\n", name)
	}
	return b.String()
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
