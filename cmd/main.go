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

// Command manager runs the loginprofile-operator: the controllers of LoginProfile and
// ProviderConfig objects.
package main

import (
	"crypto/tls"
	"flag"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/cloud/alibaba" // registers the Alibaba Cloud provider
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/cloud/huawei"  // registers the Huawei Cloud provider
	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/loginprofile"
	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/providerconfig"
)

var (
	scheme   = runtime.NewScheme()
	setupLog = ctrl.Log.WithName("setup")
)

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))
}

func main() {
	var (
		metricsAddr          string
		metricsSecure        bool
		probeAddr            string
		enableLeaderElection bool
		leaderElectionNS     string
		pollInterval         time.Duration
		cloudTimeout         time.Duration
		concurrency          int
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", ":8443",
		"The address the metrics endpoint binds to: :8443 for HTTPS, :8080 for HTTP with --metrics-secure=false, 0 to disable it.")
	flag.BoolVar(&metricsSecure, "metrics-secure", true,
		"Serve metrics over HTTPS, restricted to callers authorized by the API server.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "The address the health and readiness probes bind to.")
	flag.BoolVar(&enableLeaderElection, "leader-elect", false,
		"Enable leader election, so that only one of several replicas reconciles at a time.")
	flag.StringVar(&leaderElectionNS, "leader-election-namespace", "",
		"The namespace of the leader election Lease; by default the manager's own namespace (in a cluster). Needed outside a cluster.")
	flag.DurationVar(&pollInterval, "poll-interval", 10*time.Minute,
		"How often each LoginProfile is observed in the cloud to correct drift made out of band. Each poll costs one read call.")
	flag.DurationVar(&cloudTimeout, "cloud-timeout", 10*time.Second, "Timeout of one cloud API call.")
	flag.IntVar(&concurrency, "max-concurrent-reconciles", 4, "How many LoginProfiles are reconciled in parallel.")
	opts := zap.Options{Development: false}
	opts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts)))

	if pollInterval < time.Second {
		setupLog.Error(nil, "--poll-interval must be at least 1s", "pollInterval", pollInterval)
		os.Exit(2)
	}

	metricsOpts := metricsserver.Options{
		BindAddress:   metricsAddr,
		SecureServing: metricsSecure,
		// HTTP/2 is disabled against the HTTP/2 Stream Cancellation and Rapid Reset CVEs.
		TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }},
	}
	if metricsSecure {
		metricsOpts.FilterProvider = filters.WithAuthenticationAndAuthorization
	}

	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), ctrl.Options{
		Scheme:                  scheme,
		Metrics:                 metricsOpts,
		HealthProbeBindAddress:  probeAddr,
		LeaderElection:          enableLeaderElection,
		LeaderElectionID:        "loginprofile-operator.iam.loginprofile.io",
		LeaderElectionNamespace: leaderElectionNS,
		// The manager exits as soon as Start returns, so it can hand the Lease over at once on a
		// clean shutdown (a rolling update): the other replica takes over within its retry period
		// instead of waiting for the lease to expire.
		LeaderElectionReleaseOnCancel: true,
		Cache:                         cache.Options{DefaultTransform: cache.TransformStripManagedFields()},
	})
	if err != nil {
		setupLog.Error(err, "Unable to create the manager")
		os.Exit(1)
	}

	ctx := ctrl.SetupSignalHandler()
	// Secret contents are read only through the API reader, never cached: the controllers watch
	// Secret metadata and read the referenced Secrets when their resourceVersion changes.
	clients := &cloud.Clients{
		Metadata: mgr.GetClient(),
		Secrets:  mgr.GetAPIReader(),
		Options:  cloud.Options{Timeout: cloudTimeout},
	}
	ctrlOpts := controller.Options{
		MaxConcurrentReconciles: concurrency,
		// Errors back off from 1 s to 5 min: never a hot retry loop.
		RateLimiter: workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](time.Second, 5*time.Minute),
	}
	if err := (&loginprofile.Reconciler{
		Client:       mgr.GetClient(),
		APIReader:    mgr.GetAPIReader(),
		Clients:      clients,
		Recorder:     mgr.GetEventRecorder("loginprofile-operator"),
		PollInterval: pollInterval,
	}).SetupWithManager(ctx, mgr, ctrlOpts); err != nil {
		setupLog.Error(err, "Unable to set up the controller", "controller", "LoginProfile")
		os.Exit(1)
	}
	if err := (&providerconfig.Reconciler{
		Client:  mgr.GetClient(),
		Clients: clients,
	}).SetupWithManager(mgr); err != nil {
		setupLog.Error(err, "Unable to set up the controller", "controller", "ProviderConfig")
		os.Exit(1)
	}

	ctrlmetrics.Registry.MustRegister(&loginprofile.ReadyCollector{Reader: mgr.GetClient(), Elected: mgr.Elected()})

	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		setupLog.Error(err, "Unable to set up the health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		setupLog.Error(err, "Unable to set up the ready check")
		os.Exit(1)
	}

	setupLog.Info("Starting the manager", "pollInterval", pollInterval, "leaderElection", enableLeaderElection)
	if err := mgr.Start(ctx); err != nil {
		setupLog.Error(err, "Problem running the manager")
		os.Exit(1)
	}
}
