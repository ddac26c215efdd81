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

package providerkit

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

func TestCredentialsConfigurationErrors(t *testing.T) {
	env := map[string]string{"HAVE": "x"}
	getenv := func(k string) string { return env[k] }
	for name, tc := range map[string]struct {
		err  error
		want string
	}{
		"complete Secret": {RequireSecretKeys("c", cloud.Credentials{AccessKeyID: "ak", AccessKeySecret: cloud.NewSensitive("sk")}), ""},
		"no secret":       {RequireSecretKeys("c", cloud.Credentials{AccessKeyID: "ak"}), "c: the credentials Secret has no accessKeySecret"},
		"empty Secret":    {RequireSecretKeys("c", cloud.Credentials{}), "c: the credentials Secret has no accessKeyId and no accessKeySecret"},
		"environment":     {RequireEnv("c", "Environment", getenv, "HAVE"), ""},
		"environment missing": {RequireEnv("c", "OIDC (RRSA)", getenv, "HAVE", "A", "B"),
			"c: credentials source OIDC (RRSA): the manager's environment has no A, B"},
		"no source":      {UnsupportedSource("c", ""), "c: spec.credentials.source is not set"},
		"unknown source": {UnsupportedSource("c", v1alpha1.CredentialsSource("Vault")), `c: credentials source "Vault" is not supported (Secret, Environment or OIDC)`},
	} {
		if tc.want == "" {
			if tc.err != nil {
				t.Errorf("%s: %v", name, tc.err)
			}
			continue
		}
		if tc.err == nil || tc.err.Error() != tc.want || !errors.Is(tc.err, cloud.ErrInvalidConfig) {
			t.Errorf("%s: %v, want an ErrInvalidConfig error %q", name, tc.err, tc.want)
		}
	}
}

func TestSeenSecrets(t *testing.T) {
	var s SeenSecrets
	s.Remember("a", "", "b", "a")
	if got := s.All(); len(got) != 2 || got[0].Reveal() != "a" || got[1].Reveal() != "b" {
		t.Fatalf("All() = %v", got)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 10 {
				s.Remember(fmt.Sprintf("k%d-%d", i, j))
				_ = s.All()
			}
		})
	}
	wg.Wait()
	got := s.All()
	if len(got) != MaxSeenSecrets {
		t.Fatalf("%d secrets remembered, want the last %d", len(got), MaxSeenSecrets)
	}
	s.Remember("latest")
	if got := s.All(); got[len(got)-1].Reveal() != "latest" || strings.HasPrefix(got[0].Reveal(), "a") {
		t.Fatalf("the latest secret is not kept over the oldest: %v", got)
	}
}
