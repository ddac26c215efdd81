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
	"fmt"
	"sync"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// DefaultCredentialsNamespace is the namespace credentials Secrets must be in when
// Providers.CredentialsNamespace is empty: the namespace the operator is installed into by default.
const DefaultCredentialsNamespace = "loginprofile-system" //nolint:gosec // G101: a namespace's name, not a credential

// Providers hands out the Provider of each ProviderConfig. A Provider is built once and rebuilt only
// when the ProviderConfig's spec or its credentials Secret changes; the rate limiter of a
// ProviderConfig outlives rebuilds, so every LoginProfile of one account shares one budget.
type Providers struct {
	// Metadata reads object metadata from the manager's cache (the credentials Secret's
	// resourceVersion) without keeping Secret contents in memory.
	Metadata client.Reader
	// Secrets reads Secret contents straight from the API server.
	Secrets client.Reader
	// CredentialsNamespace is the only namespace credentials Secrets are read from (the manager's
	// --credentials-namespace); empty means DefaultCredentialsNamespace. A ProviderConfig is
	// cluster-scoped, so without this bound anyone allowed to write one could make the operator
	// read, and send to a cloud endpoint, any Secret of the cluster.
	CredentialsNamespace string
	// Options are passed to every Driver.
	Options Options

	mu    sync.Mutex // guards slots only: never held across a call
	slots map[string]*slot
}

// slot is one ProviderConfig's Provider. Its lock serialises the (re)building, which reads the
// credentials Secret: the LoginProfiles of other ProviderConfigs never wait on it, and those of
// this one find the current entry without it.
type slot struct {
	build   sync.Mutex
	current atomic.Pointer[clientEntry]
}

type clientEntry struct {
	key      string
	provider Provider
	driver   Driver
	limiter  *Limiter
}

// For returns the Provider and Driver of pc. Errors wrap ErrCredentials when the credentials
// Secret is unusable or outside CredentialsNamespace, ErrInvalidConfig when pc cannot be used as
// written, and are otherwise failures to read the Secret's metadata.
func (c *Providers) For(ctx context.Context, pc *v1alpha1.ProviderConfig) (Provider, Driver, error) {
	driver, err := DriverFor(&pc.Spec)
	if err != nil {
		return nil, nil, err
	}
	// Before anything reads the Secret, its metadata included.
	if err := c.checkCredentialsNamespace(pc); err != nil {
		return nil, nil, err
	}
	secretVersion, err := c.credentialsVersion(ctx, pc)
	if err != nil {
		return nil, nil, err
	}
	key := fmt.Sprintf("%s/%d/%s", pc.UID, pc.Generation, secretVersion)
	s := c.slot(pc.Name)
	if e := s.current.Load(); e != nil && e.key == key {
		return e.provider, e.driver, nil
	}
	s.build.Lock()
	defer s.build.Unlock()
	e := s.current.Load()
	if e != nil && e.key == key { // built while this call waited
		return e.provider, e.driver, nil
	}
	creds, err := ResolveCredentials(ctx, c.Secrets, pc)
	if err != nil {
		return nil, nil, err
	}
	p, err := driver.Connect(&pc.Spec, creds, c.Options)
	if err != nil {
		return nil, nil, err // an ErrInvalidConfig, as Driver.Connect promises
	}
	limit := effectiveRateLimit(driver, pc.Spec.RateLimit)
	var limiter *Limiter
	if e != nil {
		limiter = e.limiter
		limiter.SetLimit(limit)
	} else {
		limiter = NewLimiter(pc.Name, limit)
	}
	e = &clientEntry{key: key, provider: RateLimited(Instrumented(p, driver.Name()), limiter), driver: driver, limiter: limiter}
	s.current.Store(e)
	return e.provider, e.driver, nil
}

// slot returns the slot of the ProviderConfig name, made on first use.
func (c *Providers) slot(name string) *slot {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.slots == nil {
		c.slots = map[string]*slot{}
	}
	s := c.slots[name]
	if s == nil {
		s = &slot{}
		c.slots[name] = s
	}
	return s
}

// Forget drops the Provider of a deleted ProviderConfig.
func (c *Providers) Forget(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.slots, name)
}

// credentialsNamespace is the namespace credentials Secrets must be in.
func (c *Providers) credentialsNamespace() string {
	if c.CredentialsNamespace == "" {
		return DefaultCredentialsNamespace
	}
	return c.CredentialsNamespace
}

// checkCredentialsNamespace refuses a credentials Secret outside the operator's namespace.
func (c *Providers) checkCredentialsNamespace(pc *v1alpha1.ProviderConfig) error {
	ref := pc.Spec.Credentials.SecretRef
	if pc.Spec.Credentials.Source != v1alpha1.CredentialsSourceSecret || ref == nil {
		return nil
	}
	if ns := c.credentialsNamespace(); ref.Namespace != ns {
		return fmt.Errorf("%w: credentials Secret %s/%s is outside the operator's namespace %q: the operator reads credentials "+
			"only from its own namespace (--credentials-namespace); move the Secret there", ErrCredentials, ref.Namespace, ref.Name, ns)
	}
	return nil
}

func (c *Providers) credentialsVersion(ctx context.Context, pc *v1alpha1.ProviderConfig) (string, error) {
	ref := pc.Spec.Credentials.SecretRef
	if pc.Spec.Credentials.Source != v1alpha1.CredentialsSourceSecret || ref == nil {
		return "", nil
	}
	meta := &metav1.PartialObjectMetadata{}
	meta.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
	if err := c.Metadata.Get(ctx, types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}, meta); err != nil {
		if apierrors.IsNotFound(err) {
			return "", fmt.Errorf("%w: Secret %s/%s not found", ErrCredentials, ref.Namespace, ref.Name)
		}
		return "", fmt.Errorf("reading credentials Secret %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	return meta.ResourceVersion, nil
}
