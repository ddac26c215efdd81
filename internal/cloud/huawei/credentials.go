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
	"fmt"
	"os"
	"sync"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	sdkprovider "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

// Environment variables read for the Environment and OIDC credentials sources (the SDK's names,
// read by its environment credentials provider).
const (
	EnvAccessKey     = "HUAWEICLOUD_SDK_AK"
	EnvSecretKey     = "HUAWEICLOUD_SDK_SK"             //nolint:gosec // G101: an environment variable's name, not a credential
	EnvSecurityToken = "HUAWEICLOUD_SDK_SECURITY_TOKEN" //nolint:gosec // G101: an environment variable's name, not a credential
	EnvDomainID      = "HUAWEICLOUD_SDK_DOMAIN_ID"
	EnvIdpID         = "HUAWEICLOUD_SDK_IDP_ID"
	EnvIDTokenFile   = "HUAWEICLOUD_SDK_ID_TOKEN_FILE" //nolint:gosec // G101: an environment variable's name, not a credential
)

// credential is the auth.ICredential every client of a provider shares. It serialises the SDK's
// credentials: federated (OIDC) credentials refresh their access key, secret and token inside
// ProcessAuthRequest without any locking, so two calls must never sign at once. It also remembers
// the secrets it signed with, so that error texts can be redacted of them, and marks the errors of
// obtaining credentials so that they are not read as the IAM v5 call's.
type credential struct {
	mu    sync.Mutex
	inner *auth.GlobalCredentials
	seen  providerkit.SeenSecrets
}

var _ auth.ICredential = (*credential)(nil)

// ProcessAuthParams implements auth.ICredential. The SDK calls it only for a client built with a
// region, which the provider never does; the domain id is always set, so there is nothing to look
// up either way.
func (c *credential) ProcessAuthParams(*impl.DefaultHttpClient, string) (auth.ICredential, error) {
	return c, nil
}

// ProcessAuthRequest implements auth.ICredential: it signs the request (after the OIDC exchange,
// when the federated credentials are missing or about to expire). Its errors are
// *providerkit.CredentialsError.
func (c *credential) ProcessAuthRequest(client *impl.DefaultHttpClient, req *request.DefaultHttpRequest) (*request.DefaultHttpRequest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out, err := c.inner.ProcessAuthRequest(client, req)
	// Remember even on failure: a refresh may have happened before the signing failed.
	c.seen.Remember(c.inner.AK, c.inner.SK, c.inner.SecurityToken)
	if err != nil {
		return nil, &providerkit.CredentialsError{Err: err}
	}
	return out, nil
}

// newCredential resolves creds. Every result carries a domain id: the environment's
// HUAWEICLOUD_SDK_DOMAIN_ID when set, spec.huawei.domainId otherwise. endpoint is the provider's
// endpoint, where an OIDC exchange goes too (IAM serves its v3 federation API on the same host).
func newCredential(creds cloud.Credentials, domainID, endpoint string) (*credential, error) {
	var gc *auth.GlobalCredentials
	switch creds.Source {
	case v1alpha1.CredentialsSourceSecret:
		if err := providerkit.RequireSecretKeys(providerName, creds); err != nil {
			return nil, err
		}
		b := global.NewCredentialsBuilder().
			WithAk(creds.AccessKeyID).
			WithSk(creds.AccessKeySecret.Reveal()).
			WithDomainId(domainID)
		if !creds.SecurityToken.IsZero() {
			b = b.WithSecurityToken(creds.SecurityToken.Reveal())
		}
		var err error
		if gc, err = b.SafeBuild(); err != nil {
			return nil, cloud.InvalidConfig(providerName, "the credentials Secret: %s", credentialsMessage(err))
		}
	case v1alpha1.CredentialsSourceEnvironment:
		if err := providerkit.RequireEnv(providerName, "Environment", os.Getenv, EnvAccessKey, EnvSecretKey); err != nil {
			return nil, err
		}
		if len(providerkit.MissingEnv(os.Getenv, EnvIdpID, EnvIDTokenFile)) == 0 {
			// The SDK's environment provider prefers federation when both are set: refuse rather
			// than authenticate in a way the ProviderConfig does not say.
			return nil, cloud.InvalidConfig(providerName, "credentials source Environment: the manager's environment also sets %s and %s, "+
				"which the Huawei Cloud SDK would use instead of the access key: set the source to OIDC, or unset them",
				EnvIdpID, EnvIDTokenFile)
		}
		var err error
		if gc, err = fromEnvironment(); err != nil {
			return nil, cloud.InvalidConfig(providerName, "credentials source Environment: %s", credentialsMessage(err))
		}
	case v1alpha1.CredentialsSourceOIDC:
		if err := providerkit.RequireEnv(providerName, "OIDC (federation with an identity provider)", os.Getenv, EnvIdpID, EnvIDTokenFile); err != nil {
			return nil, err
		}
		var err error
		if gc, err = fromEnvironment(); err != nil {
			return nil, cloud.InvalidConfig(providerName, "credentials source OIDC: %s", credentialsMessage(err))
		}
		if gc.StsAccessor == nil || gc.IdpId == "" {
			return nil, cloud.InvalidConfig(providerName, "credentials source OIDC: the Huawei Cloud SDK did not set up federated credentials")
		}
		// The exchange (POST /v3.0/OS-AUTH/id-token/tokens, then /v3.0/OS-CREDENTIAL/securitytokens)
		// goes to the ProviderConfig's endpoint, through the call's transport.
		gc.IamEndpoint = endpoint
	default:
		return nil, providerkit.UnsupportedSource(providerName, creds.Source)
	}
	if gc.DomainId == "" {
		gc.DomainId = domainID
	}
	// Never the project-scoped derived signing: IAM is a global service.
	gc.DerivedPredicate = nil
	return &credential{inner: gc}, nil
}

// fromEnvironment reads the SDK's variables through its own environment provider.
func fromEnvironment() (*auth.GlobalCredentials, error) {
	ic, err := sdkprovider.GlobalCredentialEnvProvider().GetCredentials()
	if err != nil {
		return nil, err
	}
	gc, ok := ic.(*auth.GlobalCredentials)
	if !ok || gc == nil {
		return nil, fmt.Errorf("unexpected credentials type %T", ic)
	}
	return gc, nil
}

// credentialsMessage is the message of an error of the SDK's credentials builders.
func credentialsMessage(err error) string {
	if msg, ok := describeCredentialsTypeError(err); ok {
		return msg
	}
	return err.Error()
}
