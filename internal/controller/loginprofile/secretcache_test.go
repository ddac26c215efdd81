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
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/internal/manager"
)

// managerCacheOptions are the cache options of the test managers: the manager's own
// (cmd/main.go), serving only the given namespaces.
func managerCacheOptions(namespaces map[string]cache.Config) cache.Options {
	opts := manager.CacheOptions()
	opts.DefaultNamespaces = namespaces
	return opts
}

const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// TestSecretMetadataCacheKeepsNoAnnotations: `kubectl apply` keeps a Secret's whole manifest,
// data included, in the last-applied-configuration annotation. The manager caches Secrets as
// metadata only, and without any annotation: no cached Secret holds a password.
func TestSecretMetadataCacheKeepsNoAnnotations(t *testing.T) {
	requireEnvtest(t)
	g := NewWithT(t)
	ctx := context.Background()
	marker := strongPassword() // registered: the suite's final scan looks for it in logs and events too

	lastApplied := func(pw string) string {
		b, err := json.Marshal(map[string]any{
			"apiVersion": "v1", "kind": "Secret",
			"metadata":   map[string]any{"namespace": nsWatch},
			"stringData": map[string]string{"password": pw},
		})
		g.Expect(err).NotTo(HaveOccurred())
		return string(b)
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: nsWatch, Name: fmt.Sprintf("applied-%d", seq.Add(1)),
			Labels:      map[string]string{"app.kubernetes.io/name": "console-password"},
			Annotations: map[string]string{lastAppliedAnnotation: lastApplied(marker), "example.com/owner": "team-a"},
		},
		StringData: map[string]string{"password": marker},
	}
	g.Expect(k8s.Create(ctx, secret)).To(Succeed())
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), secret) })

	secretMeta := func() *metav1.PartialObjectMetadata {
		m := &metav1.PartialObjectMetadata{}
		m.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
		return m
	}
	// The API server has the annotation: the test is not vacuous.
	onServer := secretMeta()
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(secret), onServer)).To(Succeed())
	g.Expect(onServer.Annotations[lastAppliedAnnotation]).To(ContainSubstring(marker))

	// cached waits for the watch manager's cache to hold the Secret at its current resourceVersion
	// and checks what it holds: the labels, no annotation.
	cached := func(resourceVersion string) {
		t.Helper()
		g.Eventually(func(g Gomega) {
			m := secretMeta()
			g.Expect(watchCache.Get(ctx, client.ObjectKeyFromObject(secret), m)).To(Succeed())
			g.Expect(m.ResourceVersion).To(Equal(resourceVersion))
			g.Expect(keys(m.Annotations)).To(BeEmpty(), "the cached Secret keeps annotations")
			g.Expect(m.Labels).To(Equal(secret.Labels), "the cached Secret lost its labels")
		}, eventuallyWait, 50*time.Millisecond).Should(Succeed())
	}
	cached(secret.ResourceVersion)

	// An update comes through the watch too.
	next := strongPassword()
	secret.Annotations[lastAppliedAnnotation] = lastApplied(next)
	secret.StringData = map[string]string{"password": next}
	g.Expect(k8s.Update(ctx, secret)).To(Succeed())
	cached(secret.ResourceVersion)

	// No Secret in the cache, whichever namespace it serves, keeps an annotation, let alone one
	// holding a password.
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("SecretList"))
	g.Expect(watchCache.List(ctx, list)).To(Succeed())
	g.Expect(list.Items).NotTo(BeEmpty())
	for _, item := range list.Items {
		for k, v := range item.Annotations {
			g.Expect(strings.Contains(v, marker) || strings.Contains(v, next)).To(BeFalse(),
				"the cached Secret %s/%s holds a password in its annotation %s", item.Namespace, item.Name, k)
		}
		g.Expect(keys(item.Annotations)).To(BeEmpty(), "the cached Secret %s/%s keeps annotations", item.Namespace, item.Name)
	}
}

// keys returns the keys of m, so that a failure shows which annotations were kept and not their
// values (a password).
func keys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
