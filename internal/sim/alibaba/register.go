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

package alibaba

import (
	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// The simulator registers itself, so that cmd/cloudsim, the demo and the end-to-end tests run it
// without naming it. RAM users are named by user principal name.
func init() {
	simclouds.Register(simclouds.Cloud{
		Name: "alibaba", API: "IMS",
		DefaultAccessKeyID: DefaultAccessKeyID, DefaultAccessKeySecret: DefaultAccessKeySecret,
		DefaultUsers: []simclouds.User{
			{Key: "alice@example.onaliyun.com"}, {Key: "bob@example.onaliyun.com"}, {Key: "carol@example.onaliyun.com"},
			{Key: "dave@example.onaliyun.com"},
		},
		New: func(o simclouds.Options) *simcore.Core {
			return NewServer(Options{
				AccessKeys: o.AccessKeys, ReadsPerSecond: o.ReadsPerSecond, WritesPerSecond: o.WritesPerSecond, Logger: o.Logger,
				PasswordPolicy: PasswordPolicy{MinimumLength: o.PasswordMinLength, ReusePrevention: o.PasswordReusePrevention},
			}).Core
		},
		UserField:      "userPrincipalName",
		User:           func(name string) string { return name + "@example.onaliyun.com" },
		UserWithPrefix: func(prefix, name string) string { return prefix + "-" + name + "@example.onaliyun.com" },
		SetUser:        func(spec *v1alpha1.LoginProfileSpec, user string) { spec.UserPrincipalName = user },
		UserOf:         func(spec v1alpha1.LoginProfileSpec) string { return spec.UserPrincipalName },
		ProviderConfig: func(spec *v1alpha1.ProviderConfigSpec, endpoint, _ string) {
			if spec.Alibaba == nil {
				spec.Alibaba = &v1alpha1.AlibabaProviderConfig{}
			}
			spec.Alibaba.Endpoint = endpoint
		},
		Configures:           func(spec v1alpha1.ProviderConfigSpec) bool { return spec.Alibaba != nil },
		Samples:              "config/samples/iam_v1alpha1_loginprofile.yaml",
		SampleProviderConfig: v1alpha1.DefaultProviderConfigName,
	})
}
