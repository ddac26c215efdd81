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

// Package manager holds what the manager's wiring shares with the tests that start a manager of
// their own, so that both run with the same settings.
package manager

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// secretGVK is the kind of the Secrets the controllers watch as metadata.
var secretGVK = corev1.SchemeGroupVersion.WithKind("Secret")

// CacheOptions returns the options of the manager's cache. Every cached object loses its
// managedFields and kubectl's last-applied-configuration annotation (memory: each is about the
// size of the object). A cached Secret also loses its annotations: the controllers watch
// Secrets as metadata only, and `kubectl apply` keeps a Secret's whole manifest, data included, in
// the kubectl.kubernetes.io/last-applied-configuration annotation, which would otherwise put every
// password and access key of the cluster in the manager's memory. Labels are kept.
//
// Secrets get the transform twice over: their own cache (ByObject, chosen by kind, whatever the
// object's Go type) strips the annotations of whatever it holds, and the default transform strips
// them from anything that is a Secret by type or kind, should a Secret ever be cached elsewhere.
// The metadata informers of controller-runtime (v0.25) set the kind on each object before the
// transform sees it (pkg/cache/internal/informers.go: the list sets it on every item, the watch
// through newGVKFixupWatcher), so the default transform would suffice on its own.
//
// Callers may set DefaultNamespaces on the result: the Secret cache follows them.
func CacheOptions() cache.Options {
	return cache.Options{
		DefaultTransform: transformDefault,
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Secret{}: {Transform: transformSecret},
		},
	}
}

var _ toolscache.TransformFunc = transformDefault

// transformDefault is the cache's default transform: it strips the managedFields of every object,
// and the annotations of a Secret.
func transformDefault(in any) (any, error) {
	stripManagedFields(in)
	if isSecret(in) {
		stripAnnotations(in)
	} else {
		stripLastApplied(in)
	}
	return in, nil
}

// transformSecret is the transform of the Secret cache: every object there is a Secret.
func transformSecret(in any) (any, error) {
	stripManagedFields(in)
	stripAnnotations(in)
	return in, nil
}

// isSecret reports whether in is a Secret: a *corev1.Secret (whose kind the typed informers leave
// unset), or an object of another Go type (metadata, unstructured) whose kind says Secret.
func isSecret(in any) bool {
	switch o := in.(type) {
	case *corev1.Secret:
		return true
	case runtime.Object:
		return o.GetObjectKind().GroupVersionKind().GroupKind() == secretGVK.GroupKind()
	}
	return false
}

// stripManagedFields is cache.TransformStripManagedFields without its closure.
func stripManagedFields(in any) {
	// The nil check avoids https://github.com/kubernetes/kubernetes/issues/124337, as
	// controller-runtime's TransformStripManagedFields does.
	if obj, err := meta.Accessor(in); err == nil && obj.GetManagedFields() != nil {
		obj.SetManagedFields(nil)
	}
}

// lastApplied is where `kubectl apply` keeps the whole manifest it applied: a copy of the object
// that no reconcile reads, as large as the object itself.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// stripLastApplied drops that copy from an object of any kind; its other annotations stay (a
// change of one wakes the controller: Flux's and Argo CD's "reconcile now").
func stripLastApplied(in any) {
	obj, err := meta.Accessor(in)
	if err != nil {
		return
	}
	if a := obj.GetAnnotations(); a != nil {
		if _, ok := a[lastApplied]; ok {
			delete(a, lastApplied)
			if len(a) == 0 {
				a = nil
			}
			obj.SetAnnotations(a)
		}
	}
}

func stripAnnotations(in any) {
	if obj, err := meta.Accessor(in); err == nil && obj.GetAnnotations() != nil {
		obj.SetAnnotations(nil)
	}
}
