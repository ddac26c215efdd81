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
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

// Environment variables read for the Environment and OIDC credentials sources (the SDK's names).
const (
	EnvAccessKeyID      = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAccessKeySecret  = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvSecurityToken    = "ALIBABA_CLOUD_SECURITY_TOKEN" //nolint:gosec // G101: an environment variable's name, not a credential
	EnvRoleARN          = "ALIBABA_CLOUD_ROLE_ARN"
	EnvOIDCProviderARN  = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"
	EnvOIDCTokenFile    = "ALIBABA_CLOUD_OIDC_TOKEN_FILE"
	oidcRoleSessionName = "loginprofile-operator"
)

// credentialSource hands the SDK its credentials. It serialises the calls to the provider behind
// it (the SDK's refreshing providers, OIDC included, have no locking) and remembers the secrets it
// handed out, so that error texts can be redacted of them.
type credentialSource struct {
	mu       sync.Mutex
	provider credentials.CredentialsProvider
	seen     providerkit.SeenSecrets
}

var _ credentials.CredentialsProvider = (*credentialSource)(nil)

// GetCredentials implements credentials.CredentialsProvider. Its errors are
// *providerkit.CredentialsError.
func (c *credentialSource) GetCredentials() (*credentials.Credentials, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cc, err := c.provider.GetCredentials()
	if err != nil {
		return nil, &providerkit.CredentialsError{Err: err}
	}
	if cc == nil {
		return nil, &providerkit.CredentialsError{Err: errors.New("the credentials provider returned no credentials")}
	}
	c.seen.Remember(cc.AccessKeySecret, cc.SecurityToken)
	// A copy: the SDK's providers may return their own struct.
	out := *cc
	return &out, nil
}

// GetProviderName implements credentials.CredentialsProvider.
func (c *credentialSource) GetProviderName() string { return c.provider.GetProviderName() }

// oidcSTSEndpoint, when set, replaces the STS endpoint of the OIDC exchange (tests only).
var oidcSTSEndpoint string

// newCredentialSource resolves creds. getenv reads the process environment.
func newCredentialSource(creds cloud.Credentials, getenv func(string) string, timeout time.Duration) (*credentialSource, error) {
	src := &credentialSource{}
	switch creds.Source {
	case v1alpha1.CredentialsSourceSecret:
		if err := providerkit.RequireSecretKeys(providerName, creds); err != nil {
			return nil, err
		}
		src.provider = staticProvider(creds.AccessKeyID, creds.AccessKeySecret.Reveal(), creds.SecurityToken.Reveal())
	case v1alpha1.CredentialsSourceEnvironment:
		if err := providerkit.RequireEnv(providerName, "Environment", getenv, EnvAccessKeyID, EnvAccessKeySecret); err != nil {
			return nil, err
		}
		src.provider = staticProvider(getenv(EnvAccessKeyID), getenv(EnvAccessKeySecret), getenv(EnvSecurityToken))
	case v1alpha1.CredentialsSourceOIDC:
		const source = "OIDC (RRSA)"
		if err := providerkit.RequireEnv(providerName, source, getenv, EnvRoleARN, EnvOIDCProviderARN, EnvOIDCTokenFile); err != nil {
			return nil, err
		}
		connect := min(5*time.Second, timeout)
		p, err := credentials.NewOIDCCredentialsProviderBuilder().
			WithRoleArn(getenv(EnvRoleARN)).
			WithOIDCProviderARN(getenv(EnvOIDCProviderARN)).
			WithOIDCTokenFilePath(getenv(EnvOIDCTokenFile)).
			WithRoleSessionName(oidcRoleSessionName).
			WithSTSEndpoint(oidcSTSEndpoint).
			WithHttpOptions(&credentials.HttpOptions{ConnectTimeout: connect, ReadTimeout: timeout}).
			Build()
		if err != nil {
			return nil, cloud.InvalidConfig(providerName, "credentials source %s: %s", source, classifier.Redactor.Clean(sdkMessage(err)))
		}
		src.provider = p
	default:
		return nil, providerkit.UnsupportedSource(providerName, creds.Source)
	}
	return src, nil
}

func staticProvider(id, secret, token string) credentials.CredentialsProvider {
	if token != "" {
		return credentials.NewStaticSTSCredentialsProvider(id, secret, token)
	}
	return credentials.NewStaticAKCredentialsProvider(id, secret)
}

// sdkMessage is the message of an SDK error without its wrapped cause.
func sdkMessage(err error) string {
	type messager interface{ Message() string }
	var m messager
	if errors.As(err, &m) {
		return m.Message()
	}
	return err.Error()
}
