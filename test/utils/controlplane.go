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
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Binaries a KUBEBUILDER_ASSETS directory must hold.
var assetBinaries = []string{"kube-apiserver", "etcd", "kubectl"}

// CheckAssets checks that dir holds kube-apiserver, etcd and kubectl.
func CheckAssets(dir string) error {
	if dir == "" {
		return errors.New("KUBEBUILDER_ASSETS is not set")
	}
	for _, b := range assetBinaries {
		if err := CheckExecutable(filepath.Join(dir, b)); err != nil {
			return fmt.Errorf("KUBEBUILDER_ASSETS=%s: %w", dir, err)
		}
	}
	return nil
}

// CheckExecutable checks that path is an executable file.
func CheckExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

// ControlPlaneOptions says how to start a ControlPlane.
type ControlPlaneOptions struct {
	// AssetsDir holds kube-apiserver, etcd and kubectl (KUBEBUILDER_ASSETS).
	AssetsDir string
	// CRDDir holds the CRDs to install (config/crd/bases).
	CRDDir string
	// KubeconfigPath is where the admin kubeconfig is written.
	KubeconfigPath string
	// StartTimeout bounds the start of etcd and of kube-apiserver, each; 2 minutes when zero (a busy
	// 2-core machine can be slow to start kube-apiserver).
	StartTimeout time.Duration
}

// ControlPlane is a local kube-apiserver and etcd (controller-runtime's envtest), the CRDs installed,
// with a kubeconfig file for a cluster admin.
type ControlPlane struct {
	Env *envtest.Environment
	// Kubeconfig is the path of the admin kubeconfig.
	Kubeconfig string
	// Kubectl runs the real kubectl with that kubeconfig.
	Kubectl Kubectl
}

// AdminUser is the user the kubeconfig authenticates as: a member of system:masters.
const AdminUser = "e2e"

// StartControlPlane starts etcd and kube-apiserver, installs the CRDs and writes the kubeconfig of
// a cluster admin.
func StartControlPlane(o ControlPlaneOptions) (*ControlPlane, error) {
	if err := CheckAssets(o.AssetsDir); err != nil {
		return nil, err
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = 2 * time.Minute
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory:    o.AssetsDir,
		CRDDirectoryPaths:        []string{o.CRDDir},
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: o.StartTimeout,
		ControlPlaneStopTimeout:  time.Minute,
	}
	if _, err := env.Start(); err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("starting the control plane (kube-apiserver and etcd from %s): %w", o.AssetsDir, err)
	}
	cp := &ControlPlane{Env: env, Kubeconfig: o.KubeconfigPath}
	if err := cp.writeKubeconfig(); err != nil {
		_ = env.Stop()
		return nil, err
	}
	cp.Kubectl = Kubectl{Path: filepath.Join(o.AssetsDir, "kubectl"), Kubeconfig: o.KubeconfigPath}
	return cp, nil
}

func (cp *ControlPlane) writeKubeconfig() error {
	user, err := cp.Env.AddUser(envtest.User{Name: AdminUser, Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("provisioning the admin user: %w", err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return fmt.Errorf("making the admin kubeconfig: %w", err)
	}
	if _, err := WriteFile(filepath.Dir(cp.Kubeconfig), filepath.Base(cp.Kubeconfig), string(kubeconfig)); err != nil {
		return fmt.Errorf("writing the kubeconfig: %w", err)
	}
	return nil
}

// Stop stops kube-apiserver and etcd and removes their data.
func (cp *ControlPlane) Stop() error {
	if err := cp.Env.Stop(); err != nil {
		return fmt.Errorf("stopping the control plane: %w", err)
	}
	return nil
}
