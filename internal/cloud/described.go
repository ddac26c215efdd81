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
	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// Described is a Driver made of a cloud's facts and its constructor: a cloud package fills one in
// and registers it, and writes no Driver method of its own.
type Described struct {
	// CloudName is the cloud's name (Driver.Name), e.g. "alibaba".
	CloudName string
	// Title is the cloud as messages name it, with its article: "an Alibaba Cloud".
	Title string
	// Section is the path of the cloud's section of a ProviderConfig ("spec.alibaba"), and Sets
	// tells whether a spec sets it.
	Section string
	Sets    func(spec *v1alpha1.ProviderConfigSpec) bool
	// UserField is the path of the LoginProfile field naming the cloud's users
	// ("spec.userPrincipalName"), and User reads it ("" when unset). UserHint ends the message
	// of a spec without it (" (spec.userPrincipalName is for Alibaba Cloud)"), or is "".
	UserField, UserHint string
	User                func(spec *v1alpha1.LoginProfileSpec) string
	// RateLimit is the account's API quota (Driver.DefaultRateLimit), Caps what its login profile
	// holds (Driver.Capabilities).
	RateLimit RateLimit
	Caps      Capabilities
	// New builds the Provider of a spec whose section is set; Connect checks that first. It does no
	// I/O, and its errors wrap ErrInvalidConfig.
	New func(spec *v1alpha1.ProviderConfigSpec, creds Credentials, opts Options) (Provider, error)
}

var _ Driver = Described{}

// Name implements Driver.
func (d Described) Name() string { return d.CloudName }

// Configured implements Driver: spec sets the cloud's section.
func (d Described) Configured(spec *v1alpha1.ProviderConfigSpec) bool {
	return spec != nil && d.Sets(spec)
}

// DefaultRateLimit implements Driver.
func (d Described) DefaultRateLimit() RateLimit { return d.RateLimit }

// Capabilities implements Driver.
func (d Described) Capabilities() Capabilities { return d.Caps }

// UserOf implements Driver: the value of UserField, which must be set.
func (d Described) UserOf(spec *v1alpha1.LoginProfileSpec) (string, error) {
	var user string
	if spec != nil {
		user = d.User(spec)
	}
	if user == "" {
		return "", InvalidSpec(d.UserField + " is required for " + d.Title + " ProviderConfig" + d.UserHint)
	}
	return user, nil
}

// Connect implements Driver: New, once the spec is known to set the cloud's section.
func (d Described) Connect(spec *v1alpha1.ProviderConfigSpec, creds Credentials, opts Options) (Provider, error) {
	if !d.Configured(spec) {
		return nil, InvalidConfig(d.CloudName, "%s is not set", d.Section)
	}
	return d.New(spec, creds, opts)
}
