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

package simclouds_test

import (
	"testing"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds/all"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// TestEveryCloudIsWhatItSays builds each registered cloud's simulator from the neutral options
// and checks the registration against it: the name, the account, the access key, the password
// policy's minimum length and reuse prevention, and that its ProviderConfig section and user
// field are its own, no other cloud's.
func TestEveryCloudIsWhatItSays(t *testing.T) {
	clouds := simclouds.All()
	if len(clouds) < 2 {
		t.Fatalf("registered: %v", simclouds.Names())
	}
	for _, c := range clouds {
		t.Run(c.Name, func(t *testing.T) {
			got, ok := simclouds.Get(c.Name)
			if !ok || got.Name != c.Name {
				t.Fatalf("Get(%q) = %v", c.Name, ok)
			}
			core := c.New(simclouds.Options{AccountID: c.DefaultAccountID, PasswordMinLength: 12, PasswordReusePrevention: 1})
			if core.Cloud() != c.Name {
				t.Errorf("the simulator says it is %q", core.Cloud())
			}
			user := c.User("alice")
			core.AddUser(user)
			create := func(pw string) error {
				_, err := core.Do(simcore.Request{Op: simcore.OpCreate, Action: "create", User: user},
					func(a simcore.Account) (simcore.Answer, error) {
						_, err := a.Create(simcore.Profile{User: user}, pw)
						return simcore.Answer{}, err
					})
				return err
			}
			if err := create("Short-1!"); err == nil {
				t.Error("an 8-character password passed a minimum of 12")
			}
			if err := create("Long-Enough-Passw0rd!"); err != nil {
				t.Errorf("create: %v", err)
			}

			var spec v1alpha1.ProviderConfigSpec
			c.ProviderConfig(&spec, "http://127.0.0.1:1", c.DefaultAccountID)
			for _, other := range clouds {
				if other.Configures(spec) != (other.Name == c.Name) {
					t.Errorf("%s's ProviderConfig section: %s.Configures = %v", c.Name, other.Name, other.Configures(spec))
				}
			}
			var lp v1alpha1.LoginProfileSpec
			c.SetUser(&lp, user)
			if c.UserOf(lp) != user {
				t.Errorf("UserOf after SetUser = %q", c.UserOf(lp))
			}
			if with := c.UserWithPrefix("a0", "bob"); with[:2] != "a0" {
				t.Errorf("UserWithPrefix = %q", with)
			}
		})
	}
}
