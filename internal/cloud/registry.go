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
	"sort"
	"sync"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// The registry: cloud name -> Driver. Each cloud package registers itself in its init, so the
// manager supports a cloud by importing its package, and nothing else lists the clouds.
var (
	registryMu sync.RWMutex
	registry   = map[string]Driver{}
)

// Register makes a cloud available. It panics on a duplicate name (a programming error).
func Register(f Driver) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[f.Name()]; dup {
		panic(fmt.Sprintf("cloud: provider %q registered twice", f.Name()))
	}
	registry[f.Name()] = f
}

// DriverFor returns the driver of the one cloud spec configures.
func DriverFor(spec *v1alpha1.ProviderConfigSpec) (Driver, error) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	var found []Driver
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
