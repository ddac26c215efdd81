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
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// stubDriver is a cloud of these tests only, configured by spec.alibaba (no cloud package is
// imported here, so nothing else claims it).
type stubDriver struct{}

func (stubDriver) Name() string { return "stub" }
func (stubDriver) Configured(spec *v1alpha1.ProviderConfigSpec) bool {
	return spec != nil && spec.Alibaba != nil
}
func (stubDriver) DefaultRateLimit() RateLimit {
	return RateLimit{ReadsPerSecond: 10, WritesPerSecond: 10}
}
func (stubDriver) Capabilities() Capabilities                        { return Capabilities{} }
func (stubDriver) UserOf(*v1alpha1.LoginProfileSpec) (string, error) { return "u", nil }
func (stubDriver) Connect(spec *v1alpha1.ProviderConfigSpec, _ Credentials, _ Options) (Provider, error) {
	if spec.Alibaba.Endpoint != "" {
		return nil, InvalidConfig("stub", "spec.alibaba.endpoint %q is refused", spec.Alibaba.Endpoint)
	}
	return &countingProvider{}, nil
}

func init() { Register(stubDriver{}) }

// secretReads counts the Secrets read through a fake client, metadata included.
type secretReads struct{ n atomic.Int32 }

// client returns a fake client holding objs that counts every read of a Secret.
func (r *secretReads) client(t *testing.T, objs ...client.Object) client.Client {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	count := func(obj any) {
		switch o := obj.(type) {
		case *corev1.Secret, *corev1.SecretList:
			r.n.Add(1)
		case *metav1.PartialObjectMetadata:
			if o.Kind == "Secret" {
				r.n.Add(1)
			}
		case *metav1.PartialObjectMetadataList:
			if strings.HasPrefix(o.Kind, "Secret") {
				r.n.Add(1)
			}
		}
	}
	return fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).WithInterceptorFuncs(interceptor.Funcs{
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			count(obj)
			return c.Get(ctx, key, obj, opts...)
		},
		List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			count(list)
			return c.List(ctx, list, opts...)
		},
	}).Build()
}

func credentialsSecret(namespace string) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "alibaba-credentials"},
		Data: map[string][]byte{
			SecretKeyAccessKeyID:     []byte("test-access-key-id"),
			SecretKeyAccessKeySecret: []byte("test-access-key-secret"),
		},
	}
}

func secretProviderConfig(name, namespace string) *v1alpha1.ProviderConfig {
	return &v1alpha1.ProviderConfig{
		ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name), Generation: 1},
		Spec: v1alpha1.ProviderConfigSpec{
			Alibaba: &v1alpha1.AlibabaProviderConfig{},
			Credentials: v1alpha1.ProviderCredentials{Source: v1alpha1.CredentialsSourceSecret,
				SecretRef: &v1alpha1.SecretReference{Namespace: namespace, Name: "alibaba-credentials"}},
		},
	}
}

// TestClientsRefuseCredentialsOutsideTheirNamespace: a ProviderConfig whose credentials Secret is
// in another namespace than the operator's is refused with ErrCredentials before any Secret is
// read, its metadata included; one in the operator's namespace is read and used.
func TestClientsRefuseCredentialsOutsideTheirNamespace(t *testing.T) {
	for _, tc := range []struct {
		name, credentialsNamespace, want string
	}{
		{"default namespace", "", DefaultCredentialsNamespace},
		{"flag", "iam-operator", "iam-operator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reads := &secretReads{}
			// The same Secret exists in both namespaces: only the namespace decides.
			c := reads.client(t, credentialsSecret("other"), credentialsSecret(tc.want))
			clients := &Providers{Metadata: c, Secrets: c, CredentialsNamespace: tc.credentialsNamespace}

			_, _, err := clients.For(t.Context(), secretProviderConfig("outside", "other"))
			if !errors.Is(err, ErrCredentials) {
				t.Fatalf("For() = %v, want an ErrCredentials error", err)
			}
			want := `cloud credentials unavailable: credentials Secret other/alibaba-credentials is outside the operator's namespace "` + tc.want +
				`": the operator reads credentials only from its own namespace (--credentials-namespace); move the Secret there`
			if err.Error() != want {
				t.Errorf("message:\n got %s\nwant %s", err, want)
			}
			if strings.Contains(err.Error(), "test-access-key-secret") {
				t.Error("the error reveals the access key secret")
			}
			if n := reads.n.Load(); n != 0 {
				t.Fatalf("%d Secret reads for a refused ProviderConfig, want none", n)
			}

			p, f, err := clients.For(t.Context(), secretProviderConfig("inside", tc.want))
			if err != nil || p == nil || f.Name() != "stub" {
				t.Fatalf("For() of a ProviderConfig with its Secret in %s = %v, %v, %v", tc.want, p, f, err)
			}
			if reads.n.Load() == 0 {
				t.Fatal("the Secret in the operator's namespace was not read: the fake client does not count reads")
			}
		})
	}
}

// TestClientsIgnoreNamespaceWithoutSecretSource: the Environment and OIDC sources read no Secret,
// so a stray secretRef in another namespace is not refused.
func TestClientsIgnoreNamespaceWithoutSecretSource(t *testing.T) {
	reads := &secretReads{}
	c := reads.client(t)
	clients := &Providers{Metadata: c, Secrets: c}
	pc := secretProviderConfig("env", "other")
	pc.Spec.Credentials.Source = v1alpha1.CredentialsSourceEnvironment
	if _, _, err := clients.For(t.Context(), pc); err != nil {
		t.Fatalf("For() = %v", err)
	}
	if n := reads.n.Load(); n != 0 {
		t.Fatalf("%d Secret reads for the Environment source", n)
	}
}

// TestClientsPassConfigurationErrorsOn: a driver's configuration error reaches the caller as it
// is: an ErrInvalidConfig whose text is the cloud's message, without a second class.
func TestClientsPassConfigurationErrorsOn(t *testing.T) {
	c := (&secretReads{}).client(t, credentialsSecret(DefaultCredentialsNamespace))
	clients := &Providers{Metadata: c, Secrets: c}
	pc := secretProviderConfig("refused", DefaultCredentialsNamespace)
	pc.Spec.Alibaba.Endpoint = "ims.example.com"
	_, _, err := clients.For(t.Context(), pc)
	if want := `stub: spec.alibaba.endpoint "ims.example.com" is refused`; err == nil || err.Error() != want {
		t.Fatalf("For() = %v, want %q", err, want)
	}
	if !errors.Is(err, ErrInvalidConfig) || errors.Is(err, ErrCredentials) || errors.Is(err, ErrInvalidInput) || errors.Is(err, ErrAuth) {
		t.Fatalf("For() = %v: want an ErrInvalidConfig error and no other class", err)
	}
}

// TestProvidersDoNotWaitOnAnotherAccountsSecret: building the Provider of one ProviderConfig reads
// its credentials Secret; LoginProfiles of another ProviderConfig must not wait for that read.
func TestProvidersDoNotWaitOnAnotherAccountsSecret(t *testing.T) {
	slowSecret := credentialsSecret(DefaultCredentialsNamespace)
	slowSecret.Name = "slow-credentials"
	release, reading := make(chan struct{}), make(chan struct{})
	var once sync.Once
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(credentialsSecret(DefaultCredentialsNamespace), slowSecret).
		WithInterceptorFuncs(interceptor.Funcs{
			Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
				if _, full := obj.(*corev1.Secret); full && key.Name == slowSecret.Name {
					once.Do(func() { close(reading) })
					<-release
				}
				return c.Get(ctx, key, obj, opts...)
			},
		}).Build()
	providers := &Providers{Metadata: c, Secrets: c}
	slow := secretProviderConfig("slow", DefaultCredentialsNamespace)
	slow.Spec.Credentials.SecretRef.Name = slowSecret.Name
	slowDone := make(chan error, 1)
	go func() {
		_, _, err := providers.For(context.Background(), slow)
		slowDone <- err
	}()
	<-reading
	if _, _, err := providers.For(t.Context(), secretProviderConfig("fast", DefaultCredentialsNamespace)); err != nil {
		t.Fatalf("For() of another ProviderConfig while a Secret read is blocked = %v", err)
	}
	close(release)
	if err := <-slowDone; err != nil {
		t.Fatal(err)
	}
}
