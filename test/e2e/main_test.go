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

// Package e2e tests the operator end to end: the built manager binary, driven with the real
// kubectl against a real kube-apiserver and etcd (envtest), managing console logins in the cloud
// simulator's binary, whose admin API tells which calls the operator made.
//
// The operator manages two clouds, Alibaba Cloud (IMS) and Huawei Cloud (IAM v5): TestMain starts
// one control plane, one simulator process per cloud, each with its credentials Secret and its
// ProviderConfig ("default" for Alibaba Cloud, "huawei"), and one manager serving both. Every
// scenario runs once per cloud, as the subtests "alibaba" and "huawei", through the neutral
// utils.SimAdmin; a scenario whose faults would disturb other objects (they are global to a
// simulator process) starts its own short-lived simulator process and ProviderConfig. Each test
// uses its own objects and cloud users. The tests run in the order of the files' names, and in
// their order in each file: the scenarios (e2e_test.go), then what GitOps tools see of them
// (gitops_test.go: TestHealthLive, TestMetrics, which counts the scenarios' calls), then
// TestLeaderElection (two replicas, replacing the suite's manager for a while), TestShards
// (multishard_test.go: two shards, replacing it too), TestTenancy (multitenancy_test.go: named to
// run before the next one), and last TestNoSecretsInLogs
// (secrets_test.go), which stops the manager and reads the logs of every manager process the run
// started.
//
// Run them with `make test`, which builds the binaries and sets KUBEBUILDER_ASSETS, MANAGER_BIN and
// CLOUDSIM_BIN.
package e2e

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// Environment variables the tests need; `make test` sets them.
const (
	envAssets   = "KUBEBUILDER_ASSETS"
	envManager  = "MANAGER_BIN"
	envCloudsim = "CLOUDSIM_BIN"
)

// pollInterval is the manager's --poll-interval: short, so that drift is corrected quickly.
const pollInterval = 2 * time.Second

// Where things are in the repository, from this package.
var (
	repoRoot = filepath.Join("..", "..")
	crdDir   = filepath.Join(repoRoot, "config", "crd", "bases")
)

// suite is what every test shares.
type suite struct {
	dir     string // logs, kubeconfig, manifests
	assets  string
	manager string // binary
	cp      *utils.ControlPlane
	kubectl utils.Kubectl
	simBin  string
	// clouds are the clouds of the table, in the order the subtests run.
	clouds []*cloudEnv

	mu           sync.Mutex
	mgr          *utils.Process // the running manager
	metricsURL   string         // where it serves its metrics
	metricsPorts map[int]bool   // the metrics ports given to managers so far
	managerRuns  int
	managerLogs  []string          // every manager process's log file
	passwords    []string          // every password a test put in a Secret
	sims         []*utils.Cloudsim // every simulator process started, the suite's and the tests'
}

var (
	s *suite
	// setupErr is why the suite could not start; every test fails with it.
	setupErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if testing.Short() {
		setupErr = errSkipShort
		return m.Run()
	}
	logf.SetLogger(logr.Discard()) // envtest's own logging
	var err error
	s, err = startSuite()
	if err != nil {
		setupErr = err
		if s != nil {
			if err := s.teardown(false); err != nil {
				fmt.Fprintln(os.Stderr, "e2e teardown after the failed setup:", err)
			}
		}
		return m.Run()
	}
	code := m.Run()
	if err := s.teardown(code == 0); err != nil {
		fmt.Fprintln(os.Stderr, "e2e teardown:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

var errSkipShort = errors.New("skipped with -short: the e2e tests need a control plane and the built binaries; run `make test`")

// env returns the suite, failing the test when it could not start.
func env(t *testing.T) *suite {
	t.Helper()
	if errors.Is(setupErr, errSkipShort) {
		t.Skip(setupErr.Error())
	}
	if setupErr != nil {
		t.Fatalf("e2e setup failed: %v", setupErr)
	}
	return s
}

func startSuite() (*suite, error) {
	st := &suite{
		assets:  os.Getenv(envAssets),
		manager: os.Getenv(envManager),
	}
	simBin := os.Getenv(envCloudsim)
	var missing []string
	if err := utils.CheckAssets(st.assets); err != nil {
		missing = append(missing, fmt.Sprintf("%s (kube-apiserver, etcd, kubectl): %v", envAssets, err))
	}
	for name, path := range map[string]string{envManager: st.manager, envCloudsim: simBin} {
		if path == "" {
			missing = append(missing, name+" is not set")
		} else if err := utils.CheckExecutable(path); err != nil {
			missing = append(missing, fmt.Sprintf("%s: %v", name, err))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the e2e tests run the built binaries: run `make test` (it builds bin/manager, bin/cloudsim and "+
			"the Kubernetes binaries, and sets %s, %s and %s), or set them yourself:\n  %s",
			envAssets, envManager, envCloudsim, strings.Join(missing, "\n  "))
	}

	dir, err := os.MkdirTemp("", "loginprofile-e2e-")
	if err != nil {
		return nil, err
	}
	st.dir = dir
	fmt.Printf("e2e: logs, kubeconfig and manifests in %s\n", dir)

	st.cp, err = utils.StartControlPlane(utils.ControlPlaneOptions{
		AssetsDir: st.assets, CRDDir: crdDir, KubeconfigPath: filepath.Join(dir, "kubeconfig"),
	})
	if err != nil {
		return st, err
	}
	st.kubectl = st.cp.Kubectl

	st.simBin = simBin
	for i, c := range simclouds.All() {
		ce := newCloudEnv(i, c)
		// The admin API shows no password: a reuse prevention of 1 lets utils.SimAdmin.PasswordIs
		// tell whether a password is the current one.
		sim, err := st.startCloudsim(ce, ce.name, "--password-reuse-prevention", "1")
		if err != nil {
			return st, err
		}
		ce.started(sim)
		fmt.Printf("e2e: %s simulator at %s\n", ce.name, ce.sim.URL)
		manifest, err := utils.Manifest(utils.Namespace(utils.CredentialsNamespace),
			utils.CredentialsSecret(ce.credentialsSecret, ce.accessKeyID, ce.accessKeySecret),
			utils.SimProviderConfig(c, ce.pc, sim, ce.credentialsSecret))
		if err != nil {
			return st, err
		}
		if _, err := st.kubectl.ApplyManifest(dir, "providerconfig-"+ce.name+".yaml", manifest); err != nil {
			return st, fmt.Errorf("creating the ProviderConfig %s: %w", ce.pc, err)
		}
		st.clouds = append(st.clouds, ce)
	}
	if err := st.startManager(); err != nil {
		return st, err
	}
	return st, nil
}

// startCloudsim starts a simulator process of ce's cloud on a free port, with the cloud's
// distinctive access key and its log in the suite's directory (cloudsim-NAME.log), and records it
// for the teardown. args are added to the command line.
func (st *suite) startCloudsim(ce *cloudEnv, name string, args ...string) (*utils.Cloudsim, error) {
	sim, err := utils.StartCloudsim(st.simBin, append([]string{
		"--cloud", ce.name,
		"--listen", "127.0.0.1:0",
		"--access-key-id", ce.accessKeyID, "--access-key-secret", ce.accessKeySecret,
		"--log-calls",
	}, args...), filepath.Join(st.dir, "cloudsim-"+name+".log"), time.Minute)
	if err != nil {
		return nil, fmt.Errorf("starting the %s simulator %s: %w", ce.name, name, err)
	}
	if sim.Cloud != ce.name {
		_ = sim.Kill()
		return nil, fmt.Errorf("the simulator started with --cloud %s says it simulates %q", ce.name, sim.Cloud)
	}
	st.mu.Lock()
	st.sims = append(st.sims, sim)
	st.mu.Unlock()
	return sim, nil
}

// startManager starts the suite's manager process, its metrics served over plain HTTP on a free
// loopback port (TestMetrics scrapes them), and waits until its controllers run.
func (st *suite) startManager() error {
	p, metricsURL, err := st.launchManager("manager")
	if err != nil {
		return err
	}
	st.mu.Lock()
	st.mgr, st.metricsURL = p, metricsURL
	st.mu.Unlock()
	return waitLog(p, "Starting workers", 2*time.Minute, "start its controllers")
}

// launchManager starts a manager process with the suite's flags and extra ones, its log in the
// suite's directory (NAME-N.log, recorded for the log check) and its metrics on a free loopback
// port, served at metricsURL. It does not wait for the manager to start.
func (st *suite) launchManager(name string, extra ...string) (p *utils.Process, metricsURL string, err error) {
	// A port free now, and not given to another manager of the suite (two replicas started back
	// to back could otherwise be given the same one before either binds it).
	var port int
	for range 10 {
		if port, err = utils.FreeLoopbackPort(); err != nil {
			return nil, "", err
		}
		st.mu.Lock()
		taken := st.metricsPorts[port]
		st.mu.Unlock()
		if !taken {
			break
		}
	}
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", port)
	st.mu.Lock()
	if st.metricsPorts == nil {
		st.metricsPorts = map[int]bool{}
	}
	st.metricsPorts[port] = true
	st.managerRuns++
	logPath := filepath.Join(st.dir, fmt.Sprintf("%s-%d.log", name, st.managerRuns))
	st.managerLogs = append(st.managerLogs, logPath)
	st.mu.Unlock()

	p, err = utils.StartProcess(utils.ProcessOptions{
		Name: name, Path: st.manager, LogPath: logPath,
		Args: append([]string{
			"--kubeconfig", st.cp.Kubeconfig,
			// Plain HTTP on loopback: the secure endpoint authorizes callers through the API server,
			// which is the chart's and the kustomize deployment's business.
			"--metrics-bind-address=" + metricsAddr,
			"--metrics-secure=false",
			"--health-probe-bind-address=0",
			"--poll-interval=" + pollInterval.String(),
			// Debug logs too: the log check covers what the operator logs at every level.
			"--zap-log-level=debug",
		}, extra...),
	})
	if err != nil {
		return nil, "", err
	}
	return p, "http://" + metricsAddr + "/metrics", nil
}

// waitLog waits until p logged marker, failing when p exits first or after timeout; what says
// what the marker means, for the error.
func waitLog(p *utils.Process, marker string, timeout time.Duration, what string) error {
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.Log(), marker) {
		select {
		case <-p.Exited():
			return fmt.Errorf("%s exited before it could %s (%w); its log:\n%s", p.Name, what, p.ExitCause(), p.LogTail(30))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not %s within %s; its log:\n%s", p.Name, what, timeout, p.LogTail(30))
		}
	}
	return nil
}

// currentManager is the running manager process.
func (st *suite) currentManager() *utils.Process {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.mgr
}

// usePassword records a password a test puts in a Secret, for the log check.
func (st *suite) usePassword(pw string) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.passwords = append(st.passwords, pw)
	return pw
}

// teardown stops the manager (gracefully: it must exit cleanly), the simulators and the control
// plane. It keeps the directory of logs unless everything passed.
func (st *suite) teardown(passed bool) error {
	var errs []error
	if mgr := st.currentManager(); mgr != nil && mgr.Running() {
		if err := mgr.Stop(30 * time.Second); err != nil {
			errs = append(errs, fmt.Errorf("stopping the manager: %w; its log:\n%s", err, mgr.LogTail(20)))
		}
	}
	st.mu.Lock()
	sims := append([]*utils.Cloudsim(nil), st.sims...)
	st.mu.Unlock()
	for _, sim := range sims {
		if sim.Running() {
			if err := sim.Stop(10 * time.Second); err != nil {
				errs = append(errs, fmt.Errorf("stopping the %s simulator at %s: %w", sim.Cloud, sim.URL, err))
			}
		}
	}
	if st.cp != nil {
		if err := st.cp.Stop(); err != nil {
			errs = append(errs, err)
		}
	}
	err := errors.Join(errs...)
	if st.dir != "" {
		if passed && err == nil && os.Getenv("E2E_KEEP") == "" {
			_ = os.RemoveAll(st.dir)
		} else {
			fmt.Printf("e2e: logs kept in %s\n", st.dir)
		}
	}
	return err
}
