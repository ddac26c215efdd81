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

package utils

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// DefaultKubectlTimeout bounds one kubectl command when Kubectl.Timeout is zero.
const DefaultKubectlTimeout = 2 * time.Minute

// Kubectl runs the real kubectl binary against one cluster.
type Kubectl struct {
	// Path of the kubectl binary.
	Path string
	// Kubeconfig is the kubeconfig file, passed with --kubeconfig.
	Kubeconfig string
	// Timeout bounds one command; DefaultKubectlTimeout when zero.
	Timeout time.Duration
}

// Run runs kubectl with args and returns its stdout. The error holds the command, its exit status
// and its stderr.
func (k Kubectl) Run(args ...string) (string, error) {
	return k.RunWithInput("", args...)
}

// RunWithInput runs kubectl with args and stdin.
func (k Kubectl) RunWithInput(stdin string, args ...string) (string, error) {
	timeout := k.Timeout
	if timeout == 0 {
		timeout = DefaultKubectlTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	full := append([]string{"--kubeconfig", k.Kubeconfig}, args...)
	cmd := exec.CommandContext(ctx, k.Path, full...) //nolint:gosec // the kubectl under test
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("timed out after %s", timeout)
		}
		return stdout.String(), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// ApplyFile runs kubectl apply -f path.
func (k Kubectl) ApplyFile(path string) (string, error) {
	return k.Run("apply", "-f", path)
}

// ApplyManifest writes manifest to dir/name and applies it.
func (k Kubectl) ApplyManifest(dir, name, manifest string) (string, error) {
	path, err := WriteFile(dir, name, manifest)
	if err != nil {
		return "", err
	}
	return k.ApplyFile(path)
}

// GetJSON runs kubectl get args -o json and decodes the answer into out.
func (k Kubectl) GetJSON(out any, args ...string) error {
	stdout, err := k.Run(append(append([]string{"get"}, args...), "-o", "json")...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(stdout), out); err != nil {
		return fmt.Errorf("kubectl get %s: decoding the JSON answer: %w", strings.Join(args, " "), err)
	}
	return nil
}

// WriteFile writes content to dir/name (mode 0600: manifests may hold Secrets) and returns the
// path.
func WriteFile(dir, name, content string) (string, error) {
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return "", err
	}
	return path, nil
}
