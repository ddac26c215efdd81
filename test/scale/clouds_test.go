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

package scale

import (
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds/all" // every simulated cloud
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// The access key every simulator accepts; the ProviderConfigs' credentials Secret holds it.
const (
	accessKeyID     = "SCALEACCESSKEYID0001"
	accessKeySecret = "scale-AccessKeySecret-4Kp9Vx"
)

// account is one simulated cloud account: a simulator in the test's process (its call log is
// what the benchmark counts) and the ProviderConfig pointing at it.
type account struct {
	sim *simcore.Core
	url string
	pc  string
	ns  string
	// providerConfig fills in the cloud's block of the ProviderConfig.
	providerConfig func(spec *v1alpha1.ProviderConfigSpec)
}

// cloudKind is what differs between the clouds for the benchmark.
type cloudKind struct {
	name string
	// reads and writes are the cloud's quotas per account, per second.
	reads, writes int
	// newAccount starts a simulator with the quotas given (0: the cloud's), serving on loopback.
	newAccount func(reads, writes int) (*account, error)
	// user makes a user's key in the cloud from a name; setUser names it in a spec.
	user    func(name string) string
	setUser func(spec *v1alpha1.LoginProfileSpec, user string)
}

// cloudKinds are the simulated clouds of the registry (internal/sim/simclouds): the benchmark
// names none.
var cloudKinds = func() map[string]cloudKind {
	kinds := map[string]cloudKind{}
	for _, c := range simclouds.All() {
		reads, writes := c.New(simclouds.Options{}).Quota()
		kinds[c.Name] = cloudKind{
			name: c.Name, reads: reads, writes: writes, user: c.User, setUser: c.SetUser,
			newAccount: func(reads, writes int) (*account, error) {
				sim := c.New(simclouds.Options{
					AccessKeys:     map[string]string{accessKeyID: accessKeySecret},
					ReadsPerSecond: reads, WritesPerSecond: writes,
				})
				url, err := sim.Start()
				if err != nil {
					return nil, err
				}
				return &account{sim: sim, url: url, providerConfig: func(spec *v1alpha1.ProviderConfigSpec) {
					c.ProviderConfig(spec, url, c.DefaultAccountID)
				}}, nil
			},
		}
	}
	return kinds
}()

// callCounts are the calls an account (or several) received in a window.
type callCounts struct {
	reads, writes, throttled int
}

func (c callCounts) total() int { return c.reads + c.writes }

func (c *callCounts) add(o callCounts) {
	c.reads += o.reads
	c.writes += o.writes
	c.throttled += o.throttled
}

// countCalls counts the calls of calls received in [from, to): reads, writes and the answers
// with the cloud's throttling code (throttled calls are counted as reads or writes too).
func countCalls(calls []simcore.Call, throttledCode string, from, to time.Time) callCounts {
	var c callCounts
	for _, call := range calls {
		if call.Time.Before(from) || !call.Time.Before(to) {
			continue
		}
		switch call.Op {
		case simcore.OpGet:
			c.reads++
		case simcore.OpCreate, simcore.OpUpdate, simcore.OpDelete:
			c.writes++
		}
		if call.Code == throttledCode {
			c.throttled++
		}
	}
	return c
}
