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

// Package simclouds is the registry of the cloud simulators: each simulator package registers
// what the tools that run simulators need to know of its cloud (cmd/cloudsim, the demo, the
// end-to-end tests), so that those tools take the set of clouds from here and a new cloud edits
// none of them. Import internal/sim/simclouds/all to register every simulator.
package simclouds

import (
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// Options configure one simulated account, in the terms cmd/cloudsim's flags use for every cloud.
type Options struct {
	// AccessKeys maps access key id -> secret accepted; empty means the cloud's default pair.
	AccessKeys map[string]string
	// AccountID is the account's id, for a cloud that has one (Cloud.AccountIDName); "" means
	// Cloud.DefaultAccountID.
	AccountID string
	// ReadsPerSecond and WritesPerSecond are the quotas: 0 means the cloud's, negative unlimited.
	ReadsPerSecond, WritesPerSecond int
	// PasswordMinLength is the password policy's minimum length, 0 the cloud's default;
	// PasswordReusePrevention refuses the user's last N passwords (0: off).
	PasswordMinLength, PasswordReusePrevention int
	// Logger gets one line per call (never a parameter); nil logs nothing.
	Logger *slog.Logger
}

// User is a user a simulator has by default.
type User struct {
	// Key is the user's key in the cloud (a user principal name, a user id).
	Key string
	// Name is what people call the user, when the key does not say it ("alice" for an id); "".
	Name string
}

// Cloud is one simulated cloud as the tools see it. Every field is set.
type Cloud struct {
	// Name is the cloud's name: cmd/cloudsim's --cloud, the admin API's "cloud", the manager's
	// metrics label.
	Name string
	// API names the simulated API in cmd/cloudsim's first line: "<Name> <API> simulator listening on".
	API string
	// DefaultAccessKeyID and DefaultAccessKeySecret are accepted when Options.AccessKeys is empty.
	DefaultAccessKeyID, DefaultAccessKeySecret string
	// AccountIDName names the account's id for a cloud whose requests carry it ("domain id"), and
	// DefaultAccountID is its default; both "" for a cloud without one.
	AccountIDName, DefaultAccountID string
	// DefaultUsers are the users a simulator has unless told otherwise: the samples' users and a
	// few to try things with.
	DefaultUsers []User
	// ListUsers: cmd/cloudsim prints the users' keys, which a person cannot guess (ids).
	ListUsers bool
	// New returns a simulator of the cloud with no users.
	New func(Options) *simcore.Core

	// UserField is the LoginProfile spec field naming the cloud's users, as in YAML
	// ("userPrincipalName").
	UserField string
	// User is the key of a test user called name, as the cloud would have it.
	User func(name string) string
	// UserWithPrefix is the key of a test user called name that starts with prefix, for the
	// tenancy globs; prefix must be valid in a key (hex digits, for keys that are hex ids).
	UserWithPrefix func(prefix, name string) string
	// SetUser names user in spec's field of the cloud; UserOf reads it ("" when unset).
	SetUser func(spec *v1alpha1.LoginProfileSpec, user string)
	UserOf  func(spec v1alpha1.LoginProfileSpec) string

	// ProviderConfig points spec's section of the cloud (added when missing; its other fields
	// kept) at a simulator at endpoint with the account accountID; Configures tells whether spec's
	// section of the cloud is set.
	ProviderConfig func(spec *v1alpha1.ProviderConfigSpec, endpoint, accountID string)
	Configures     func(spec v1alpha1.ProviderConfigSpec) bool

	// Samples is the file of the cloud's sample LoginProfiles and their Secrets, from the
	// repository's root; SampleProviderConfig the ProviderConfig they name.
	Samples, SampleProviderConfig string
}

var (
	mu     sync.Mutex
	clouds = map[string]Cloud{}
)

// Register makes a simulated cloud available. It panics on a duplicate or unnamed cloud (a
// programming error).
func Register(c Cloud) {
	mu.Lock()
	defer mu.Unlock()
	if c.Name == "" {
		panic("simclouds: Register of a cloud without a name")
	}
	if _, dup := clouds[c.Name]; dup {
		panic("simclouds: the cloud " + c.Name + " is registered twice")
	}
	clouds[c.Name] = c
}

// Get returns the registered cloud name.
func Get(name string) (Cloud, bool) {
	mu.Lock()
	defer mu.Unlock()
	c, ok := clouds[name]
	return c, ok
}

// All returns the registered clouds, sorted by name.
func All() []Cloud {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Cloud, 0, len(clouds))
	for _, c := range clouds {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Cloud) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Names returns the registered clouds' names, sorted.
func Names() []string {
	var names []string
	for _, c := range All() {
		names = append(names, c.Name)
	}
	return names
}

// Of returns the registered cloud whose section spec sets; false for none.
func Of(spec v1alpha1.ProviderConfigSpec) (Cloud, bool) {
	for _, c := range All() {
		if c.Configures(spec) {
			return c, true
		}
	}
	return Cloud{}, false
}
