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

package huawei

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

const testDomainID = "0123456789abcdef0123456789abcdef"

func huaweiSpec(endpoint string) *v1alpha1.ProviderConfigSpec {
	return &v1alpha1.ProviderConfigSpec{Huawei: &v1alpha1.HuaweiProviderConfig{Endpoint: endpoint, DomainID: testDomainID}}
}

func testSecretCreds() cloud.Credentials {
	return cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret, AccessKeyID: testAKID, AccessKeySecret: cloud.NewSensitive(testAKSecret)}
}

// clearSDKEnv unsets every variable the SDK's environment provider reads.
func clearSDKEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{EnvAccessKey, EnvSecretKey, EnvSecurityToken, EnvDomainID, EnvIdpID, EnvIDTokenFile} {
		t.Setenv(k, "")
	}
}

func TestDriverIsRegistered(t *testing.T) {
	f, err := cloud.DriverFor(huaweiSpec(""))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name() != "huawei" {
		t.Fatalf("Name() = %q", f.Name())
	}
	if Driver.Configured(&v1alpha1.ProviderConfigSpec{}) || Driver.Configured(nil) ||
		Driver.Configured(&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}}) {
		t.Fatal("Configured without spec.huawei")
	}
	if got := Driver.DefaultRateLimit(); got != (cloud.RateLimit{ReadsPerSecond: 20, WritesPerSecond: 10}) {
		t.Fatalf("DefaultRateLimit() = %+v", got)
	}
	if got := Driver.Capabilities(); got != (cloud.Capabilities{}) {
		t.Fatalf("Capabilities() = %+v, want none", got)
	}
}

func TestUserOf(t *testing.T) {
	got, err := Driver.UserOf(&v1alpha1.LoginProfileSpec{UserID: "07e7a4c2b5000f3c1f4bc0123ab4c5d6"})
	if err != nil || got != "07e7a4c2b5000f3c1f4bc0123ab4c5d6" {
		t.Fatalf("UserOf = %q, %v", got, err)
	}
	for _, spec := range []*v1alpha1.LoginProfileSpec{nil, {}, {UserPrincipalName: "alice@corp.onaliyun.com"}} {
		_, err = Driver.UserOf(spec)
		if !errors.Is(err, cloud.ErrInvalidInput) ||
			err.Error() != "spec.userId is required for a Huawei Cloud ProviderConfig (spec.userPrincipalName is for Alibaba Cloud)" {
			t.Fatalf("UserOf(%+v): %v", spec, err)
		}
	}
}

// TestEndpointDomains: an endpoint must be in Huawei Cloud's IAM domains, in one the manager
// allows with --extra-endpoint-suffixes, or loopback; anything else is refused with a message
// naming the flag.
func TestEndpointDomains(t *testing.T) {
	extra := []string{".iam.corp.example"}
	tests := []struct {
		name, in string
		extra    []string
		want     string
		refused  bool
	}{
		{name: "default", in: "", want: "https://" + DefaultEndpoint},
		{name: "own domain", in: "iam.ap-southeast-1.myhuaweicloud.com", want: "https://iam.ap-southeast-1.myhuaweicloud.com"},
		{name: "own domain, Europe", in: "https://iam.eu-west-101.myhuaweicloud.eu", want: "https://iam.eu-west-101.myhuaweicloud.eu"},
		{name: "own domain, upper case", in: "IAM.MyHuaweiCloud.com:443", want: "https://IAM.MyHuaweiCloud.com:443"},
		{name: "loopback", in: "http://[::1]:8080", want: "http://[::1]:8080"},
		{name: "loopback over https", in: "127.0.0.1:8443", want: "https://127.0.0.1:8443"},
		{name: "foreign host", in: "iam.example.com", refused: true},
		{name: "foreign IP", in: "https://[2001:db8::1]", refused: true},
		{name: "look-alike", in: "iam.evilmyhuaweicloud.com", refused: true},
		{name: "look-alike prefix", in: "myhuaweicloud.com.evil.example", refused: true},
		{name: "extra suffix", in: "iam.region-1.iam.corp.example", extra: extra, want: "https://iam.region-1.iam.corp.example"},
		{name: "extra suffix look-alike", in: "iam.eviliam.corp.example", extra: extra, refused: true},
		{name: "foreign host with an extra suffix", in: "iam.example.com", extra: extra, refused: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ep, err := endpointRule.Parse(tc.in, tc.extra)
			got := ep.URL()
			if tc.refused {
				if !errors.Is(err, cloud.ErrInvalidConfig) || !strings.Contains(err.Error(), "--extra-endpoint-suffixes") ||
					!strings.Contains(err.Error(), "spec.huawei.endpoint") || !strings.Contains(err.Error(), "myhuaweicloud.com, myhuaweicloud.eu") {
					t.Fatalf("Parse(%q) = %q, %v; want an ErrInvalidConfig error naming the field, the domains and the flag", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Parse(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}

	// Through the driver, with the manager's options.
	_, err := Driver.Connect(huaweiSpec("iam.iam.corp.example"), testSecretCreds(), cloud.Options{})
	if want := `huawei: spec.huawei.endpoint: host "iam.iam.corp.example" is neither in an allowed domain (myhuaweicloud.com, myhuaweicloud.eu) ` +
		"nor a loopback host; for a private deployment, add its domain to the manager's --extra-endpoint-suffixes"; err == nil || err.Error() != want || !errors.Is(err, cloud.ErrInvalidConfig) {
		t.Fatalf("New() = %v, want %q", err, want)
	}
	if _, err := Driver.Connect(huaweiSpec("iam.iam.corp.example"), testSecretCreds(), cloud.Options{EndpointSuffixes: extra}); err != nil {
		t.Fatalf("New() with --extra-endpoint-suffixes=%v: %v", extra, err)
	}
}

func TestParseDomainID(t *testing.T) {
	if got, err := parseDomainID(testDomainID); err != nil || got != testDomainID {
		t.Fatalf("parseDomainID = %q, %v", got, err)
	}
	for _, bad := range []string{"", "has space", "dash-ed", strings.Repeat("a", 65)} {
		if _, err := parseDomainID(bad); !errors.Is(err, cloud.ErrInvalidConfig) {
			t.Errorf("parseDomainID(%q) = %v", bad, err)
		}
	}
}

func TestDriverConnect(t *testing.T) {
	p, err := Driver.Connect(huaweiSpec(""), testSecretCreds(), cloud.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pp := p.(*provider)
	if pp.endpoint != "https://"+DefaultEndpoint || pp.calls != providerkit.NewCalls(cloud.Options{}) || pp.creds.inner.DomainId != testDomainID {
		t.Fatalf("defaults not applied: %+v", pp)
	}
	rt := roundTripFunc(nil)
	p, err = Driver.Connect(huaweiSpec("http://127.0.0.1:9999"), testSecretCreds(), cloud.Options{Timeout: 3 * time.Second, Transport: rt})
	if err != nil {
		t.Fatal(err)
	}
	if pp := p.(*provider); pp.calls.Timeout != 3*time.Second || pp.endpoint != "http://127.0.0.1:9999" || pp.calls.Transport == nil {
		t.Fatalf("options not applied: %+v", pp)
	}

	for name, tc := range map[string]struct {
		spec *v1alpha1.ProviderConfigSpec
		want string
	}{
		"no spec.huawei":    {&v1alpha1.ProviderConfigSpec{}, "spec.huawei is not set"},
		"nil spec":          {nil, "spec.huawei is not set"},
		"plain http remote": {huaweiSpec("http://iam.myhuaweicloud.com"), "loopback"},
		"no domain id":      {&v1alpha1.ProviderConfigSpec{Huawei: &v1alpha1.HuaweiProviderConfig{}}, "domainId is required"},
	} {
		_, err := Driver.Connect(tc.spec, testSecretCreds(), cloud.Options{})
		if !errors.Is(err, cloud.ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an ErrInvalidConfig error containing %q", name, err, tc.want)
		}
	}
}

func TestSecretCredentials(t *testing.T) {
	clearSDKEnv(t)
	c, err := newCredential(cloud.Credentials{Source: v1alpha1.CredentialsSourceSecret, AccessKeyID: testAKID,
		AccessKeySecret: cloud.NewSensitive(testAKSecret), SecurityToken: cloud.NewSensitive(testToken)}, testDomainID, "https://"+DefaultEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	if c.inner.AK != testAKID || c.inner.SK != testAKSecret || c.inner.SecurityToken != testToken || c.inner.DomainId != testDomainID ||
		c.inner.StsAccessor != nil {
		t.Fatalf("credentials %+v", c.inner)
	}
	c, err = newCredential(testSecretCreds(), testDomainID, "https://"+DefaultEndpoint)
	if err != nil || c.inner.SecurityToken != "" {
		t.Fatalf("without a token: %v", err)
	}

	for name, creds := range map[string]cloud.Credentials{
		"no id":     {Source: v1alpha1.CredentialsSourceSecret, AccessKeySecret: cloud.NewSensitive(testAKSecret)},
		"no secret": {Source: v1alpha1.CredentialsSourceSecret, AccessKeyID: testAKID, SecurityToken: cloud.NewSensitive(testToken)},
		"neither":   {Source: v1alpha1.CredentialsSourceSecret},
	} {
		_, err := newCredential(creds, testDomainID, "https://"+DefaultEndpoint)
		if !errors.Is(err, cloud.ErrInvalidConfig) || !strings.Contains(err.Error(), "credentials Secret has no") {
			t.Errorf("%s: %v", name, err)
		}
		if err != nil {
			assertNoSecret(t, err.Error())
		}
	}
	for _, src := range []v1alpha1.CredentialsSource{"", "Kerberos"} {
		if _, err := newCredential(cloud.Credentials{Source: src}, testDomainID, "https://"+DefaultEndpoint); !errors.Is(err, cloud.ErrInvalidConfig) {
			t.Errorf("source %q: %v", src, err)
		}
	}
}

func TestEnvironmentCredentials(t *testing.T) {
	env := cloud.Credentials{Source: v1alpha1.CredentialsSourceEnvironment}
	t.Run("access key, domain from the spec", func(t *testing.T) {
		clearSDKEnv(t)
		t.Setenv(EnvAccessKey, testAKID)
		t.Setenv(EnvSecretKey, testAKSecret)
		t.Setenv(EnvSecurityToken, testToken)
		c, err := newCredential(env, testDomainID, "https://"+DefaultEndpoint)
		if err != nil {
			t.Fatal(err)
		}
		if c.inner.AK != testAKID || c.inner.SK != testAKSecret || c.inner.SecurityToken != testToken ||
			c.inner.DomainId != testDomainID || c.inner.StsAccessor != nil {
			t.Fatalf("credentials %+v", c.inner)
		}
	})
	t.Run("domain from the environment", func(t *testing.T) {
		clearSDKEnv(t)
		t.Setenv(EnvAccessKey, testAKID)
		t.Setenv(EnvSecretKey, testAKSecret)
		t.Setenv(EnvDomainID, "envdomain")
		c, err := newCredential(env, testDomainID, "https://"+DefaultEndpoint)
		if err != nil || c.inner.DomainId != "envdomain" {
			t.Fatalf("credentials %+v, %v", c, err)
		}
	})
	t.Run("missing", func(t *testing.T) {
		clearSDKEnv(t)
		t.Setenv(EnvAccessKey, testAKID)
		_, err := newCredential(env, testDomainID, "https://"+DefaultEndpoint)
		if !errors.Is(err, cloud.ErrInvalidConfig) || !strings.Contains(err.Error(), EnvSecretKey) || strings.Contains(err.Error(), EnvAccessKey+",") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("federation variables too", func(t *testing.T) {
		clearSDKEnv(t)
		t.Setenv(EnvAccessKey, testAKID)
		t.Setenv(EnvSecretKey, testAKSecret)
		t.Setenv(EnvIdpID, "idp")
		t.Setenv(EnvIDTokenFile, "/var/run/secrets/token")
		_, err := newCredential(env, testDomainID, "https://"+DefaultEndpoint)
		if !errors.Is(err, cloud.ErrInvalidConfig) || !strings.Contains(err.Error(), "OIDC") {
			t.Fatalf("got %v", err)
		}
		assertNoSecret(t, err.Error())
	})
}

func TestOIDCCredentialsBuildWithoutACall(t *testing.T) {
	oidc := cloud.Credentials{Source: v1alpha1.CredentialsSourceOIDC}
	clearSDKEnv(t)
	t.Setenv(EnvIdpID, "k8s-idp")
	_, err := newCredential(oidc, testDomainID, "https://"+DefaultEndpoint)
	if !errors.Is(err, cloud.ErrInvalidConfig) || !strings.Contains(err.Error(), EnvIDTokenFile) {
		t.Fatalf("without a token file: %v", err)
	}

	t.Setenv(EnvIDTokenFile, "/nonexistent/token")
	// An access key in the environment too: federation wins, as the SDK decides.
	t.Setenv(EnvAccessKey, testAKID)
	t.Setenv(EnvSecretKey, testAKSecret)
	c, err := newCredential(oidc, testDomainID, "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if c.inner.IdpId != "k8s-idp" || c.inner.IdTokenFile != "/nonexistent/token" || c.inner.StsAccessor == nil ||
		c.inner.IamEndpoint != "http://127.0.0.1:1" || c.inner.DomainId != testDomainID {
		t.Fatalf("credentials %+v", c.inner)
	}
}
