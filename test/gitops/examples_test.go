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
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// TestExamplesNoPerpetualDiff applies every sample (config/samples) and every complete example of
// README.md and docs/*.md as a GitOps tool would, and checks that nothing would ever show as out
// of sync:
//
//   - server-side apply of the manifest a second time changes nothing (same resourceVersion,
//     generation and managedFields), also after the operator has added its finalizer and written
//     status;
//   - a server-side dry-run apply returns the live object (Argo CD's server-side diff is clean);
//   - the emulation of Argo CD's client-side diff (argoDiff) finds nothing.
func TestExamplesNoPerpetualDiff(t *testing.T) {
	needControlPlane(t)
	all := samples(t)
	docs, _ := docExamples(t)
	all = append(all, docs...)
	for _, m := range all {
		t.Run(testName(m.source, describe(m.obj)), func(t *testing.T) {
			checkNoPerpetualDiff(t, m)
		})
	}
}

func checkNoPerpetualDiff(t *testing.T, m manifest) {
	ctx := context.Background()
	g := NewWithT(t)
	desired := m.obj.DeepCopy()
	gvk := desired.GroupVersionKind()
	if _, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version); meta.IsNoMatchError(err) && gvk.Group != v1alpha1.GroupVersion.Group {
		// The docs show the objects of other tools (Argo CD's Application, External Secrets'
		// ExternalSecret, Flux's Kustomization): their CRDs are not installed here.
		t.Skipf("%s: %s is another tool's kind, not installed in the test's API server", m.source, gvk)
	}
	resourceFor(t, desired) // defaults the namespace
	ensureNamespace(ctx, t, desired.GetNamespace())
	// Examples share names (the README's alice is the sample's): each starts from nothing.
	remove(ctx, t, desired)
	t.Cleanup(func() { remove(ctx, t, desired) })

	first, err := apply(ctx, t, desired, false)
	g.Expect(err).NotTo(HaveOccurred(), "the API server refused %s", m.source)
	second, err := apply(ctx, t, desired, false)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(second.GetResourceVersion()).To(Equal(first.GetResourceVersion()), "applying %s again changed it", m.source)
	g.Expect(second.GetGeneration()).To(Equal(first.GetGeneration()))
	g.Expect(cmp.Diff(first.GetManagedFields(), second.GetManagedFields())).To(BeEmpty(), "applying again changed managedFields")
	g.Expect(argoDiff(desired, second)).To(BeEmpty(), "Argo CD's diff of %s against the object it created", m.source)

	// The operator adds its finalizer and writes status; the manifest must still be in sync.
	live := actAsOperator(ctx, t, second)
	third, err := apply(ctx, t, desired, false)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(third.GetResourceVersion()).To(Equal(live.GetResourceVersion()), "applying %s after the operator's writes changed it", m.source)
	g.Expect(cmp.Diff(live.GetManagedFields(), third.GetManagedFields())).To(BeEmpty(), "applying again changed managedFields")

	dry, err := apply(ctx, t, desired, true)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cmp.Diff(live.Object, dry.Object)).To(BeEmpty(), "a server-side dry-run apply of %s differs from the live object", m.source)
	g.Expect(argoDiff(desired, live)).To(BeEmpty(), "Argo CD's diff of %s", m.source)
}

// actAsOperator does to obj what the manager would (it does not run here): it adds the
// LoginProfile finalizer and writes the status of LoginProfiles and ProviderConfigs, as its own
// field manager. It returns the live object afterwards.
func actAsOperator(ctx context.Context, t *testing.T, obj *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	if obj.GroupVersionKind().Group != "iam.loginprofile.io" {
		return obj
	}
	res := resourceFor(t, obj)
	opts := metav1.PatchOptions{FieldManager: operatorManager}
	gen := obj.GetGeneration()
	now := metav1.Now().UTC().Format(time.RFC3339)
	ready := map[string]any{"type": "Ready", "status": "True", "observedGeneration": gen, "lastTransitionTime": now}
	var status map[string]any
	switch obj.GetKind() {
	case "LoginProfile":
		p, err := json.Marshal(map[string]any{"metadata": map[string]any{"finalizers": []string{finalizer}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := res.Patch(ctx, obj.GetName(), types.MergePatchType, p, opts); err != nil {
			t.Fatalf("adding the finalizer: %v", err)
		}
		ready["reason"], ready["message"] = "Available", "The console login matches the spec."
		status = map[string]any{
			"observedGeneration": gen,
			"conditions":         []any{ready},
			"atProvider": map[string]any{"userPrincipalName": obj.Object["spec"].(map[string]any)["userPrincipalName"],
				"status": "Active", "mfaBindRequired": false, "passwordResetRequired": false, "createdAt": now, "updateDate": now},
			"password": map[string]any{"digest": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
				"secretName": "x", "secretKey": "password", "secretResourceVersion": "1", "resetRequired": false, "lastAppliedTime": now},
		}
	case "ProviderConfig":
		ready["reason"], ready["message"] = "Configured", "The credentials are readable."
		status = map[string]any{"observedGeneration": gen, "conditions": []any{ready}}
	default:
		return obj
	}
	p, err := json.Marshal(map[string]any{"status": status})
	if err != nil {
		t.Fatal(err)
	}
	live, err := res.Patch(ctx, obj.GetName(), types.MergePatchType, p, opts, "status")
	if err != nil {
		t.Fatalf("writing status: %v", err)
	}
	return live
}
