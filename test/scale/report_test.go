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
	"math"
	"slices"
	"strings"
	"time"
)

// table is one cloud's results as a Markdown table, one figure a row.
func (res *result) table() string {
	cfg := res.cfg
	var b strings.Builder
	row := func(figure, format string, args ...any) {
		fmt.Fprintf(&b, "| %s | %s |\n", figure, fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(&b, "| %s | |\n|---|---|\n", cloudTitle(res.cloud))
	objects := fmt.Sprintf("%d", cfg.n)
	if cfg.accounts > 1 {
		objects = fmt.Sprintf("%d (%d accounts x %d)", cfg.n, cfg.accounts, res.perAccount)
	}
	row("LoginProfiles", "%s", objects)
	row("quotas per account; cloud latency", "%d reads/s, %d writes/s; %s", res.reads, res.writes, cfg.latency)
	row("`--poll-interval`", "%s", cfg.poll)
	row("converge: all Ready, from the first create", "%s (the creates took %s)", secs(res.converge), secs(res.create))
	row("quota bound (objects per account / writes per second); ratio", "%s; **%.2fx**", secs(res.bound), ratio(res.converge, res.bound))
	row("throttled answers", "%d converging; %d in the whole run (%d after the restart)",
		res.convergeCalls.throttled, res.totalCalls.throttled, res.restartCalls.throttled)
	row("cloud calls per object, converging", "%.2f (%.2f reads, %.2f writes)", perObject(res.convergeCalls.total(), cfg.n),
		perObject(res.convergeCalls.reads, cfg.n), perObject(res.convergeCalls.writes, cfg.n))
	want := float64(cfg.n) / cfg.poll.Seconds()
	quota := float64(res.reads * cfg.accounts)
	readsPerSec := float64(res.steadyCalls.reads) / res.steady.Seconds()
	row("steady state: window after convergence", "%s (%.1f poll intervals)", res.steady, res.steady.Seconds()/cfg.poll.Seconds())
	row("steady state: cloud reads/s", "%.1f/s against a quota of %.0f/s (one read per object per poll: %.1f/s); effective poll interval %s",
		readsPerSec, quota, want, effectiveInterval(cfg.n, readsPerSec))
	row("steady state: cloud writes", "%d", res.steadyCalls.writes)
	row("steady state: LoginProfile writes (status, metadata)", "%d", len(res.steadyLPWrites))
	row(fmt.Sprintf("new object to Ready while %d resync (%d, one at a time)", cfg.n, len(res.probes)+res.probeFailures),
		"p50 %s, p99 %s, max %s%s", percentile(res.probes, 50), percentile(res.probes, 99), percentile(res.probes, 100),
		failures(res.probeFailures, cfg.probeTimeout))
	row("after a restart: controllers running", "%s after the launch", secs(res.restartStart))
	row(fmt.Sprintf("after a restart: new object to Ready (%d, one at a time)", len(res.restartProbes)+res.restartFailures),
		"p50 %s, max %s%s", percentile(res.restartProbes, 50), percentile(res.restartProbes, 100),
		failures(res.restartFailures, cfg.probeTimeout))
	row("manager peak RSS (VmHWM)", "**%s** (RSS %s before the objects, %s converged, %s after the steady state)",
		mib(res.memEnd.peakRSS), mib(res.memIdle.rss), mib(res.memConverged.rss), mib(res.memSteady.rss))
	row("manager heap in use", "peak %s (sampled every second); %s after the steady state",
		mib(res.memEnd.peakHeap), mib(res.memSteady.heap))
	row("restarted manager: peak RSS, heap", "%s (RSS %s), heap %s after the new objects",
		mib(res.memRestart.peakRSS), mib(res.memRestart.rss), mib(res.memRestart.heap))
	return b.String()
}

func cloudTitle(name string) string {
	switch name {
	case "alibaba":
		return "Alibaba Cloud"
	case "huawei":
		return "Huawei Cloud"
	}
	return name
}

func failures(n int, timeout time.Duration) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; **%d not Ready within %s**", n, timeout)
}

func ratio(d, bound time.Duration) float64 {
	if bound <= 0 {
		return math.NaN()
	}
	return d.Seconds() / bound.Seconds()
}

func perObject(calls, n int) float64 { return float64(calls) / float64(n) }

func effectiveInterval(n int, readsPerSec float64) string {
	if readsPerSec <= 0 {
		return "-"
	}
	return secs(time.Duration(float64(n) / readsPerSec * float64(time.Second)))
}

// secs prints d in seconds with a precision that suits it.
func secs(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

func mib(b float64) string {
	if b <= 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f MiB", b/(1<<20))
}

// percentile is the p-th percentile of ds (nearest rank), "-" when there are none.
func percentile(ds []time.Duration, p float64) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return secs(s[min(max(i, 0), len(s)-1)])
}
