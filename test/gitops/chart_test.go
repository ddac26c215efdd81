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

package gitops

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// release is the release name and namespace the chart is rendered with: the names the docs use.
const (
	release          = "loginprofile-operator"
	customRelease    = "custom"
	valuesWithCreds  = "testdata/values-credentials.yaml"
	valuesShards     = "testdata/values-shards.yaml"
	shardedRelease   = "sharded"
	helmMissingError = "HELM_BIN is not set: run `make test`, or export HELM_BIN=$(hack/helm.sh)"
)

// helmBin returns the helm CLI of HELM_BIN; the test is skipped with -short.
func helmBin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped with -short: this test needs helm; run `make test`")
	}
	bin := os.Getenv(envHelm)
	if bin == "" {
		t.Fatal(helmMissingError)
	}
	return bin
}

// helm runs the helm CLI and returns its standard output; its standard error goes in err.
func helm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(helmBin(t), args...)
	// A clean helm home: no user repositories, plugins or registry logins.
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+filepath.Join(home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(home, "config"), "HELM_DATA_HOME="+filepath.Join(home, "data"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &helmError{err: err, stderr: stderr.String()}
	}
	return stdout.String(), nil
}

type helmError struct {
	err    error
	stderr string
}

func (e *helmError) Error() string { return e.err.Error() + ": " + e.stderr }

// render runs helm template on the chart in the operator's namespace and returns the objects.
func render(t *testing.T, name string, args ...string) []manifest {
	t.Helper()
	out, err := helm(t, append([]string{"template", name, chartDir, "--namespace", systemNamespace}, args...)...)
	if err != nil {
		t.Fatalf("helm template %s: %v", strings.Join(args, " "), err)
	}
	f := filepath.Join(t.TempDir(), "rendered.yaml")
	if err := os.WriteFile(f, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	ms, err := readManifests(f)
	if err != nil {
		t.Fatalf("the rendered chart: %v\n%s", err, out)
	}
	return ms
}

// find returns the rendered object of that kind and name.
func find(t *testing.T, ms []manifest, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, m := range ms {
		if m.obj.GetKind() == kind && m.obj.GetName() == name {
			return m.obj
		}
	}
	t.Fatalf("the chart renders no %s %s", kind, name)
	return nil
}

// generic returns v as generic JSON values, for comparisons that ignore Go types.
func generic(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestChartCRDsMatchGenerated: dist/chart/crds holds exactly the CRDs controller-gen generates.
func TestChartCRDsMatchGenerated(t *testing.T) {
	generated, err := filepath.Glob(filepath.Join(crdDir, "*.yaml"))
	if err != nil || len(generated) == 0 {
		t.Fatalf("no CRD in %s: %v", crdDir, err)
	}
	inChart, err := filepath.Glob(filepath.Join(chartDir, "crds", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, f := range generated {
		want = append(want, filepath.Base(f))
	}
	for _, f := range inChart {
		got = append(got, filepath.Base(f))
	}
	if !slices.Equal(got, want) {
		t.Errorf("dist/chart/crds holds %v, config/crd/bases %v: run `make chart-crds`", got, want)
	}
	for _, f := range generated {
		a, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(chartDir, "crds", filepath.Base(f)))
		if err != nil {
			continue // reported above
		}
		if !bytes.Equal(a, b) {
			t.Errorf("dist/chart/crds/%s differs from config/crd/bases/%s: run `make chart-crds`", filepath.Base(f), filepath.Base(f))
		}
	}
}

// TestChartClusterRoleMatchesGenerated: the manager's ClusterRole in the chart has the rules
// controller-gen generates from the +kubebuilder:rbac markers (config/rbac/role.yaml).
func TestChartClusterRoleMatchesGenerated(t *testing.T) {
	ms, err := readManifests(roleFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].obj.GetKind() != "ClusterRole" {
		t.Fatalf("%s: want one ClusterRole", roleFile)
	}
	role := find(t, render(t, release, "--show-only", "templates/clusterrole.yaml"), "ClusterRole", release+"-manager")
	if diff := cmp.Diff(generic(t, ms[0].obj.Object["rules"]), generic(t, role.Object["rules"])); diff != "" {
		t.Errorf("the chart's ClusterRole %s differs from config/rbac/role.yaml (-generated +chart): copy the rules into dist/chart/templates/clusterrole.yaml\n%s",
			role.GetName(), diff)
	}
}

func TestHelmLint(t *testing.T) {
	for _, args := range [][]string{nil, {"--values", valuesWithCreds}} {
		out, err := helm(t, append([]string{"lint", "--strict", chartDir}, args...)...)
		if err != nil {
			t.Errorf("helm lint --strict %s: %v\n%s", strings.Join(args, " "), err, out)
			continue
		}
		t.Log(strings.TrimSpace(out))
	}
}

// TestChartRendersFlags: the values become the manager's flags, and the manager has every flag
// the chart passes.
func TestChartRendersFlags(t *testing.T) {
	g := NewWithT(t)
	main, err := os.ReadFile(filepath.Join(repoRoot, "cmd", "main.go"))
	g.Expect(err).NotTo(HaveOccurred())
	hasFlag := func(arg string) bool {
		name := strings.SplitN(strings.TrimPrefix(arg, "--"), "=", 2)[0]
		// zap's flags come from zap.Options.BindFlags.
		return strings.HasPrefix(name, "zap-") || regexp.MustCompile(`flag\.\w+Var\([^,]+,\s*"`+regexp.QuoteMeta(name)+`"`).Match(main)
	}

	deployment := find(t, render(t, release), "Deployment", release)
	replicas, _, _ := unstructured.NestedInt64(deployment.Object, "spec", "replicas")
	g.Expect(replicas).To(BeEquivalentTo(2))
	container := containerOf(t, deployment)
	g.Expect(container["args"]).To(Equal([]any{
		"--leader-elect", "--health-probe-bind-address=:8081", "--metrics-bind-address=:8443", "--metrics-secure=true",
		"--poll-interval=10m", "--cloud-timeout=10s", "--audit=false", "--mfa-grace=168h", "--max-concurrent-reconciles=16",
		// Credentials Secrets are read only from the release's namespace.
		"--credentials-namespace=" + systemNamespace, "--zap-log-level=info",
	}))
	g.Expect(container["image"]).To(Equal("ghcr.io/loginprofile-operator/loginprofile-operator:0.1.0"))
	g.Expect(container).NotTo(HaveKey("env"))
	for _, arg := range container["args"].([]any) {
		g.Expect(hasFlag(arg.(string))).To(BeTrue(), "cmd/main.go defines no flag for %s", arg)
	}

	ms := render(t, customRelease, "--values", valuesWithCreds)
	deployment = find(t, ms, "Deployment", customRelease+"-loginprofile-operator")
	replicas, _, _ = unstructured.NestedInt64(deployment.Object, "spec", "replicas")
	g.Expect(replicas).To(BeEquivalentTo(3))
	container = containerOf(t, deployment)
	g.Expect(container["args"]).To(ContainElements("--leader-elect", "--poll-interval=2m30s", "--cloud-timeout=20s", "--audit=true", "--mfa-grace=72h",
		"--max-concurrent-reconciles=8", "--metrics-bind-address=:9443", "--zap-log-level=debug", "--zap-stacktrace-level=panic",
		"--credentials-namespace="+systemNamespace, "--extra-endpoint-suffixes=iam.corp.example,.private.example"))
	for _, arg := range container["args"].([]any) {
		g.Expect(hasFlag(arg.(string))).To(BeTrue(), "cmd/main.go defines no flag for %s", arg)
	}
	env := map[string]any{}
	for _, e := range container["env"].([]any) {
		e := e.(map[string]any)
		env[e["name"].(string)] = e
	}
	g.Expect(env).To(HaveKeyWithValue("ALIBABA_CLOUD_ROLE_ARN", HaveKeyWithValue("value", "acs:ram::1234567890123456:role/loginprofile-operator")))
	g.Expect(env).To(HaveKeyWithValue("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", HaveKeyWithValue("value", "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c0123456789abcdef")))
	g.Expect(env).To(HaveKeyWithValue("ALIBABA_CLOUD_OIDC_TOKEN_FILE", HaveKeyWithValue("value", "/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token")))
	g.Expect(env).To(HaveKey("ALIBABA_CLOUD_ACCESS_KEY_ID"))
	g.Expect(env).To(HaveKeyWithValue("HUAWEICLOUD_SDK_IDP_ID", HaveKeyWithValue("value", "cluster-oidc")))
	g.Expect(env).To(HaveKeyWithValue("HUAWEICLOUD_SDK_ID_TOKEN_FILE", HaveKeyWithValue("value", "/var/run/secrets/huaweicloud/id-token")))
	volumes, _, _ := unstructured.NestedSlice(deployment.Object, "spec", "template", "spec", "volumes")
	g.Expect(generic(t, volumes)).To(ContainElements(HaveKeyWithValue("name", "rrsa-token"), HaveKeyWithValue("name", "huawei-id-token")))
	g.Expect(js(volumes)).To(ContainSubstring(`"audience":"sts.aliyuncs.com"`))
	g.Expect(js(volumes)).To(ContainSubstring(`"serviceAccountToken":{"audience":"loginprofile-operator","expirationSeconds":7200,"path":"id-token"}`))
	mounts, _, _ := unstructured.NestedSlice(container, "volumeMounts")
	g.Expect(generic(t, mounts)).To(ContainElement(And(HaveKeyWithValue("name", "huawei-id-token"),
		HaveKeyWithValue("mountPath", "/var/run/secrets/huaweicloud"))))
	pdb := find(t, ms, "PodDisruptionBudget", customRelease+"-loginprofile-operator")
	g.Expect(js(pdb.Object["spec"])).To(ContainSubstring(`"maxUnavailable":"50%"`))
	pc := find(t, ms, "ProviderConfig", "chart-alibaba")
	g.Expect(pc.Object["spec"]).To(HaveKeyWithValue("rateLimit", map[string]any{"readsPerSecond": int64(20), "writesPerSecond": int64(5)}))
	g.Expect(find(t, ms, "ProviderConfig", "chart-huawei").Object["spec"]).To(HaveKey("huawei"))
	sa := find(t, ms, "ServiceAccount", customRelease+"-loginprofile-operator")
	g.Expect(sa.GetAnnotations()).To(HaveKeyWithValue("pod-identity.alibabacloud.com/role-name", "loginprofile-operator"))
	svc := find(t, ms, "Service", customRelease+"-loginprofile-operator-metrics")
	g.Expect(js(svc.Object["spec"])).To(ContainSubstring(`"port":9443`))

	// The defaults: two replicas, kept from being evicted together; no ProviderConfig.
	defaults := render(t, release)
	g.Expect(js(find(t, defaults, "PodDisruptionBudget", release).Object["spec"])).To(ContainSubstring(`"maxUnavailable":1`))
	for _, m := range defaults {
		g.Expect(m.obj.GetKind()).NotTo(Equal("ProviderConfig"))
	}

	// One replica, without leader election or metrics: no PodDisruptionBudget either (it would block
	// every drain).
	single := render(t, release, "--set", "replicaCount=1", "--set", "leaderElection.enabled=false", "--set", "metrics.enabled=false")
	for _, m := range single {
		g.Expect(m.obj.GetKind()).NotTo(Equal("PodDisruptionBudget"))
	}
	container = containerOf(t, find(t, single, "Deployment", release))
	g.Expect(container["args"]).NotTo(ContainElement("--leader-elect"))
	g.Expect(container["args"]).To(ContainElement("--metrics-bind-address=0"))

	// credentialsNamespace overrides the release's namespace.
	container = containerOf(t, find(t, render(t, release, "--set", "credentialsNamespace=iam-credentials"), "Deployment", release))
	g.Expect(container["args"]).To(ContainElement("--credentials-namespace=iam-credentials"))
	g.Expect(container["args"]).NotTo(ContainElement("--credentials-namespace=" + systemNamespace))
	g.Expect(container["args"]).NotTo(ContainElement(HavePrefix("--extra-endpoint-suffixes")))
}

// TestChartRendersShards: each shard of the values is a Deployment of its own, with the shard's
// flags (which cmd/main.go defines), replicas and resources, and pods that neither the other
// shard's Deployment nor its PodDisruptionBudget select; the metrics Service covers them all.
func TestChartRendersShards(t *testing.T) {
	g := NewWithT(t)
	ms := render(t, shardedRelease, "--values", valuesShards)
	fullname := shardedRelease + "-loginprofile-operator"
	type want struct {
		args     []string
		replicas int64
		memory   string
	}
	for shard, w := range map[string]want{
		"a": {args: []string{"--shard-name=a", "--provider-config-selector=shard=a"}, replicas: 2, memory: "128Mi"},
		"b": {args: []string{"--shard-name=b", "--provider-config-selector=shard in (b,c)"}, replicas: 1, memory: "256Mi"},
	} {
		d := find(t, ms, "Deployment", fullname+"-"+shard)
		container := containerOf(t, d)
		g.Expect(container["args"]).To(ContainElements(w.args), "shard %s", shard)
		g.Expect(container["args"]).To(ContainElement("--leader-elect"), "shard %s", shard)
		replicas, _, _ := unstructured.NestedInt64(d.Object, "spec", "replicas")
		g.Expect(replicas).To(Equal(w.replicas), "shard %s", shard)
		memory, _, _ := unstructured.NestedString(container, "resources", "limits", "memory")
		g.Expect(memory).To(Equal(w.memory), "shard %s", shard)
		selector, _, _ := unstructured.NestedStringMap(d.Object, "spec", "selector", "matchLabels")
		podLabels, _, _ := unstructured.NestedStringMap(d.Object, "spec", "template", "metadata", "labels")
		g.Expect(selector).To(HaveKeyWithValue("iam.loginprofile.io/shard", shard))
		g.Expect(podLabels).To(HaveKeyWithValue("iam.loginprofile.io/shard", shard))
	}
	for _, m := range ms {
		if kind := m.obj.GetKind(); kind == "Deployment" || kind == "PodDisruptionBudget" {
			g.Expect(m.obj.GetName()).NotTo(Equal(fullname), "no unsharded %s beside the shards", kind)
		}
	}
	pdb := find(t, ms, "PodDisruptionBudget", fullname+"-a")
	g.Expect(js(pdb.Object["spec"])).To(ContainSubstring(`"iam.loginprofile.io/shard":"a"`))
	svc := find(t, ms, "Service", fullname+"-metrics")
	g.Expect(js(svc.Object["spec"])).NotTo(ContainSubstring("iam.loginprofile.io/shard"), "the metrics Service selects every shard's pods")
}

func containerOf(t *testing.T, deployment *unstructured.Unstructured) map[string]any {
	t.Helper()
	containers, _, _ := unstructured.NestedSlice(deployment.Object, "spec", "template", "spec", "containers")
	if len(containers) != 1 {
		t.Fatalf("the Deployment has %d containers, want 1", len(containers))
	}
	return containers[0].(map[string]any)
}

// TestChartValuesRefused: mistakes in the values fail the rendering with a clear message.
func TestChartValuesRefused(t *testing.T) {
	helmBin(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"replicas without leader election", []string{"--set", "leaderElection.enabled=false"}, "replicaCount > 1 needs leaderElection.enabled"},
		{"rrsa without role", []string{"--set", "credentials.rrsa.enabled=true"}, "roleArn"},
		{"poll interval not a duration", []string{"--set", "pollInterval=10 minutes"}, "pollInterval"},
		{"misspelt value", []string{"--set", "pollIntervall=5m"}, "pollIntervall"},
		{"extra argument not a flag", []string{"--set", "extraArgs[0]=poll-interval=1m"}, "extraArgs"},
		{"credentials namespace not a namespace", []string{"--set", "credentialsNamespace=Team_A"}, "credentialsNamespace"},
		{"endpoint suffix not a domain", []string{"--set", "extraEndpointSuffixes[0]=https://corp.example"}, "extraEndpointSuffixes"},
		{"federation without identity provider", []string{"--set", "credentials.huaweiFederation.enabled=true",
			"--set", "credentials.huaweiFederation.token.audience=x"}, "credentials.huaweiFederation.idpId is required"},
		{"federation without audience", []string{"--set", "credentials.huaweiFederation.enabled=true",
			"--set", "credentials.huaweiFederation.idpId=x"}, "the client ID of the identity provider"},
		{"shard without selector", []string{"--set", "shards[0].name=a"}, "selector"},
		{"shard with a blank selector", []string{"--set", "shards[0].name=a", "--set", "shards[0].selector= "}, "selector"},
		{"shard name not a DNS label", []string{"--set", "shards[0].name=Shard_A", "--set", "shards[0].selector=shard=a"}, "name"},
		{"shard name used twice", []string{"--set", "shards[0].name=a", "--set", "shards[0].selector=shard=a",
			"--set", "shards[1].name=a", "--set", "shards[1].selector=shard=b"}, `the name "a" is used twice`},
		{"shard replicas without leader election", []string{"--set", "leaderElection.enabled=false", "--set", "replicaCount=1",
			"--set", "shards[0].name=a", "--set", "shards[0].selector=shard=a", "--set", "shards[0].replicas=2"}, "needs leaderElection.enabled"},
		{"provider config without spec", []string{"--set", "providerConfigs[0].name=default"}, "spec"},
		{"provider config misspelt", []string{"--set", "providerConfigs[0].name=default", "--set", "providerConfigs[0].spec.x=1",
			"--set", "providerConfigs[0].rateLimit.readsPerSecond=1"}, "rateLimit"},
	}
	for _, tc := range cases {
		t.Run(testName(tc.name), func(t *testing.T) {
			_, err := helm(t, append([]string{"template", release, chartDir}, tc.args...)...)
			if err == nil {
				t.Fatalf("helm template %s succeeded", strings.Join(tc.args, " "))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("helm template %s: %v\nwant a message about %q", strings.Join(tc.args, " "), err, tc.want)
			}
		})
	}
}

// TestChartApplies renders the chart (its CRDs included), with the default values and with every
// credentials option set, and applies the result to the API server with server-side apply, into
// a namespace that enforces the restricted Pod Security Standard: every object is accepted with no
// warning, applying again changes nothing, and a dry-run apply matches the live objects.
func TestChartApplies(t *testing.T) {
	needControlPlane(t)
	helmBin(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{release, nil},
		{customRelease, []string{"--values", valuesWithCreds}},
		{shardedRelease, []string{"--values", valuesShards}},
	} {
		t.Run(testName(tc.name), func(t *testing.T) {
			ctx := context.Background()
			g := NewWithT(t)
			ms := render(t, tc.name, append([]string{"--include-crds"}, tc.args...)...)
			kinds := map[string]int{}
			for _, m := range ms {
				kinds[m.obj.GetKind()]++
			}
			want := map[string]int{"CustomResourceDefinition": 2, "ServiceAccount": 1, "ClusterRole": 9,
				"ClusterRoleBinding": 2, "Role": 1, "RoleBinding": 1, "Service": 1, "Deployment": 1, "PodDisruptionBudget": 1}
			switch tc.name {
			case customRelease:
				want["ProviderConfig"] = 2
			case shardedRelease:
				want["Deployment"] = 2 // shard b's single replica has no PodDisruptionBudget
			}
			g.Expect(kinds).To(Equal(want))

			warned.take()
			live := map[string]*unstructured.Unstructured{}
			for _, m := range ms {
				obj, err := apply(ctx, t, m.obj, false)
				g.Expect(err).NotTo(HaveOccurred(), "the API server refused the rendered %s", describe(m.obj))
				live[m.source] = obj
			}
			g.Expect(warned.take()).To(BeEmpty(), "warnings (Pod Security admission's?) applying the chart")

			for _, m := range ms {
				again, err := apply(ctx, t, m.obj, false)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(again.GetResourceVersion()).To(Equal(live[m.source].GetResourceVersion()), "applying %s again changed it", describe(m.obj))
				dry, err := apply(ctx, t, m.obj, true)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(cmp.Diff(again.Object, dry.Object)).To(BeEmpty(), "a dry-run apply of %s differs from the live object", describe(m.obj))
				if m.obj.GetKind() != "Deployment" {
					// A Deployment's lists (containers, ports, env) are merged by key by Argo CD's
					// strategic-merge diff, which this emulation does not do: see argoDiff.
					g.Expect(argoDiff(m.obj, again)).To(BeEmpty(), "Argo CD's diff of the rendered %s", describe(m.obj))
				}
			}

			for _, name := range []string{"loginprofiles.iam.loginprofile.io", "providerconfigs.iam.loginprofile.io"} {
				crd := get(ctx, t, find(t, ms, "CustomResourceDefinition", name))
				conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
				g.Expect(generic(t, conds)).To(ContainElement(And(HaveKeyWithValue("type", "Established"), HaveKeyWithValue("status", "True"))),
					"CRD %s not established", name)
			}
		})
	}
}

// TestPodSecurityWarningsAreSeen proves that TestChartApplies would see the Pod Security
// admission's warnings: a Deployment without the chart's security contexts gets some.
func TestPodSecurityWarningsAreSeen(t *testing.T) {
	needControlPlane(t)
	g := NewWithT(t)
	ms := render(t, "insecure", "--set", "podSecurityContext=null", "--set", "securityContext=null", "--show-only", "templates/deployment.yaml")
	warned.take()
	_, err := apply(context.Background(), t, find(t, ms, "Deployment", "insecure-loginprofile-operator"), true)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(strings.Join(warned.take(), "\n")).To(ContainSubstring(`violate PodSecurity "restricted`))
}
