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
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/loginprofile"
)

// shardObjects are the ProviderConfigs of two shards (label shard=a, shard=b) and a LoginProfile
// of each, one of a ProviderConfig that does not exist, and one of shard b being deleted.
func shardObjects() []client.Object {
	pc := func(name, shard string) *v1alpha1.ProviderConfig {
		return &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"shard": shard}}}
	}
	profile := func(name, pc string) *v1alpha1.LoginProfile {
		return &v1alpha1.LoginProfile{
			ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: name},
			Spec: v1alpha1.LoginProfileSpec{
				UserPrincipalName: name + "@example.onaliyun.com",
				ProviderConfigRef: &v1alpha1.ProviderConfigReference{Name: pc},
			},
		}
	}
	deleting := profile("leaving-b", "pc-b")
	deleting.Finalizers = []string{loginprofile.Finalizer}
	deleting.DeletionTimestamp = &metav1.Time{Time: time.Now()}
	return []client.Object{pc("pc-a", "a"), pc("pc-b", "b"),
		profile("in-a", "pc-a"), profile("in-b", "pc-b"), profile("nowhere", "missing"), deleting}
}

// TestShardLeavesOtherShardsAlone: a manager of shard a (selector shard=a) reconciles the
// LoginProfile of its ProviderConfig (its first status is written), and leaves those of shard b,
// the one being deleted included, and the one whose ProviderConfig does not exist exactly as they
// are: no status, no finalizer, no write at all (and no cloud call: the reconciler has no cloud).
func TestShardLeavesOtherShardsAlone(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(shardObjects()...).
		WithStatusSubresource(&v1alpha1.LoginProfile{}).Build()
	sel, err := labels.Parse("shard=a")
	if err != nil {
		t.Fatal(err)
	}
	r := &loginprofile.Reconciler{Client: c, APIReader: c, PollInterval: time.Hour, ProviderConfigSelector: sel}

	for _, name := range []string{"in-b", "nowhere", "leaving-b", "in-a"} {
		key := client.ObjectKey{Namespace: "team", Name: name}
		var before v1alpha1.LoginProfile
		if err := c.Get(ctx, key, &before); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Reconcile(ctx, ctrl.Request{NamespacedName: key}); err != nil {
			t.Fatalf("reconciling %s: %v", name, err)
		}
		var after v1alpha1.LoginProfile
		if err := c.Get(ctx, key, &after); err != nil {
			t.Fatal(err)
		}
		if name == "in-a" {
			if len(after.Status.Conditions) == 0 {
				t.Errorf("%s is shard a's: its first status should be written", name)
			}
			continue
		}
		if after.ResourceVersion != before.ResourceVersion {
			t.Errorf("%s is not shard a's, yet it was written:\n%s", name, cmp.Diff(before, after))
		}
	}
}

// TestReadyCollectorCountsItsShard: a shard's collector counts the LoginProfiles of its
// ProviderConfigs only, so that a sum over the shards counts each LoginProfile once.
func TestReadyCollectorCountsItsShard(t *testing.T) {
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(shardObjects()...).Build()
	count := func(selector string) float64 {
		t.Helper()
		col := &loginprofile.ReadyCollector{Reader: c}
		if selector != "" {
			sel, err := labels.Parse(selector)
			if err != nil {
				t.Fatal(err)
			}
			col.ProviderConfigSelector = sel
		}
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(col)
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var n float64
		for _, mf := range families {
			for _, m := range mf.GetMetric() {
				n += m.GetGauge().GetValue()
			}
		}
		return n
	}
	for selector, want := range map[string]float64{"": 4, "shard=a": 1, "shard=b": 2, "shard=c": 0} {
		if got := count(selector); got != want {
			t.Errorf("selector %q: %v LoginProfiles counted, want %v", selector, got, want)
		}
	}
}
