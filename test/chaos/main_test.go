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

// Package chaos proves, by trials, that the operator is safe when it crashes and when what it
// talks to fails: the built manager binary, a real kube-apiserver and etcd (envtest), and the
// simulators of the clouds registered with internal/sim/simclouds, run in the test's process so
// that their call logs show the passwords sent.
//
// Campaigns, per cloud (docs/reliability.md has the details and the last full run's numbers):
//
//   - calibration: batches without disturbance, which measure the busy window (from the start of a
//     batch until everything converged; the median);
//   - kill: a batch of creates, rotations, status and flag changes and deletions, the manager
//     killed with SIGKILL at a moment drawn uniformly over the busy window, restarted at once,
//     and in some trials killed once more after it started again;
//   - faults: the same batch while 20% of the cloud calls fail (503, connection dropped before the
//     cloud acts, answer lost after it acted);
//   - outage: the same batch while the API server is unreachable for the manager for 20 s (it
//     talks to the API server through a TCP proxy that drops every connection and refuses new
//     ones).
//
// After each trial everything must converge, and the invariants hold (invariants_test.go): no profile
// created twice, no change lost, no object stuck, and the password re-sends are counted. The
// trials of a campaign share one control plane, one simulator per cloud and the manager; each
// trial has its own namespace and cloud users.
//
// `make test` runs a short version (CHAOS_* unset: 1 calibration, 3 kill and 1 fault trial per
// cloud; it asserts no double create and no stuck object, and reports the rest);
// `make chaos` runs the full campaign (3 calibration, 50 kill, 15 fault and 3 outage trials per
// cloud) and prints the table. The parameters are CHAOS_* environment variables
// (config_test.go); the seed is printed, CHAOS_SEED replays the draws.
package chaos

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

var crdDir = filepath.Join("..", "..", "config", "crd", "bases")

// slowConvergence: the timeline of a trial that took longer to converge is logged.
const slowConvergence = 3 * pollInterval

// credentialsNamespace holds the ProviderConfigs' credentials Secrets: the manager's default
// --credentials-namespace outside a cluster.
const credentialsNamespace = "loginprofile-system"

// suite is what the trials share.
type suite struct {
	cfg    config
	dir    string
	cp     *utils.ControlPlane
	k8s    client.Client
	proxy  *utils.TCPProxy
	mgr    *manager
	clouds []*cloudEnv
}

// cloudEnv is one cloud of the campaign: its simulator, served by a front, and the ProviderConfig
// pointing at it.
type cloudEnv struct {
	cloudKind
	sim   simulator
	front *front
	pc    string
	// busy is the busy window, measured by the calibration trials.
	busy time.Duration
}

func startSuite(cfg config) (*suite, error) {
	s := &suite{cfg: cfg}
	assets, bin, err := utils.ManagerBinaries("the chaos trials", "make chaos")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "loginprofile-chaos-")
	if err != nil {
		return nil, err
	}
	s.dir = dir
	if s.cp, err = utils.StartControlPlane(utils.ControlPlaneOptions{
		AssetsDir: assets, CRDDir: crdDir, KubeconfigPath: filepath.Join(dir, "kubeconfig"),
	}); err != nil {
		return s, err
	}
	restCfg := rest.CopyConfig(s.cp.Env.Config)
	restCfg.QPS, restCfg.Burst = 500, 1000 // the test polls; client-go's default 5/s would pace it
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return s, err
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return s, err
	}
	if s.k8s, err = client.New(restCfg, client.Options{Scheme: scheme}); err != nil {
		return s, err
	}

	// The manager reaches the API server through the proxy only; the test directly.
	apiServer, err := utils.KubeconfigServerHost(s.cp.Kubeconfig)
	if err != nil {
		return s, err
	}
	if s.proxy, err = utils.StartTCPProxy("127.0.0.1:0", apiServer); err != nil {
		return s, err
	}
	managerKubeconfig := filepath.Join(dir, "manager.kubeconfig")
	if err := utils.WriteKubeconfigVia(s.cp.Kubeconfig, managerKubeconfig, s.proxy.Addr()); err != nil {
		return s, err
	}
	s.mgr = &manager{bin: bin, dir: dir, kubeconfig: managerKubeconfig}

	ctx := context.Background()
	if err := s.k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: credentialsNamespace}}); err != nil {
		return s, err
	}
	if err := s.k8s.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "chaos-credentials", Namespace: credentialsNamespace},
		Data:       map[string][]byte{"accessKeyId": []byte(accessKeyID), "accessKeySecret": []byte(accessKeySecret)},
	}); err != nil {
		return s, err
	}
	for i, name := range cfg.clouds {
		c, ok := simclouds.Get(name)
		if !ok { // loadConfig takes only registered clouds
			return s, fmt.Errorf("no simulated cloud %q is registered", name)
		}
		kind := newCloudKind(c)
		ce := &cloudEnv{cloudKind: kind, sim: kind.newSim(), pc: "chaos-" + name}
		if ce.front, err = startFront(ce.sim, cfg.maxLatency, cfg.seed+uint64(i)); err != nil {
			return s, err
		}
		s.clouds = append(s.clouds, ce)
		pc := &v1alpha1.ProviderConfig{
			ObjectMeta: metav1.ObjectMeta{Name: ce.pc},
			Spec: v1alpha1.ProviderConfigSpec{Credentials: v1alpha1.ProviderCredentials{
				Source:    v1alpha1.CredentialsSourceSecret,
				SecretRef: &v1alpha1.SecretReference{Namespace: credentialsNamespace, Name: "chaos-credentials"},
			}},
		}
		ce.sim.providerConfig(&pc.Spec, ce.front.url)
		if err := s.k8s.Create(ctx, pc); err != nil {
			return s, fmt.Errorf("creating ProviderConfig %s: %w", ce.pc, err)
		}
	}
	p, _, err := s.mgr.start()
	if err != nil {
		return s, err
	}
	if err := waitStarted(p); err != nil {
		return s, err
	}
	for _, ce := range s.clouds {
		if err := s.waitProviderConfigReady(ce.pc); err != nil {
			return s, err
		}
	}
	return s, nil
}

// waitProviderConfigReady polls until the ProviderConfig is Ready.
func (s *suite) waitProviderConfigReady(name string) error {
	return utils.WaitProviderConfigReady(s.k8s, name, nil)
}

// teardown stops the manager, the simulators, the proxy and the control plane; it keeps the
// directory of logs unless keep is false.
func (s *suite) teardown(keep bool) error {
	var errs []error
	if s.mgr != nil {
		if err := s.mgr.stop(); err != nil {
			errs = append(errs, fmt.Errorf("stopping the manager: %w", err))
		}
	}
	for _, ce := range s.clouds {
		ce.front.close()
	}
	if s.proxy != nil {
		if err := s.proxy.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing the proxy: %w", err))
		}
	}
	if s.cp != nil {
		if err := s.cp.Stop(); err != nil {
			errs = append(errs, err)
		}
	}
	if s.dir != "" {
		if keep {
			fmt.Printf("chaos: logs kept in %s\n", s.dir)
		} else {
			_ = os.RemoveAll(s.dir)
		}
	}
	return errors.Join(errs...)
}

// TestChaos runs the campaigns, prints the table and fails on a violation of an asserted
// invariant (CHAOS_ASSERT; the short version asserts those the operator keeps today).
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: the chaos trials need a control plane and the built manager; run `make test` or `make chaos`")
	}
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("chaos: %s", cfg)
	t.Logf("chaos: replay the draws with CHAOS_SEED=%d", cfg.seed)
	started := time.Now()
	s, err := startSuite(cfg)
	t.Cleanup(func() {
		if s == nil {
			return
		}
		if err := s.teardown(t.Failed() || cfg.keep); err != nil {
			t.Errorf("teardown: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("starting the chaos environment: %v", err)
	}
	t.Logf("chaos: environment up in %s (logs in %s)", time.Since(started).Round(time.Millisecond), s.dir)

	var results []*trialResult
	record := func(r *trialResult) {
		results = append(results, r)
		t.Log(r.summary())
		if cfg.verbose || (r.converged && r.converge > slowConvergence) {
			t.Logf("timeline of %s:\n  %s", r.name(), strings.Join(r.timeline, "\n  "))
		}
		if cfg.verbose && r.resendExample != nil {
			t.Logf("%s\n%s", r.resendExample.headline(), r.resendExample.excerpt)
		}
		if r.err != nil {
			t.Errorf("%s: the trial could not run: %v", r.name(), r.err)
		}
	}
	for _, ce := range s.clouds {
		var busy []time.Duration
		for i := 1; i <= max(cfg.calibrationTrials, 1); i++ {
			r := s.runTrial(ce, campaignCalibration, i)
			record(r)
			if r.converged {
				busy = append(busy, r.converge)
			} else {
				busy = append(busy, r.lastWrite)
			}
		}
		slices.Sort(busy)
		ce.busy = max(busy[len(busy)/2], 500*time.Millisecond)
		t.Logf("chaos: %s busy window %s (the median of %v)", ce.name, ce.busy.Round(time.Millisecond), busy)
	}
	for _, camp := range []struct {
		c      campaign
		trials int
	}{{campaignKill, cfg.killTrials}, {campaignFaults, cfg.faultTrials}, {campaignOutage, cfg.outageTrials}} {
		for _, ce := range s.clouds {
			for i := 1; i <= camp.trials; i++ {
				record(s.runTrial(ce, camp.c, i))
			}
		}
	}

	table := reportTable(results, cfg)
	t.Logf("chaos: %s in %s\n%s", cfg, time.Since(started).Round(time.Second), table)
	fmt.Printf("\n%s\n", table)
	if cfg.report != "" {
		report := fmt.Sprintf("Command: %s\n\nParameters: %s; took %s.\n\n%s\n%s", commandLine(cfg), cfg,
			time.Since(started).Round(time.Second), table, violationsReport(results))
		if err := os.WriteFile(cfg.report, []byte(report), 0o600); err != nil {
			t.Errorf("writing the report: %v", err)
		}
	}
	for _, r := range results {
		for _, v := range r.violations {
			if cfg.assert[v.inv] {
				t.Errorf("%s\n%s", v.headline(), v.excerpt)
			} else {
				t.Logf("not asserted: %s\n%s", v.headline(), v.excerpt)
			}
		}
	}
}

// commandLine is the command that replays this campaign.
func commandLine(cfg config) string {
	return fmt.Sprintf("make chaos CHAOS_SEED=%d CHAOS_CALIBRATION_TRIALS=%d CHAOS_TRIALS=%d CHAOS_FAULT_TRIALS=%d CHAOS_OUTAGE_TRIALS=%d",
		cfg.seed, cfg.calibrationTrials, cfg.killTrials, cfg.faultTrials, cfg.outageTrials)
}
