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
	"os"
	"path"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"
)

// scriptDir holds the script, health_test.yaml and testdata/, in Argo CD's resource_customizations
// layout.
var scriptDir = path.Dir(ScriptPath)

// healthTests is Argo CD's health_test.yaml.
type healthTests struct {
	Tests []healthTest `json:"tests"`
}

type healthTest struct {
	HealthStatus Status `json:"healthStatus"`
	InputPath    string `json:"inputPath"`
}

// repoFile is the path of a file given from the repository root.
func repoFile(t *testing.T, rel string) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, filepath.FromSlash(rel))
}

func readRepoFile(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(repoFile(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readHealthTests reads health_test.yaml.
func readHealthTests(t *testing.T) []healthTest {
	t.Helper()
	var ht healthTests
	if err := yaml.UnmarshalStrict(readRepoFile(t, scriptDir+"/health_test.yaml"), &ht); err != nil {
		t.Fatalf("health_test.yaml: %v", err)
	}
	if len(ht.Tests) == 0 {
		t.Fatal("health_test.yaml has no tests")
	}
	return ht.Tests
}

// loadFixture decodes a fixture named by its inputPath.
func loadFixture(t *testing.T, inputPath string) map[string]any {
	t.Helper()
	obj, err := DecodeObject(readRepoFile(t, scriptDir+"/"+inputPath))
	if err != nil {
		t.Fatalf("%s: %v", inputPath, err)
	}
	return obj
}
