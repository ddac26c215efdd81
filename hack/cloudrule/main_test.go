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
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const source = `package v1

// ProviderConfigSpec says how to reach one cloud account.
// +loginprofile:cloud-rule
// +kubebuilder:validation:XValidation:rule="old",message="old"
type ProviderConfigSpec struct {
	// one cloud.
	// +loginprofile:cloud
	// +optional
	One *string ` + "`json:\"one,omitempty\"`" + `

	// not a cloud.
	Credentials string ` + "`json:\"credentials\"`" + `

	// another.
	// +loginprofile:cloud
	Two *string ` + "`json:\"two,omitempty\"`" + `

	// three.
	// +loginprofile:cloud
	Three *string ` + "`json:\"three,omitempty\"`" + `
}
`

func TestRunWritesTheRuleFromTheMarkedSections(t *testing.T) {
	file := filepath.Join(t.TempDir(), "types.go")
	if err := os.WriteFile(file, []byte(source), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second run changes nothing
		if err := run(file); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(file)
	want := `// +kubebuilder:validation:XValidation:rule="[has(self.one), has(self.two), has(self.three)].exists_one(c, c)",` +
		`message="exactly one of spec.one, spec.two and spec.three must be set: it names the cloud this ProviderConfig connects to"`
	if !strings.Contains(string(got), "// +loginprofile:cloud-rule\n"+want+"\ntype ProviderConfigSpec") {
		t.Fatalf("the rule was not written in place:\n%s", got)
	}
	if strings.Count(string(got), "XValidation") != 1 {
		t.Fatalf("the old rule must be replaced, not kept:\n%s", got)
	}
}

func TestRunRefusesASourceWithoutMarks(t *testing.T) {
	file := filepath.Join(t.TempDir(), "types.go")
	unmarked := strings.ReplaceAll(source, "// +loginprofile:cloud\n", "")
	if err := os.WriteFile(file, []byte(unmarked), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(file); err == nil || !strings.Contains(err.Error(), "no field of ProviderConfigSpec is marked") {
		t.Fatalf("run = %v, want a refusal naming the missing marks", err)
	}
	noRule := strings.ReplaceAll(source, "// +loginprofile:cloud-rule\n", "")
	if err := os.WriteFile(file, []byte(noRule), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(file); err == nil || !strings.Contains(err.Error(), "no line // +loginprofile:cloud-rule") {
		t.Fatalf("run = %v, want a refusal naming the missing marker", err)
	}
}

func TestTheRuleOfOneCloud(t *testing.T) {
	if got := ruleLine([]string{"alibaba"}); !strings.Contains(got, `rule="[has(self.alibaba)].exists_one(c, c)",message="exactly one of spec.alibaba must be set`) {
		t.Fatal(got)
	}
}
