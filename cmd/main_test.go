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
	"errors"
	"io/fs"
	"testing"
)

func TestCredentialsNamespace(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	file := func(content string, err error) func(string) ([]byte, error) {
		return func(name string) ([]byte, error) {
			if name != serviceAccountNamespaceFile {
				t.Errorf("read %s, want %s", name, serviceAccountNamespaceFile)
			}
			return []byte(content), err
		}
	}
	noFile := file("", fs.ErrNotExist)
	tests := []struct {
		name     string
		flag     string
		env      map[string]string
		readFile func(string) ([]byte, error)
		want     string
		wantFrom string
	}{
		{"flag first", "iam-operator", map[string]string{"POD_NAMESPACE": "pod-ns"}, file("sa-ns", nil), "iam-operator", "--credentials-namespace"},
		{"then POD_NAMESPACE", "", map[string]string{"POD_NAMESPACE": "pod-ns"}, file("sa-ns", nil), "pod-ns", "POD_NAMESPACE"},
		{"then the service account", " ", nil, file("sa-ns\n", nil), "sa-ns", serviceAccountNamespaceFile},
		{"empty service account file", "", nil, file("", nil), "loginprofile-system", "default"},
		{"outside a cluster", "", nil, noFile, "loginprofile-system", "default"},
		{"unreadable file", "", nil, file("", errors.New("permission denied")), "loginprofile-system", "default"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, from := credentialsNamespace(tc.flag, env(tc.env), tc.readFile)
			if got != tc.want || from != tc.wantFrom {
				t.Errorf("credentialsNamespace() = %q from %q, want %q from %q", got, from, tc.want, tc.wantFrom)
			}
		})
	}
}
