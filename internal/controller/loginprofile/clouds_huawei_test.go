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

package loginprofile_test

import (
	"fmt"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/cloud/huawei"
	huaweisim "github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// --- Huawei Cloud (IAM v5) ---------------------------------------------------------------------

func huaweiCloud(limitedReads, limitedWrites int) (*testCloud, error) {
	return newTestCloud(cloudSpec{
		name: "huawei",
		caps: cloud.Capabilities{},
		newSim: func(reads, writes int) *simcore.Core {
			return huaweisim.NewServer(huaweisim.Options{ReadsPerSecond: reads, WritesPerSecond: writes}).Core
		},
		policy:      func(n int) simcore.PasswordPolicy { return huaweisim.PasswordPolicy{PasswordReusePrevention: n} },
		accessKeyID: huaweisim.DefaultAccessKeyID, accessKeySecret: huaweisim.DefaultAccessKeySecret,
		provider: func(spec *v1alpha1.ProviderConfigSpec, url string) {
			spec.Huawei = &v1alpha1.HuaweiProviderConfig{Endpoint: url, DomainID: huaweisim.DefaultDomainID}
		},
		user:             func(n int64) string { return fmt.Sprintf("%032x", n) },
		setUser:          func(spec *v1alpha1.LoginProfileSpec, user string) { spec.UserID = user },
		userNotFoundCode: huaweisim.CodeUserNotFound, weakPasswordCode: huaweisim.CodePasswordTooWeak,
		reusedCode:    huaweisim.CodePasswordReused,
		throttledCode: huaweisim.CodeThrottled,
	}, limitedReads, limitedWrites)
}
