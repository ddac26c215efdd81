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
	"net/http"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// Driver is what a cloud package registers (see Register): which ProviderConfigs and which
// LoginProfile field are its, what its login profile can hold, its default quota, and how to build
// its Provider.
type Driver interface {
	// Name is the cloud's name, e.g. "alibaba". It appears in errors, events and metrics.
	Name() string
	// Configured reports whether spec configures this cloud.
	Configured(spec *v1alpha1.ProviderConfigSpec) bool
	// DefaultRateLimit is the account's API quota, used unless the ProviderConfig sets its own.
	DefaultRateLimit() RateLimit
	// Capabilities says which parts of a login profile the cloud has.
	Capabilities() Capabilities
	// UserOf returns the key of the user the LoginProfile manages in this cloud, or an error
	// wrapping ErrInvalidInput (see InvalidSpec) that says which field to set when the spec names
	// no user this cloud understands.
	UserOf(spec *v1alpha1.LoginProfileSpec) (string, error)
	// Connect builds the Provider of the account spec names. It does no I/O, so every error it returns is a configuration error:
	// it wraps ErrInvalidConfig (see InvalidConfig) and never contains a secret.
	Connect(spec *v1alpha1.ProviderConfigSpec, creds Credentials, opts Options) (Provider, error)
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
	// second; zero: finer). An update within the same step as the write before it leaves the date
	// unchanged, so the controller holds a password update until that step has passed; it compares
	// dates to the second at least, the precision status keeps them with.
	UpdateDateResolution time.Duration
	// LastLoginInProfile: the login profile carries the user's last console login
	// (LoginProfile.LastLoginTime), so no LastLogin call is needed.
	LastLoginInProfile bool
}

// Options are the settings every provider accepts: the manager's, the same for every
// ProviderConfig.
type Options struct {
	// Transport carries the HTTP calls; nil means a default transport shared by the process.
	Transport http.RoundTripper
	// Timeout bounds one API call; zero means providerkit.DefaultTimeout.
	Timeout time.Duration
	// EndpointSuffixes are domains allowed for endpoints besides the cloud's own (the manager's
	// --extra-endpoint-suffixes, for private deployments); see EndpointRule.
	EndpointSuffixes []string
}
