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

package gitops

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// manifest is one Kubernetes object read from a file of the repository.
type manifest struct {
	source string // file:line
	obj    *unstructured.Unstructured
}

// fragment is a YAML document that is not a complete Kubernetes object.
type fragment struct {
	source string
	reason string
}

// separator is a YAML document separator line.
var separator = regexp.MustCompile(`^---(\s.*)?$`)

// splitDocuments returns the YAML documents of data with the line each starts at (1-based),
// dropping the ones that hold only comments or nothing.
func splitDocuments(data []byte) ([][]byte, []int) {
	var docs [][]byte
	var lines []int
	var cur []string
	start := 1
	flush := func() {
		doc := strings.Join(cur, "\n")
		if hasContent([]byte(doc)) {
			docs = append(docs, []byte(doc))
			lines = append(lines, start)
		}
	}
	for i, line := range strings.Split(string(data), "\n") {
		if separator.MatchString(line) {
			flush()
			cur, start = nil, i+2
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return docs, lines
}

// hasContent says whether a YAML document holds more than comments and separators.
func hasContent(doc []byte) bool {
	for l := range strings.SplitSeq(string(doc), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") && l != "---" {
			return true
		}
	}
	return false
}

// decodeObject decodes a YAML document into an object when it is a complete Kubernetes object
// (apiVersion, kind and metadata.name set); otherwise it says why not.
func decodeObject(doc []byte) (*unstructured.Unstructured, string, error) {
	js, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, "", err
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, "not a mapping", nil // a list or a scalar: a fragment, not an error
	}
	var missing []string
	if s, _ := m["apiVersion"].(string); s == "" {
		missing = append(missing, "apiVersion")
	}
	if s, _ := m["kind"].(string); s == "" {
		missing = append(missing, "kind")
	}
	md, _ := m["metadata"].(map[string]any)
	if s, _ := md["name"].(string); s == "" {
		missing = append(missing, "metadata.name")
	}
	if len(missing) > 0 {
		return nil, "no " + strings.Join(missing, ", "), nil
	}
	// Decoded again as an Unstructured: integers are int64, as the API machinery expects.
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(js); err != nil {
		return nil, "", err
	}
	return obj, "", nil
}

// readManifests reads every YAML document of a manifest file; each must be a complete object.
func readManifests(path string) ([]manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	docs, lines := splitDocuments(data)
	var out []manifest
	for i, doc := range docs {
		source := fmt.Sprintf("%s:%d", filepath.ToSlash(rel(path)), lines[i])
		obj, why, err := decodeObject(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		if obj == nil {
			return nil, fmt.Errorf("%s: not a complete Kubernetes object: %s", source, why)
		}
		out = append(out, manifest{source: source, obj: obj})
	}
	return out, nil
}

// samples reads config/samples (but its kustomization.yaml).
func samples(t *testing.T) []manifest {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(samplesDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []manifest
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		ms, err := readManifests(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ms...)
	}
	return out
}

var fence = regexp.MustCompile("^(\\s*)(```+|~~~+)\\s*([A-Za-z0-9_+-]*)")

// markdownExamples returns the complete Kubernetes objects in the fenced yaml blocks of a
// Markdown file, and the documents it skipped as fragments (such as a lone "spec:").
func markdownExamples(path string) ([]manifest, []fragment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var (
		out       []manifest
		fragments []fragment
		block     []string
		inBlock   bool
		isYAML    bool
		marker    string
		indent    string
		blockLine int
	)
	for i, line := range strings.Split(string(data), "\n") {
		m := fence.FindStringSubmatch(line)
		switch {
		case !inBlock && m != nil:
			inBlock, marker, indent, blockLine, block = true, m[2], m[1], i+2, nil
			lang := strings.ToLower(m[3])
			isYAML = lang == "yaml" || lang == "yml"
		case inBlock && m != nil && strings.HasPrefix(m[2], marker) && m[3] == "":
			inBlock = false
			if !isYAML {
				continue
			}
			docs, lines := splitDocuments([]byte(strings.Join(block, "\n")))
			for j, doc := range docs {
				source := fmt.Sprintf("%s:%d", filepath.ToSlash(rel(path)), blockLine+lines[j]-1)
				obj, why, err := decodeObject(doc)
				if err != nil {
					return nil, nil, fmt.Errorf("%s: %w", source, err)
				}
				if obj == nil {
					fragments = append(fragments, fragment{source: source, reason: why})
					continue
				}
				out = append(out, manifest{source: source, obj: obj})
			}
		case inBlock:
			block = append(block, strings.TrimPrefix(line, indent))
		}
	}
	if inBlock {
		return nil, nil, fmt.Errorf("%s:%d: unterminated code block", path, blockLine-1)
	}
	return out, fragments, nil
}

// docExamples reads the examples of README.md and docs/*.md.
func docExamples(t *testing.T) ([]manifest, []fragment) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(docsDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []manifest
	var fragments []fragment
	for _, f := range append([]string{readme}, files...) {
		ms, fs, err := markdownExamples(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ms...)
		fragments = append(fragments, fs...)
	}
	return out, fragments
}

// rel names a repository file relative to the repository's root.
func rel(path string) string {
	if r, err := filepath.Rel(repoRoot, path); err == nil {
		return r
	}
	return path
}

func TestMarkdownExtraction(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "x.md")
	content := "# Title\n\n```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {k: v}\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n```\n\n" +
		"```yaml\nspec:\n  x: 1\n```\n\n```sh\napiVersion: v1\n```\n\n1. A list:\n\n   ```yaml\n   apiVersion: v1\n   kind: Secret\n   metadata: {name: c}\n   ```\n"
	if err := os.WriteFile(md, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	ms, fs, err := markdownExamples(md)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.obj.GetName()+"@"+m.source[strings.LastIndex(m.source, ":")+1:])
	}
	if want := []string{"a@4", "b@12", "c@30"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("objects (name@line) = %v, want %v", got, want)
	}
	if len(fs) != 1 || fs[0].reason != "no apiVersion, kind, metadata.name" {
		t.Errorf("fragments = %+v, want the one spec: block", fs)
	}
}

// TestExamplesFound guards the extraction: the samples and the docs' examples the other tests
// apply are all there.
func TestExamplesFound(t *testing.T) {
	ss := samples(t)
	kinds := map[string]int{}
	for _, m := range ss {
		kinds[m.obj.GetKind()]++
	}
	if kinds["LoginProfile"] < 3 || kinds["ProviderConfig"] < 2 || kinds["Secret"] < 3 {
		t.Errorf("config/samples: found %v, want at least 3 LoginProfiles, 2 ProviderConfigs and 3 Secrets", kinds)
	}
	docs, fragments := docExamples(t)
	kinds = map[string]int{}
	for _, m := range docs {
		t.Logf("example %s: %s", m.source, describe(m.obj))
		kinds[m.obj.GetKind()]++
	}
	for _, f := range fragments {
		t.Logf("fragment %s skipped: %s", f.source, f.reason)
	}
	if kinds["LoginProfile"] < 1 || kinds["ProviderConfig"] < 1 {
		t.Errorf("README.md and docs/: found %v, want at least a LoginProfile and a ProviderConfig", kinds)
	}
}
