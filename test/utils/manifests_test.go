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
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds/all"
)

// TestManifestPerCloud writes, for every registered cloud, a ProviderConfig pointing at a
// simulator and a LoginProfile of one of its users, and reads them back: the cloud's section and
// user field hold what was given, and nothing a person would not write is in the text.
func TestManifestPerCloud(t *testing.T) {
	if len(simclouds.All()) < 2 {
		t.Fatalf("registered clouds: %v", simclouds.Names())
	}
	for _, c := range simclouds.All() {
		sim := &Cloudsim{URL: "http://127.0.0.1:8787", AccountID: c.DefaultAccountID}
		user := c.User("alice")
		text, err := Manifest(SimProviderConfig(c, "pc", sim, "creds"),
			LoginProfile(c, "ns", "alice", user, v1alpha1.LoginProfileSpec{MFABindRequired: true}))
		if err != nil {
			t.Fatal(err)
		}
		for _, unwanted := range []string{"creationTimestamp", "status: {}"} {
			if strings.Contains(text, unwanted) {
				t.Errorf("%s: the manifest holds %q:\n%s", c.Name, unwanted, text)
			}
		}
		docs := strings.Split(text, "---\n")
		if len(docs) != 2 {
			t.Fatalf("%s: %d documents:\n%s", c.Name, len(docs), text)
		}
		var pc v1alpha1.ProviderConfig
		var lp v1alpha1.LoginProfile
		if err := yaml.Unmarshal([]byte(docs[0]), &pc); err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal([]byte(docs[1]), &lp); err != nil {
			t.Fatal(err)
		}
		if got, ok := simclouds.Of(pc.Spec); !ok || got.Name != c.Name || pc.Kind != "ProviderConfig" ||
			pc.Spec.Credentials.SecretRef == nil || pc.Spec.Credentials.SecretRef.Name != "creds" {
			t.Errorf("%s: ProviderConfig read back: %+v", c.Name, pc)
		}
		if !strings.Contains(docs[0], sim.URL) {
			t.Errorf("%s: the ProviderConfig does not point at the simulator:\n%s", c.Name, docs[0])
		}
		if c.UserOf(lp.Spec) != user || lp.Namespace != "ns" || !lp.Spec.MFABindRequired || lp.Kind != "LoginProfile" ||
			!strings.Contains(docs[1], c.UserField+": "+user) {
			t.Errorf("%s: LoginProfile read back: %+v\n%s", c.Name, lp, docs[1])
		}
	}
}
