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

// Package memory is a cloud whose accounts live in the process: the simulators' core
// (internal/sim/simcore) driven in-process, with no wire protocol, no HTTP and no SDK. It is
// registered like the real clouds, and is the proof that the controller knows nothing of a cloud
// but the cloud.Provider and cloud.Driver contracts: the controller's scenario table runs against
// it unchanged. A ProviderConfig selects it with spec.inMemory.account, the name an account was
// registered under (Register). Only test binaries import this package; the released manager does
// not, and refuses such a ProviderConfig.
package memory

import (
	"fmt"
	"sync"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

const cloudName = "memory"

func init() { cloud.Register(Driver) }

// Driver is the cloud.Driver of the in-memory cloud, registered as "memory": users are named by
// spec.userId, the quotas are those an account gets by default (NewAccount), and the profile has
// every field, the last login among them, its dates to the nanosecond, so an update always moves
// the update date.
var Driver = cloud.Described{
	CloudName: cloudName, Title: "an in-memory",
	Section: "spec.inMemory", Sets: func(spec *v1alpha1.ProviderConfigSpec) bool { return spec.InMemory != nil },
	UserField: "spec.userId", User: func(spec *v1alpha1.LoginProfileSpec) string { return spec.UserID },
	RateLimit: cloud.RateLimit{ReadsPerSecond: DefaultReadsPerSecond, WritesPerSecond: DefaultWritesPerSecond},
	Caps:      cloud.Capabilities{Status: true, MFABindRequired: true, UpdateDate: true, LastLoginInProfile: true},
	New:       connect,
}

// connect returns the provider of the account spec.inMemory.account names (Driver.Connect). The
// credentials are not checked: an in-memory account has none.
func connect(spec *v1alpha1.ProviderConfigSpec, _ cloud.Credentials, opts cloud.Options) (cloud.Provider, error) {
	a, ok := lookup(spec.InMemory.Account)
	if !ok {
		return nil, cloud.InvalidConfig(cloudName, "no in-memory account %q in this process", spec.InMemory.Account)
	}
	return &provider{account: a, timeout: opts.Timeout}, nil
}

var (
	accountsMu sync.RWMutex
	accounts   = map[string]*Account{}
)

// Register makes a an account that ProviderConfigs reach by name. It fails when the name is taken.
func Register(name string, a *Account) error {
	accountsMu.Lock()
	defer accountsMu.Unlock()
	if _, dup := accounts[name]; dup {
		return fmt.Errorf("in-memory account %q is registered already", name)
	}
	accounts[name] = a
	return nil
}

// Unregister forgets the account of name; the providers built on it keep it.
func Unregister(name string) {
	accountsMu.Lock()
	defer accountsMu.Unlock()
	delete(accounts, name)
}

func lookup(name string) (*Account, bool) {
	accountsMu.RLock()
	defer accountsMu.RUnlock()
	a, ok := accounts[name]
	return a, ok
}
