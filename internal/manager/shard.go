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

package manager

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// LeaderElectionID is the name of the leader election Lease of a manager that is not a shard.
const LeaderElectionID = "loginprofile-operator.iam.loginprofile.io"

// Shard is the share of the cloud accounts one manager acts on: the ProviderConfigs whose labels
// match its selector (--provider-config-selector), and the LoginProfiles of those. The quota is
// per account, so accounts are what a manager's load is split by. Each shard elects its leader
// through a Lease of its own, named after the shard (--shard-name).
//
// The zero Shard is the manager of every ProviderConfig, with the Lease of an unsharded install.
type Shard struct {
	// Name names the shard's Lease and its client (the field manager of its writes); "" when the
	// manager is no shard.
	Name string
	// Selector selects the shard's ProviderConfigs by label; nil selects every one.
	Selector labels.Selector
}

// NewShard checks the flags --shard-name and --provider-config-selector together. A selector
// needs a name: shards sharing a Lease would run one at a time, and all but one shard's accounts
// would silently go unmanaged. A name needs a selector: a shard without one acts on every
// ProviderConfig, those of the other shards too.
func NewShard(name, selector string) (Shard, error) {
	name = strings.TrimSpace(name)
	sel, err := labels.Parse(selector)
	if err != nil {
		return Shard{}, fmt.Errorf("--provider-config-selector %q is not a label selector (e.g. shard=a, or tier in (gold,silver)): %w", selector, err)
	}
	switch {
	case sel.Empty() && name == "":
		return Shard{}, nil
	case sel.Empty():
		return Shard{}, fmt.Errorf("--shard-name %q needs --provider-config-selector: without a selector the shard would act on "+
			"every ProviderConfig, those of the other shards too", name)
	case name == "":
		return Shard{}, fmt.Errorf("--provider-config-selector %q needs --shard-name: each shard elects its leader through a Lease "+
			"named after it, and shards sharing one Lease would run one at a time", selector)
	}
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return Shard{}, fmt.Errorf("--shard-name %q is not a DNS label (lower case letters, digits and '-', at most 63): %s",
			name, strings.Join(errs, "; "))
	}
	return Shard{Name: name, Selector: sel}, nil
}

// LeaderElectionID is the name of the shard's Lease: LeaderElectionID prefixed with the shard's
// name, so that every shard has a leader of its own.
func (s Shard) LeaderElectionID() string {
	if s.Name == "" {
		return LeaderElectionID
	}
	return s.Name + "." + LeaderElectionID
}

// UserAgent is the user agent of the shard's API client, "" for the client's default. The API
// server names the field manager of a write after it (managedFields, the audit log), so that
// they say which shard wrote.
func (s Shard) UserAgent() string {
	if s.Name == "" {
		return ""
	}
	return "loginprofile-operator-shard-" + s.Name
}

// RestrictCache caches only the shard's ProviderConfigs: events of the others never reach the
// controllers, whose reads then find no other ProviderConfig (a LoginProfile of one is not the
// shard's to touch). A ProviderConfig whose label changes leaves the cache (a delete event) of
// the shard it leaves, and enters that of the shard it joins (a create event).
func (s Shard) RestrictCache(opts cache.Options) cache.Options {
	if s.Selector == nil {
		return opts
	}
	byObject := make(map[client.Object]cache.ByObject, len(opts.ByObject)+1)
	for obj, c := range opts.ByObject {
		byObject[obj] = c
	}
	byObject[&v1alpha1.ProviderConfig{}] = cache.ByObject{Label: s.Selector}
	opts.ByObject = byObject
	return opts
}

// String describes the shard for the log.
func (s Shard) String() string {
	if s.Selector == nil {
		return "every ProviderConfig"
	}
	return fmt.Sprintf("%s (ProviderConfigs matching %s)", s.Name, s.Selector)
}
