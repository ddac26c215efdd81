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

package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// The login's life beyond Ready (docs/lifecycle.md): the password the operator generated for the
// sample that sets generatePassword, and the demo's own LoginProfile with a short
// disableAfterUnused, disabled for being unused. What the operator writes is named here as it
// appears in the API server, as a user would read it.
const (
	// labelGeneratedFor marks a Secret the operator generated, with its LoginProfile's name.
	labelGeneratedFor = "iam.loginprofile.io/generated-for"
	eventGenerated    = "PasswordGenerated"
	conditionDisabled = "Disabled"
	reasonUnused      = "Unused"
	statusInactive    = string(v1alpha1.LoginStatusInactive)
	unusedTimeout     = 3 * time.Minute
	lifecyclePoll     = time.Second
)

// applyUnused applies the demo's own LoginProfile with a short disableAfterUnused, and its Secret,
// right after the samples: its clock runs while the others become Ready.
func (d *demo) applyUnused() error {
	u := d.plan.unused
	if u == nil {
		return nil
	}
	step("Applying a LoginProfile of the demo's own: %s/%s (%s, user %s) with disableAfterUnused %s, and its Secret %s",
		u.obj.Namespace, u.obj.Name, u.cloud.Name, u.user, u.obj.Spec.DisableAfterUnused, u.secret.Name)
	fmt.Printf("    (the sample %s/%s has a realistic %s; %s is only to see the login disabled while the demo runs)\n",
		u.sample.Namespace, u.sample.Name, u.sample.Spec.DisableAfterUnused, u.obj.Spec.DisableAfterUnused)
	manifest, err := utils.Manifest(u.secret, u.obj)
	if err != nil {
		return err
	}
	out, err := d.kubectl.ApplyManifest(d.dir, u.obj.Name+".yaml", manifest)
	if err != nil {
		return err
	}
	fmt.Println(indent(out))
	return nil
}

// showLifecycle shows the generated password, then waits for the unused login to be disabled.
func (d *demo) showLifecycle(ctx context.Context) error {
	if err := d.showGenerated(); err != nil {
		return err
	}
	return d.waitUnused(ctx)
}

// showGenerated shows the Secret the operator created for the sample that sets generatePassword:
// labelled and owned by its LoginProfile, the Event, the create the cloud received, and how to
// read the password. Never the password itself: only its length.
func (d *demo) showGenerated() error {
	g := d.plan.generated
	if g == nil {
		return nil
	}
	lp := g.obj
	name, key := lp.PasswordSecretName(), lp.PasswordKey()
	step("%s/%s sets generatePassword: the operator created the Secret %s with a password that fits the account's password policy",
		lp.Namespace, lp.Name, name)
	var live v1alpha1.LoginProfile
	if err := d.kubectl.GetJSON(&live, "loginprofiles", lp.Name, "-n", lp.Namespace); err != nil {
		return err
	}
	var s corev1.Secret
	if err := d.kubectl.GetJSON(&s, "secret", name, "-n", lp.Namespace); err != nil {
		return err
	}
	owner := metav1.GetControllerOf(&s)
	if s.Labels[labelGeneratedFor] != lp.Name || owner == nil || owner.Kind != "LoginProfile" || owner.UID != live.UID {
		return fmt.Errorf("the Secret %s/%s is not the one the operator generates for %s: labels %v, controller %v",
			lp.Namespace, name, lp.Name, s.Labels, owner)
	}
	fmt.Printf("    labelled %s=%s, owned by the LoginProfile %s (deleting %s deletes the Secret)\n",
		labelGeneratedFor, s.Labels[labelGeneratedFor], owner.Name, lp.Name)
	var events corev1.EventList
	if err := d.kubectl.GetJSON(&events, "events", "-n", lp.Namespace,
		"--field-selector", "reason="+eventGenerated+",involvedObject.name="+lp.Name); err == nil && len(events.Items) > 0 {
		fmt.Printf("    Event %s: %s\n", eventGenerated, events.Items[0].Message)
	}
	d.showCalls(g.cloud, g.cloud.UserOf(lp.Spec), utils.OpCreate)
	fmt.Printf("    The password has %d characters. Whoever may read the Secret reads it with:\n      %s\n",
		len(s.Data[key]), readSecretCommand(lp))
	return nil
}

// readSecretCommand is the command that prints the password in lp's Secret.
func readSecretCommand(lp *v1alpha1.LoginProfile) string {
	return fmt.Sprintf("kubectl get secret %s -n %s -o jsonpath='{.data.%s}' | base64 -d",
		lp.PasswordSecretName(), lp.Namespace, strings.ReplaceAll(lp.PasswordKey(), ".", `\.`))
}

// showCalls prints the successful calls of op about user that the simulator of c received.
func (d *demo) showCalls(c simclouds.Cloud, user string, op utils.Op) {
	s := d.simulatorOf(c)
	if s == nil {
		return
	}
	calls, err := s.Admin.CallsFor(op, user)
	if err != nil {
		fmt.Printf("    (the simulator's call log cannot be read: %v)\n", err)
		return
	}
	for _, call := range calls {
		if call.Code == "" {
			fmt.Printf("    The simulated %s cloud received %s for %s: %s\n", c.Name, call.Action, user, params(call))
		}
	}
}

// params is a call's parameters as key=value, sorted by key.
func params(c utils.Call) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(c.Params)) {
		out = append(out, k+"="+c.Params[k])
	}
	return strings.Join(out, " ")
}

// waitUnused waits, polling, until the demo's own short-interval LoginProfile is disabled for being
// unused (Disabled=True, reason Unused), then prints the condition's message, Ready, and what the
// cloud's simulator received and holds: the login profile Inactive, or deleted where it has no
// status.
func (d *demo) waitUnused(ctx context.Context) error {
	u := d.plan.unused
	if u == nil {
		return nil
	}
	step("Waiting for %s/%s to be disabled: its login is unused for %s (disableAfterUnused; the operator comes back at that deadline)",
		u.obj.Namespace, u.obj.Name, u.obj.Spec.DisableAfterUnused)
	deadline := time.Now().Add(unusedTimeout)
	var live v1alpha1.LoginProfile
	for {
		err := d.kubectl.GetJSON(&live, "loginprofiles", u.obj.Name, "-n", u.obj.Namespace)
		if c := meta.FindStatusCondition(live.Status.Conditions, conditionDisabled); err == nil && c != nil &&
			c.Status == metav1.ConditionTrue && c.Reason == reasonUnused {
			fmt.Printf("    %s=True, reason %s: %s\n", conditionDisabled, reasonUnused, c.Message)
			break
		}
		if !d.manager.Running() {
			return fmt.Errorf("the manager exited (%w); end of its log:\n%s", d.manager.ExitCause(), indent(d.manager.LogTail(20)))
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("after %s, %s/%s cannot be read: %w", unusedTimeout, u.obj.Namespace, u.obj.Name, err)
			}
			return fmt.Errorf("after %s, %s/%s is not disabled for being unused: conditions %v",
				unusedTimeout, u.obj.Namespace, u.obj.Name, live.Status.Conditions)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(lifecyclePoll):
		}
	}
	if r := meta.FindStatusCondition(live.Status.Conditions, "Ready"); r != nil {
		fmt.Printf("    Ready stays %s (%s): %s\n", r.Status, r.Reason, r.Message)
	}
	s := d.simulatorOf(u.cloud)
	if s == nil {
		return nil
	}
	calls, err := s.Admin.CallsFor(utils.OpAny, u.user)
	if err != nil {
		fmt.Printf("    (the simulator's call log cannot be read: %v)\n", err)
		return nil
	}
	var disabling []utils.Call
	for _, c := range calls {
		if c.Code == "" && ((c.Op == utils.OpUpdate && c.Params[utils.ParamStatus] == statusInactive) || c.Op == utils.OpDelete) {
			disabling = append(disabling, c)
		}
	}
	if len(disabling) == 0 {
		fmt.Printf("    WARNING: the simulated %s cloud received no call disabling %s's login\n", u.cloud.Name, u.user)
		return nil
	}
	c := disabling[len(disabling)-1]
	fmt.Printf("    The simulated %s cloud received %s for %s: %s\n", u.cloud.Name, c.Action, u.user, params(c))
	if !s.Admin.Capabilities().Status {
		if exists, err := s.Admin.ProfileExists(u.user); err == nil && !exists {
			fmt.Printf("    %s has no login profile now (this cloud's login profile has no status)\n", u.user)
		}
	} else if p, err := s.Admin.Profile(u.user); err == nil && p.Status != nil {
		fmt.Printf("    %s's login profile in the cloud: status %s (curl -s %s/_sim/users/%s/profile)\n", u.user, *p.Status, s.URL, u.user)
	}
	return nil
}
