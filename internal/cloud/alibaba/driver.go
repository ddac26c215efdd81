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
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

const providerName = "alibaba"

// Defaults of an Alibaba Cloud ProviderConfig.
const (
	// DefaultEndpoint is the IMS endpoint used when spec.alibaba.endpoint is empty.
	DefaultEndpoint = "ims.aliyuncs.com"
	// DefaultRegionID is the region used when spec.alibaba.regionId is empty.
	DefaultRegionID = "cn-hangzhou"
)

// endpointRule is where spec.alibaba.endpoint may point. Alibaba Cloud's API endpoints are all in
// aliyuncs.com: the SDK's endpoint data (alibaba-cloud-sdk-go sdk/endpoints/endpoints_config.go,
// v1.63.107) lists IMS at ims.aliyuncs.com only, and the SDK builds every other endpoint as
// <product>[-vpc].<region>.aliyuncs.com (sdk/client.go).
var endpointRule = cloud.EndpointRule{Cloud: providerName, Field: "spec.alibaba.endpoint", Default: DefaultEndpoint,
	Domains: []string{"aliyuncs.com"}}

func init() { cloud.Register(Driver) }

// Driver is the cloud.Driver of Alibaba Cloud, registered as "alibaba". RAM's per-account quotas
// are 100 reads and 20 writes a second. An IMS login profile has a status, the MFA flag, an update
// date to the second, and the user's last console login (GetLoginProfile's LastLoginTime).
var Driver = cloud.Described{
	CloudName: providerName, Title: "an Alibaba Cloud",
	Section: "spec.alibaba", Sets: func(spec *v1alpha1.ProviderConfigSpec) bool { return spec.Alibaba != nil },
	UserField: "spec.userPrincipalName", User: func(spec *v1alpha1.LoginProfileSpec) string { return spec.UserPrincipalName },
	RateLimit: cloud.RateLimit{ReadsPerSecond: 100, WritesPerSecond: 20},
	Caps: cloud.Capabilities{Status: true, MFABindRequired: true, UpdateDate: true, UpdateDateResolution: time.Second,
		LastLoginInProfile: true},
	New: connect,
}

// connect builds the Provider of spec (Driver.Connect). It checks the endpoint, the region and the
// credentials; it makes no call (the OIDC exchange happens on the first call). Its errors wrap
// cloud.ErrInvalidConfig.
func connect(spec *v1alpha1.ProviderConfigSpec, creds cloud.Credentials, opts cloud.Options) (cloud.Provider, error) {
	if sdkDebugEnabled(os.Getenv("DEBUG")) {
		return nil, cloud.InvalidConfig(providerName, "the environment variable DEBUG includes \"sdk\", which makes the Alibaba Cloud SDK "+
			"print every request URL, passwords included: remove it from the manager's environment")
	}
	ep, err := endpointRule.Parse(spec.Alibaba.Endpoint, opts.EndpointSuffixes)
	if err != nil {
		return nil, err
	}
	region, err := parseRegionID(spec.Alibaba.RegionID)
	if err != nil {
		return nil, err
	}
	calls := providerkit.NewCalls(opts)
	src, err := newCredentialSource(creds, os.Getenv, calls.Timeout)
	if err != nil {
		return nil, err
	}
	return newProvider(ep, region, src, calls), nil
}

var regionPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// parseRegionID checks spec.alibaba.regionId; "" is DefaultRegionID.
func parseRegionID(s string) (string, error) {
	if s == "" {
		return DefaultRegionID, nil
	}
	if !regionPattern.MatchString(s) || len(s) > 64 {
		return "", cloud.InvalidConfig(providerName, "spec.alibaba.regionId %q is not a region id such as %s", s, DefaultRegionID)
	}
	return s, nil
}

// sdkDebugEnabled reports whether the SDK's debug output is on. The SDK reads DEBUG once, when it
// is initialised, and then prints every request URL (every parameter, the password included) to
// stdout: the provider refuses to work rather than leak.
func sdkDebugEnabled(env string) bool {
	return slices.Contains(strings.Split(env, ","), "sdk")
}
