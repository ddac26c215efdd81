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

package providerconfig

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// TestShardReportsOnItsProviderConfigs: a shard's controller writes the status of the
// ProviderConfigs its selector matches, and never of another shard's.
func TestShardReportsOnItsProviderConfigs(t *testing.T) {
	ctx := context.Background()
	scheme := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	pc := func(name, shard string) *v1alpha1.ProviderConfig {
		return &v1alpha1.ProviderConfig{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"shard": shard}},
			Spec:       v1alpha1.ProviderConfigSpec{Credentials: v1alpha1.ProviderCredentials{Source: v1alpha1.CredentialsSourceEnvironment}},
		}
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(pc("pc-a", "a"), pc("pc-b", "b")).
		WithStatusSubresource(&v1alpha1.ProviderConfig{}).Build()
	sel, err := labels.Parse("shard=a")
	if err != nil {
		t.Fatal(err)
	}
	r := &Reconciler{Client: c, Providers: &cloud.Providers{Metadata: c, Secrets: c}, Selector: sel}
	for name, wantStatus := range map[string]bool{"pc-a": true, "pc-b": false} {
		// The outcome does not matter here (this ProviderConfig names no cloud): whether it is written does.
		_, _ = r.Reconcile(ctx, ctrl.Request{NamespacedName: client.ObjectKey{Name: name}})
		var got v1alpha1.ProviderConfig
		if err := c.Get(ctx, client.ObjectKey{Name: name}, &got); err != nil {
			t.Fatal(err)
		}
		if written := len(got.Status.Conditions) > 0; written != wantStatus {
			t.Errorf("%s: status written %t, want %t: %+v", name, written, wantStatus, got.Status)
		}
	}
}
