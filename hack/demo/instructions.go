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
	"fmt"
	"strings"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// instructions tells what to try in the running demo: kubectl, and per cloud its simulator's admin
// API, the drift its login profile can have (its capabilities say which) and a LoginProfile for a
// user no sample uses.
func (d *demo) instructions() {
	fmt.Printf(`
The demo is running. In another terminal, from this directory:

  export KUBECONFIG=%[1]s
  export PATH=%[2]s:$PATH
  # (that puts first the kubectl the demo uses: %[2]s/kubectl)

Look around:
  kubectl get loginprofiles -A
  kubectl get lp -A -o wide                       # with USER ID and the reason of Ready
  kubectl get providerconfigs
  kubectl get events -A
`, d.cp.Kubeconfig, d.assets)
	for _, s := range d.clouds {
		d.cloudInstructions(s)
	}
	d.teamInstructions()
	d.lifecycleInstructions()
	var logs []string
	for _, s := range d.clouds {
		logs = append(logs, s.sim.LogPath)
	}
	fmt.Printf(`%s
Logs: %s (manager), %s (simulators).

Press Ctrl-C to stop everything.
`, d.metricsHint(), d.manager.LogPath, strings.Join(logs, ", "))
}

// cloudInstructions is what to try on one cloud.
func (d *demo) cloudInstructions(s *simulated) {
	admin, url := s.sim.Admin, s.sim.URL
	account := ""
	if s.AccountIDName != "" {
		account = ", " + s.AccountIDName + " " + s.sim.AccountID
	}
	fmt.Printf("\nThe simulated %s cloud (%s%s), through its admin API (users keyed by spec.%s; passwords show as [redacted]):\n",
		s.Name, s.API, account, s.UserField)
	fmt.Printf("  # every API call the operator made\n  curl -s %s/_sim/calls\n", url)
	samples := d.plan.samples[s.Name]
	if len(samples) > 0 {
		lp := samples[0]
		profile := url + "/_sim/users/" + s.UserOf(lp.Spec) + "/profile"
		fmt.Printf("  # %s/%s's console login in the cloud\n  curl -s %s\n", lp.Namespace, lp.Name, profile)
		fmt.Printf("  # rotate the password: change the Secret; the operator sends the new password, once\n"+
			"  kubectl -n %s create secret generic %s --from-literal=password='Rotated-Passw0rd-9!' --dry-run=client -o yaml | kubectl apply -f -\n"+
			"  kubectl get events -n %s --field-selector reason=PasswordRotated\n", lp.Namespace, lp.PasswordSecretName(), lp.Namespace)
		caps := admin.Capabilities()
		if caps.MFABindRequired {
			fmt.Printf("  # drift: require MFA out of band; the operator corrects it at its next poll (within %s)\n"+
				"  curl -s -X PUT -d '{\"mfaBindRequired\":true}' %s\n", pollInterval, profile)
		} else {
			fmt.Printf("  # drift: delete the login profile out of band; the operator creates it again from the Secret at its\n"+
				"  # next poll (within %s)\n  curl -s -X DELETE %s\n", pollInterval, profile)
		}
		fmt.Printf("  kubectl get events -n %s --field-selector reason=DriftCorrected,involvedObject.name=%s\n", lp.Namespace, lp.Name)
		if !caps.Status {
			fmt.Printf("  # this cloud's login profile has no status: Inactive means no login profile (a Disabled Event; the\n"+
				"  # profile answers 404), and Active creates it again, from the Secret\n"+
				"  kubectl -n %[1]s patch loginprofiles %[2]s --type merge -p '{\"spec\":{\"status\":\"Inactive\"}}'\n"+
				"  curl -s %[3]s\n"+
				"  kubectl -n %[1]s patch loginprofiles %[2]s --type merge -p '{\"spec\":{\"status\":\"Active\"}}'\n",
				lp.Namespace, lp.Name, profile)
		}
	}
	if spare, ok := d.plan.spare[s.Name]; ok {
		user, name := spare.user, spare.name
		spec := v1alpha1.LoginProfileSpec{
			ProviderConfigRef: &v1alpha1.ProviderConfigReference{Name: s.SampleProviderConfig},
			PasswordSecretRef: &v1alpha1.PasswordSecretReference{Name: name + "-console"},
		}
		note := ""
		if !admin.Capabilities().MFABindRequired {
			spec.MFABindRequired = true
			note = " with mfaBindRequired, which this cloud cannot honour: Ready=False, reason Unsupported, no call"
		}
		manifest, err := utils.Manifest(utils.LoginProfile(s.Cloud, "default", name, user, spec))
		if err != nil {
			return
		}
		fmt.Printf("  # give %s a console login%s\n"+
			"  kubectl -n default create secret generic %s-console --from-literal=password='Console-S3cret-Pw7!'\n"+
			"  kubectl apply -f - <<EOF\n%s  EOF\n  kubectl get lp -n default %s -o wide\n",
			user, note, name, indentBy("  ", manifest), name)
	}
}

// teamInstructions is what to try with the two teams of the multi-team sample.
func (d *demo) teamInstructions() {
	gina, dana := d.plan.refused["team-b/gina"], d.plan.refused["team-a/dana-duplicate"]
	sim := d.simulatorOf(gina.cloud)
	if sim == nil {
		return
	}
	fmt.Printf(`
Two teams share the simulated %[1]s cloud account, each through a ProviderConfig of its own
(team-a, team-b: allowedNamespaces, allowedUsers, protectedUsers; see %[2]s):
  kubectl get providerconfigs team-a -o yaml
  kubectl get lp -n team-a -o wide; kubectl get lp -n team-b -o wide
  # Forbidden: team-b may not use team A's ProviderConfig; the cloud never heard of gina
  kubectl describe loginprofiles -n team-b gina
  curl -s %[3]s/_sim/calls | grep -c %[4]s     # 0
  # Conflict: team-a/dana, older, manages %[5]s; dana-duplicate makes no call
  kubectl describe loginprofiles -n team-a dana-duplicate
  # let team-b use team A's ProviderConfig: gina becomes Ready
  kubectl patch providerconfigs team-a --type merge -p '{"spec":{"allowedNamespaces":{"names":["team-a","team-b"]}}}'
  # hand dana over: delete team-a/dana, leaving her login (Orphan); dana-duplicate takes over
  kubectl -n team-a patch loginprofiles dana --type merge -p '{"spec":{"deletionPolicy":"Orphan"}}'
  kubectl -n team-a delete loginprofiles dana
  kubectl get events -n team-a --field-selector reason=TookOver
`, gina.cloud.Name, multiTeamFile, sim.URL, gina.user, dana.user)
}

// lifecycleInstructions is what to try with the generated password and the unused login the demo
// showed (docs/lifecycle.md).
func (d *demo) lifecycleInstructions() {
	g, u := d.plan.generated, d.plan.unused
	if g == nil && u == nil {
		return
	}
	fmt.Printf("\nThe login's life (%s):\n", lifecycleDoc)
	if g != nil {
		lp := g.obj
		fmt.Printf("  # %[1]s/%[2]s's generated password; delete the Secret (the operator owns it) and a new one is generated\n"+
			"  # and applied once\n"+
			"  %[3]s\n"+
			"  kubectl -n %[1]s delete secret %[4]s\n"+
			"  kubectl get events -n %[1]s --field-selector reason=PasswordGenerated,involvedObject.name=%[2]s\n",
			lp.Namespace, lp.Name, readSecretCommand(lp), lp.PasswordSecretName())
	}
	if u != nil {
		fmt.Printf("  # %[1]s/%[2]s, disabled for being unused: any change of its spec enables the login again, and the clock\n"+
			"  # restarts\n"+
			"  kubectl -n %[1]s patch loginprofiles %[2]s --type merge -p '{\"spec\":{\"disableAfterUnused\":\"1h\"}}'\n"+
			"  kubectl get lp -n %[1]s %[2]s -o jsonpath='{.status.conditions[?(@.type==\"Disabled\")]}'\n",
			u.obj.Namespace, u.obj.Name)
	}
}

func (d *demo) metricsHint() string {
	if !d.metrics {
		return ""
	}
	return "\nThe operator's metrics:\n  curl -s http://" + metricsAddr + "/metrics | grep -E '^loginprofile_'   # calls by cloud, action and code; LoginProfiles by Ready (docs/operations.md)\n"
}

// indentBy puts prefix before every line of s.
func indentBy(prefix, s string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}
