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
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

var update = flag.Bool("update", false, "rewrite the copies of the health script from "+ScriptPath)

// kind is the kind the script is for.
var kind = reflect.TypeFor[v1alpha1.LoginProfile]().Name()

// configMapKey is the key of argocd-cm that holds the script.
var configMapKey = "resource.customizations.health." + v1alpha1.GroupVersion.Group + "_" + kind

const (
	scriptCopy = "config/argocd/health.lua"
	patchFile  = "config/argocd/argocd-cm-patch.yaml"
)

// TestCopies: the copies of the script are the script. With -update, it rewrites them first.
func TestCopies(t *testing.T) {
	script, err := Script()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(repoFile(t, scriptCopy), []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		patch, err := replaceBlock(string(readRepoFile(t, patchFile)), configMapKey, script)
		if err != nil {
			t.Fatalf("%s: %v", patchFile, err)
		}
		if err := os.WriteFile(repoFile(t, patchFile), []byte(patch), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const hint = "edit " + ScriptPath + " only, then run: go test ./internal/health -run TestCopies -update"

	if got := string(readRepoFile(t, scriptCopy)); got != script {
		t.Errorf("%s is not %s: %s", scriptCopy, ScriptPath, hint)
	}

	var cm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Data map[string]string `json:"data"`
	}
	if err := yaml.UnmarshalStrict(readRepoFile(t, patchFile), &cm); err != nil {
		t.Fatalf("%s: %v", patchFile, err)
	}
	if cm.APIVersion != "v1" || cm.Kind != "ConfigMap" || cm.Metadata.Name != "argocd-cm" || len(cm.Data) != 1 {
		t.Errorf("%s is not a patch of the ConfigMap argocd-cm with one key: %+v", patchFile, cm)
	}
	if got, ok := cm.Data[configMapKey]; !ok {
		t.Errorf("%s has no key %s", patchFile, configMapKey)
	} else if got != script {
		t.Errorf("%s's %s is not %s: %s", patchFile, configMapKey, ScriptPath, hint)
	}
}

// TestLayout: the script is where Argo CD's resource_customizations would have it, and the
// kustomize component patches argocd-cm with the patch.
func TestLayout(t *testing.T) {
	if want := "config/argocd/" + v1alpha1.GroupVersion.Group + "/" + kind + "/health.lua"; ScriptPath != want {
		t.Errorf("ScriptPath = %s, want %s", ScriptPath, want)
	}
	var k struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Patches    []struct {
			Path   string            `json:"path"`
			Target map[string]string `json:"target"`
		} `json:"patches"`
	}
	if err := yaml.UnmarshalStrict(readRepoFile(t, "config/argocd/kustomization.yaml"), &k); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"version": "v1", "kind": "ConfigMap", "name": "argocd-cm"}
	if k.Kind != "Component" || len(k.Patches) != 1 || "config/argocd/"+k.Patches[0].Path != patchFile ||
		!reflect.DeepEqual(k.Patches[0].Target, want) {
		t.Errorf("config/argocd/kustomization.yaml is not a component patching argocd-cm with %s: %+v", patchFile, k)
	}
	// The fixtures are LoginProfiles.
	for _, tc := range readHealthTests(t) {
		obj := loadFixture(t, tc.InputPath)
		if obj["apiVersion"] != v1alpha1.GroupVersion.String() || obj["kind"] != kind {
			t.Errorf("%s is a %v %v, not a %s %s", tc.InputPath, obj["apiVersion"], obj["kind"],
				v1alpha1.GroupVersion, kind)
		}
	}
}

// replaceBlock replaces the literal block scalar of key ("key: |") in a YAML document with text.
func replaceBlock(doc, key, text string) (string, error) {
	lines := strings.SplitAfter(doc, "\n")
	for i, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		if strings.TrimRight(trimmed, "\n") != key+": |" {
			continue
		}
		indent := strings.Repeat(" ", len(line)-len(trimmed)+2)
		end := i + 1
		for end < len(lines) && (strings.TrimSpace(lines[end]) == "" || strings.HasPrefix(lines[end], indent)) {
			end++
		}
		var block strings.Builder
		for _, l := range strings.SplitAfter(text, "\n") {
			switch {
			case l == "":
			case strings.TrimSpace(l) == "":
				block.WriteString("\n")
			default:
				block.WriteString(indent + l)
			}
		}
		return strings.Join(lines[:i+1], "") + block.String() + strings.Join(lines[end:], ""), nil
	}
	return "", fmt.Errorf("no line %q", key+": |")
}
