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
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

const providerName = "alibaba"

// Defaults of an Alibaba Cloud ProviderConfig.
const (
	// DefaultEndpoint is the IMS endpoint used when spec.alibaba.endpoint is empty.
	DefaultEndpoint = "ims.aliyuncs.com"
	// DefaultRegionID is the region used when spec.alibaba.regionId is empty.
	DefaultRegionID = "cn-hangzhou"
	// DefaultTimeout bounds one API call when cloud.Options.Timeout is zero.
	DefaultTimeout = 10 * time.Second
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

func init() { cloud.Register(Factory{}) }

// Factory is the cloud.Factory of Alibaba Cloud, registered as "alibaba".
type Factory struct{}

var _ cloud.Factory = Factory{}

// Name implements cloud.Factory.
func (Factory) Name() string { return providerName }

// Configured implements cloud.Factory: spec.alibaba is set.
func (Factory) Configured(spec *v1alpha1.ProviderConfigSpec) bool {
	return spec != nil && spec.Alibaba != nil
}

// DefaultRateLimit implements cloud.Factory: RAM's per-account quotas, 100 reads and 20 writes a
// second.
func (Factory) DefaultRateLimit() cloud.RateLimit {
	return cloud.RateLimit{ReadsPerSecond: 100, WritesPerSecond: 20}
}

// Capabilities implements cloud.Factory: an IMS login profile has a status, the MFA flag and an
// update date.
func (Factory) Capabilities() cloud.Capabilities {
	return cloud.Capabilities{Status: true, MFABindRequired: true, UpdateDate: true, UpdateDateResolution: time.Second}
}

// UserOf implements cloud.Factory: the user principal name.
func (Factory) UserOf(spec *v1alpha1.LoginProfileSpec) (string, error) {
	if spec == nil || spec.UserPrincipalName == "" {
		return "", &configError{kind: cloud.ErrInvalidInput,
			msg: "spec.userPrincipalName is required for an Alibaba Cloud ProviderConfig"}
	}
	return spec.UserPrincipalName, nil
}

// New implements cloud.Factory. It checks the endpoint, the region and the credentials; it makes no
// call (the OIDC exchange happens on the first call). Its errors wrap cloud.ErrInvalidInput
// (malformed endpoint, region), cloud.ErrInvalidConfig (an endpoint outside Alibaba Cloud's
// domains and opts.EndpointSuffixes) or cloud.ErrAuth (credentials missing or incomplete).
func (Factory) New(spec *v1alpha1.ProviderConfigSpec, creds cloud.Credentials, opts cloud.Options) (cloud.Provider, error) {
	if spec == nil || spec.Alibaba == nil {
		return nil, &configError{kind: cloud.ErrInvalidInput, msg: "alibaba: spec.alibaba is not set"}
	}
	if sdkDebugEnabled(os.Getenv("DEBUG")) {
		return nil, &configError{kind: cloud.ErrInvalidInput,
			msg: "alibaba: the environment variable DEBUG includes \"sdk\", which makes the Alibaba Cloud SDK print every request URL, passwords included: remove it from the manager's environment"}
	}
	ep, err := parseEndpoint(spec.Alibaba.Endpoint, opts.EndpointSuffixes)
	if err != nil {
		return nil, err
	}
	region, err := parseRegionID(spec.Alibaba.RegionID)
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	src, err := newCredentialSource(creds, os.Getenv, timeout)
	if err != nil {
		return nil, err
	}
	transport := opts.Transport
	if transport == nil {
		transport = defaultTransport()
	}
	return newProvider(ep, region, src, transport, timeout), nil
}

// configError is an error of the configuration, before any call. Its text is the message alone.
type configError struct {
	kind error
	msg  string
}

func (e *configError) Error() string { return e.msg }
func (e *configError) Unwrap() error { return e.kind }

func invalidConfig(format string, args ...any) error {
	return &configError{kind: cloud.ErrInvalidInput, msg: "alibaba: " + fmt.Sprintf(format, args...)}
}

func authConfig(format string, args ...any) error {
	return &configError{kind: cloud.ErrAuth, msg: "alibaba: " + fmt.Sprintf(format, args...)}
}

// endpoint is where the calls go.
type endpoint struct {
	// scheme is "HTTPS", or "HTTP" to a loopback host only.
	scheme string
	// host is host[:port], IPv6 literals in brackets.
	host string
}

// endpointDomains are the domains of Alibaba Cloud's API endpoints. The SDK's endpoint data
// (alibaba-cloud-sdk-go sdk/endpoints/endpoints_config.go, v1.63.107) lists IMS at ims.aliyuncs.com
// only, and the SDK builds every other endpoint as <product>[-vpc].<region>.aliyuncs.com
// (sdk/client.go); nothing in it uses another domain.
var endpointDomains = []string{"aliyuncs.com"}

var hostnamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)

// parseEndpoint accepts "" (DefaultEndpoint), host[:port], https://host[:port] and
// http://<loopback>[:port], each with an optional trailing "/". The host must be a loopback host or
// in endpointDomains or extraDomains (cloud.CheckEndpointHost).
func parseEndpoint(s string, extraDomains []string) (endpoint, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return endpoint{scheme: "HTTPS", host: DefaultEndpoint}, nil
	}
	raw := s
	if !strings.Contains(s, "://") {
		raw = "https://" + s
	}
	u, err := url.Parse(raw)
	if err != nil {
		return endpoint{}, invalidConfig("spec.alibaba.endpoint %q is not a host[:port] or a URL", s)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return endpoint{}, invalidConfig("spec.alibaba.endpoint %q: the scheme must be https:// (or http:// to a loopback host)", s)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" || (u.Path != "" && u.Path != "/") {
		return endpoint{}, invalidConfig("spec.alibaba.endpoint %q: only a host and a port are allowed (no user, path, query or fragment)", s)
	}
	host := u.Hostname()
	if host == "" || strings.HasSuffix(u.Host, ":") {
		return endpoint{}, invalidConfig("spec.alibaba.endpoint %q has no host", s)
	}
	if net.ParseIP(host) == nil && !hostnamePattern.MatchString(host) {
		return endpoint{}, invalidConfig("spec.alibaba.endpoint %q: %q is not a valid host name", s, host)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return endpoint{}, invalidConfig("spec.alibaba.endpoint %q: invalid port %q", s, p)
		}
	}
	if scheme == "http" {
		if !cloud.IsLoopbackHost(host) {
			return endpoint{}, invalidConfig("spec.alibaba.endpoint %q: plain http:// is only allowed to a loopback host "+
				"(localhost, 127.0.0.0/8, [::1]); use https:// or a bare host[:port]", s)
		}
		return endpoint{scheme: "HTTP", host: u.Host}, nil
	}
	if err := cloud.CheckEndpointHost("spec.alibaba.endpoint", host, endpointDomains, extraDomains); err != nil {
		return endpoint{}, fmt.Errorf("alibaba: %w", err)
	}
	return endpoint{scheme: "HTTPS", host: u.Host}, nil
}

var regionPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

func parseRegionID(s string) (string, error) {
	if s == "" {
		return DefaultRegionID, nil
	}
	if !regionPattern.MatchString(s) || len(s) > 64 {
		return "", invalidConfig("spec.alibaba.regionId %q is not a region id such as %s", s, DefaultRegionID)
	}
	return s, nil
}

// credentialSource hands the SDK its credentials. It serialises the calls to the provider behind
// it (the SDK's refreshing providers, OIDC included, have no locking) and remembers the secrets it
// handed out, so that error texts can be redacted of them.
type credentialSource struct {
	mu       sync.Mutex
	provider credentials.CredentialsProvider
	seen     []cloud.Sensitive
}

var _ credentials.CredentialsProvider = (*credentialSource)(nil)

// GetCredentials implements credentials.CredentialsProvider. Its errors are *credentialsError.
func (c *credentialSource) GetCredentials() (*credentials.Credentials, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cc, err := c.provider.GetCredentials()
	if err != nil {
		return nil, &credentialsError{err: err}
	}
	if cc == nil {
		return nil, &credentialsError{err: errors.New("the credentials provider returned no credentials")}
	}
	c.remember(cc.AccessKeySecret)
	c.remember(cc.SecurityToken)
	// A copy: the SDK's providers may return their own struct.
	out := *cc
	return &out, nil
}

// GetProviderName implements credentials.CredentialsProvider.
func (c *credentialSource) GetProviderName() string { return c.provider.GetProviderName() }

// maxRemembered bounds the secrets kept for redaction (each refresh adds two).
const maxRemembered = 8

func (c *credentialSource) remember(v string) {
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

// secrets returns the secrets handed out so far.
func (c *credentialSource) secrets() []cloud.Sensitive {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]cloud.Sensitive(nil), c.seen...)
}

// oidcSTSEndpoint, when set, replaces the STS endpoint of the OIDC exchange (tests only).
var oidcSTSEndpoint string

// newCredentialSource resolves creds. getenv reads the process environment.
func newCredentialSource(creds cloud.Credentials, getenv func(string) string, timeout time.Duration) (*credentialSource, error) {
	src := &credentialSource{}
	switch creds.Source {
	case v1alpha1.CredentialsSourceSecret:
		var missing []string
		if creds.AccessKeyID == "" {
			missing = append(missing, "accessKeyId")
		}
		if creds.AccessKeySecret.IsZero() {
			missing = append(missing, "accessKeySecret")
		}
		if len(missing) > 0 {
			return nil, authConfig("the credentials Secret has no %s", strings.Join(missing, " and no "))
		}
		src.provider = staticProvider(creds.AccessKeyID, creds.AccessKeySecret.Reveal(), creds.SecurityToken.Reveal())
	case v1alpha1.CredentialsSourceEnvironment:
		id, secret, token := getenv(EnvAccessKeyID), getenv(EnvAccessKeySecret), getenv(EnvSecurityToken)
		if missing := missingVars(getenv, EnvAccessKeyID, EnvAccessKeySecret); len(missing) > 0 {
			return nil, authConfig("credentials source Environment: the manager's environment has no %s", strings.Join(missing, ", "))
		}
		src.provider = staticProvider(id, secret, token)
	case v1alpha1.CredentialsSourceOIDC:
		if missing := missingVars(getenv, EnvRoleARN, EnvOIDCProviderARN, EnvOIDCTokenFile); len(missing) > 0 {
			return nil, authConfig("credentials source OIDC (RRSA): the manager's environment has no %s", strings.Join(missing, ", "))
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
			return nil, authConfig("credentials source OIDC (RRSA): %s", clean(sdkMessage(err), nil))
		}
		src.provider = p
	case "":
		return nil, invalidConfig("spec.credentials.source is not set")
	default:
		return nil, invalidConfig("credentials source %q is not supported (Secret, Environment or OIDC)", creds.Source)
	}
	return src, nil
}

func staticProvider(id, secret, token string) credentials.CredentialsProvider {
	if token != "" {
		return credentials.NewStaticSTSCredentialsProvider(id, secret, token)
	}
	return credentials.NewStaticAKCredentialsProvider(id, secret)
}

func missingVars(getenv func(string) string, names ...string) []string {
	var missing []string
	for _, n := range names {
		if getenv(n) == "" {
			missing = append(missing, n)
		}
	}
	return missing
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

// sdkDebugEnabled reports whether the SDK's debug output is on. The SDK reads DEBUG once, when it
// is initialised, and then prints every request URL (every parameter, the password included) to
// stdout: the provider refuses to work rather than leak.
func sdkDebugEnabled(env string) bool {
	return slices.Contains(strings.Split(env, ","), "sdk")
}
