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

// Package health tells what Argo CD and Flux make of a LoginProfile's status: ArgoHealth runs the
// Argo CD health script of config/argocd in a faithful copy of Argo CD's Lua environment, and
// KStatus computes kstatus' verdict, which Flux (and kubectl-style waiters) use. Tests, unit and
// end-to-end, call them on fixtures and on live objects written by the manager.
package health

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	kstatus "github.com/fluxcd/cli-utils/pkg/kstatus/status"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// ScriptPath is where the health script lives, from the repository root. It is the one source
// of the script: config/argocd/health.lua and config/argocd/argocd-cm-patch.yaml hold copies that
// the tests keep identical.
const ScriptPath = "config/argocd/iam.loginprofile.io/LoginProfile/health.lua"

// modulePath identifies the repository's go.mod.
const modulePath = "github.com/loginprofile-operator/loginprofile-operator"

var (
	scriptOnce sync.Once
	script     string
	scriptErr  error
)

// Script returns the health script, read once from the repository.
func Script() (string, error) {
	scriptOnce.Do(func() {
		root, err := RepoRoot()
		if err != nil {
			scriptErr = err
			return
		}
		data, err := fs.ReadFile(os.DirFS(root), ScriptPath)
		if err != nil {
			scriptErr = fmt.Errorf("reading the Argo CD health script: %w", err)
			return
		}
		script = string(data)
	})
	return script, scriptErr
}

// ArgoHealth is Argo CD's health of a LoginProfile (its unstructured content, as read from the
// API server): it runs the health script the way Argo CD runs a script of argocd-cm, without
// Lua's standard libraries. err is what Argo CD would show as the health Unknown.
func ArgoHealth(obj map[string]any) (status, message string, err error) {
	s, err := Script()
	if err != nil {
		return "", "", err
	}
	st, err := RunHealthScript(s, obj, false)
	return st.Status, st.Message, err
}

// KStatus is kstatus' status of obj (Current, InProgress, Failed, Terminating, ...), the verdict
// Flux waits on. Its numbers must be int64, as read from the API server or by DecodeObject:
// kstatus rejects the float64 numbers of a plain JSON or YAML decoder.
func KStatus(obj *unstructured.Unstructured) (string, error) {
	if obj == nil {
		return "", errors.New("kstatus of a nil object")
	}
	res, err := kstatus.Compute(obj)
	if err != nil {
		return "", err
	}
	return res.Status.String(), nil
}

// DecodeObject decodes an object in YAML or JSON (kubectl's output, a fixture) with the number
// types a client of the API server gets, and Argo CD and kstatus expect: int64 for integers,
// float64 for other numbers.
func DecodeObject(data []byte) (map[string]any, error) {
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	if err := utiljson.Unmarshal(j, &obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// ArgoOfKStatus is the Argo CD health that corresponds to a kstatus status: Current is Healthy,
// InProgress and Terminating (being deleted) Progressing, Failed Degraded; anything else Unknown.
func ArgoOfKStatus(s string) string {
	switch kstatus.Status(s) {
	case kstatus.CurrentStatus:
		return Healthy
	case kstatus.InProgressStatus, kstatus.TerminatingStatus:
		return Progressing
	case kstatus.FailedStatus:
		return Degraded
	}
	return Unknown
}

// RepoRoot is the repository's root: the first directory, from the working directory up, whose
// go.mod is this module's; failing that, the one this source file was compiled from.
func RepoRoot() (string, error) {
	var tried []string
	if wd, err := os.Getwd(); err == nil {
		if root, ok := findModuleRoot(wd); ok {
			return root, nil
		}
		tried = append(tried, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		if root, ok := findModuleRoot(filepath.Dir(file)); ok {
			return root, nil
		}
		tried = append(tried, filepath.Dir(file))
	}
	return "", fmt.Errorf("no go.mod of %s found above %q", modulePath, tried)
}

func findModuleRoot(dir string) (string, bool) {
	for {
		data, err := fs.ReadFile(os.DirFS(dir), "go.mod")
		if err == nil && bytes.HasPrefix(data, []byte("module "+modulePath+"\n")) {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
