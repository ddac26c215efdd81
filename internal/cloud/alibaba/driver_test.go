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

package alibaba

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

func TestDriverIsRegistered(t *testing.T) {
	f, err := cloud.DriverFor(&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name() != "alibaba" {
		t.Fatalf("Name() = %q", f.Name())
	}
	if Driver.Configured(&v1alpha1.ProviderConfigSpec{}) || Driver.Configured(nil) {
		t.Fatal("Configured without spec.alibaba")
	}
	if got := Driver.DefaultRateLimit(); got != (cloud.RateLimit{ReadsPerSecond: 100, WritesPerSecond: 20}) {
		t.Fatalf("DefaultRateLimit() = %+v", got)
	}
}

func TestUserOf(t *testing.T) {
	got, err := Driver.UserOf(&v1alpha1.LoginProfileSpec{UserPrincipalName: "alice@corp.onaliyun.com"})
	if err != nil || got != "alice@corp.onaliyun.com" {
		t.Fatalf("UserOf = %q, %v", got, err)
	}
	_, err = Driver.UserOf(&v1alpha1.LoginProfileSpec{})
	if !errors.Is(err, cloud.ErrInvalidInput) || err.Error() != "spec.userPrincipalName is required for an Alibaba Cloud ProviderConfig" {
		t.Fatalf("UserOf of an empty spec: %v", err)
	}
}

// TestEndpointDomains: an endpoint must be in Alibaba Cloud's domains, in one the manager allows
// with --extra-endpoint-suffixes, or loopback; anything else is refused with a message naming the
// flag.
func TestEndpointDomains(t *testing.T) {
	extra := []string{"iam.corp.example"}
	tests := []struct {
		name, in string
		extra    []string
		want     cloud.Endpoint
		refused  bool
	}{
		{name: "default", in: "", want: cloud.Endpoint{Scheme: "https", Host: DefaultEndpoint}},
		{name: "own domain", in: "ims.aliyuncs.com", want: cloud.Endpoint{Scheme: "https", Host: "ims.aliyuncs.com"}},
		{name: "own domain, VPC endpoint", in: "https://ims-vpc.cn-shanghai.aliyuncs.com", want: cloud.Endpoint{Scheme: "https", Host: "ims-vpc.cn-shanghai.aliyuncs.com"}},
		{name: "own domain, upper case and trailing dot", in: "https://IMS.ALIYUNCS.COM.", want: cloud.Endpoint{Scheme: "https", Host: "IMS.ALIYUNCS.COM."}},
		{name: "loopback", in: "http://127.0.0.1:8080", want: cloud.Endpoint{Scheme: "http", Host: "127.0.0.1:8080"}},
		{name: "loopback over https", in: "localhost:8443", want: cloud.Endpoint{Scheme: "https", Host: "localhost:8443"}},
		{name: "foreign host", in: "ims.example.com", refused: true},
		{name: "foreign IP", in: "https://10.0.0.1", refused: true},
		{name: "look-alike", in: "ims.evilaliyuncs.com", refused: true},
		{name: "look-alike prefix", in: "aliyuncs.com.evil.example", refused: true},
		{name: "extra suffix", in: "ims.iam.corp.example:8443", extra: extra, want: cloud.Endpoint{Scheme: "https", Host: "ims.iam.corp.example:8443"}},
		{name: "extra suffix itself", in: "iam.corp.example", extra: extra, want: cloud.Endpoint{Scheme: "https", Host: "iam.corp.example"}},
		{name: "extra suffix look-alike", in: "ims.eviliam.corp.example", extra: extra, refused: true},
		{name: "foreign host with an extra suffix", in: "ims.example.com", extra: extra, refused: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := endpointRule.Parse(tc.in, tc.extra)
			if tc.refused {
				if !errors.Is(err, cloud.ErrInvalidConfig) || !strings.Contains(err.Error(), "--extra-endpoint-suffixes") ||
					!strings.Contains(err.Error(), "spec.alibaba.endpoint") || !strings.Contains(err.Error(), "aliyuncs.com") {
					t.Fatalf("Parse(%q) = %v, %v; want an ErrInvalidConfig error naming the field, the domains and the flag", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}

	// Through the driver, with the manager's options.
	creds := cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret, AccessKeyID: "ak", AccessKeySecret: cloud.NewSensitive(testAKSecret)}
	spec := &v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{Endpoint: "ims.iam.corp.example"}}
	_, err := Driver.Connect(spec, creds, cloud.Options{})
	if want := `alibaba: spec.alibaba.endpoint: host "ims.iam.corp.example" is neither in an allowed domain (aliyuncs.com) nor a loopback host; ` +
		"for a private deployment, add its domain to the manager's --extra-endpoint-suffixes"; err == nil || err.Error() != want || !errors.Is(err, cloud.ErrInvalidConfig) {
		t.Fatalf("New() = %v, want %q", err, want)
	}
	if _, err := Driver.Connect(spec, creds, cloud.Options{EndpointSuffixes: extra}); err != nil {
		t.Fatalf("New() with --extra-endpoint-suffixes=%v: %v", extra, err)
	}
}

func TestParseRegionID(t *testing.T) {
	if got, err := parseRegionID(""); err != nil || got != "cn-hangzhou" {
		t.Fatalf("default region: %q, %v", got, err)
	}
	if got, err := parseRegionID("ap-southeast-1"); err != nil || got != "ap-southeast-1" {
		t.Fatalf("region: %q, %v", got, err)
	}
	if _, err := parseRegionID("cn hangzhou"); !errors.Is(err, cloud.ErrInvalidConfig) || err.Error() != `alibaba: spec.alibaba.regionId "cn hangzhou" is not a region id such as cn-hangzhou` {
		t.Fatalf("bad region accepted: %v", err)
	}
}

func TestDriverConnect(t *testing.T) {
	creds := cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret, AccessKeyID: "ak", AccessKeySecret: cloud.NewSensitive(testAKSecret)}
	p, err := Driver.Connect(&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}}, creds, cloud.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pp := p.(*provider)
	if pp.endpoint != (cloud.Endpoint{Scheme: "https", Host: DefaultEndpoint}) || pp.scheme() != "HTTPS" || pp.regionID != DefaultRegionID ||
		pp.calls != providerkit.NewCalls(cloud.Options{}) {
		t.Fatalf("defaults not applied: %+v", pp)
	}
	p, err = Driver.Connect(&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{RegionID: "cn-shanghai"}}, creds,
		cloud.Options{Timeout: 3 * time.Second})
	if err != nil || p.(*provider).calls.Timeout != 3*time.Second || p.(*provider).regionID != "cn-shanghai" {
		t.Fatalf("options not applied: %v", err)
	}

	// Every refusal is a configuration error of the ProviderConfig, saying which field.
	for name, tc := range map[string]struct {
		spec *v1alpha1.ProviderConfigSpec
		want string
	}{
		"plain http remote": {&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{Endpoint: "http://ims.aliyuncs.com"}},
			`alibaba: spec.alibaba.endpoint "http://ims.aliyuncs.com": plain http:// is only allowed to a loopback host`},
		"bad region": {&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{RegionID: "cn hangzhou"}},
			"alibaba: spec.alibaba.regionId"},
		"no spec.alibaba": {&v1alpha1.ProviderConfigSpec{}, "alibaba: spec.alibaba is not set"},
		"nil spec":        {nil, "alibaba: spec.alibaba is not set"},
	} {
		_, err := Driver.Connect(tc.spec, creds, cloud.Options{})
		if !errors.Is(err, cloud.ErrInvalidConfig) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an ErrInvalidConfig error starting %q", name, err, tc.want)
		}
	}
}

func TestCredentialSources(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name     string
		creds    cloud.Credentials
		env      map[string]string
		wantKind error
		wantErr  string
		want     credentials.Credentials
	}{
		{name: "secret", creds: cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret, AccessKeyID: "ak", AccessKeySecret: cloud.NewSensitive("sk")},
			want: credentials.Credentials{AccessKeyId: "ak", AccessKeySecret: "sk", ProviderName: "static_ak"}},
		{name: "secret with token", creds: cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret, AccessKeyID: "ak",
			AccessKeySecret: cloud.NewSensitive("sk"), SecurityToken: cloud.NewSensitive("tok")},
			want: credentials.Credentials{AccessKeyId: "ak", AccessKeySecret: "sk", SecurityToken: "tok", ProviderName: "static_sts"}},
		{name: "secret without secret", creds: cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret, AccessKeyID: "ak"},
			wantKind: cloud.ErrInvalidConfig, wantErr: "alibaba: the credentials Secret has no accessKeySecret"},
		{name: "secret empty", creds: cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret},
			wantKind: cloud.ErrInvalidConfig, wantErr: "alibaba: the credentials Secret has no accessKeyId and no accessKeySecret"},
		{name: "environment", creds: cloud.Credentials{Source: v1alpha1.CredentialsSourceEnvironment},
			env:  map[string]string{EnvAccessKeyID: "eak", EnvAccessKeySecret: "esk"},
			want: credentials.Credentials{AccessKeyId: "eak", AccessKeySecret: "esk", ProviderName: "static_ak"}},
		{name: "environment with token", creds: cloud.Credentials{Source: v1alpha1.CredentialsSourceEnvironment},
			env:  map[string]string{EnvAccessKeyID: "eak", EnvAccessKeySecret: "esk", EnvSecurityToken: "etok"},
			want: credentials.Credentials{AccessKeyId: "eak", AccessKeySecret: "esk", SecurityToken: "etok", ProviderName: "static_sts"}},
		{name: "environment missing", creds: cloud.Credentials{Source: v1alpha1.CredentialsSourceEnvironment},
			env: map[string]string{EnvAccessKeyID: "eak"}, wantKind: cloud.ErrInvalidConfig,
			wantErr: "alibaba: credentials source Environment: the manager's environment has no " + EnvAccessKeySecret},
		{name: "oidc missing", creds: cloud.Credentials{Source: v1alpha1.CredentialsSourceOIDC},
			env: map[string]string{EnvRoleARN: "acs:ram::1:role/r"}, wantKind: cloud.ErrInvalidConfig,
			wantErr: "alibaba: credentials source OIDC (RRSA): the manager's environment has no " + EnvOIDCProviderARN + ", " + EnvOIDCTokenFile},
		{name: "no source", creds: cloud.Credentials{}, wantKind: cloud.ErrInvalidConfig, wantErr: "alibaba: spec.credentials.source is not set"},
		{name: "unknown source", creds: cloud.Credentials{Source: "Vault"}, wantKind: cloud.ErrInvalidConfig, wantErr: "not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := newCredentialSource(tc.creds, env(tc.env), time.Second)
			if tc.wantKind != nil {
				if !errors.Is(err, tc.wantKind) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want %v containing %q", err, tc.wantKind, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := src.GetCredentials()
			if err != nil || *got != tc.want {
				t.Fatalf("GetCredentials() = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestOIDCSourceBuildsWithoutACall(t *testing.T) {
	src, err := newCredentialSource(cloud.Credentials{Source: v1alpha1.CredentialsSourceOIDC}, func(k string) string {
		return map[string]string{EnvRoleARN: "acs:ram::1:role/r", EnvOIDCProviderARN: "acs:ram::1:oidc-provider/p",
			EnvOIDCTokenFile: "/nonexistent/token"}[k]
	}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.provider.(*credentials.OIDCCredentialsProvider); !ok {
		t.Fatalf("provider is %T", src.provider)
	}
	// The first call reads the token file: its absence is an auth error, not a panic or a leak.
	_, err = src.GetCredentials()
	var credErr *providerkit.CredentialsError
	if !errors.As(err, &credErr) {
		t.Fatalf("GetCredentials() = %v", err)
	}
	if err := classifier.Classify(t.Context(), providerkit.Call{Action: actionGet}, err, nil); !cloud.IsAuth(err) {
		t.Fatalf("classified as %v", err)
	}
}

// racyProvider fails the test when two calls overlap, as the SDK's refreshing providers must not.
type racyProvider struct {
	inside, overlaps atomic.Int32
	n                int // unguarded on purpose: -race reports unserialised calls
}

func (p *racyProvider) GetCredentials() (*credentials.Credentials, error) {
	if p.inside.Add(1) > 1 {
		p.overlaps.Add(1)
	}
	defer p.inside.Add(-1)
	p.n++
	runtime.Gosched() // give an unserialised caller the chance to overlap
	return &credentials.Credentials{AccessKeyId: "ak", AccessKeySecret: "sk-" + string(rune('a'+p.n%26)), SecurityToken: "tok"}, nil
}

func (p *racyProvider) GetProviderName() string { return "racy" }

func TestCredentialSourceSerialisesTheProvider(t *testing.T) {
	rp := &racyProvider{}
	src := &credentialSource{provider: rp}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 10 {
				if _, err := src.GetCredentials(); err != nil {
					t.Error(err)
				}
				_ = src.seen.All()
			}
		})
	}
	wg.Wait()
	if rp.overlaps.Load() != 0 {
		t.Fatalf("%d overlapping calls", rp.overlaps.Load())
	}
	if n := len(src.seen.All()); n == 0 || n > providerkit.MaxSeenSecrets {
		t.Fatalf("%d secrets remembered", n)
	}
}

func TestNewRefusesSDKDebugOutput(t *testing.T) {
	for env, want := range map[string]bool{"": false, "sdk": true, "signer,sdk": true, "sdkx": false, "tea": false} {
		if got := sdkDebugEnabled(env); got != want {
			t.Errorf("sdkDebugEnabled(%q) = %v, want %v", env, got, want)
		}
	}
	t.Setenv("DEBUG", "sdk")
	_, err := Driver.Connect(&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}},
		cloud.Credentials{Source: v1alpha1.CredentialsSourceEnvironment}, cloud.Options{})
	if !errors.Is(err, cloud.ErrInvalidConfig) || !strings.Contains(err.Error(), "DEBUG") {
		t.Fatalf("New() with DEBUG=sdk: err = %v, want a refusal naming DEBUG", err)
	}
}
