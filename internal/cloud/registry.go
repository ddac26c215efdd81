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
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// Credentials are the resolved credentials of a ProviderConfig. For the Environment and OIDC
// sources only Source is set: the provider reads its SDK's environment variables.
type Credentials struct {
	Source          v1alpha1.CredentialsSource
	AccessKeyID     string
	AccessKeySecret Sensitive
	SecurityToken   Sensitive
}

// Secrets lists the values that must never be printed, for Redact.
func (c Credentials) Secrets() []Sensitive { return []Sensitive{c.AccessKeySecret, c.SecurityToken} }

// RateLimit is a number of calls per second for reads and for writes.
type RateLimit struct {
	ReadsPerSecond  float64
	WritesPerSecond float64
}

// Capabilities says which parts of a login profile a cloud's API has. The controller adapts to
// them without knowing the cloud.
type Capabilities struct {
	// Status: the profile has an Active/Inactive status. Without it, a login profile exists or not:
	// Inactive is no profile at all.
	Status bool
	// MFABindRequired: the profile carries the "bind MFA at next login" flag. Without it, a spec
	// asking for MFA cannot be honoured.
	MFABindRequired bool
	// UpdateDate: the cloud reports when the profile last changed, which shows whether an
	// interrupted update landed. Without it, an interrupted password update is sent again.
	UpdateDate bool
	// UpdateDateResolution is the step of the update date the cloud reports (Alibaba Cloud: the
	// second): an update within the same step as the write before it leaves the date unchanged, so
	// the controller holds a password update until that step has passed.
	UpdateDateResolution time.Duration
}

// Options are the settings every provider accepts.
type Options struct {
	// Transport carries the HTTP calls; nil means a default transport shared by the process.
	Transport http.RoundTripper
	// Timeout bounds one API call.
	Timeout time.Duration
	// EndpointSuffixes are domains allowed for endpoints besides the cloud's own (the manager's
	// --extra-endpoint-suffixes, for private deployments); see CheckEndpointHost.
	EndpointSuffixes []string
}

// Factory builds the Provider of one cloud. Each cloud package registers one in its init.
type Factory interface {
	// Name is the cloud's name, e.g. "alibaba". It appears in errors, events and metrics.
	Name() string
	// Configured reports whether spec configures this cloud.
	Configured(spec *v1alpha1.ProviderConfigSpec) bool
	// DefaultRateLimit is the account's API quota, used unless the ProviderConfig sets its own.
	DefaultRateLimit() RateLimit
	// Capabilities says which parts of a login profile the cloud has.
	Capabilities() Capabilities
	// UserOf returns the key of the user the LoginProfile manages in this cloud, or an error
	// wrapping ErrInvalidInput that says which field to set when the spec names no user this cloud
	// understands.
	UserOf(spec *v1alpha1.LoginProfileSpec) (string, error)
	// New builds a Provider.
	New(spec *v1alpha1.ProviderConfigSpec, creds Credentials, opts Options) (Provider, error)
}

// IsLoopbackHost reports whether host (without port or brackets) is localhost or a loopback IP: the
// only hosts a provider may reach over plain HTTP (a local simulator).
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// Register makes a cloud available. It panics on a duplicate name (a programming error).
func Register(f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[f.Name()]; dup {
		panic(fmt.Sprintf("cloud: provider %q registered twice", f.Name()))
	}
	registry[f.Name()] = f
}

// FactoryFor returns the factory of the one cloud spec configures.
func FactoryFor(spec *v1alpha1.ProviderConfigSpec) (Factory, error) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	var found []Factory
	for _, f := range registry {
		if f.Configured(spec) {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("%w: it configures no supported cloud (supported: %v)", ErrInvalidConfig, names())
	default:
		return nil, fmt.Errorf("%w: it configures more than one cloud", ErrInvalidConfig)
	}
}

func names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
