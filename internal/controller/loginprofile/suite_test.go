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

package loginprofile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/cloud/alibaba"
	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/loginprofile"
	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/providerconfig"
)

// Two managers share one control plane. The "poll" manager observes every second and serves the
// namespace nsPoll: drift, steady state, throttling. The "watch" manager polls once an hour and
// serves nsWatch: whatever it does promptly there, it did because a watch fired.
const (
	nsPoll  = "poll"
	nsWatch = "watch"
	// nsTeamA and nsTeamB are two tenants' namespaces, served by the watch manager.
	nsTeamA        = "team-a"
	nsTeamB        = "team-b"
	nsSystem       = "loginprofile-system"
	fastPoll       = time.Second
	slowPoll       = time.Hour
	limitedReads   = 4
	limitedWrites  = 2
	eventuallyWait = 30 * time.Second
)

var (
	scheme     = runtime.NewScheme()
	k8s        client.Client
	watchCache client.Reader
	// watchClient is the watch manager's client: reads from its cache, with its field indexes.
	watchClient client.Client
	logs        syncBuffer

	// passwords lists every password the tests use; none may appear in logs, events or status.
	passwordsMu sync.Mutex
	passwords   []string
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		fmt.Fprintln(os.Stderr, "KUBEBUILDER_ASSETS is not set: run `make test`, or export KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh)")
		os.Exit(1)
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))
	// Development mode logs at debug level: V(1) details are included, so the secret scan covers them.
	ctrl.SetLogger(zap.New(zap.WriteTo(&logs), zap.UseDevMode(true)))

	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "..", "..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the control plane:", err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	if k8s, err = client.New(cfg, client.Options{Scheme: scheme}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	for _, newCloud := range []func(limitedReads, limitedWrites int) (*testCloud, error){memoryCloud, alibabaCloud, huaweiCloud} {
		c, err := newCloud(limitedReads, limitedWrites)
		if err != nil {
			fmt.Fprintln(os.Stderr, "starting the simulators:", err)
			return 1
		}
		defer c.close()
		clouds = append(clouds, c)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fixtures := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: nsSystem}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: nsPoll}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: nsWatch}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: nsTeamA}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: nsTeamB}},
	}
	for _, c := range clouds {
		fixtures = append(fixtures, c.credentials,
			c.providerConfig(c.pcName(), c.main.URL(), nil),
			c.providerConfig(c.limitedName(), c.limited.URL(), &v1alpha1.RateLimit{
				ReadsPerSecond: ptr.To[int32](limitedReads), WritesPerSecond: ptr.To[int32](limitedWrites)}))
	}
	for _, obj := range fixtures {
		if err := k8s.Create(ctx, obj); err != nil {
			fmt.Fprintln(os.Stderr, "creating fixtures:", err)
			return 1
		}
	}

	pollMgr, err := startManager(ctx, cfg, "poll", fastPoll, true, nsPoll)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	watchMgr, err := startManager(ctx, cfg, "watch", slowPoll, false, nsWatch, nsTeamA, nsTeamB)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_ = pollMgr
	watchCache = watchMgr.GetClient()
	watchClient = watchMgr.GetClient()
	// The manager registers this collector in cmd/main.go; here it reads through the direct client,
	// since each test manager's cache sees only its namespaces.
	ctrlmetrics.Registry.MustRegister(&loginprofile.ReadyCollector{Reader: k8s})

	code := m.Run()
	if code == 0 {
		if err := noPasswordsAnywhere(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			code = 1
		}
	}
	if code != 0 {
		fmt.Fprintln(os.Stderr, "--- manager log (last 200 lines) ---")
		lines := strings.Split(logs.String(), "\n")
		fmt.Fprintln(os.Stderr, strings.Join(lines[max(0, len(lines)-200):], "\n"))
	}
	return code
}

func startManager(ctx context.Context, cfg *rest.Config, name string, poll time.Duration, withProviderConfigs bool, namespaces ...string) (ctrl.Manager, error) {
	served := map[string]cache.Config{nsSystem: {}}
	for _, ns := range namespaces {
		served[ns] = cache.Config{}
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  managerCacheOptions(served),
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return nil, err
	}
	providers := &cloud.Providers{Metadata: mgr.GetClient(), Secrets: mgr.GetAPIReader(), Options: cloud.Options{Timeout: 10 * time.Second}}
	r := &loginprofile.Reconciler{
		Client:       mgr.GetClient(),
		APIReader:    mgr.GetAPIReader(),
		Providers:    providers,
		Recorder:     mgr.GetEventRecorder("loginprofile-operator-" + name),
		PollInterval: poll,
	}
	if err := r.SetupWithManager(ctx, mgr, controller.Options{MaxConcurrentReconciles: 4}); err != nil {
		return nil, err
	}
	if withProviderConfigs {
		if err := (&providerconfig.Reconciler{Client: mgr.GetClient(), Providers: providers}).SetupWithManager(mgr); err != nil {
			return nil, err
		}
	}
	go func() {
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager", name, "stopped:", err)
		}
	}()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		return nil, fmt.Errorf("manager %s: cache did not sync", name)
	}
	return mgr, nil
}

// noPasswordsAnywhere checks the manager logs, every Event and every LoginProfile for the
// passwords and the access key secret used by the tests.
func noPasswordsAnywhere(ctx context.Context) error {
	passwordsMu.Lock()
	secrets := append([]string(nil), passwords...)
	for _, c := range clouds {
		secrets = append(secrets, c.directCredentials.AccessKeySecret.Reveal())
	}
	passwordsMu.Unlock()
	var evs eventsv1.EventList
	if err := k8s.List(ctx, &evs); err != nil {
		return err
	}
	var lps v1alpha1.LoginProfileList
	if err := k8s.List(ctx, &lps); err != nil {
		return err
	}
	evJSON, _ := json.Marshal(evs)
	lpJSON, _ := json.Marshal(lps)
	log := logs.String()
	fullRun := flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.list").Value.String() == ""
	if fullRun && (len(log) == 0 || len(evs.Items) == 0 || len(lps.Items) == 0) {
		return fmt.Errorf("nothing to scan (log %d bytes, %d events, %d LoginProfiles): the scan could not fail", len(log), len(evs.Items), len(lps.Items))
	}
	for _, s := range secrets {
		for where, text := range map[string]string{"manager log": log, "events": string(evJSON), "LoginProfiles": string(lpJSON)} {
			if strings.Contains(text, s) {
				return fmt.Errorf("a password or access key secret appears in the %s", where)
			}
		}
	}
	return nil
}
