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
	"errors"
	"flag"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
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
	"github.com/loginprofile-operator/loginprofile-operator/internal/manager"
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
		audit                bool
		mfaGrace             time.Duration
		concurrency          int
		credentialsNSFlag    string
		extraSuffixesFlag    string
		shardName            string
		shardSelector        string
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
	flag.BoolVar(&audit, "audit", false,
		"Read every console user's MFA device and last login (at most once per poll interval each), for the MFABound condition "+
			"and the audit metrics. Without it they are read only where the spec needs them (mfaBindRequired, disableAfterUnused).")
	flag.DurationVar(&mfaGrace, "mfa-grace", loginprofile.DefaultMFAGrace,
		"How long after its login profile is created a user may go without an MFA device before the MFABound condition turns False.")
	flag.IntVar(&concurrency, "max-concurrent-reconciles", 16,
		"How many LoginProfiles are reconciled in parallel. A reconcile waits for its account's rate limiter in its worker, so several accounts need several workers each.")
	flag.StringVar(&credentialsNSFlag, "credentials-namespace", "",
		"The only namespace ProviderConfigs' credentials Secrets are read from; by default the manager's own namespace "+
			"(env POD_NAMESPACE, else the service account's namespace), "+cloud.DefaultCredentialsNamespace+" outside a cluster.")
	flag.StringVar(&extraSuffixesFlag, "extra-endpoint-suffixes", "",
		"Comma-separated domains allowed for ProviderConfig endpoints besides the clouds' own (aliyuncs.com; myhuaweicloud.com, "+
			"myhuaweicloud.eu), for private deployments, e.g. iam.corp.example. Loopback hosts are always allowed.")
	flag.StringVar(&shardSelector, "provider-config-selector", "",
		"A label selector over ProviderConfigs (e.g. shard=a, or tier in (gold,silver)): this manager acts only on the matching "+
			"ProviderConfigs and their LoginProfiles, and another shard on the others. Empty: every ProviderConfig. Needs --shard-name.")
	flag.StringVar(&shardName, "shard-name", "",
		"The name of this shard (a DNS label), needed with --provider-config-selector: its leader election Lease is "+
			"<name>."+manager.LeaderElectionID+", and its writes name it as field manager.")
	opts := zap.Options{Development: false}
	opts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts)))

	if pollInterval < time.Second {
		setupLog.Error(nil, "--poll-interval must be at least 1s", "pollInterval", pollInterval)
		os.Exit(2)
	}
	credentialsNS, credentialsNSFrom := credentialsNamespace(credentialsNSFlag, os.Getenv, os.ReadFile)
	if errs := validation.IsDNS1123Label(credentialsNS); len(errs) > 0 {
		setupLog.Error(nil, "The credentials namespace is not a namespace name", "credentialsNamespace", credentialsNS,
			"from", credentialsNSFrom, "problems", strings.Join(errs, "; "))
		os.Exit(2)
	}
	extraSuffixes, err := cloud.ParseEndpointSuffixes(extraSuffixesFlag)
	if err != nil {
		setupLog.Error(err, "Invalid flag")
		os.Exit(2)
	}
	shard, err := manager.NewShard(shardName, shardSelector)
	if err != nil {
		setupLog.Error(err, "Invalid flag")
		os.Exit(2)
	}
	memLimit, err := manager.SetMemoryLimit(os.Getenv, os.ReadFile, debug.SetMemoryLimit)
	if err != nil {
		// Not fatal: the manager runs as it did without a soft limit.
		setupLog.Error(err, "No soft memory limit set; set GOMEMLIMIT to give one")
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

	// Leader election keeps controller-runtime's default namespace (the service account's): the
	// credentials namespace can be set apart from the manager's, and the Lease's RBAC is granted in
	// the manager's namespace.
	restConfig := ctrl.GetConfigOrDie()
	if ua := shard.UserAgent(); ua != "" {
		restConfig.UserAgent = ua
	}
	mgr, err := ctrl.NewManager(restConfig, ctrl.Options{
		Scheme:                  scheme,
		Metrics:                 metricsOpts,
		HealthProbeBindAddress:  probeAddr,
		LeaderElection:          enableLeaderElection,
		LeaderElectionID:        shard.LeaderElectionID(),
		LeaderElectionNamespace: leaderElectionNS,
		// The manager exits as soon as Start returns, so it can hand the Lease over at once on a
		// clean shutdown (a rolling update): the other replica takes over within its retry period
		// instead of waiting for the lease to expire.
		LeaderElectionReleaseOnCancel: true,
		Cache:                         shard.RestrictCache(manager.CacheOptions()),
	})
	if err != nil {
		setupLog.Error(err, "Unable to create the manager")
		os.Exit(1)
	}

	ctx := ctrl.SetupSignalHandler()
	// Secret contents are read only through the API reader, never cached: the controllers watch
	// Secret metadata and read the referenced Secrets when their resourceVersion changes.
	providers := &cloud.Providers{
		Metadata:             mgr.GetClient(),
		Secrets:              mgr.GetAPIReader(),
		CredentialsNamespace: credentialsNS,
		Options:              cloud.Options{Timeout: cloudTimeout, EndpointSuffixes: extraSuffixes},
	}
	ctrlOpts := controller.Options{
		MaxConcurrentReconciles: concurrency,
		// Errors back off from 1 s to 5 min: never a hot retry loop.
		RateLimiter: workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](time.Second, 5*time.Minute),
	}
	if err := (&loginprofile.Reconciler{
		Client:       mgr.GetClient(),
		APIReader:    mgr.GetAPIReader(),
		Providers:    providers,
		Recorder:     mgr.GetEventRecorder("loginprofile-operator"),
		PollInterval: pollInterval,
		CloudTimeout: cloudTimeout,
		Audit:        audit,
		MFAGrace:     mfaGrace,
		// The cache holds the shard's ProviderConfigs only; the reconciler checks their labels all
		// the same, before it touches anything.
		ProviderConfigSelector: shard.Selector,
	}).SetupWithManager(ctx, mgr, ctrlOpts); err != nil {
		setupLog.Error(err, "Unable to set up the controller", "controller", "LoginProfile")
		os.Exit(1)
	}
	if err := (&providerconfig.Reconciler{
		Client:    mgr.GetClient(),
		Providers: providers,
		Selector:  shard.Selector,
	}).SetupWithManager(mgr); err != nil {
		setupLog.Error(err, "Unable to set up the controller", "controller", "ProviderConfig")
		os.Exit(1)
	}

	ctrlmetrics.Registry.MustRegister(&loginprofile.ReadyCollector{Reader: mgr.GetClient(), Elected: mgr.Elected(),
		ProviderConfigSelector: shard.Selector})

	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		setupLog.Error(err, "Unable to set up the health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		setupLog.Error(err, "Unable to set up the ready check")
		os.Exit(1)
	}

	setupLog.Info("Starting the manager", "pollInterval", pollInterval, "leaderElection", enableLeaderElection,
		"leaderElectionID", shard.LeaderElectionID(), "shard", shard.String(),
		"credentialsNamespace", credentialsNS, "credentialsNamespaceFrom", credentialsNSFrom, "extraEndpointSuffixes", extraSuffixes,
		"memoryLimit", memLimit.Bytes, "memoryLimitFrom", memLimit.From)
	if err := mgr.Start(ctx); err != nil {
		setupLog.Error(err, "Problem running the manager")
		os.Exit(1)
	}
}

// serviceAccountNamespaceFile holds the namespace of the pod's service account, in a cluster.
const serviceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

// credentialsNamespace resolves the namespace of the credentials Secrets: the flag
// --credentials-namespace; else the environment variable POD_NAMESPACE (the downward API); else
// the service account's namespace file; else cloud.DefaultCredentialsNamespace (outside a
// cluster). It also returns where the value came from, for the log.
func credentialsNamespace(flagValue string, getenv func(string) string, readFile func(string) ([]byte, error)) (ns, from string) {
	if v := strings.TrimSpace(flagValue); v != "" {
		return v, "--credentials-namespace"
	}
	if v := strings.TrimSpace(getenv("POD_NAMESPACE")); v != "" {
		return v, "POD_NAMESPACE"
	}
	if b, err := readFile(serviceAccountNamespaceFile); err == nil {
		if v := strings.TrimSpace(string(b)); v != "" {
			return v, serviceAccountNamespaceFile
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		setupLog.Error(err, "Reading the service account's namespace", "file", serviceAccountNamespaceFile)
	}
	return cloud.DefaultCredentialsNamespace, "default"
}
