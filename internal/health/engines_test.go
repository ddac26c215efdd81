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

package health

import (
	"fmt"
	"path"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// kstatusError stands for kstatus failing on the object.
const kstatusError = "error"

// engines is the one table of both engines: for each fixture of health_test.yaml (which holds
// Argo CD's expected verdict), kstatus' expected status. Argo CD's verdict and kstatus' agree
// through ArgoOfKStatus (Current = Healthy, InProgress and Terminating = Progressing, Failed =
// Degraded) unless why says why they do not; a fixture the operator can produce must agree.
var engines = map[string]struct {
	kstatus string
	why     string
}{
	"testdata/deleting.yaml":                     {kstatus: "Terminating"},
	"testdata/deleting-stalled.yaml":             {kstatus: "Terminating"},
	"testdata/deleting-ready.yaml":               {kstatus: "Terminating"},
	"testdata/generation-behind.yaml":            {kstatus: "InProgress"},
	"testdata/stalled-after-spec-change.yaml":    {kstatus: "InProgress"},
	"testdata/stalled-invalid-password.yaml":     {kstatus: "Failed"},
	"testdata/reconciling-secret-not-found.yaml": {kstatus: "InProgress"},
	"testdata/reconciling-throttled.yaml":        {kstatus: "InProgress"},
	"testdata/ready.yaml":                        {kstatus: "Current"},
	"testdata/ready-unknown.yaml":                {kstatus: "InProgress"},
	"testdata/malformed-no-metadata.yaml":        {kstatus: "Current"},

	"testdata/no-status.yaml": {kstatus: "Current", why: "kstatus takes an object with neither " +
		"status.observedGeneration nor conditions for Current; the operator writes the status on its " +
		"first reconcile, so only a LoginProfile it has not seen yet is in this state"},
	"testdata/no-ready-condition.yaml": {kstatus: "Current", why: "kstatus takes an object without " +
		"Ready, Stalled and Reconciling for Current; the operator always sets Ready"},
	"testdata/ready-false.yaml": {kstatus: "InProgress", why: "kstatus reads Ready=False alone as " +
		"InProgress; the operator never sets Ready=False without Stalled or Reconciling"},
	"testdata/malformed-status-string.yaml": {kstatus: kstatusError, why: "malformed, " +
		"which the CRD's schema rejects: kstatus fails, the script does not"},
	"testdata/malformed-conditions-string.yaml": {kstatus: kstatusError, why: "malformed, " +
		"which the CRD's schema rejects: kstatus fails, the script does not"},
	"testdata/malformed-conditions-map.yaml": {kstatus: kstatusError, why: "malformed, " +
		"which the CRD's schema rejects: kstatus fails, the script does not"},
	"testdata/malformed-condition-entries.yaml": {kstatus: kstatusError, why: "malformed, " +
		"which the CRD's schema rejects: kstatus fails, the script does not"},
	"testdata/malformed-condition-fields.yaml": {kstatus: kstatusError, why: "malformed, " +
		"which the CRD's schema rejects: kstatus fails, the script does not"},
	"testdata/malformed-observed-generation.yaml": {kstatus: kstatusError, why: "malformed, " +
		"which the CRD's schema rejects: kstatus fails, the script does not"},
}

// checkEngines runs both engines on a fixture and says how they differ from the table.
func checkEngines(obj map[string]any, argo Status, wantKStatus, why string) error {
	var problems []string
	status, message, err := ArgoHealth(obj)
	if err != nil {
		problems = append(problems, fmt.Sprintf("Argo CD: the script failed: %v", err))
	} else if status != argo.Status || message != argo.Message {
		problems = append(problems, fmt.Sprintf("Argo CD: %q: %q, want %q: %q", status, message, argo.Status, argo.Message))
	}

	ks, err := KStatus(&unstructured.Unstructured{Object: obj})
	if err != nil {
		ks = kstatusError
	}
	if ks != wantKStatus {
		problems = append(problems, fmt.Sprintf("kstatus: %s (error %v), want %s", ks, err, wantKStatus))
	}

	agree := ArgoOfKStatus(wantKStatus) == argo.Status
	switch {
	case why == "" && !agree:
		problems = append(problems, fmt.Sprintf("the engines disagree: Argo CD %s, kstatus %s (%s)",
			argo.Status, wantKStatus, ArgoOfKStatus(wantKStatus)))
	case why != "" && agree:
		problems = append(problems, fmt.Sprintf("the engines agree (Argo CD %s, kstatus %s): drop why %q",
			argo.Status, wantKStatus, why))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

// TestEngines checks, for every fixture, Argo CD's verdict (from health_test.yaml) and kstatus'
// (from the table), and that they agree.
func TestEngines(t *testing.T) {
	tests := readHealthTests(t)
	if len(tests) != len(engines) {
		t.Errorf("health_test.yaml has %d tests, the table %d rows", len(tests), len(engines))
	}
	for _, tc := range tests {
		t.Run(strings.TrimSuffix(path.Base(tc.InputPath), ".yaml"), func(t *testing.T) {
			row, ok := engines[tc.InputPath]
			if !ok {
				t.Fatalf("%s is not in the table of engines", tc.InputPath)
			}
			if err := checkEngines(loadFixture(t, tc.InputPath), tc.HealthStatus, row.kstatus, row.why); err != nil {
				t.Errorf("%s:\n%v", tc.InputPath, err)
			}
		})
	}
}

// TestEnginesCanFail makes sure that a wrong expectation of either engine, or a disagreement
// without a why, is reported.
func TestEnginesCanFail(t *testing.T) {
	obj := loadFixture(t, "testdata/ready.yaml")
	healthy := Status{Healthy, "Ready: Available: The login profile matches the spec"}
	if err := checkEngines(obj, healthy, "Current", ""); err != nil {
		t.Fatalf("the right expectations fail: %v", err)
	}
	for name, tc := range map[string]struct {
		argo    Status
		kstatus string
		why     string
	}{
		"a wrong Argo CD status":    {Status{Degraded, healthy.Message}, "Current", ""},
		"a wrong Argo CD message":   {Status{Healthy, "Ready"}, "Current", ""},
		"a wrong kstatus":           {healthy, "InProgress", ""},
		"a disagreement, no why":    {Status{Progressing, healthy.Message}, "InProgress", ""},
		"an agreement with a why":   {healthy, "Current", "they differ"},
		"a kstatus error not there": {healthy, kstatusError, "malformed"},
	} {
		if checkEngines(obj, tc.argo, tc.kstatus, tc.why) == nil {
			t.Errorf("%s was not caught", name)
		}
	}
}

// TestKStatusNeedsJSONIntegers shows why fixtures are decoded with JSON's integer semantics:
// kstatus fails on the float64 numbers of a plain YAML decoder.
func TestKStatusNeedsJSONIntegers(t *testing.T) {
	data := readRepoFile(t, scriptDir+"/testdata/ready.yaml")
	var plain map[string]any
	if err := yaml.Unmarshal(data, &plain); err != nil {
		t.Fatal(err)
	}
	if _, err := KStatus(&unstructured.Unstructured{Object: plain}); err == nil {
		t.Error("kstatus accepted float64 generations: the test of JSON semantics is moot")
	}
	obj, err := DecodeObject(data)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := KStatus(&unstructured.Unstructured{Object: obj}); err != nil || s != "Current" {
		t.Errorf("KStatus = %q, %v; want Current", s, err)
	}
	// Argo CD's verdict is the same either way: Lua has one number type.
	for _, o := range []map[string]any{plain, obj} {
		if s, _, err := ArgoHealth(o); err != nil || s != Healthy {
			t.Errorf("ArgoHealth = %q, %v; want Healthy", s, err)
		}
	}
}
