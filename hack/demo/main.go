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
// the operator manages (every simulator registered with internal/sim/simclouds: Alibaba Cloud IMS,
// Huawei Cloud IAM v5), the manager, the sample LoginProfiles of every cloud, and two teams sharing
// a cloud account (config/samples/multi_team.yaml), one of whose LoginProfiles is refused as
// Forbidden and another as Conflict. Then it shows the login's life (docs/lifecycle.md): the
// password the operator generated for the sample that sets generatePassword, and a LoginProfile of
// its own, with disableAfterUnused 30s, disabled for being unused. It runs until interrupted
// (Ctrl-C), then stops everything.
//
//	make demo
//	# or: KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh) go run ./hack/demo --manager bin/manager --cloudsim bin/cloudsim
//
// Run it from the repository root: it reads config/crd/bases and config/samples.
package main

import (
	"context"
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

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds/all" // registers every simulator
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

const (
	crdDir = "config/crd/bases"
	// Two teams sharing a cloud account: their ProviderConfigs (applied with the simulator as
	// endpoint), LoginProfiles and Secrets.
	multiTeamFile = "config/samples/multi_team.yaml"
	metricsAddr   = "127.0.0.1:8080"
	pollInterval  = 30 * time.Second
	readyTimeout  = 3 * time.Minute
	lifecycleDoc  = "docs/lifecycle.md"
)

// The LoginProfiles of multi_team.yaml refused on purpose, by namespace/name: the Ready reason each
// must show. Every other LoginProfile must be Ready.
var refusedOnPurpose = map[string]string{
	"team-b/gina":           "Forbidden",
	"team-a/dana-duplicate": "Conflict",
}

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

Runs a local control plane, a simulator of each cloud (%s), the operator and the sample
LoginProfiles until interrupted. KUBEBUILDER_ASSETS is the directory holding kube-apiserver, etcd and kubectl
(hack/envtest-assets.sh prints it). Run it from the repository root.

Flags:
`, strings.Join(simclouds.Names(), ", "))
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

// simulated is one cloud of the demo: its simulator process and what the samples hold for it.
type simulated struct {
	simclouds.Cloud
	sim   *utils.Cloudsim
	users []string // the simulator's users: the cloud's default ones and the samples'
}

type demo struct {
	opts    options
	dir     string
	assets  string
	kubectl utils.Kubectl
	cp      *utils.ControlPlane
	plan    *plan
	clouds  []*simulated
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
	for _, p := range append([]string{crdDir, multiTeamFile}, sampleFiles()...) {
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
	var err error
	if d.plan, err = readPlan(); err != nil {
		return err
	}
	logf.SetLogger(logr.Discard()) // envtest's own logging
	var apis []string
	for _, c := range simclouds.All() {
		apis = append(apis, c.Name+" ("+c.API+")")
	}
	fmt.Printf("loginprofile-operator demo: a local control plane, simulated clouds: %s, the operator and the samples\n",
		strings.Join(apis, ", "))

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

	for _, c := range simclouds.All() {
		if err := ctx.Err(); err != nil {
			return nil
		}
		if err := d.startSimulator(c); err != nil {
			return err
		}
	}

	if err := d.applyProviderConfigs(); err != nil {
		return err
	}

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

	for _, f := range sampleFiles() {
		step("Applying the sample LoginProfiles and their Secrets: kubectl apply -f %s", f)
		out, err := d.kubectl.ApplyFile(f)
		if err != nil {
			return err
		}
		fmt.Println(indent(out))
	}
	if err := d.applyUnused(); err != nil {
		return err
	}

	teams, err := d.plan.teamsManifest(d.simulatorOf)
	if err != nil {
		return err
	}
	step("Two teams share a cloud account: the namespaces %s, and kubectl apply -f %s", strings.Join(d.plan.teamNamespaces, " and "), multiTeamFile)
	fmt.Printf("    (its ProviderConfigs pointed at the simulator; the LoginProfiles %s are refused on purpose)\n",
		strings.Join(refusedNames(), " and "))
	out, err := d.kubectl.ApplyManifest(d.dir, "multi-team.yaml", teams)
	if err != nil {
		return err
	}
	fmt.Println(indent(out))

	step("Waiting for the LoginProfiles to be Ready, but the %d refused on purpose: kubectl get lp -A -o wide", len(refusedOnPurpose))
	err = d.waitReady(ctx)
	if err == nil {
		err = d.showLifecycle(ctx)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		fmt.Printf("\nWARNING: %v\nThe demo keeps running so that you can look into it; the manager's log is %s.\n", err, managerLog)
	}
	d.instructions()
	return d.wait(ctx)
}

// startSimulator starts the simulator of c with its default users and those of the samples.
func (d *demo) startSimulator(c simclouds.Cloud) error {
	s := &simulated{Cloud: c, users: d.plan.users(c)}
	step("Starting the %s simulator (%s --cloud %s) with the users %s", c.Name, d.opts.cloudsim, c.Name, strings.Join(s.users, ", "))
	var err error
	s.sim, err = utils.StartCloudsim(d.opts.cloudsim, []string{
		"--cloud", c.Name, "--listen", "127.0.0.1:0", "--users", strings.Join(s.users, ","), "--log-calls",
	}, filepath.Join(d.dir, "cloudsim-"+c.Name+".log"), time.Minute)
	if err != nil {
		return err
	}
	d.clouds = append(d.clouds, s)
	account := ""
	if c.AccountIDName != "" {
		account = ", " + c.AccountIDName + " " + s.sim.AccountID
	}
	fmt.Printf("    listening on %s%s (log: %s)\n", s.sim.URL, account, s.sim.LogPath)
	return nil
}

// simulatorOf is the simulator of the cloud whose section spec sets.
func (d *demo) simulatorOf(c simclouds.Cloud) *utils.Cloudsim {
	for _, s := range d.clouds {
		if s.Name == c.Name {
			return s.sim
		}
	}
	return nil
}

// applyProviderConfigs creates the credentials namespace, each cloud's credentials Secret with its
// simulator's access key, and the ProviderConfig its samples name, pointing at its simulator (the
// samples' own ProviderConfigs point at the real clouds).
func (d *demo) applyProviderConfigs() error {
	objs := []any{utils.Namespace(utils.CredentialsNamespace)}
	var names []string
	for _, s := range d.clouds {
		secret := s.Name + "-credentials"
		objs = append(objs, utils.CredentialsSecret(secret, s.DefaultAccessKeyID, s.DefaultAccessKeySecret),
			utils.SimProviderConfig(s.Cloud, s.SampleProviderConfig, s.sim, secret))
		names = append(names, fmt.Sprintf("%q (%s, %s)", s.SampleProviderConfig, s.Name, s.sim.URL))
	}
	step("Creating the namespace %s, the credentials Secrets and the ProviderConfigs %s", utils.CredentialsNamespace, strings.Join(names, ", "))
	fmt.Println("    (the samples' ProviderConfigs are not applied: they point at the real clouds; these point at the simulators)")
	manifest, err := utils.Manifest(objs...)
	if err != nil {
		return err
	}
	out, err := d.kubectl.ApplyManifest(d.dir, "providerconfigs.yaml", manifest)
	if err != nil {
		return err
	}
	fmt.Println(indent(out))
	return nil
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
// refused, and what the simulated cloud heard of their users: nothing of a Forbidden one's, and of a
// Conflict one's only its owner's create.
func (d *demo) summary(profiles []profile) {
	step("%d LoginProfiles are Ready; the other %d are refused on purpose:", len(profiles)-len(refusedOnPurpose), len(refusedOnPurpose))
	for _, p := range profiles {
		if want, ok := refusedOnPurpose[p.key]; ok {
			fmt.Printf("    %s: %s: %s\n", p.key, want, p.message)
		}
	}
	for _, key := range refusedNames() {
		r, ok := d.plan.refused[key]
		sim := d.simulatorOf(r.cloud)
		if !ok || sim == nil {
			fmt.Printf("    WARNING: %s is not in %s\n", key, multiTeamFile)
			continue
		}
		calls, err := sim.Admin.CallsFor(utils.OpAny, r.user)
		if err != nil {
			fmt.Printf("    (the simulator's call log cannot be read: %v)\n", err)
			return
		}
		var writes []string
		for _, c := range calls {
			if c.Op != utils.OpGet {
				writes = append(writes, string(c.Op))
			}
		}
		switch want := refusedOnPurpose[key]; {
		case want == "Forbidden" && len(calls) == 0:
			fmt.Printf("    The simulated %s cloud received no call about %s, the user of %s.\n", r.cloud.Name, r.user, key)
		case want == "Conflict" && slices.Equal(writes, []string{string(utils.OpCreate)}):
			fmt.Printf("    The simulated %s cloud received one write for %s, the user of %s: its owner's create.\n", r.cloud.Name, r.user, key)
		default:
			fmt.Printf("    WARNING: the simulated %s cloud received %d calls about %s (%s), writes %v\n", r.cloud.Name, len(calls), r.user, key, writes)
		}
	}
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

// wait runs until interrupted, or until the manager or a simulator exits.
func (d *demo) wait(ctx context.Context) error {
	exited := make(chan *simulated, len(d.clouds))
	for _, s := range d.clouds {
		go func() {
			select {
			case <-s.sim.Exited():
				exited <- s
			case <-ctx.Done():
			}
		}()
	}
	select {
	case <-ctx.Done():
		fmt.Println("\nInterrupted.")
		return nil
	case <-d.manager.Exited():
		return fmt.Errorf("the manager exited unexpectedly (%w); end of its log (%s):\n%s",
			d.manager.ExitCause(), d.manager.LogPath, indent(d.manager.LogTail(20)))
	case s := <-exited:
		return fmt.Errorf("the %s simulator exited unexpectedly (%w); end of its log (%s):\n%s",
			s.Name, s.sim.ExitCause(), s.sim.LogPath, indent(s.sim.LogTail(20)))
	}
}

// shutdown stops what was started, the manager first.
func (d *demo) shutdown() {
	if d.cp == nil {
		return
	}
	step("Stopping everything")
	if d.manager != nil && d.manager.Running() {
		if err := d.manager.Stop(30 * time.Second); err != nil {
			fmt.Printf("    the manager: %v\n", err)
		} else {
			fmt.Println("    stopped the manager")
		}
	}
	for _, s := range d.clouds {
		if s.sim.Running() {
			if err := s.sim.Stop(10 * time.Second); err != nil {
				fmt.Printf("    the %s simulator: %v\n", s.Name, err)
			} else {
				fmt.Printf("    stopped the %s simulator\n", s.Name)
			}
		}
	}
	if err := d.cp.Stop(); err != nil {
		fmt.Printf("    the control plane: %v\n", err)
	} else {
		fmt.Println("    stopped the control plane (kube-apiserver, etcd; their data is removed)")
	}
}
