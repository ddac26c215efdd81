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

// Command cloudrule writes the ProviderConfig rule "exactly one cloud" from the cloud sections the
// API declares, so that adding a cloud's section to ProviderConfigSpec (with the marker
// +loginprofile:cloud on the field) is all it takes for the API server to accept it and to refuse
// two clouds at once. `make manifests` runs it before controller-gen; `make verify` fails when
// the rule in the source is not the one it writes.
//
// It rewrites, in the given file, the XValidation marker line that follows the line
// "// +loginprofile:cloud-rule" in ProviderConfigSpec's doc comment.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

const (
	specType   = "ProviderConfigSpec"
	cloudField = "+loginprofile:cloud"
	ruleMarker = "// +loginprofile:cloud-rule"
)

func main() {
	file := flag.String("file", "api/v1alpha1/providerconfig_types.go", "the Go file that declares "+specType)
	flag.Parse()
	if err := run(*file); err != nil {
		fmt.Fprintln(os.Stderr, "cloudrule:", err)
		os.Exit(1)
	}
}

func run(file string) error {
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(filepath.Clean(file))
	if err != nil {
		return err
	}
	clouds, err := cloudSections(file, src)
	if err != nil {
		return err
	}
	out, err := rewrite(src, ruleLine(clouds))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if bytes.Equal(out, src) {
		return nil
	}
	return os.WriteFile(file, out, info.Mode().Perm())
}

// cloudSections lists the JSON names of the fields of ProviderConfigSpec marked as a cloud
// section, in their order in the source.
func cloudSections(file string, src []byte) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	var names []string
	var found bool
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != specType {
			return true
		}
		found = true
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return false
		}
		for _, field := range st.Fields.List {
			if field.Doc == nil || !hasMarker(field.Doc, cloudField) || field.Tag == nil {
				continue
			}
			tag := reflect.StructTag(strings.Trim(field.Tag.Value, "`"))
			name, _, _ := strings.Cut(tag.Get("json"), ",")
			names = append(names, name)
		}
		return false
	})
	switch {
	case !found:
		return nil, fmt.Errorf("%s: no type %s", file, specType)
	case len(names) == 0:
		return nil, fmt.Errorf("%s: no field of %s is marked %s", file, specType, cloudField)
	}
	return names, nil
}

func hasMarker(doc *ast.CommentGroup, marker string) bool {
	for _, c := range doc.List {
		if strings.TrimSpace(strings.TrimPrefix(c.Text, "//")) == marker {
			return true
		}
	}
	return false
}

// ruleLine is the marker for clouds: exactly one of the sections is set.
func ruleLine(clouds []string) string {
	has := make([]string, len(clouds))
	fields := make([]string, len(clouds))
	for i, c := range clouds {
		has[i] = "has(self." + c + ")"
		fields[i] = "spec." + c
	}
	list := fields[0]
	if n := len(fields); n > 1 {
		list = strings.Join(fields[:n-1], ", ") + " and " + fields[n-1]
	}
	return fmt.Sprintf(`// +kubebuilder:validation:XValidation:rule="[%s].exists_one(c, c)",message="exactly one of %s must be set: it names the cloud this ProviderConfig connects to"`,
		strings.Join(has, ", "), list)
}

// rewrite replaces the line after the rule marker with line.
func rewrite(src []byte, line string) ([]byte, error) {
	lines := strings.Split(string(src), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != ruleMarker {
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "// +kubebuilder:validation:XValidation:") {
			lines = append(lines[:i+1], append([]string{line}, lines[i+1:]...)...)
		} else {
			lines[i+1] = line
		}
		return []byte(strings.Join(lines, "\n")), nil
	}
	return nil, errors.New("no line " + ruleMarker)
}
