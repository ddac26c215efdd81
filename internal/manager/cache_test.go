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

package manager

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// objectMeta is metadata as the API server returns it: annotations (one holding a Secret's data,
// as kubectl apply writes it), labels and managedFields.
func objectMeta() metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Namespace: "team-a", Name: "alice-console", ResourceVersion: "42",
		Labels: map[string]string{"app": "console"},
		Annotations: map[string]string{
			lastApplied:     `{"apiVersion":"v1","kind":"Secret","stringData":{"password":"Leaked-Password-1"}}`,
			"example.com/x": "y",
		},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}},
	}
}

// stripped is what the cache must keep of objectMeta: everything but the annotations and the
// managedFields.
func stripped() metav1.ObjectMeta {
	m := objectMeta()
	m.Annotations, m.ManagedFields = nil, nil
	return m
}

func secretMetadata(gvkSet bool) *metav1.PartialObjectMetadata {
	o := &metav1.PartialObjectMetadata{ObjectMeta: objectMeta()}
	if gvkSet {
		o.SetGroupVersionKind(secretGVK)
	}
	return o
}

func TestDefaultTransform(t *testing.T) {
	keptAnnotations := objectMeta()
	keptAnnotations.ManagedFields = nil
	keptAnnotations.Annotations = map[string]string{"example.com/x": "y"} // all but kubectl's copy of the manifest
	configMapMeta := &metav1.PartialObjectMetadata{ObjectMeta: objectMeta()}
	configMapMeta.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("ConfigMap"))
	tests := []struct {
		name string
		in   client.Object
		want metav1.ObjectMeta
	}{
		{"Secret", &corev1.Secret{ObjectMeta: objectMeta(), Data: map[string][]byte{"password": []byte("p")}}, stripped()},
		{"Secret metadata", secretMetadata(true), stripped()},
		{"unstructured Secret", unstructuredSecret(), stripped()},
		{"ConfigMap: other annotations kept", &corev1.ConfigMap{ObjectMeta: objectMeta()}, keptAnnotations},
		{"ConfigMap metadata: other annotations kept", configMapMeta, keptAnnotations},
		{"LoginProfile: other annotations kept", &v1alpha1.LoginProfile{ObjectMeta: objectMeta()}, keptAnnotations},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := transformDefault(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			obj := out.(client.Object)
			got := metav1.ObjectMeta{Namespace: obj.GetNamespace(), Name: obj.GetName(), ResourceVersion: obj.GetResourceVersion(),
				Labels: obj.GetLabels(), Annotations: obj.GetAnnotations(), ManagedFields: obj.GetManagedFields()}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("metadata after the transform (-want +got):\n%s", diff)
			}
		})
	}
	if s, _ := transformDefault(&corev1.Secret{ObjectMeta: objectMeta(), Data: map[string][]byte{"password": []byte("p")}}); string(s.(*corev1.Secret).Data["password"]) != "p" {
		t.Error("the transform changed a Secret's data")
	}
	// Not an object (a tombstone, say): passed through untouched.
	if out, err := transformDefault("not an object"); err != nil || out != "not an object" {
		t.Errorf("transform of a non-object = %v, %v", out, err)
	}
}

func TestCacheOptions(t *testing.T) {
	opts := CacheOptions()
	if opts.DefaultTransform == nil {
		t.Fatal("no default transform")
	}
	var secretCache *func(any) (any, error)
	for obj, by := range opts.ByObject {
		if _, ok := obj.(*corev1.Secret); ok && by.Transform != nil {
			f := func(in any) (any, error) { return by.Transform(in) }
			secretCache = &f
		}
	}
	if secretCache == nil {
		t.Fatal("no transform for the Secret cache")
	}
	// The Secret cache strips whatever it holds, even metadata without its kind set, and the
	// managedFields too (its transform replaces the default one).
	for name, in := range map[string]client.Object{
		"Secret metadata":              secretMetadata(true),
		"Secret metadata without kind": secretMetadata(false),
		"Secret":                       &corev1.Secret{ObjectMeta: objectMeta()},
		"unstructured Secret":          unstructuredSecret(),
	} {
		out, err := (*secretCache)(in)
		if err != nil {
			t.Fatal(err)
		}
		obj := out.(client.Object)
		if len(obj.GetAnnotations()) != 0 || len(obj.GetManagedFields()) != 0 {
			t.Errorf("%s: the Secret cache keeps annotations %v and managedFields %v", name, obj.GetAnnotations(), obj.GetManagedFields())
		}
		if diff := cmp.Diff(map[string]string{"app": "console"}, obj.GetLabels()); diff != "" {
			t.Errorf("%s: labels (-want +got):\n%s", name, diff)
		}
	}
	// And the default transform strips managedFields of every object, as
	// cache.TransformStripManagedFields did.
	out, _ := opts.DefaultTransform(&v1alpha1.ProviderConfig{ObjectMeta: objectMeta()})
	if mf := out.(client.Object).GetManagedFields(); mf != nil {
		t.Errorf("managedFields kept: %v", mf)
	}
}

func unstructuredSecret() *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(secretGVK)
	m := objectMeta()
	u.SetNamespace(m.Namespace)
	u.SetName(m.Name)
	u.SetResourceVersion(m.ResourceVersion)
	u.SetLabels(m.Labels)
	u.SetAnnotations(m.Annotations)
	u.SetManagedFields(m.ManagedFields)
	return u
}
