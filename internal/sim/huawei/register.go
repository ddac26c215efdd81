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

package huawei

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// The simulator registers itself, so that cmd/cloudsim, the demo and the end-to-end tests run it
// without naming it. IAM users are named by id (32 hex digits), which requests do not guess: the
// default users have names, and cloudsim lists their ids.
func init() {
	simclouds.Register(simclouds.Cloud{
		Name: "huawei", API: "IAM v5",
		DefaultAccessKeyID: DefaultAccessKeyID, DefaultAccessKeySecret: DefaultAccessKeySecret,
		AccountIDName: "domain id", DefaultAccountID: DefaultDomainID,
		// erin is the user of config/samples/iam_v1alpha1_loginprofile_huawei.yaml.
		DefaultUsers: []simclouds.User{
			{Key: "a11ce000000000000000000000000000", Name: "alice"},
			{Key: "b0b00000000000000000000000000000", Name: "bob"},
			{Key: "ca401000000000000000000000000000", Name: "carol"},
			{Key: "e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1", Name: "erin"},
		},
		ListUsers: true,
		New: func(o simclouds.Options) *simcore.Core {
			return NewServer(Options{
				AccessKeys: o.AccessKeys, DomainID: o.AccountID, ReadsPerSecond: o.ReadsPerSecond, WritesPerSecond: o.WritesPerSecond,
				Logger:         o.Logger,
				PasswordPolicy: PasswordPolicy{MinimumPasswordLength: o.PasswordMinLength, PasswordReusePrevention: o.PasswordReusePrevention},
			}).Core
		},
		UserField: "userId",
		User:      userID,
		// The prefix replaces the id's first digits.
		UserWithPrefix: func(prefix, name string) string { return prefix + userID(name)[len(prefix):] },
		SetUser:        func(spec *v1alpha1.LoginProfileSpec, user string) { spec.UserID = user },
		UserOf:         func(spec v1alpha1.LoginProfileSpec) string { return spec.UserID },
		ProviderConfig: func(spec *v1alpha1.ProviderConfigSpec, endpoint, domainID string) {
			if spec.Huawei == nil {
				spec.Huawei = &v1alpha1.HuaweiProviderConfig{}
			}
			spec.Huawei.Endpoint, spec.Huawei.DomainID = endpoint, domainID
		},
		Configures:           func(spec v1alpha1.ProviderConfigSpec) bool { return spec.Huawei != nil },
		Samples:              "config/samples/iam_v1alpha1_loginprofile_huawei.yaml",
		SampleProviderConfig: "huawei",
	})
}

// userID is a test user's id: 32 hex digits derived from its name.
func userID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:16])
}
