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

package chaos

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
)

// config is the campaign's parameters, from CHAOS_* environment variables. The defaults are the
// short version that `make test` runs; `make chaos` sets the full campaign's.
type config struct {
	// seed makes the batches, the kill moments and the faults drawn; printed, so that a campaign
	// can be replayed (CHAOS_SEED). The manager's own timing is not replayed.
	seed uint64
	// calibrationTrials, killTrials, faultTrials and outageTrials are the trials per cloud of each
	// campaign (CHAOS_CALIBRATION_TRIALS, CHAOS_TRIALS, CHAOS_FAULT_TRIALS, CHAOS_OUTAGE_TRIALS).
	calibrationTrials, killTrials, faultTrials, outageTrials int
	// clouds are the clouds to run (CHAOS_CLOUDS, comma-separated), in order: names of the
	// simulators registered with internal/sim/simclouds; unset or empty, every registered one.
	clouds []string
	// secondKill is the probability that a trial of the kill campaign kills the restarted manager
	// once more (CHAOS_SECOND_KILL).
	secondKill float64
	// faultRate is the share of cloud calls that fail in the fault campaign (CHAOS_FAULT_RATE),
	// during faultWindow from the start of the batch (CHAOS_FAULT_WINDOW).
	faultRate   float64
	faultWindow time.Duration
	// outage is how long the API server is unreachable for the manager (CHAOS_OUTAGE).
	outage time.Duration
	// maxLatency bounds the latency added to every cloud call, drawn uniformly (CHAOS_LATENCY):
	// calls are in flight long enough for a kill to land between a call and its status write.
	maxLatency time.Duration
	// converge bounds the time from the last restart (or the end of the faults, or of the outage)
	// until everything converged; past it an object is stuck (CHAOS_CONVERGE_TIMEOUT).
	converge time.Duration
	// assert lists the invariants whose violation fails the test (CHAOS_ASSERT: comma-separated
	// among double-create, lost-change, stuck, resend, or "all"); the others are only reported.
	assert map[invariant]bool
	// report is where the table is written as Markdown (CHAOS_REPORT); "" writes none.
	report string
	// keep keeps the logs (manager runs) even when everything passed (CHAOS_KEEP).
	keep bool
	// verbose logs every trial's timeline (CHAOS_VERBOSE).
	verbose bool
}

// shortAssert are the invariants the short version (`make test`) asserts by default, the same as
// `make chaos`: the re-send goal is reported, and asserted only when asked (CHAOS_ASSERT=all).
var shortAssert = []invariant{invDoubleCreate, invLostChange, invStuck}

func loadConfig() (config, error) {
	c := config{
		seed:              uint64(time.Now().UnixNano()),
		calibrationTrials: 1, killTrials: 3, faultTrials: 1, outageTrials: 0,
		clouds:      simclouds.Names(),
		secondKill:  0.3,
		faultRate:   0.2,
		faultWindow: 6 * time.Second,
		outage:      20 * time.Second,
		maxLatency:  250 * time.Millisecond,
		converge:    60 * time.Second,
		assert:      map[invariant]bool{},
	}
	for _, inv := range shortAssert {
		c.assert[inv] = true
	}
	var errs []string
	get := func(name string, parse func(string) error) {
		v, ok := os.LookupEnv(name)
		if !ok || v == "" {
			return
		}
		if err := parse(strings.TrimSpace(v)); err != nil {
			errs = append(errs, fmt.Sprintf("%s=%q: %v", name, v, err))
		}
	}
	intVar := func(p *int) func(string) error {
		return func(v string) error {
			n, err := strconv.Atoi(v)
			if err == nil && n < 0 {
				err = fmt.Errorf("must not be negative")
			}
			*p = n
			return err
		}
	}
	durVar := func(p *time.Duration) func(string) error {
		return func(v string) error {
			d, err := time.ParseDuration(v)
			*p = d
			return err
		}
	}
	probVar := func(p *float64) func(string) error {
		return func(v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil && (f < 0 || f > 1) {
				err = fmt.Errorf("must be between 0 and 1")
			}
			*p = f
			return err
		}
	}
	get("CHAOS_SEED", func(v string) error {
		n, err := strconv.ParseUint(v, 10, 64)
		c.seed = n
		return err
	})
	get("CHAOS_CALIBRATION_TRIALS", intVar(&c.calibrationTrials))
	get("CHAOS_TRIALS", intVar(&c.killTrials))
	get("CHAOS_FAULT_TRIALS", intVar(&c.faultTrials))
	get("CHAOS_OUTAGE_TRIALS", intVar(&c.outageTrials))
	get("CHAOS_CLOUDS", func(v string) error {
		c.clouds = nil
		for name := range strings.SplitSeq(v, ",") {
			name = strings.TrimSpace(name)
			if _, ok := simclouds.Get(name); !ok {
				return fmt.Errorf("unknown cloud %q: want some of the registered clouds %s", name, strings.Join(simclouds.Names(), ", "))
			}
			if slices.Contains(c.clouds, name) {
				return fmt.Errorf("the cloud %q is named twice", name)
			}
			c.clouds = append(c.clouds, name)
		}
		return nil
	})
	get("CHAOS_SECOND_KILL", probVar(&c.secondKill))
	get("CHAOS_FAULT_RATE", probVar(&c.faultRate))
	get("CHAOS_FAULT_WINDOW", durVar(&c.faultWindow))
	get("CHAOS_OUTAGE", durVar(&c.outage))
	get("CHAOS_LATENCY", durVar(&c.maxLatency))
	get("CHAOS_CONVERGE_TIMEOUT", durVar(&c.converge))
	get("CHAOS_ASSERT", func(v string) error {
		c.assert = map[invariant]bool{}
		for name := range strings.SplitSeq(v, ",") {
			name = strings.TrimSpace(name)
			switch {
			case name == "all":
				for _, inv := range allInvariants {
					c.assert[inv] = true
				}
			case name == "none":
			case slices.Contains(allInvariants, invariant(name)):
				c.assert[invariant(name)] = true
			default:
				return fmt.Errorf("unknown invariant %q: want all, none or some of %v", name, allInvariants)
			}
		}
		return nil
	})
	get("CHAOS_REPORT", func(v string) error { c.report = v; return nil })
	get("CHAOS_KEEP", func(string) error { c.keep = true; return nil })
	get("CHAOS_VERBOSE", func(string) error { c.verbose = true; return nil })
	if len(errs) > 0 {
		return c, fmt.Errorf("chaos parameters:\n  %s", strings.Join(errs, "\n  "))
	}
	return c, nil
}

// asserted lists the asserted invariants, in the order of allInvariants.
func (c config) asserted() []invariant {
	var out []invariant
	for _, inv := range allInvariants {
		if c.assert[inv] {
			out = append(out, inv)
		}
	}
	return out
}

// String is the configuration in one line, for the log.
func (c config) String() string {
	return fmt.Sprintf("seed %d; per cloud: %d calibration trials, %d kill trials (second kill p=%.2f), %d fault trials (%.0f%% of calls for %s), "+
		"%d outage trials (%s); clouds %s; call latency up to %s; convergence bound %s; asserted: %v",
		c.seed, c.calibrationTrials, c.killTrials, c.secondKill, c.faultTrials, c.faultRate*100, c.faultWindow, c.outageTrials, c.outage,
		strings.Join(c.clouds, ","), c.maxLatency, c.converge, c.asserted())
}

// TestLoadConfigClouds checks CHAOS_CLOUDS: unset or empty (the Makefile's default) runs every
// registered cloud; an unknown name is refused with the registered ones listed.
func TestLoadConfigClouds(t *testing.T) {
	names := simclouds.Names()
	if len(names) == 0 {
		t.Fatal("no simulated cloud is registered")
	}
	reversed := slices.Clone(names)
	slices.Reverse(reversed)
	for _, tc := range []struct {
		name, value string
		unset       bool
		want        []string
		err         string
	}{
		{name: "unset", unset: true, want: names},
		{name: "empty", value: "", want: names},
		{name: "one", value: " " + names[len(names)-1] + " ", want: names[len(names)-1:]},
		{name: "all, in the order given", value: strings.Join(reversed, ","), want: reversed},
		{name: "unknown", value: "nimbus", err: `unknown cloud "nimbus": want some of the registered clouds ` + strings.Join(names, ", ")},
		{name: "twice", value: names[0] + "," + names[0], err: `the cloud "` + names[0] + `" is named twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CHAOS_CLOUDS", tc.value) // restored after the test, even once unset
			if tc.unset {
				if err := os.Unsetenv("CHAOS_CLOUDS"); err != nil {
					t.Fatal(err)
				}
			}
			c, err := loadConfig()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("loadConfig: %v; want an error saying %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.clouds, tc.want) {
				t.Errorf("clouds %v, want %v", c.clouds, tc.want)
			}
		})
	}
}
