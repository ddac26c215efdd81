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

package utils

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
)

// The demo and the end-to-end tests apply the same kinds of objects: they build them here, from
// the typed API, and Manifest writes them as YAML, so that a field is named once, by the API.

// CredentialsNamespace is where the credentials Secrets go: the manager's namespace outside a
// cluster (--credentials-namespace's default).
const CredentialsNamespace = "loginprofile-system" //nolint:gosec // a namespace's name, not a credential

// Manifest is objs as one multi-document YAML manifest, in order, as a person would write it:
// without the empty status and the null creationTimestamp that a typed object marshals.
func Manifest(objs ...any) (string, error) {
	docs := make([]string, 0, len(objs))
	for _, obj := range objs {
		b, err := yaml.Marshal(obj)
		if err != nil {
			return "", fmt.Errorf("writing %T as YAML: %w", obj, err)
		}
		var fields map[string]any
		if err := yaml.Unmarshal(b, &fields); err != nil {
			return "", fmt.Errorf("reading %T back: %w", obj, err)
		}
		if status, ok := fields["status"].(map[string]any); ok && len(status) == 0 {
			delete(fields, "status")
		}
		if meta, ok := fields["metadata"].(map[string]any); ok && meta["creationTimestamp"] == nil {
			delete(meta, "creationTimestamp")
		}
		if b, err = yaml.Marshal(fields); err != nil {
			return "", err
		}
		docs = append(docs, string(b))
	}
	return strings.Join(docs, "---\n"), nil
}

// Namespace is a Namespace named name.
func Namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: name},
	}
}

// CredentialsSecret is the Secret holding an access key, under the keys every cloud's
// ProviderConfig reads (accessKeyId, accessKeySecret), in CredentialsNamespace.
func CredentialsSecret(name, accessKeyID, accessKeySecret string) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: CredentialsNamespace},
		Type:       corev1.SecretTypeOpaque,
		StringData: map[string]string{"accessKeyId": accessKeyID, "accessKeySecret": accessKeySecret},
	}
}

// PasswordSecret is a LoginProfile's password Secret, the password under the default key.
func PasswordSecret(namespace, name, password string) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Type:       corev1.SecretTypeOpaque,
		StringData: map[string]string{v1alpha1.DefaultPasswordKey: password},
	}
}

// SimProviderConfig is the ProviderConfig name of cloud c reaching the simulator sim, with the
// credentials of the Secret credentialsSecret (in CredentialsNamespace).
func SimProviderConfig(c simclouds.Cloud, name string, sim *Cloudsim, credentialsSecret string) *v1alpha1.ProviderConfig {
	pc := &v1alpha1.ProviderConfig{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "ProviderConfig"},
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.ProviderConfigSpec{Credentials: v1alpha1.ProviderCredentials{
			Source:    v1alpha1.CredentialsSourceSecret,
			SecretRef: &v1alpha1.SecretReference{Namespace: CredentialsNamespace, Name: credentialsSecret},
		}},
	}
	c.ProviderConfig(&pc.Spec, sim.URL, sim.AccountID)
	return pc
}

// LoginProfile is a LoginProfile of cloud c: spec, with user in the cloud's user field.
func LoginProfile(c simclouds.Cloud, namespace, name, user string, spec v1alpha1.LoginProfileSpec) *v1alpha1.LoginProfile {
	c.SetUser(&spec, user)
	return &v1alpha1.LoginProfile{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "LoginProfile"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec:       spec,
	}
}
