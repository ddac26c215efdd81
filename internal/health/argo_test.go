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
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"time"
)

// modes are Argo CD's two ways of running a script: a script of argocd-cm runs without the
// standard libraries unless resource.customizations.useOpenLibs is set.
var modes = []struct {
	name        string
	useOpenLibs bool
}{
	{"argocd-cm default (no standard libraries)", false},
	{"useOpenLibs", true},
}

// checkArgo runs the script on a fixture and says how the verdict differs from want.
func checkArgo(script string, obj map[string]any, useOpenLibs bool, want Status) error {
	got, err := RunHealthScript(script, obj, useOpenLibs)
	if err != nil {
		return fmt.Errorf("the script failed (Argo CD would show Unknown): %w", err)
	}
	if got != want {
		return fmt.Errorf("got  %q: %q\nwant %q: %q", got.Status, got.Message, want.Status, want.Message)
	}
	return nil
}

// TestArgoHealthScript runs every test of health_test.yaml, as Argo CD's own test of its
// resource_customizations does, in both modes.
func TestArgoHealthScript(t *testing.T) {
	script, err := Script()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range readHealthTests(t) {
		t.Run(strings.TrimSuffix(path.Base(tc.InputPath), ".yaml"), func(t *testing.T) {
			obj := loadFixture(t, tc.InputPath)
			for _, m := range modes {
				if err := checkArgo(script, obj, m.useOpenLibs, tc.HealthStatus); err != nil {
					t.Errorf("%s, %s:\n%v", tc.InputPath, m.name, err)
				}
			}
		})
	}
}

// TestArgoHealth checks the exported helper against health_test.yaml.
func TestArgoHealth(t *testing.T) {
	for _, tc := range readHealthTests(t) {
		status, message, err := ArgoHealth(loadFixture(t, tc.InputPath))
		if err != nil || status != tc.HealthStatus.Status || message != tc.HealthStatus.Message {
			t.Errorf("%s: ArgoHealth = %q, %q, %v; want %q, %q", tc.InputPath, status, message, err,
				tc.HealthStatus.Status, tc.HealthStatus.Message)
		}
	}
}

// TestWrongExpectationFails makes sure that the checks can fail: a wrong status, a wrong message
// and a script that breaks are all reported.
func TestWrongExpectationFails(t *testing.T) {
	script, err := Script()
	if err != nil {
		t.Fatal(err)
	}
	tc := readHealthTests(t)[0]
	obj := loadFixture(t, tc.InputPath)
	wrongStatus, wrongMessage := tc.HealthStatus, tc.HealthStatus
	wrongStatus.Status = map[bool]string{true: Degraded, false: Healthy}[wrongStatus.Status == Healthy]
	wrongMessage.Message += "."
	for _, m := range modes {
		if checkArgo(script, obj, m.useOpenLibs, wrongStatus) == nil {
			t.Errorf("%s: a wrong status was not caught", m.name)
		}
		if checkArgo(script, obj, m.useOpenLibs, wrongMessage) == nil {
			t.Errorf("%s: a wrong message was not caught", m.name)
		}
		if checkArgo(script+"\nthis is not Lua", obj, m.useOpenLibs, tc.HealthStatus) == nil {
			t.Errorf("%s: a broken script was not caught", m.name)
		}
	}
}

// TestFixturesAreAllTested: every file of testdata/ is in health_test.yaml, once.
func TestFixturesAreAllTested(t *testing.T) {
	entries, err := os.ReadDir(repoFile(t, scriptDir+"/testdata"))
	if err != nil {
		t.Fatal(err)
	}
	var files, tested []string
	for _, e := range entries {
		files = append(files, "testdata/"+e.Name())
	}
	for _, tc := range readHealthTests(t) {
		tested = append(tested, tc.InputPath)
	}
	slices.Sort(tested)
	if !slices.Equal(files, tested) {
		t.Errorf("testdata/ and health_test.yaml differ:\nfiles:  %v\ntested: %v", files, tested)
	}
}

// TestSandbox pins down the Lua environment the harness builds, which is Argo CD's: what a
// script of argocd-cm has without the standard libraries, and with them.
func TestSandbox(t *testing.T) {
	obj := map[string]any{"metadata": map[string]any{"name": "x"}}
	for _, tc := range []struct {
		name     string
		expr     string // a Lua expression, whose tostring() is compared
		noLibs   string
		openLibs string
	}{
		// Opened by Argo CD in both modes: package (require), base and table.
		{"type", `type(type)`, "function", "function"},
		{"ipairs", `type(ipairs)`, "function", "function"},
		{"pairs", `type(pairs)`, "function", "function"},
		{"tostring", `type(tostring)`, "function", "function"},
		{"tonumber", `type(tonumber)`, "function", "function"},
		{"pcall", `type(pcall)`, "function", "function"},
		{"require", `type(require)`, "function", "function"},
		{"table.insert", `type(table.insert)`, "function", "function"},
		{"table.concat", `type(table.concat)`, "function", "function"},
		// Argo CD's safe os opener registers under "table", already loaded: it adds nothing.
		{"no table.time", `type(table.time)`, "nil", "nil"},
		// No global os without the standard libraries. require("os") gives the safe os (time and
		// date) in both modes: Argo CD opens package again after gopher-lua's OpenLibs, which
		// empties package.loaded, so the preloaded safe os answers; the global os of useOpenLibs
		// is the full one.
		{"os", `type(os)`, "nil", "table"},
		{"os.execute", `type(os.execute)`, "<error>", "function"},
		{"require os time", `type(require("os").time)`, "function", "function"},
		{"require os date", `type(require("os").date)`, "function", "function"},
		{"require os execute", `type(require("os").execute)`, "nil", "nil"},
		{"require os is not os", `require("os") == os`, "false", "false"},
		// The rest of the standard library only with useOpenLibs.
		{"string", `type(string)`, "nil", "table"},
		{"math", `type(math)`, "nil", "table"},
		{"io", `type(io)`, "nil", "table"},
		{"coroutine", `type(coroutine)`, "nil", "table"},
		{"debug", `type(debug)`, "nil", "table"},
		{"string methods", `("x"):upper()`, "<error>", "X"},
		// Operators need no library.
		{"concatenation of a number", `"generation " .. 3`, "generation 3", "generation 3"},
		{"length", `#{1, 2, 3}`, "3", "3"},
		// The object.
		{"obj", `obj.metadata.name`, "x", "x"},
		{"actionParams", `type(actionParams)`, "table", "table"},
	} {
		for _, m := range modes {
			want := map[bool]string{false: tc.noLibs, true: tc.openLibs}[m.useOpenLibs]
			script := fmt.Sprintf(`local ok, v = pcall(function() return tostring(%s) end)
				if not ok then v = "<error>" end
				return { status = "Healthy", message = v }`, tc.expr)
			got, err := RunHealthScript(script, obj, m.useOpenLibs)
			if err != nil {
				t.Errorf("%s, %s: %v", tc.name, m.name, err)
				continue
			}
			if got.Message != want {
				t.Errorf("%s, %s: %s = %q, want %q", tc.name, m.name, tc.expr, got.Message, want)
			}
		}
	}
}

// TestResults pins down how the harness turns what a script returns into Argo CD's result.
func TestResults(t *testing.T) {
	obj := map[string]any{
		"metadata": map[string]any{
			"generation":    int64(2),
			"managedFields": []any{map[string]any{"manager": "m"}},
			"annotations": map[string]any{
				lastAppliedAnnotation: "{}",
				"keep":                "yes",
			},
		},
		"spec": map[string]any{"f": 1.5, "i": 3, "i32": int32(4), "b": true, "u": uint8(1), "n": nil},
	}
	for _, tc := range []struct {
		name    string
		script  string
		want    Status
		wantErr string
	}{
		{"a valid status", `return {status = "Degraded", message = "m"}`, Status{Degraded, "m"}, ""},
		{"an unknown status", `return {status = "Broken", message = "m"}`, Status{Unknown, invalidHealthStatus}, ""},
		{"no status", `return {message = "m"}`, Status{Unknown, invalidHealthStatus}, ""},
		{"an empty table", `return {}`, Status{}, ""},
		{"nil", `return nil`, Status{}, ""},
		{"a string", `return "Healthy"`, Status{}, "expect table output from Lua script, not string"},
		{"a numeric message", `return {status = "Healthy", message = 1}`, Status{}, "cannot unmarshal number"},
		{"a runtime error", `local x = nil; return x.y`, Status{}, "attempt to index"},
		{"a syntax error", `return {`, Status{}, "<string>"},
		{"a timeout", `while true do end`, Status{}, "context deadline exceeded"},
		{"numbers", `return {status = "Healthy", message = obj.metadata.generation .. " " .. obj.spec.f ..
			" " .. obj.spec.i .. " " .. obj.spec.i32}`, Status{Healthy, "2 1.5 3 4"}, ""},
		{"other Go types are nil", `return {status = "Healthy", message = tostring(obj.spec.u) .. " " ..
			tostring(obj.spec.n) .. " " .. tostring(obj.spec.b)}`, Status{Healthy, "nil nil true"}, ""},
		{"managedFields and last-applied are left out", `return {status = "Healthy", message =
			tostring(obj.metadata.managedFields) .. " " ..
			tostring(obj.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]) ..
			" " .. obj.metadata.annotations.keep}`, Status{Healthy, "nil nil yes"}, ""},
	} {
		for _, m := range modes {
			start := time.Now()
			got, err := RunHealthScript(tc.script, obj, m.useOpenLibs)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("%s, %s: %v", tc.name, m.name, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("%s, %s: error %v, want one with %q", tc.name, m.name, err, tc.wantErr)
			case got != tc.want:
				t.Errorf("%s, %s: %+v, want %+v", tc.name, m.name, got, tc.want)
			}
			if d := time.Since(start); d > 10*scriptTimeout {
				t.Errorf("%s, %s: took %s", tc.name, m.name, d)
			}
		}
	}
}
