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
	"slices"
	"strings"
	"time"
)

// row is one line of the table: a campaign on a cloud.
type row struct {
	camp                                                  campaign
	cloud                                                 string
	trials, kills, idleKills, outages, converged, errored int
	faults                                                map[faultKind]int
	doubleCreates, lostChanges, stuck, resends            int
	overGoal                                              int // trials with more re-sends than their goal
	converge                                              []time.Duration
}

// reportTable is the campaign's table, in Markdown.
func reportTable(results []*trialResult, cfg config) string {
	var rows []*row
	find := func(r *trialResult) *row {
		for _, x := range rows {
			if x.camp == r.camp && x.cloud == r.cloud {
				return x
			}
		}
		x := &row{camp: r.camp, cloud: r.cloud, faults: map[faultKind]int{}}
		rows = append(rows, x)
		return x
	}
	for _, r := range results {
		x := find(r)
		x.trials++
		if r.err != nil {
			x.errored++
		}
		x.kills += r.kills
		x.idleKills += r.idleKills
		x.outages += r.outages
		for k, n := range r.faults {
			x.faults[k] += n
		}
		if r.converged {
			x.converged++
			x.converge = append(x.converge, r.converge)
		}
		x.doubleCreates += r.doubleCreates
		x.lostChanges += r.lostChanges
		x.stuck += r.stuck
		x.resends += r.resends
		if r.resends > r.resendGoal {
			x.overGoal++
		}
	}
	var b strings.Builder
	b.WriteString("| campaign | cloud | trials | disturbances | converged | double creates | lost changes | stuck objects | re-sends (trials over goal) | converge p50 / max |\n")
	b.WriteString("|---|---|---:|---|---:|---:|---:|---:|---:|---|\n")
	for _, x := range rows {
		var dist string
		switch x.camp {
		case campaignKill:
			dist = fmt.Sprintf("%d kills (%d after convergence)", x.kills, x.idleKills)
		case campaignFaults:
			n := x.faults[fault503] + x.faults[faultDrop] + x.faults[faultAnswerLost]
			dist = fmt.Sprintf("%d faults (%d 503, %d dropped, %d answers lost)", n, x.faults[fault503], x.faults[faultDrop], x.faults[faultAnswerLost])
		case campaignOutage:
			dist = fmt.Sprintf("%d outages of %s", x.outages, cfg.outage)
		default:
			dist = "none"
		}
		conv := fmt.Sprintf("%d/%d", x.converged, x.trials)
		if x.errored > 0 {
			conv += fmt.Sprintf(" (%d did not run)", x.errored)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %d | %d | %d | %d (%d) | %s |\n", x.camp, x.cloud, x.trials, dist, conv,
			x.doubleCreates, x.lostChanges, x.stuck, x.resends, x.overGoal, percentiles(x.converge))
	}
	b.WriteString("\nconverge: from the last restart (kill), from the start of the batch with the faults still on (faults), " +
		"from the end of the outage (outage), from the start of the batch (calibration: the busy window). " +
		"Kills after convergence found nothing left to interrupt.\n")
	return b.String()
}

// percentiles is "p50 / max" of ds.
func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	p50 := s[(len(s)-1)/2]
	return fmt.Sprintf("%.1f s / %.1f s", p50.Seconds(), s[len(s)-1].Seconds())
}

// violationsReport lists the violations by invariant, with the first example of each in full.
func violationsReport(results []*trialResult) string {
	byInv := map[invariant][]violation{}
	for _, r := range results {
		for _, v := range r.violations {
			byInv[v.inv] = append(byInv[v.inv], v)
		}
	}
	var b strings.Builder
	// One re-send within the goal per cloud, to show what is tolerated.
	shown := map[string]bool{}
	for _, r := range results {
		if e := r.resendExample; e != nil && !shown[r.cloud] {
			shown[r.cloud] = true
			fmt.Fprintf(&b, "\nA re-send within the goal on %s:\n  - %s\n%s", r.cloud, e.headline(), e.excerpt)
		}
	}
	if len(byInv) == 0 {
		b.WriteString("\nNo invariant was violated.\n")
		return b.String()
	}
	for _, inv := range allInvariants {
		vs := byInv[inv]
		if len(vs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s: %d violation(s)\n", inv, len(vs))
		for _, v := range vs {
			fmt.Fprintf(&b, "  - %s\n", v.headline())
		}
		fmt.Fprintf(&b, "  first example:\n%s", vs[0].excerpt)
	}
	return b.String()
}
