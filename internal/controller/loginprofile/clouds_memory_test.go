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

package loginprofile_test

import (
	"fmt"
	"net/url"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/memory"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// --- The in-memory cloud -----------------------------------------------------------------------

// memoryCloud runs the scenarios on accounts in the test's memory: the controller calls them
// in-process (no HTTP, no SDK); the tests drive them as they drive the simulators. Each account is
// registered under a name made from the URL its admin API serves on.
func memoryCloud(limitedReads, limitedWrites int) (*testCloud, error) {
	return newTestCloud(cloudSpec{
		name: "memory",
		caps: cloud.Capabilities{Status: true, MFABindRequired: true, UpdateDate: true},
		newSim: func(reads, writes int) *simcore.Core {
			return memory.NewAccount(memory.Options{ReadsPerSecond: reads, WritesPerSecond: writes}).Core
		},
		started: func(core *simcore.Core, url string) error {
			return memory.Register(memoryAccount(url), &memory.Account{Core: core})
		},
		policy: func(n int) simcore.PasswordPolicy {
			return memory.PasswordPolicy{Content: simcore.Rules{ReusePrevention: n}}
		},
		accessKeyID: "memory-key-id", accessKeySecret: "memory-key-secret",
		provider: func(spec *v1alpha1.ProviderConfigSpec, url string) {
			spec.InMemory = &v1alpha1.InMemoryProviderConfig{Account: memoryAccount(url)}
		},
		user:             func(n int64) string { return fmt.Sprintf("user-%d", n) },
		setUser:          func(spec *v1alpha1.LoginProfileSpec, user string) { spec.UserID = user },
		userNotFoundCode: string(simcore.UserNotFound), weakPasswordCode: string(simcore.PasswordWeak),
		reusedCode:    string(simcore.PasswordReused),
		throttledCode: string(simcore.Throttled),
	}, limitedReads, limitedWrites)
}

// memoryAccount is the name of the account whose admin API serves on rawURL ("sim-<port>"); a
// URL of no account gives a name no account has.
func memoryAccount(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "none"
	}
	return "sim-" + u.Port()
}
