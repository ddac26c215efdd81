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
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
)

// config is the benchmark's parameters, from SCALE_* environment variables. Without SCALE_N the
// short version runs (the one `make test` runs): few objects, a short poll, invariants asserted.
type config struct {
	// full is true when SCALE_N is set: the benchmark proper, which reports and asserts the
	// invariants too.
	full bool
	// n is the number of LoginProfiles (SCALE_N), spread evenly over accounts (SCALE_ACCOUNTS):
	// one simulator and one ProviderConfig per account.
	n, accounts int
	// poll is the manager's --poll-interval (SCALE_POLL): short enough that the periodic reads of
	// n objects saturate the read quota.
	poll time.Duration
	// steady is how long the steady state is measured after convergence (SCALE_STEADY; 5 poll
	// intervals by default).
	steady time.Duration
	// probes is how many new LoginProfiles are created, one at a time, while the n others resync
	// (SCALE_PROBES), and again right after a manager restart.
	probes int
	// latency is added to every cloud call (SCALE_LATENCY).
	latency time.Duration
	// simReads and simWrites replace the simulators' per-account quotas (SCALE_SIM_READS,
	// SCALE_SIM_WRITES; 0: the cloud's real quota, negative: unlimited), so that the account's
	// quota can differ from the operator's configured limit.
	simReads, simWrites int
	// clouds are the clouds to run (SCALE_CLOUDS, comma-separated), in order.
	clouds []string
	// converge bounds the convergence of the n creates (SCALE_CONVERGE_TIMEOUT; by default 3x
	// n / writes per second, as if one account held them all, plus 2 minutes); probeTimeout
	// bounds one new object's wait for Ready (SCALE_PROBE_TIMEOUT).
	converge, probeTimeout time.Duration
	// workers create the objects in parallel (SCALE_CREATE_WORKERS).
	workers int
	// managerArgs are extra arguments of the manager (SCALE_MANAGER_ARGS, space-separated).
	managerArgs []string
	// report is where the tables are written as Markdown (SCALE_REPORT); "" writes none.
	report string
	// keep keeps the logs even when everything passed (SCALE_KEEP).
	keep bool
}

func loadConfig() (config, error) {
	c := config{
		n: 50, accounts: 1, poll: time.Second, probes: 3,
		latency: 20 * time.Millisecond,
		clouds:  []string{"alibaba", "huawei"},
		workers: 32, probeTimeout: 3 * time.Minute,
	}
	var errs []string
	get := func(name string, parse func(string) error) {
		v, ok := os.LookupEnv(name)
		if !ok || strings.TrimSpace(v) == "" {
			return
		}
		if err := parse(strings.TrimSpace(v)); err != nil {
			errs = append(errs, fmt.Sprintf("%s=%q: %v", name, v, err))
		}
	}
	intVar := func(p *int, lo int) func(string) error {
		return func(v string) error {
			n, err := strconv.Atoi(v)
			if err == nil && n < lo {
				err = fmt.Errorf("must be at least %d", lo)
			}
			*p = n
			return err
		}
	}
	durVar := func(p *time.Duration) func(string) error {
		return func(v string) error {
			d, err := time.ParseDuration(v)
			if err == nil && d < 0 {
				err = fmt.Errorf("must not be negative")
			}
			*p = d
			return err
		}
	}
	c.full = strings.TrimSpace(os.Getenv("SCALE_N")) != ""
	if c.full {
		// The benchmark proper: the poll (3 s, reads saturate the quota from about 300
		// objects per Alibaba account) and more probes.
		c.poll, c.probes = 3*time.Second, 20
	}
	get("SCALE_N", intVar(&c.n, 1))
	get("SCALE_ACCOUNTS", intVar(&c.accounts, 1))
	get("SCALE_POLL", durVar(&c.poll))
	get("SCALE_STEADY", durVar(&c.steady))
	get("SCALE_PROBES", intVar(&c.probes, 0))
	get("SCALE_LATENCY", durVar(&c.latency))
	get("SCALE_SIM_READS", intVar(&c.simReads, -1))
	get("SCALE_SIM_WRITES", intVar(&c.simWrites, -1))
	get("SCALE_CLOUDS", func(v string) error {
		c.clouds = nil
		for name := range strings.SplitSeq(v, ",") {
			name = strings.TrimSpace(name)
			if _, ok := cloudKinds[name]; !ok {
				return fmt.Errorf("unknown cloud %q: want some of the registered clouds %s", name, strings.Join(simclouds.Names(), ", "))
			}
			c.clouds = append(c.clouds, name)
		}
		return nil
	})
	get("SCALE_CONVERGE_TIMEOUT", durVar(&c.converge))
	get("SCALE_PROBE_TIMEOUT", durVar(&c.probeTimeout))
	get("SCALE_CREATE_WORKERS", intVar(&c.workers, 1))
	get("SCALE_MANAGER_ARGS", func(v string) error { c.managerArgs = strings.Fields(v); return nil })
	get("SCALE_REPORT", func(v string) error { c.report = v; return nil })
	get("SCALE_KEEP", func(string) error { c.keep = true; return nil })
	if c.poll <= 0 {
		errs = append(errs, "SCALE_POLL must be positive")
	}
	if c.accounts > c.n {
		errs = append(errs, fmt.Sprintf("SCALE_ACCOUNTS=%d is more than SCALE_N=%d", c.accounts, c.n))
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("scale parameters:\n  %s", strings.Join(errs, "\n  "))
	}
	if c.steady == 0 {
		c.steady = 5 * c.poll
	}
	return c, nil
}

// String is the configuration in one line, for the log and the report.
func (c config) String() string {
	s := fmt.Sprintf("N=%d over %d account(s), --poll-interval=%s, steady state over %s, %d probe(s), cloud latency %s, clouds %s",
		c.n, c.accounts, c.poll, c.steady, c.probes, c.latency, strings.Join(c.clouds, ","))
	if c.simReads != 0 || c.simWrites != 0 {
		s += fmt.Sprintf(", simulator quotas reads=%d writes=%d a second (0: the cloud's)", c.simReads, c.simWrites)
	}
	if len(c.managerArgs) > 0 {
		s += ", manager args " + strings.Join(c.managerArgs, " ")
	}
	if !c.full {
		s += " (the short version: SCALE_N unset)"
	}
	return s
}

// commandLine is the command that repeats this run.
func (c config) commandLine() string {
	parts := []string{"make bench-scale", fmt.Sprintf("SCALE_N=%d", c.n)}
	if c.accounts != 1 {
		parts = append(parts, fmt.Sprintf("SCALE_ACCOUNTS=%d", c.accounts))
	}
	parts = append(parts, "SCALE_POLL="+c.poll.String())
	if len(c.clouds) != len(cloudKinds) {
		parts = append(parts, "SCALE_CLOUDS="+strings.Join(c.clouds, ","))
	}
	if c.steady != 5*c.poll {
		parts = append(parts, "SCALE_STEADY="+c.steady.String())
	}
	if c.probes != 20 {
		parts = append(parts, fmt.Sprintf("SCALE_PROBES=%d", c.probes))
	}
	if c.latency != 20*time.Millisecond {
		parts = append(parts, "SCALE_LATENCY="+c.latency.String())
	}
	if c.simReads != 0 {
		parts = append(parts, fmt.Sprintf("SCALE_SIM_READS=%d", c.simReads))
	}
	if c.simWrites != 0 {
		parts = append(parts, fmt.Sprintf("SCALE_SIM_WRITES=%d", c.simWrites))
	}
	if len(c.managerArgs) > 0 {
		parts = append(parts, strconv.Quote("SCALE_MANAGER_ARGS="+strings.Join(c.managerArgs, " ")))
	}
	return strings.Join(parts, " ")
}
