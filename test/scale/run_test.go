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

package scale

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// credentialsNamespace holds the ProviderConfigs' credentials Secret: the manager's default
// --credentials-namespace outside a cluster.
const credentialsNamespace = "loginprofile-system"

// result is what one cloud's run measured.
type result struct {
	cloud string
	cfg   config
	// perAccount is the most objects of one account; reads and writes the per-account quotas a
	// second the run was bound by.
	perAccount, reads, writes int

	// create is how long creating the n LoginProfiles took; converge from the first create until
	// all were Ready; bound the quota bound, perAccount / writes.
	create, converge, bound time.Duration
	convergeCalls           callCounts

	// steady is the window measured after convergence: its calls and the LoginProfile writes
	// (MODIFIED events) seen in it.
	steady         time.Duration
	steadyCalls    callCounts
	steadyLPWrites []string

	// probes are the new objects' times to Ready while the others resync; restartProbes the same
	// right after a manager restart; probeFailures and restartFailures those not Ready in time.
	probes, restartProbes            []time.Duration
	probeFailures, restartFailures   int
	restartStart                     time.Duration
	restartCalls                     callCounts
	totalCalls                       callCounts
	memIdle, memConverged, memSteady memory
	memEnd, memRestart               memory
}

// cloudRun is one cloud's environment: a control plane, a simulator per account, the manager.
type cloudRun struct {
	t    *testing.T
	cfg  config
	kind cloudKind
	dir  string
	bin  string

	cp       *utils.ControlPlane
	k8s      client.WithWatch
	accounts []*account
	mgr      *manager
	tracker  *tracker
	res      *result
}

// runCloud runs the benchmark for one cloud on a control plane of its own, so that each cloud's
// manager starts from an empty cluster.
func runCloud(t *testing.T, cfg config, kind cloudKind, assets, bin, dir string) (*result, error) {
	r := &cloudRun{t: t, cfg: cfg, kind: kind, bin: bin, dir: filepath.Join(dir, kind.name)}
	r.res = &result{cloud: kind.name, cfg: cfg, reads: effectiveQuota(cfg.simReads, kind.reads),
		writes: effectiveQuota(cfg.simWrites, kind.writes), perAccount: (cfg.n + cfg.accounts - 1) / cfg.accounts}
	r.res.bound = time.Duration(float64(r.res.perAccount) / float64(r.res.writes) * float64(time.Second))
	defer r.teardown()
	if err := r.setup(assets); err != nil {
		return nil, err
	}
	if err := r.measure(); err != nil {
		return r.res, err
	}
	return r.res, nil
}

// effectiveQuota is the quota a second that binds the operator: the simulator's when it is set
// lower than the cloud's (which the operator's limiter defaults to), else the cloud's.
func effectiveQuota(sim, cloud int) int {
	if sim > 0 && sim < cloud {
		return sim
	}
	return cloud
}

func (r *cloudRun) logf(format string, args ...any) {
	r.t.Helper()
	r.t.Logf("scale %s: "+format, append([]any{r.kind.name}, args...)...)
}

func (r *cloudRun) setup(assets string) error {
	var err error
	if err = os.MkdirAll(r.dir, 0o750); err != nil {
		return err
	}
	if r.cp, err = utils.StartControlPlane(utils.ControlPlaneOptions{
		AssetsDir: assets, CRDDir: crdDir, KubeconfigPath: filepath.Join(r.dir, "kubeconfig"),
	}); err != nil {
		return err
	}
	restCfg := rest.CopyConfig(r.cp.Env.Config)
	// Creating the objects must not be the bottleneck: client-go's default 5/s would pace it.
	restCfg.QPS, restCfg.Burst = 5000, 10000
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	if r.k8s, err = client.NewWithWatch(restCfg, client.Options{Scheme: scheme}); err != nil {
		return err
	}
	ctx := context.Background()
	if err := r.k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: credentialsNamespace}}); err != nil {
		return err
	}
	if err := r.k8s.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "scale-credentials", Namespace: credentialsNamespace},
		Data:       map[string][]byte{"accessKeyId": []byte(accessKeyID), "accessKeySecret": []byte(accessKeySecret)},
	}); err != nil {
		return err
	}
	for i := range r.cfg.accounts {
		a, err := r.kind.newAccount(r.cfg.simReads, r.cfg.simWrites)
		if err != nil {
			return fmt.Errorf("starting the %s simulator: %w", r.kind.name, err)
		}
		r.accounts = append(r.accounts, a)
		a.sim.SetLatency(r.cfg.latency)
		a.pc, a.ns = fmt.Sprintf("scale-%02d", i), fmt.Sprintf("scale-%02d", i)
		pc := &v1alpha1.ProviderConfig{
			ObjectMeta: metav1.ObjectMeta{Name: a.pc},
			Spec: v1alpha1.ProviderConfigSpec{Credentials: v1alpha1.ProviderCredentials{
				Source:    v1alpha1.CredentialsSourceSecret,
				SecretRef: &v1alpha1.SecretReference{Namespace: credentialsNamespace, Name: "scale-credentials"},
			}},
		}
		a.providerConfig(&pc.Spec)
		if err := r.k8s.Create(ctx, pc); err != nil {
			return fmt.Errorf("creating ProviderConfig %s: %w", a.pc, err)
		}
		if err := r.k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: a.ns}}); err != nil {
			return err
		}
	}
	if r.mgr, err = startManager(r.bin, r.dir, "manager", r.cp.Kubeconfig, r.cfg); err != nil {
		return err
	}
	for _, a := range r.accounts {
		if err := r.waitProviderConfigReady(a.pc); err != nil {
			return err
		}
	}
	r.tracker, err = startTracker(r.k8s)
	return err
}

// waitProviderConfigReady polls until the ProviderConfig is Ready.
func (r *cloudRun) waitProviderConfigReady(name string) error {
	err := utils.WaitProviderConfigReady(r.k8s, name, r.mgr.p.Exited())
	if errors.Is(err, utils.ErrExited) {
		return r.mgr.exitErr()
	}
	return err
}

func (r *cloudRun) teardown() {
	if r.tracker != nil {
		r.tracker.stop()
	}
	if r.mgr != nil && r.mgr.p.Running() {
		if err := r.mgr.stop(); err != nil {
			r.t.Errorf("stopping the %s manager: %v", r.kind.name, err)
		}
	}
	for _, a := range r.accounts {
		_ = a.sim.Close()
	}
	if r.cp != nil {
		if err := r.cp.Stop(); err != nil {
			r.t.Errorf("%v", err)
		}
	}
}

// object is one LoginProfile of the benchmark.
type object struct {
	name string
	acct *account
	user string
}

func (o object) key() string { return o.acct.ns + "/" + o.name }

// newObject names the i-th object of a batch (prefix "lp" or "probe") and adds its user to its
// account's simulator.
func (r *cloudRun) newObject(prefix string, i int) object {
	a := r.accounts[i%len(r.accounts)]
	name := fmt.Sprintf("%s-%05d", prefix, i)
	o := object{name: name, acct: a, user: r.kind.user(a.ns + "-" + name)}
	a.sim.AddUser(o.user)
	return o
}

// password is an object's password: deterministic, and accepted by every cloud's policy.
func password(o object) string {
	sum := sha256.Sum256([]byte(o.key()))
	return "Pw" + hex.EncodeToString(sum[:7]) + "-9!"
}

func (r *cloudRun) createSecret(ctx context.Context, o object) error {
	return r.k8s.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: o.name + "-console", Namespace: o.acct.ns},
		Data:       map[string][]byte{v1alpha1.DefaultPasswordKey: []byte(password(o))},
	})
}

func (r *cloudRun) createLoginProfile(ctx context.Context, o object) error {
	lp := &v1alpha1.LoginProfile{
		ObjectMeta: metav1.ObjectMeta{Name: o.name, Namespace: o.acct.ns},
		Spec: v1alpha1.LoginProfileSpec{
			ProviderConfigRef: &v1alpha1.ProviderConfigReference{Name: o.acct.pc},
			Status:            v1alpha1.LoginStatusActive,
			PasswordSecretRef: &v1alpha1.PasswordSecretReference{Name: o.name + "-console"},
		},
	}
	r.kind.setUser(&lp.Spec, o.user)
	return r.k8s.Create(ctx, lp)
}

// parallel runs f on every object with the configured number of workers; the first error wins.
func (r *cloudRun) parallel(objs []object, f func(context.Context, object) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range min(r.cfg.workers, len(objs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(objs) || ctx.Err() != nil {
					return
				}
				if err := f(ctx, objs[i]); err != nil {
					once.Do(func() { first = fmt.Errorf("%s: %w", objs[i].key(), err); cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

// measure runs the phases: converge, steady state, probes, restart and probes.
func (r *cloudRun) measure() error {
	ctx := context.Background()
	res := r.res
	res.memIdle = r.mgr.memory()
	objs := make([]object, r.cfg.n)
	keys := make([]string, r.cfg.n)
	for i := range objs {
		objs[i] = r.newObject("lp", i)
		keys[i] = objs[i].key()
	}
	// The Secrets first, untimed: without their LoginProfiles they cost the manager nothing.
	if err := r.parallel(objs, r.createSecret); err != nil {
		return fmt.Errorf("creating the password Secrets: %w", err)
	}
	r.logf("%d password Secrets created; creating %d LoginProfiles", len(objs), len(objs))

	// Converge: from the first create until every object is Ready.
	start := time.Now()
	if err := r.parallel(objs, r.createLoginProfile); err != nil {
		return fmt.Errorf("creating the LoginProfiles: %w", err)
	}
	res.create = time.Since(start)
	r.logf("%d LoginProfiles created in %s; waiting for them to be Ready (quota bound %s)",
		len(objs), res.create.Round(time.Millisecond), res.bound.Round(time.Millisecond))
	timeout := r.cfg.converge
	if timeout == 0 {
		// With many accounts the manager, not the quota, may be the limit: allow 3x the time
		// the creates would take through a single account's quota.
		serial := time.Duration(float64(r.cfg.n) / float64(res.writes) * float64(time.Second))
		timeout = 3*serial + 2*time.Minute
	}
	converged, err := r.tracker.waitReady(keys, timeout, r.mgr.p.Exited(), r.mgr.exitErr)
	if err != nil {
		return fmt.Errorf("converging %d creates: %w", len(objs), err)
	}
	res.converge = converged.Sub(start)
	res.convergeCalls = r.countCalls(start, converged)
	res.memConverged = r.mgr.memory()
	r.logf("converged in %s (%.2fx the bound), %d cloud calls, %d throttled",
		res.converge.Round(time.Millisecond), ratio(res.converge, res.bound), res.convergeCalls.total(), res.convergeCalls.throttled)

	// Steady state: nothing changes; measure the window right after convergence.
	steadyEnd := converged.Add(r.cfg.steady)
	select {
	case <-time.After(time.Until(steadyEnd)): // the measurement window, not a synchronisation
	case <-r.mgr.p.Exited():
		return r.mgr.exitErr()
	}
	res.steady = r.cfg.steady
	res.steadyCalls = r.countCalls(converged, steadyEnd)
	// After the event that made the last object Ready.
	res.steadyLPWrites = r.tracker.modifiedBetween(converged, steadyEnd)
	res.memSteady = r.mgr.memory()
	r.logf("steady state over %s: %d reads, %d writes, %d LoginProfile writes",
		res.steady, res.steadyCalls.reads, res.steadyCalls.writes, len(res.steadyLPWrites))

	// New objects, one at a time, while the n others resync.
	res.probes, res.probeFailures = r.probe(ctx, "probe", r.cfg.probes)
	r.logf("%d new objects while %d resync: p50 %s, max %s, %d not Ready in time",
		len(res.probes), r.cfg.n, percentile(res.probes, 50), percentile(res.probes, 100), res.probeFailures)
	res.memEnd = r.mgr.memory()

	// A restart, as a rolling update does it: SIGTERM, then a new manager.
	if err := r.mgr.stop(); err != nil {
		return fmt.Errorf("stopping the manager for the restart: %w", err)
	}
	restart := time.Now()
	if r.mgr, err = startManager(r.bin, r.dir, "manager-restarted", r.cp.Kubeconfig, r.cfg); err != nil {
		return err
	}
	res.restartStart = r.mgr.started.Sub(restart)
	res.restartProbes, res.restartFailures = r.probe(ctx, "restart-probe", r.cfg.probes)
	restartEnd := time.Now()
	res.restartCalls = r.countCalls(restart, restartEnd)
	res.memRestart = r.mgr.memory()
	r.logf("after a restart (controllers running in %s): %d new objects, p50 %s, max %s, %d not Ready in time",
		res.restartStart.Round(time.Millisecond), len(res.restartProbes), percentile(res.restartProbes, 50),
		percentile(res.restartProbes, 100), res.restartFailures)
	res.totalCalls = r.countCalls(start.Add(-time.Hour), restartEnd.Add(time.Hour))
	return nil
}

// probe creates k new objects one at a time, each waited for until Ready, and returns their
// times from the LoginProfile's create to Ready, and how many were not Ready within the probe
// timeout.
func (r *cloudRun) probe(ctx context.Context, prefix string, k int) ([]time.Duration, int) {
	var out []time.Duration
	failed := 0
	for i := range k {
		o := r.newObject(prefix, i)
		if err := r.createSecret(ctx, o); err != nil {
			r.t.Errorf("%s: creating the Secret of %s: %v", r.kind.name, o.key(), err)
			failed++
			continue
		}
		start := time.Now()
		if err := r.createLoginProfile(ctx, o); err != nil {
			r.t.Errorf("%s: creating %s: %v", r.kind.name, o.key(), err)
			failed++
			continue
		}
		ready, err := r.tracker.waitReady([]string{o.key()}, r.cfg.probeTimeout, r.mgr.p.Exited(), r.mgr.exitErr)
		if err != nil {
			r.logf("%s: %v", o.key(), err)
			failed++
			if !r.mgr.p.Running() {
				break
			}
			continue
		}
		out = append(out, ready.Sub(start))
	}
	return out, failed
}

// countCalls adds up the calls every account received in [from, to).
func (r *cloudRun) countCalls(from, to time.Time) callCounts {
	var c callCounts
	for _, a := range r.accounts {
		c.add(countCalls(a.sim.Calls(), a.sim.Code(simcore.Throttled), from, to))
	}
	return c
}

// check returns the violations of the invariants the benchmark asserts: every object converged
// (checked by the run), every probe Ready, no cloud write and no LoginProfile write in the steady
// state, and no throttled answer while the simulators enforce the quotas the operator's limiter
// defaults to.
func (res *result) check() error {
	var errs []error
	if res.probeFailures > 0 || res.restartFailures > 0 {
		errs = append(errs, fmt.Errorf("%s: %d new objects not Ready within %s while the others resync, %d after the restart",
			res.cloud, res.probeFailures, res.cfg.probeTimeout, res.restartFailures))
	}
	if res.steadyCalls.writes != 0 {
		errs = append(errs, fmt.Errorf("%s: %d cloud writes in the steady state, want 0", res.cloud, res.steadyCalls.writes))
	}
	if n := len(res.steadyLPWrites); n != 0 {
		errs = append(errs, fmt.Errorf("%s: %d LoginProfile writes in the steady state, want 0: %s", res.cloud, n,
			strings.Join(res.steadyLPWrites[:min(n, 10)], ", ")))
	}
	if res.cfg.simReads == 0 && res.cfg.simWrites == 0 && res.totalCalls.throttled != 0 {
		errs = append(errs, fmt.Errorf("%s: %d throttled answers at the cloud's real quotas, want 0", res.cloud, res.totalCalls.throttled))
	}
	return errors.Join(errs...)
}
