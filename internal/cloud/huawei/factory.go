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
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	sdkprovider "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

const providerName = "huawei"

// Defaults of a Huawei Cloud ProviderConfig.
const (
	// DefaultEndpoint is the IAM endpoint used when spec.huawei.endpoint is empty.
	DefaultEndpoint = "https://iam.myhuaweicloud.com"
	// DefaultTimeout bounds one API call when cloud.Options.Timeout is zero (the SDK's own default
	// is 120 s).
	DefaultTimeout = 10 * time.Second
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

func init() { cloud.Register(Factory{}) }

// Factory is the cloud.Factory of Huawei Cloud, registered as "huawei".
type Factory struct{}

var _ cloud.Factory = Factory{}

// Name implements cloud.Factory.
func (Factory) Name() string { return providerName }

// Configured implements cloud.Factory: spec.huawei is set.
func (Factory) Configured(spec *v1alpha1.ProviderConfigSpec) bool {
	return spec != nil && spec.Huawei != nil
}

// DefaultRateLimit implements cloud.Factory: 20 reads and 10 writes a second. IAM v5's per-account
// API quotas are not published in the notes this provider was built from, so these are
// conservative guesses, well below what the gateway is known to throttle (429 APIGW.0308); a
// ProviderConfig's spec.rateLimit overrides them.
func (Factory) DefaultRateLimit() cloud.RateLimit {
	return cloud.RateLimit{ReadsPerSecond: 20, WritesPerSecond: 10}
}

// Capabilities implements cloud.Factory: an IAM v5 login profile has neither a status, nor the MFA
// flag, nor an update date.
func (Factory) Capabilities() cloud.Capabilities {
	return cloud.Capabilities{Status: false, MFABindRequired: false, UpdateDate: false}
}

// UserOf implements cloud.Factory: the IAM user id.
func (Factory) UserOf(spec *v1alpha1.LoginProfileSpec) (string, error) {
	if spec == nil || spec.UserID == "" {
		return "", &configError{kind: cloud.ErrInvalidInput,
			msg: "spec.userId is required for a Huawei Cloud ProviderConfig (spec.userPrincipalName is for Alibaba Cloud)"}
	}
	return spec.UserID, nil
}

// New implements cloud.Factory. It checks the endpoint, the domain id and the credentials; it makes
// no call: the credentials always carry the domain id, so the SDK never looks it up (GET
// /v3/auth/domains), and an OIDC exchange happens on the first call. Its errors wrap
// cloud.ErrInvalidConfig and never contain a secret.
func (Factory) New(spec *v1alpha1.ProviderConfigSpec, creds cloud.Credentials, opts cloud.Options) (cloud.Provider, error) {
	if spec == nil || spec.Huawei == nil {
		return nil, invalidConfig("spec.huawei is not set")
	}
	ep, err := parseEndpoint(spec.Huawei.Endpoint, opts.EndpointSuffixes)
	if err != nil {
		return nil, err
	}
	domainID, err := parseDomainID(spec.Huawei.DomainID)
	if err != nil {
		return nil, err
	}
	cred, err := newCredential(creds, domainID, ep)
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	transport := opts.Transport
	if transport == nil {
		transport = defaultTransport()
	}
	return newProvider(ep, cred, transport, timeout), nil
}

// configError is an error of the configuration, before any call. Its text is the message alone.
type configError struct {
	kind error
	msg  string
}

func (e *configError) Error() string { return e.msg }
func (e *configError) Unwrap() error { return e.kind }

func invalidConfig(format string, args ...any) error {
	return &configError{kind: cloud.ErrInvalidConfig, msg: "huawei: " + fmt.Sprintf(format, args...)}
}

// endpointDomains are the domains of Huawei Cloud's IAM endpoints: the SDK's IAM region tables
// (huaweicloud-sdk-go-v3 services/iam/v5/region/region.go and services/iam/v3/region/region.go,
// v0.1.207, and core/auth/internal/iam_endpoint.go) list every region at
// iam.<region>.myhuaweicloud.com except eu-west-101, at iam.eu-west-101.myhuaweicloud.eu.
var endpointDomains = []string{"myhuaweicloud.com", "myhuaweicloud.eu"}

var hostnamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)

// parseEndpoint accepts "" (DefaultEndpoint), host[:port], https://host[:port] and
// http://<loopback>[:port], each with an optional trailing "/". The host must be a loopback host or
// in endpointDomains or extraDomains (cloud.CheckEndpointHost). It returns the URL the SDK is given:
// "https://host[:port]", or "http://host[:port]" for a loopback host only (a local simulator).
func parseEndpoint(s string, extraDomains []string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultEndpoint, nil
	}
	raw := s
	if !strings.Contains(s, "://") {
		raw = "https://" + s
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", invalidConfig("spec.huawei.endpoint %q is not a host[:port] or a URL", s)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return "", invalidConfig("spec.huawei.endpoint %q: the scheme must be https:// (or http:// to a loopback host)", s)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" || (u.Path != "" && u.Path != "/") {
		return "", invalidConfig("spec.huawei.endpoint %q: only a host and a port are allowed (no user, path, query or fragment)", s)
	}
	host := u.Hostname()
	if host == "" || strings.HasSuffix(u.Host, ":") {
		return "", invalidConfig("spec.huawei.endpoint %q has no host", s)
	}
	if net.ParseIP(host) == nil && !hostnamePattern.MatchString(host) {
		return "", invalidConfig("spec.huawei.endpoint %q: %q is not a valid host name", s, host)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", invalidConfig("spec.huawei.endpoint %q: invalid port %q", s, p)
		}
	}
	if scheme == "http" {
		if !cloud.IsLoopbackHost(host) {
			return "", invalidConfig("spec.huawei.endpoint %q: plain http:// is only allowed to a loopback host "+
				"(localhost, 127.0.0.0/8, [::1]); use https:// or a bare host[:port]", s)
		}
		return "http://" + u.Host, nil
	}
	if err := cloud.CheckEndpointHost("spec.huawei.endpoint", host, endpointDomains, extraDomains); err != nil {
		return "", fmt.Errorf("huawei: %w", err)
	}
	return "https://" + u.Host, nil
}

var domainIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)

// parseDomainID checks spec.huawei.domainId, which is required: with it the SDK never calls the
// network to look the domain up.
func parseDomainID(s string) (string, error) {
	if s == "" {
		return "", invalidConfig("spec.huawei.domainId is required (the id of the Huawei Cloud account)")
	}
	if !domainIDPattern.MatchString(s) {
		return "", invalidConfig("spec.huawei.domainId %q is not a domain id (letters and digits, at most 64)", s)
	}
	return s, nil
}

// credential is the auth.ICredential every client of a provider shares. It serialises the SDK's
// credentials: federated (OIDC) credentials refresh their access key, secret and token inside
// ProcessAuthRequest without any locking, so two calls must never sign at once. It also remembers
// the secrets it signed with, so that error texts can be redacted of them, and marks the errors of
// obtaining credentials so that they are not read as the IAM v5 call's.
type credential struct {
	mu    sync.Mutex
	inner *auth.GlobalCredentials
	seen  []cloud.Sensitive
}

var _ auth.ICredential = (*credential)(nil)

// ProcessAuthParams implements auth.ICredential. The SDK calls it only for a client built with a
// region, which the provider never does; the domain id is always set, so there is nothing to look
// up either way.
func (c *credential) ProcessAuthParams(*impl.DefaultHttpClient, string) (auth.ICredential, error) {
	return c, nil
}

// ProcessAuthRequest implements auth.ICredential: it signs the request (after the OIDC exchange,
// when the federated credentials are missing or about to expire). Its errors are *credentialsError.
func (c *credential) ProcessAuthRequest(client *impl.DefaultHttpClient, req *request.DefaultHttpRequest) (*request.DefaultHttpRequest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out, err := c.inner.ProcessAuthRequest(client, req)
	// Remember even on failure: a refresh may have happened before the signing failed.
	c.remember(c.inner.AK)
	c.remember(c.inner.SK)
	c.remember(c.inner.SecurityToken)
	if err != nil {
		return nil, &credentialsError{err: err}
	}
	return out, nil
}

// maxRemembered bounds the values kept for redaction (each refresh adds three).
const maxRemembered = 12

func (c *credential) remember(v string) {
	if v == "" {
		return
	}
	for _, s := range c.seen {
		if s.Reveal() == v {
			return
		}
	}
	c.seen = append(c.seen, cloud.NewSensitive(v))
	if len(c.seen) > maxRemembered {
		c.seen = c.seen[len(c.seen)-maxRemembered:]
	}
}

// secrets returns the access keys, secrets and tokens used so far.
func (c *credential) secrets() []cloud.Sensitive {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]cloud.Sensitive(nil), c.seen...)
}

// domainID is the domain id the requests carry.
func (c *credential) domainID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner.DomainId
}

// newCredential resolves creds. Every result carries a domain id: the environment's
// HUAWEICLOUD_SDK_DOMAIN_ID when set, spec.huawei.domainId otherwise. endpoint is the provider's
// endpoint, where an OIDC exchange goes too (IAM serves its v3 federation API on the same host).
func newCredential(creds cloud.Credentials, domainID, endpoint string) (*credential, error) {
	var gc *auth.GlobalCredentials
	switch creds.Source {
	case v1alpha1.CredentialsSourceSecret:
		var missing []string
		if creds.AccessKeyID == "" {
			missing = append(missing, cloud.SecretKeyAccessKeyID)
		}
		if creds.AccessKeySecret.IsZero() {
			missing = append(missing, cloud.SecretKeyAccessKeySecret)
		}
		if len(missing) > 0 {
			return nil, invalidConfig("the credentials Secret has no %s", strings.Join(missing, " and no "))
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
			return nil, invalidConfig("the credentials Secret: %s", sdkCredentialsMessage(err))
		}
	case v1alpha1.CredentialsSourceEnvironment:
		if missing := missingVars(EnvAccessKey, EnvSecretKey); len(missing) > 0 {
			return nil, invalidConfig("credentials source Environment: the manager's environment has no %s", strings.Join(missing, ", "))
		}
		if len(missingVars(EnvIdpID, EnvIDTokenFile)) == 0 {
			// The SDK's environment provider prefers federation when both are set: refuse rather
			// than authenticate in a way the ProviderConfig does not say.
			return nil, invalidConfig("credentials source Environment: the manager's environment also sets %s and %s, "+
				"which the Huawei Cloud SDK would use instead of the access key: set the source to OIDC, or unset them",
				EnvIdpID, EnvIDTokenFile)
		}
		var err error
		if gc, err = fromEnvironment(); err != nil {
			return nil, invalidConfig("credentials source Environment: %s", sdkCredentialsMessage(err))
		}
	case v1alpha1.CredentialsSourceOIDC:
		if missing := missingVars(EnvIdpID, EnvIDTokenFile); len(missing) > 0 {
			return nil, invalidConfig("credentials source OIDC (federation with an identity provider): the manager's environment has no %s",
				strings.Join(missing, ", "))
		}
		var err error
		if gc, err = fromEnvironment(); err != nil {
			return nil, invalidConfig("credentials source OIDC: %s", sdkCredentialsMessage(err))
		}
		if gc.StsAccessor == nil || gc.IdpId == "" {
			return nil, invalidConfig("credentials source OIDC: the Huawei Cloud SDK did not set up federated credentials")
		}
		// The exchange (POST /v3.0/OS-AUTH/id-token/tokens, then /v3.0/OS-CREDENTIAL/securitytokens)
		// goes to the ProviderConfig's endpoint, through the call's transport.
		gc.IamEndpoint = endpoint
	case "":
		return nil, invalidConfig("spec.credentials.source is not set")
	default:
		return nil, invalidConfig("credentials source %q is not supported (Secret, Environment or OIDC)", creds.Source)
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

func missingVars(names ...string) []string {
	var missing []string
	for _, n := range names {
		if os.Getenv(n) == "" {
			missing = append(missing, n)
		}
	}
	return missing
}

// sdkCredentialsMessage is the message of an error of the SDK's credentials builders, which name
// what is missing and never a value.
func sdkCredentialsMessage(err error) string {
	var cte *sdkerr.CredentialsTypeError
	if errors.As(err, &cte) {
		return cte.ErrorMessage
	}
	return err.Error()
}
