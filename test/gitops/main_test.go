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

// Package gitops tests how the API server handles the project's manifests, as a GitOps tool
// (Argo CD, Flux) would apply them: the CRD schemas, the samples, the YAML examples of the docs
// and the Helm chart (dist/chart). No manager runs: these tests are about the manifests.
//
//   - crd_test.go: no defaults inside list items, list-map keys required, CEL messages, printer
//     columns through the Table API.
//   - examples_test.go: every sample and every complete example of the docs applied twice with
//     server-side apply changes nothing, a dry-run apply matches the live object, and an emulation
//     of Argo CD's client-side diff is clean.
//   - chart_test.go: the chart's CRDs and ClusterRole are the generated ones, helm lint passes, and
//     the rendered chart applies (twice, without change) to the API server.
//
// One control plane (envtest, with the CRDs of config/crd/bases) serves every test. Run them with
// `make test`, which sets KUBEBUILDER_ASSETS and HELM_BIN; with -short only the tests that need
// neither run.
package gitops

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// Environment variables the tests need; `make test` sets them.
const (
	envAssets = "KUBEBUILDER_ASSETS"
	envHelm   = "HELM_BIN"
)

// Field managers: the GitOps tool that applies the manifests, and the operator writing status.
const (
	gitopsManager   = "gitops"
	operatorManager = "loginprofile-operator"
	// finalizer is the one the LoginProfile controller adds (internal/controller/loginprofile).
	finalizer = "iam.loginprofile.io/finalizer"
	// systemNamespace is the namespace the docs and the chart install the operator into.
	systemNamespace = "loginprofile-system"
)

// Where things are in the repository, from this package.
var (
	repoRoot   = filepath.Join("..", "..")
	crdDir     = filepath.Join(repoRoot, "config", "crd", "bases")
	roleFile   = filepath.Join(repoRoot, "config", "rbac", "role.yaml")
	samplesDir = filepath.Join(repoRoot, "config", "samples")
	docsDir    = filepath.Join(repoRoot, "docs")
	readme     = filepath.Join(repoRoot, "README.md")
	chartDir   = filepath.Join(repoRoot, "dist", "chart")
)

// The control plane every test shares; nil with -short.
var (
	cfg     *rest.Config
	k8s     client.Client
	dyn     *dynamic.DynamicClient
	mapper  meta.RESTMapper
	httpc   *http.Client
	restc   *rest.RESTClient // for the Table API
	scheme  = runtime.NewScheme()
	warned  warnings
	errSkip = errors.New("skipped with -short: this test needs a control plane; run `make test`")
)

// warnings collects the API server's warnings (such as Pod Security admission's) by request.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, text)
}

// take returns the warnings received since the last call and forgets them.
func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	msgs := w.msgs
	w.msgs = nil
	return msgs
}

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	if os.Getenv(envAssets) == "" {
		fmt.Fprintln(os.Stderr, envAssets+" is not set: run `make test`, or export KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh) (and HELM_BIN=$(hack/helm.sh))")
		os.Exit(1)
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{crdDir},
		ErrorIfCRDPathMissing: true,
	}
	started, err := env.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the control plane:", err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	if err := connect(started); err != nil {
		fmt.Fprintln(os.Stderr, "connecting to the control plane:", err)
		return 1
	}
	// The namespace the docs install the operator into (the samples' ProviderConfigs name Secrets
	// there), enforcing the restricted Pod Security Standard as config/manager/manager.yaml does.
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: systemNamespace, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/warn":    "restricted",
		"pod-security.kubernetes.io/audit":   "restricted",
	}}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		fmt.Fprintln(os.Stderr, "creating the namespace:", err)
		return 1
	}
	return m.Run()
}

func connect(c *rest.Config) error {
	cfg = rest.CopyConfig(c)
	cfg.WarningHandler = &warned
	var err error
	if httpc, err = rest.HTTPClientFor(cfg); err != nil {
		return err
	}
	if mapper, err = apiutil.NewDynamicRESTMapper(cfg, httpc); err != nil {
		return err
	}
	if k8s, err = client.New(cfg, client.Options{Scheme: scheme, HTTPClient: httpc, Mapper: mapper}); err != nil {
		return err
	}
	if dyn, err = dynamic.NewForConfigAndClient(cfg, httpc); err != nil {
		return err
	}
	rc := rest.CopyConfig(cfg)
	rc.GroupVersion = &v1alpha1.GroupVersion
	rc.APIPath = "/apis"
	rc.NegotiatedSerializer = clientgoscheme.Codecs.WithoutConversion()
	restc, err = rest.RESTClientForConfigAndClient(rc, httpc)
	return err
}

// needControlPlane skips the test with -short.
func needControlPlane(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip(errSkip)
	}
}

// resourceFor returns the dynamic client of the object's kind, in its namespace; a namespaced
// object without a namespace is put in "default", as kubectl does.
func resourceFor(t *testing.T, obj *unstructured.Unstructured) dynamic.ResourceInterface {
	t.Helper()
	gvk := obj.GroupVersionKind()
	mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		t.Fatalf("no resource for %s: %v", gvk, err)
	}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		if obj.GetNamespace() == "" {
			obj.SetNamespace(metav1.NamespaceDefault)
		}
		return dyn.Resource(mapping.Resource).Namespace(obj.GetNamespace())
	}
	return dyn.Resource(mapping.Resource)
}

// apply applies obj with server-side apply as the GitOps field manager (forcing conflicts, as
// Argo CD's and Flux's server-side apply do), or as a dry run.
func apply(ctx context.Context, t *testing.T, obj *unstructured.Unstructured, dryRun bool) (*unstructured.Unstructured, error) {
	t.Helper()
	opts := metav1.ApplyOptions{FieldManager: gitopsManager, Force: true}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return resourceFor(t, obj).Apply(ctx, obj.GetName(), obj.DeepCopy(), opts)
}

// get reads the live object obj names.
func get(ctx context.Context, t *testing.T, obj *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	live, err := resourceFor(t, obj).Get(ctx, obj.GetName(), metav1.GetOptions{})
	if err != nil {
		t.Fatalf("getting %s: %v", describe(obj), err)
	}
	return live
}

// remove deletes the object obj names, after removing its finalizers (no controller runs to do
// so), and waits until it is gone.
func remove(ctx context.Context, t *testing.T, obj *unstructured.Unstructured) {
	t.Helper()
	res := resourceFor(t, obj)
	_, err := res.Patch(ctx, obj.GetName(), types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`),
		metav1.PatchOptions{FieldManager: operatorManager})
	if apierrors.IsNotFound(err) {
		return
	}
	if err != nil {
		t.Fatalf("removing the finalizers of %s: %v", describe(obj), err)
	}
	if err := res.Delete(ctx, obj.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Fatalf("deleting %s: %v", describe(obj), err)
	}
	err = wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := res.Get(ctx, obj.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
	if err != nil {
		t.Fatalf("waiting for %s to go: %v", describe(obj), err)
	}
}

// ensureNamespace creates the namespace unless it exists.
func ensureNamespace(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	if name == "" {
		return
	}
	err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating the namespace %s: %v", name, err)
	}
}

// describe names an object in messages: Kind namespace/name.
func describe(obj *unstructured.Unstructured) string {
	if obj.GetNamespace() == "" {
		return obj.GetKind() + " " + obj.GetName()
	}
	return obj.GetKind() + " " + obj.GetNamespace() + "/" + obj.GetName()
}

// testName turns a path or a description into a subtest name without slashes.
func testName(parts ...string) string {
	return strings.NewReplacer("/", "_", " ", "_").Replace(strings.Join(parts, ":"))
}
