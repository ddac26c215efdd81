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
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// The environment variables that point the tests at the binaries they run.
const (
	EnvAssets  = "KUBEBUILDER_ASSETS"
	EnvManager = "MANAGER_BIN"
)

// ManagerBinaries returns the directory of the Kubernetes binaries and the built manager that a
// test running the manager as a process needs, or an error naming what is missing and the make
// target that provides both (what: "the chaos trials").
func ManagerBinaries(what, makeTarget string) (assets, manager string, err error) {
	assets, manager = os.Getenv(EnvAssets), os.Getenv(EnvManager)
	var missing []string
	if err := CheckAssets(assets); err != nil {
		missing = append(missing, fmt.Sprintf("%s (kube-apiserver, etcd, kubectl): %v", EnvAssets, err))
	}
	if manager == "" {
		missing = append(missing, EnvManager+" is not set")
	} else if err := CheckExecutable(manager); err != nil {
		missing = append(missing, fmt.Sprintf("%s: %v", EnvManager, err))
	}
	if len(missing) > 0 {
		return "", "", fmt.Errorf("%s run the built manager: run `make test` or `%s` (they build "+
			"bin/manager and the Kubernetes binaries and set %s and %s), or set them yourself:\n  %s",
			what, makeTarget, EnvAssets, EnvManager, strings.Join(missing, "\n  "))
	}
	return assets, manager, nil
}

// ErrExited is WaitProviderConfigReady's error when the manager exited while it waited.
var ErrExited = errors.New("the manager exited")

// WaitProviderConfigReady polls, for a minute at most, until the ProviderConfig name is Ready, or
// exited (the manager's, nil for none) is closed.
func WaitProviderConfigReady(c client.Reader, name string, exited <-chan struct{}) error {
	deadline := time.Now().Add(time.Minute)
	var pc v1alpha1.ProviderConfig
	for {
		err := c.Get(context.Background(), client.ObjectKey{Name: name}, &pc)
		if err == nil && meta.IsStatusConditionTrue(pc.Status.Conditions, v1alpha1.ConditionReady) {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("reading ProviderConfig %s: %w", name, err)
			}
			return fmt.Errorf("ProviderConfig %s is not Ready within a minute: %+v", name, pc.Status.Conditions)
		}
		select {
		case <-exited:
			return ErrExited
		case <-time.After(100 * time.Millisecond): // polling
		}
	}
}
