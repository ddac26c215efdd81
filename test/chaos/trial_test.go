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
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// campaign is a kind of trial.
type campaign string

const (
	campaignCalibration campaign = "calibration"
	campaignKill        campaign = "kill"
	campaignFaults      campaign = "faults"
	campaignOutage      campaign = "outage"
)

// userPrefix starts the names of a campaign's cloud users: the campaigns share one simulator per
// cloud, and every trial has its own users.
var userPrefix = map[campaign]string{campaignCalibration: "c", campaignKill: "k", campaignFaults: "f", campaignOutage: "o"}

// userName is the name of the cloud user of the object name in the trial index of camp; the
// cloud makes its key from it (cloudKind.user).
func userName(camp campaign, index int, name string) string {
	return fmt.Sprintf("%s%03d%s", userPrefix[camp], index, name)
}

// checkPolling is how often a trial looks at the cluster and the cloud while it waits.
const checkPolling = 100 * time.Millisecond

// trial is one batch applied under one disturbance, and what the test wants at the end.
type trial struct {
	s     *suite
	ce    *cloudEnv
	camp  campaign
	index int
	rng   *rand.Rand
	ns    string
	objs  []*object
	// labels names the passwords of the trial ("e1.v2": object e1's third password) for messages.
	labels map[string]string
	// t0 is the start of the batch; times in messages are relative to it.
	t0 time.Time

	// modelMu guards objs and labels, which the batch changes while a disturbance looks at them.
	modelMu sync.Mutex

	mu       sync.Mutex
	timeline []string
	phase    string // prefixes the timeline's lines: "setup " before the batch
	res      *trialResult
}

// trialResult is what a trial found.
type trialResult struct {
	camp  campaign
	cloud string
	index int
	seed  uint64
	// kills, outages and faults are the disturbances applied; idleKills the kills that found the
	// batch converged already.
	kills, idleKills, outages int
	faults                    map[faultKind]int
	// converged: every object converged within the bound, in converge from the last restart (kill),
	// the start of the batch (faults: the first moment everything was right, faults still on;
	// calibration), the end of the outage.
	converged bool
	converge  time.Duration
	// Counts of the invariants: double creates and re-sends are calls, lost changes and stuck
	// objects are objects.
	doubleCreates, lostChanges, stuck, resends int
	// resendGoal is the most re-sends the trial may make.
	resendGoal int
	violations []violation
	// resendExample shows a re-send within the goal, if the trial made one.
	resendExample *violation
	// lastWrite is when the batch's last write call reached the cloud, from the start of the
	// batch: the busy window when the calibration does not converge.
	lastWrite time.Duration
	// took is the trial's duration, setup and cleanup included.
	took time.Duration
	// timeline is what happened, from the start of the batch.
	timeline []string
	// err is a failure of the harness, not of the operator.
	err error
}

func (r *trialResult) name() string { return fmt.Sprintf("%s/%s/%d", r.camp, r.cloud, r.index) }

// summary is the trial's outcome in one line.
func (r *trialResult) summary() string {
	conv := "NOT converged"
	if r.converged {
		conv = "converged in " + r.converge.Round(time.Millisecond).String()
	}
	var dist string
	switch r.camp {
	case campaignKill:
		dist = fmt.Sprintf("%d kill(s)", r.kills)
	case campaignFaults:
		dist = fmt.Sprintf("faults: %d 503, %d dropped, %d answers lost", r.faults[fault503], r.faults[faultDrop], r.faults[faultAnswerLost])
	case campaignOutage:
		dist = fmt.Sprintf("%d outage(s)", r.outages)
	default:
		dist = "no disturbance"
	}
	return fmt.Sprintf("chaos: %-16s seed %-20d %s; %s; double creates %d, lost changes %d, stuck %d, re-sends %d (goal <= %d); took %s",
		r.name(), r.seed, dist, conv, r.doubleCreates, r.lostChanges, r.stuck, r.resends, r.resendGoal, r.took.Round(100*time.Millisecond))
}

// violation is one broken invariant, with what shows it.
type violation struct {
	inv    invariant
	trial  string
	seed   uint64
	object string
	detail string
	// excerpt is the trial's timeline and the object's calls.
	excerpt string
}

func (v violation) headline() string {
	return fmt.Sprintf("%s: %s (trial seed %d), object %s: %s", v.inv, v.trial, v.seed, v.object, v.detail)
}

// trialSeed derives a trial's seed from the campaign's.
func trialSeed(seed uint64, camp campaign, cloud string, index int) uint64 {
	h := fnv.New64a()
	_, _ = fmt.Fprintf(h, "%d/%s/%s/%d", seed, camp, cloud, index)
	return h.Sum64()
}

// runTrial runs one trial; it returns its result whatever happened.
func (s *suite) runTrial(ce *cloudEnv, camp campaign, index int) *trialResult {
	seed := trialSeed(s.cfg.seed, camp, ce.name, index)
	tr := &trial{
		s: s, ce: ce, camp: camp, index: index,
		rng:    rand.New(rand.NewPCG(seed, seed>>1)),
		ns:     fmt.Sprintf("chaos-%s-%s-%03d", camp, ce.name, index),
		labels: map[string]string{},
		res:    &trialResult{camp: camp, cloud: ce.name, index: index, seed: seed, faults: map[faultKind]int{}},
	}
	started := time.Now()
	if err := tr.run(); err != nil {
		tr.res.err = err
		if p := s.mgr.current(); p != nil && p.Running() && tr.t0 != (time.Time{}) {
			_ = tr.cleanup(context.Background()) // best effort: the next trials start from a quiet manager
		}
	}
	tr.res.took = time.Since(started)
	tr.mu.Lock()
	tr.res.timeline = slices.Clone(tr.timeline)
	tr.mu.Unlock()
	return tr.res
}

func (tr *trial) note(format string, args ...any) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.timeline = append(tr.timeline, fmt.Sprintf("%s%+.3fs %s", tr.phase, time.Since(tr.t0).Seconds(), fmt.Sprintf(format, args...)))
}

func (tr *trial) run() error {
	ctx := context.Background()
	s, ce := tr.s, tr.ce
	if p := s.mgr.current(); p == nil || !p.Running() {
		// The manager exited by itself (the trials only kill it and start another at once): a
		// crash. The next trials get a new one.
		why := "no manager was started"
		if p != nil {
			why = fmt.Sprintf("the manager exited by itself (%v); its log:\n%s", p.ExitCause(), p.LogTail(30))
		}
		if _, _, err := s.mgr.start(); err != nil {
			why += "; starting another: " + err.Error()
		}
		return errors.New(why)
	} else if err := waitStarted(p); err != nil {
		return err
	}
	ce.front.reset()
	tr.t0 = time.Now() // until the batch starts: the setup's times are relative to the trial's start
	tr.phase = "setup "
	tr.plan()
	if err := s.k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: tr.ns}}); err != nil {
		return err
	}

	// Setup: the objects the batch changes exist and are Ready before it starts.
	for _, o := range tr.objs {
		ce.sim.AddUser(o.user)
		if o.existing {
			if err := tr.create(ctx, o); err != nil {
				return err
			}
		}
	}
	if ok, _, err := tr.waitConverged(tr.existing(), time.Now().Add(s.cfg.converge)); err != nil {
		return err
	} else if !ok {
		tr.note("setup did not converge")
		return tr.finish(ctx, false, 0)
	}

	// The batch, under the campaign's disturbance.
	ops := tr.batch()
	disturbance := tr.disturb()
	tr.mu.Lock()
	tr.t0, tr.phase = time.Now(), ""
	tr.mu.Unlock()
	tr.note("batch starts (%d changes)", len(ops))
	done := make(chan disturbanceEnd, 1)
	go func() { done <- disturbance() }()
	for i, o := range ops {
		if err := o.apply(ctx); err != nil {
			<-done // the disturbance must not reach into the next trial
			return fmt.Errorf("applying %s: %w", o.desc, err)
		}
		tr.note("applied %s", o.desc)
		if i < len(ops)-1 {
			time.Sleep(time.Duration(tr.rng.Int64N(int64(100 * time.Millisecond)))) // part of the experiment: changes spread out
		}
	}
	// Under faults, convergence is measured from the start of the batch: the first moment
	// everything is right, faults still on; the final state is checked once they are off.
	var firstConverged time.Time
	var end disturbanceEnd
	if tr.camp == campaignFaults {
		for waiting := true; waiting; {
			if firstConverged.IsZero() {
				if problems, err := tr.check(tr.objs); err == nil && len(problems) == 0 {
					firstConverged = time.Now()
					tr.note("converged, faults still on")
				}
			}
			select {
			case end = <-done:
				waiting = false
			case <-time.After(checkPolling): // a poll interval
			}
		}
	} else {
		end = <-done
	}
	if end.err != nil {
		return end.err
	}
	bound := s.cfg.converge
	ok, at, err := tr.waitConverged(tr.objs, end.clockStart.Add(bound))
	if err != nil {
		return err
	}
	if ok {
		tr.res.converged, tr.res.converge = true, at.Sub(end.clockStart)
		if tr.camp == campaignFaults {
			tr.res.converge = at.Sub(tr.t0)
			if !firstConverged.IsZero() {
				tr.res.converge = firstConverged.Sub(tr.t0)
			}
		}
		tr.note("converged")
		if err := tr.settle(at); err != nil {
			return err
		}
	} else {
		tr.note("did not converge (bound %s; a difference only in the cloud is final after %s)", bound, lostGrace)
	}
	return tr.finish(ctx, ok, end.resendAllowance)
}

// plan draws the trial's objects: four that exist before the batch (e0..e3) and two it creates
// (n0, n1).
func (tr *trial) plan() {
	k := tr.ce.cloudKind
	mk := func(name string, existing bool) *object {
		o := &object{
			name: name, existing: existing,
			user:   k.user(userName(tr.camp, tr.index, name)),
			status: v1alpha1.LoginStatusActive, reset: tr.rng.IntN(2) == 0,
			policy: v1alpha1.DeletionPolicyDelete,
		}
		if k.hasMFA {
			o.mfa = tr.rng.IntN(2) == 0
		}
		tr.newPassword(o)
		tr.objs = append(tr.objs, o)
		return o
	}
	for i := range 4 {
		mk(fmt.Sprintf("e%d", i), true)
	}
	// e2's status flips in the batch: from either side.
	if tr.rng.IntN(2) == 0 {
		tr.objs[2].status = v1alpha1.LoginStatusInactive
	}
	// e3 is deleted in the batch: sometimes with deletionPolicy Orphan.
	if tr.rng.IntN(4) == 0 {
		tr.objs[3].policy = v1alpha1.DeletionPolicyOrphan
	}
	for i := range 2 {
		o := mk(fmt.Sprintf("n%d", i), false)
		if k.hasStatus && tr.rng.IntN(5) == 0 {
			o.status = v1alpha1.LoginStatusInactive
		}
	}
}

func (tr *trial) existing() []*object {
	var out []*object
	for _, o := range tr.objs {
		if o.existing {
			out = append(out, o)
		}
	}
	return out
}

func (tr *trial) object(name string) *object {
	for _, o := range tr.objs {
		if o.name == name {
			return o
		}
	}
	panic("no object " + name)
}

const passwordChars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// newPassword draws a new password for o (the policies' classes: upper, lower, digits, symbols)
// and makes it o's latest.
func (tr *trial) newPassword(o *object) string {
	b := []byte("Pw")
	for range 14 {
		b = append(b, passwordChars[tr.rng.IntN(len(passwordChars))])
	}
	pw := string(b) + "-9!"
	tr.modelMu.Lock()
	defer tr.modelMu.Unlock()
	tr.labels[pw] = fmt.Sprintf("%s.v%d", o.name, len(o.passwords))
	o.passwords = append(o.passwords, pw)
	return pw
}

func (tr *trial) label(pw string) string {
	tr.modelMu.Lock()
	defer tr.modelMu.Unlock()
	return labelIn(tr.labels, pw)
}

func labelIn(labels map[string]string, pw string) string {
	if pw == "" {
		return "(none)"
	}
	if l, ok := labels[pw]; ok {
		return l
	}
	return "(a password of no object of the trial)"
}

// change is one change of the batch.
type change struct {
	desc  string
	apply func(ctx context.Context) error
}

// batch draws the batch: n0 and n1 created (n0's password rotated right after), e0's password
// rotated, e1's password rotated and its flags changed, e2's status flipped, e3 deleted; in an
// order drawn at random, n0's rotation after its creation.
func (tr *trial) batch() []change {
	k := tr.ce.cloudKind
	e0, e1, e2, e3 := tr.object("e0"), tr.object("e1"), tr.object("e2"), tr.object("e3")
	n0, n1 := tr.object("n0"), tr.object("n1")
	ops := []change{
		{"create n0", func(ctx context.Context) error { return tr.create(ctx, n0) }},
		{"create n1", func(ctx context.Context) error { return tr.create(ctx, n1) }},
		{"rotate n0", func(ctx context.Context) error { return tr.rotate(ctx, n0) }},
		{"rotate e0", func(ctx context.Context) error { return tr.rotate(ctx, e0) }},
		{"rotate e1", func(ctx context.Context) error { return tr.rotate(ctx, e1) }},
		{"flags e1", func(ctx context.Context) error {
			return tr.patch(ctx, e1, func(o *object) {
				o.reset = !o.reset
				if k.hasMFA {
					o.mfa = !o.mfa
				}
			})
		}},
		{"status e2", func(ctx context.Context) error {
			return tr.patch(ctx, e2, func(o *object) {
				if o.status == v1alpha1.LoginStatusActive {
					o.status = v1alpha1.LoginStatusInactive
				} else {
					o.status = v1alpha1.LoginStatusActive
				}
			})
		}},
		{"delete e3 (" + string(e3.policy) + ")", func(ctx context.Context) error { return tr.delete(ctx, e3) }},
	}
	tr.rng.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
	create := slices.IndexFunc(ops, func(c change) bool { return c.desc == "create n0" })
	rotate := slices.IndexFunc(ops, func(c change) bool { return c.desc == "rotate n0" })
	if rotate < create {
		ops[create], ops[rotate] = ops[rotate], ops[create]
	}
	return ops
}

// disturbanceEnd is how a disturbance ended: the moment convergence is measured from, and the
// re-sends it allows.
type disturbanceEnd struct {
	clockStart      time.Time
	resendAllowance int
	err             error
}

// disturb draws the campaign's disturbance of this trial and returns it, to run from the start
// of the batch. Everything random is drawn now, so that the draws do not depend on timing.
func (tr *trial) disturb() func() disturbanceEnd {
	s, ce := tr.s, tr.ce
	busy := ce.busy
	switch tr.camp {
	case campaignKill:
		first := time.Duration(tr.rng.Int64N(int64(busy)))
		second := time.Duration(-1)
		if tr.rng.Float64() < s.cfg.secondKill {
			second = time.Duration(tr.rng.Int64N(int64(busy)))
		}
		return func() disturbanceEnd {
			time.Sleep(first) // the experiment: a kill at a random moment of the busy window
			restart, err := tr.killAndRestart()
			if err != nil || second < 0 {
				return disturbanceEnd{clockStart: restart, resendAllowance: tr.res.kills, err: err}
			}
			if err := waitStarted(s.mgr.current()); err != nil {
				return disturbanceEnd{err: err}
			}
			tr.note("manager started")
			time.Sleep(second) // the experiment: a second kill at a random moment after the restart
			restart, err = tr.killAndRestart()
			return disturbanceEnd{clockStart: restart, resendAllowance: tr.res.kills, err: err}
		}
	case campaignFaults:
		return func() disturbanceEnd {
			ce.front.setFaultRate(s.cfg.faultRate)
			tr.note("faults on (%.0f%% of calls)", s.cfg.faultRate*100)
			time.Sleep(s.cfg.faultWindow) // the experiment: the faults last faultWindow
			ce.front.setFaultRate(0)
			tr.note("faults off")
			tr.res.faults = ce.front.faultCounts()
			// The allowance is the answers lost, counted from the call log.
			return disturbanceEnd{clockStart: time.Now()}
		}
	case campaignOutage:
		at := time.Duration(tr.rng.Int64N(int64(busy)))
		return func() disturbanceEnd {
			time.Sleep(at) // the experiment: the outage starts at a random moment of the busy window
			s.proxy.Down()
			tr.res.outages++
			tr.note("API server unreachable for the manager")
			time.Sleep(s.cfg.outage) // the experiment: the outage lasts cfg.outage
			s.proxy.Up()
			tr.note("API server reachable again")
			return disturbanceEnd{clockStart: time.Now(), resendAllowance: 1}
		}
	}
	return func() disturbanceEnd { return disturbanceEnd{clockStart: tr.t0} }
}

// killAndRestart kills the manager (SIGKILL) and starts another; it returns when the new one was
// launched.
func (tr *trial) killAndRestart() (time.Time, error) {
	if err := tr.s.mgr.kill(); err != nil {
		return time.Time{}, err
	}
	tr.res.kills++
	_, launched, err := tr.s.mgr.start()
	// The state the dead manager left: a kill after the batch had converged found no work to
	// interrupt. (The new manager needs far longer to start than this look.)
	idle := false
	if problems, cerr := tr.check(tr.objs); cerr == nil && len(problems) == 0 {
		idle = true
		tr.res.idleKills++
	}
	tr.note("manager killed (SIGKILL)%s", map[bool]string{true: ", after the batch had converged"}[idle])
	if err == nil {
		tr.note("manager restarted")
	}
	return launched, err
}

// create creates o's Secret and LoginProfile.
func (tr *trial) create(ctx context.Context, o *object) error {
	sec := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: o.secretName(), Namespace: tr.ns},
		Data:       map[string][]byte{v1alpha1.DefaultPasswordKey: []byte(o.password())},
	}
	if err := tr.s.k8s.Create(ctx, sec); err != nil {
		return err
	}
	lp := &v1alpha1.LoginProfile{
		ObjectMeta: metav1.ObjectMeta{Name: o.name, Namespace: tr.ns},
		Spec: v1alpha1.LoginProfileSpec{
			ProviderConfigRef:     &v1alpha1.ProviderConfigReference{Name: tr.ce.pc},
			Status:                o.status,
			MFABindRequired:       o.mfa,
			PasswordResetRequired: o.reset,
			PasswordSecretRef:     &v1alpha1.PasswordSecretReference{Name: o.secretName()},
			DeletionPolicy:        o.policy,
		},
	}
	tr.ce.setUser(&lp.Spec, o.user)
	return tr.s.k8s.Create(ctx, lp)
}

// rotate puts a new password in o's Secret.
func (tr *trial) rotate(ctx context.Context, o *object) error {
	var sec corev1.Secret
	if err := tr.s.k8s.Get(ctx, client.ObjectKey{Namespace: tr.ns, Name: o.secretName()}, &sec); err != nil {
		return err
	}
	before := sec.DeepCopy()
	sec.Data[v1alpha1.DefaultPasswordKey] = []byte(tr.newPassword(o))
	return tr.s.k8s.Patch(ctx, &sec, client.MergeFrom(before))
}

// patch changes o's spec as change changes o.
func (tr *trial) patch(ctx context.Context, o *object, change func(o *object)) error {
	var lp v1alpha1.LoginProfile
	if err := tr.s.k8s.Get(ctx, client.ObjectKey{Namespace: tr.ns, Name: o.name}, &lp); err != nil {
		return err
	}
	before := lp.DeepCopy()
	tr.modelMu.Lock()
	change(o)
	lp.Spec.Status, lp.Spec.MFABindRequired, lp.Spec.PasswordResetRequired = o.status, o.mfa, o.reset
	tr.modelMu.Unlock()
	return tr.s.k8s.Patch(ctx, &lp, client.MergeFrom(before))
}

// delete deletes o's LoginProfile.
func (tr *trial) delete(ctx context.Context, o *object) error {
	tr.modelMu.Lock()
	o.deleted = true
	tr.modelMu.Unlock()
	return tr.s.k8s.Delete(ctx, &v1alpha1.LoginProfile{ObjectMeta: metav1.ObjectMeta{Name: o.name, Namespace: tr.ns}})
}

// problem is why one object is not converged.
type problem struct {
	obj         *object
	stuck, lost string
}

// check compares objs with the cluster and the cloud.
func (tr *trial) check(objs []*object) ([]problem, error) {
	var list v1alpha1.LoginProfileList
	if err := tr.s.k8s.List(context.Background(), &list, client.InNamespace(tr.ns)); err != nil {
		return nil, err
	}
	byName := map[string]*v1alpha1.LoginProfile{}
	for i := range list.Items {
		byName[list.Items[i].Name] = &list.Items[i]
	}
	// A snapshot of what is wanted: the batch may change it meanwhile.
	tr.modelMu.Lock()
	wanted := make([]object, len(objs))
	for i, o := range objs {
		wanted[i] = *o
		wanted[i].passwords = slices.Clone(o.passwords)
	}
	labels := maps.Clone(tr.labels)
	tr.modelMu.Unlock()
	label := func(pw string) string { return labelIn(labels, pw) }
	var out []problem
	for i, o := range objs {
		var prof *cloudProfile
		if p, ok := tr.ce.sim.profile(o.user); ok {
			prof = &p
		}
		if stuck, lost := checkObject(&wanted[i], tr.ce.cloudKind, byName[o.name], prof, label); stuck != "" || lost != "" {
			out = append(out, problem{obj: o, stuck: stuck, lost: lost})
		}
	}
	return out, nil
}

// lostGrace is how long the cloud may still differ from what is wanted once Kubernetes shows
// every object converged: drift correction puts a status or a flag back within a poll interval;
// past it, the change is lost (the operator believes it done).
const lostGrace = 4 * pollInterval

// waitConverged polls until objs converged or deadline: true and the moment it saw them
// converged, or false. It gives up early when only the cloud differs for lostGrace.
func (tr *trial) waitConverged(objs []*object, deadline time.Time) (bool, time.Time, error) {
	var onlyLostSince time.Time
	var last []problem // the problems of the previous poll: the last objects to converge
	for {
		problems, err := tr.check(objs)
		now := time.Now()
		if err != nil && now.After(deadline) {
			return false, now, err
		}
		if err == nil && len(problems) == 0 {
			for _, p := range last {
				tr.note("last to converge: %s (%s)", p.obj.name, strings.TrimSpace(p.stuck+" "+p.lost))
			}
			return true, now, nil
		}
		if err == nil {
			last = problems
		}
		if err == nil && !slices.ContainsFunc(problems, func(p problem) bool { return p.stuck != "" }) {
			if onlyLostSince.IsZero() {
				onlyLostSince = now
			}
			if now.Sub(onlyLostSince) > lostGrace {
				return false, now, nil
			}
		} else {
			onlyLostSince = time.Time{}
		}
		if now.After(deadline) {
			return false, now, nil
		}
		time.Sleep(checkPolling) // a poll interval
	}
}

// settle polls until the operator observed every object that has a cloud user to observe once
// more after convergence, so that a call the batch could still cause (a late re-send) is in the
// log before it is read. Bounded: an object the operator stopped observing is reported as stuck
// by the next trials' cleanup, not here.
func (tr *trial) settle(converged time.Time) error {
	deadline := converged.Add(3*pollInterval + 2*time.Second)
	for {
		calls, err := tr.ce.front.calls()
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, c := range calls {
			if c.op == opGet && c.time.After(converged) {
				seen[c.user] = true
			}
		}
		all := true
		for _, o := range tr.objs {
			if !o.deleted && !seen[o.user] {
				all = false
			}
		}
		if all || time.Now().After(deadline) {
			if !all {
				tr.note("settle: not every object was observed again within %s", deadline.Sub(converged))
			}
			return nil
		}
		time.Sleep(checkPolling) // a poll interval
	}
}

// finish reads the call log and the final state, records the violations and cleans up.
func (tr *trial) finish(ctx context.Context, converged bool, allowance int) error {
	calls, err := tr.ce.front.calls()
	if err != nil {
		return err
	}
	byUser := map[string][]call{}
	for _, c := range calls {
		byUser[c.user] = append(byUser[c.user], c)
		if c.op != opGet && c.time.After(tr.t0) {
			tr.res.lastWrite = max(tr.res.lastWrite, c.time.Sub(tr.t0))
		}
	}
	lostAnswers := 0
	findings := map[string]callFindings{}
	for _, o := range tr.objs {
		f := analyseCalls(byUser[o.user])
		findings[o.name] = f
		lostAnswers += f.lostPasswordAnswers
		tr.res.doubleCreates += len(f.doubleCreates)
		tr.res.resends += len(f.resends)
	}
	// The re-send goal: none on a cloud that reports an update date; else one per disturbance.
	if tr.camp == campaignFaults {
		allowance = lostAnswers
	}
	if tr.ce.hasStatus || tr.camp == campaignCalibration {
		allowance = 0
	}
	tr.res.resendGoal = allowance

	if !converged {
		problems, err := tr.check(tr.objs)
		if err != nil {
			return err
		}
		for _, p := range problems {
			switch {
			case p.stuck != "":
				tr.res.stuck++
				tr.violate(invStuck, p.obj, p.stuck, byUser, findings)
			case p.lost != "":
				tr.res.lostChanges++
				tr.violate(invLostChange, p.obj, p.lost, byUser, findings)
			}
		}
	}
	for _, o := range tr.objs {
		if f := findings[o.name]; len(f.doubleCreates) > 0 {
			tr.violate(invDoubleCreate, o, fmt.Sprintf("%d create(s) sent while its profile existed", len(f.doubleCreates)), byUser, findings)
		}
	}
	for _, o := range tr.objs {
		f := findings[o.name]
		if len(f.resends) == 0 {
			continue
		}
		detail := fmt.Sprintf("%d password re-send(s); the trial made %d, goal <= %d", len(f.resends), tr.res.resends, allowance)
		if tr.res.resends > allowance {
			tr.violate(invResend, o, detail, byUser, findings)
		} else if tr.res.resendExample == nil {
			// Within the goal, and shown: what a tolerated re-send looks like.
			tr.res.resendExample = &violation{inv: invResend, trial: tr.res.name(), seed: tr.res.seed, object: o.name,
				detail: detail + " (within the goal)", excerpt: tr.excerpt(o, byUser[o.user], f)}
		}
	}
	return tr.cleanup(ctx)
}

// violate records a violation about o with the trial's timeline and o's calls.
func (tr *trial) violate(inv invariant, o *object, detail string, byUser map[string][]call, findings map[string]callFindings) {
	tr.res.violations = append(tr.res.violations, violation{
		inv: inv, trial: tr.res.name(), seed: tr.res.seed, object: o.name, detail: detail,
		excerpt: tr.excerpt(o, byUser[o.user], findings[o.name]),
	})
}

// excerpt is the trial's timeline and o's calls (consecutive identical observations folded),
// times relative to the start of the batch, passwords named by their labels.
func (tr *trial) excerpt(o *object, calls []call, f callFindings) string {
	var b strings.Builder
	tr.mu.Lock()
	fmt.Fprintf(&b, "  timeline (s from the start of the batch):\n")
	for _, l := range tr.timeline {
		fmt.Fprintf(&b, "    %s\n", l)
	}
	tr.mu.Unlock()
	fmt.Fprintf(&b, "  calls about %s (object %s; passwords %s):\n", o.user, o.name, strings.Join(tr.passwordLabels(o), ", "))
	for i := 0; i < len(calls); i++ {
		c := calls[i]
		j := i
		for c.op == opGet && j+1 < len(calls) && calls[j+1].op == opGet && calls[j+1].code == c.code && calls[j+1].fault == c.fault {
			j++
		}
		line := fmt.Sprintf("    %+.3fs %s", c.time.Sub(tr.t0).Seconds(), c.op)
		if j > i {
			line += fmt.Sprintf(" x%d (until %+.3fs)", j-i+1, calls[j].time.Sub(tr.t0).Seconds())
		}
		if c.password != "" {
			line += " password=" + tr.label(c.password)
		}
		line += formatParams(c.params)
		switch {
		case c.fault == faultDrop:
			line += " -> connection dropped before the cloud acted"
		case c.fault == fault503:
			line += " -> 503 " + c.code
		case c.code == "":
			line += " -> ok"
		default:
			line += " -> " + c.code
		}
		if c.fault == faultAnswerLost {
			line += " (answer lost)"
		}
		if slices.Contains(f.resends, i) {
			line += "   <- RE-SEND"
		}
		if slices.Contains(f.doubleCreates, i) {
			line += "   <- DOUBLE CREATE"
		}
		fmt.Fprintln(&b, line)
		i = j
	}
	return b.String()
}

func (tr *trial) passwordLabels(o *object) []string {
	var out []string
	for _, pw := range o.passwords {
		out = append(out, tr.label(pw))
	}
	return out
}

// cleanup deletes the trial's LoginProfiles and waits until they are gone, so that the next
// trials start from a quiet manager; one that does not go is stuck.
func (tr *trial) cleanup(ctx context.Context) error {
	if err := tr.s.k8s.DeleteAllOf(ctx, &v1alpha1.LoginProfile{}, client.InNamespace(tr.ns)); err != nil {
		return err
	}
	deadline := time.Now().Add(tr.s.cfg.converge)
	for {
		var list v1alpha1.LoginProfileList
		if err := tr.s.k8s.List(ctx, &list, client.InNamespace(tr.ns)); err != nil {
			return err
		}
		if len(list.Items) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			for i := range list.Items {
				lp := &list.Items[i]
				o := &object{name: lp.Name, user: "?"}
				for _, obj := range tr.objs {
					if obj.name == lp.Name {
						o = obj
					}
				}
				tr.res.stuck++
				tr.violate(invStuck, o, "not deleted by the cleanup after the trial: "+describe(lp), nil, nil)
			}
			return nil
		}
		time.Sleep(checkPolling) // a poll interval
	}
}
