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

package cloud

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// Keys of a credentials Secret.
const (
	SecretKeyAccessKeyID     = "accessKeyId"
	SecretKeyAccessKeySecret = "accessKeySecret"
	SecretKeySecurityToken   = "securityToken"
)

// Credentials are the resolved credentials of a ProviderConfig. For the Environment and OIDC
// sources only Source is set: the provider reads its SDK's environment variables.
type Credentials struct {
	Source          v1alpha1.CredentialsSource
	AccessKeyID     string
	AccessKeySecret Sensitive
	SecurityToken   Sensitive
}

// ErrCredentials is the error when the credentials of a ProviderConfig cannot be read (missing
// Secret or key).
var ErrCredentials = errors.New("cloud credentials unavailable")

// ResolveCredentials reads the credentials a ProviderConfig points at. Only the Secret source
// reads anything; the other sources are resolved by the provider from its environment. The
// returned error never contains a secret value.
func ResolveCredentials(ctx context.Context, c client.Reader, pc *v1alpha1.ProviderConfig) (Credentials, error) {
	creds := Credentials{Source: pc.Spec.Credentials.Source}
	if creds.Source != v1alpha1.CredentialsSourceSecret {
		return creds, nil
	}
	ref := pc.Spec.Credentials.SecretRef
	if ref == nil {
		return creds, fmt.Errorf("%w: spec.credentials.secretRef is required when the source is Secret", ErrCredentials)
	}
	var s corev1.Secret
	if err := c.Get(ctx, types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}, &s); err != nil {
		if apierrors.IsNotFound(err) {
			return creds, fmt.Errorf("%w: Secret %s/%s not found", ErrCredentials, ref.Namespace, ref.Name)
		}
		return creds, fmt.Errorf("reading credentials Secret %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	id, secret := string(s.Data[SecretKeyAccessKeyID]), string(s.Data[SecretKeyAccessKeySecret])
	if id == "" || secret == "" {
		return creds, fmt.Errorf("%w: Secret %s/%s must have the keys %s and %s",
			ErrCredentials, ref.Namespace, ref.Name, SecretKeyAccessKeyID, SecretKeyAccessKeySecret)
	}
	creds.AccessKeyID = id
	creds.AccessKeySecret = NewSensitive(secret)
	creds.SecurityToken = NewSensitive(string(s.Data[SecretKeySecurityToken]))
	return creds, nil
}
