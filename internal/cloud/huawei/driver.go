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
	"regexp"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud/providerkit"
)

const providerName = "huawei"

// DefaultEndpoint is the IAM endpoint used when spec.huawei.endpoint is empty.
const DefaultEndpoint = "iam.myhuaweicloud.com"

// endpointRule is where spec.huawei.endpoint may point: Huawei Cloud's IAM endpoints are in two
// domains, as the SDK's IAM region tables say (huaweicloud-sdk-go-v3 services/iam/v5/region/region.go
// and services/iam/v3/region/region.go, v0.1.207, and core/auth/internal/iam_endpoint.go): every
// region at iam.<region>.myhuaweicloud.com except eu-west-101, at iam.eu-west-101.myhuaweicloud.eu.
var endpointRule = cloud.EndpointRule{Cloud: providerName, Field: "spec.huawei.endpoint", Default: DefaultEndpoint,
	Domains: []string{"myhuaweicloud.com", "myhuaweicloud.eu"}}

func init() { cloud.Register(Driver) }

// Driver is the cloud.Driver of Huawei Cloud, registered as "huawei", whose users are named by IAM
// user id. Its default quota is 20 reads and 10 writes a second: IAM v5's per-account API quotas
// are not published in the notes this provider was built from, so these are conservative guesses,
// well below what the gateway is known to throttle (429 APIGW.0308); a ProviderConfig's
// spec.rateLimit overrides them. An IAM v5 login profile has neither a status, nor the MFA flag,
// nor an update date, nor the last login (LastLogin asks ShowUserLastLoginV5 for it).
var Driver = cloud.Described{
	CloudName: providerName, Title: "a Huawei Cloud",
	Section: "spec.huawei", Sets: func(spec *v1alpha1.ProviderConfigSpec) bool { return spec.Huawei != nil },
	UserField: "spec.userId", UserHint: " (spec.userPrincipalName is for Alibaba Cloud)",
	User:      func(spec *v1alpha1.LoginProfileSpec) string { return spec.UserID },
	RateLimit: cloud.RateLimit{ReadsPerSecond: 20, WritesPerSecond: 10},
	Caps:      cloud.Capabilities{},
	New:       connect,
}

// connect builds the Provider of spec (Driver.Connect). It checks the endpoint, the domain id and
// the credentials; it makes no call: the credentials always carry the domain id, so the SDK never
// looks it up (GET /v3/auth/domains), and an OIDC exchange happens on the first call. Its errors
// wrap cloud.ErrInvalidConfig and never contain a secret.
func connect(spec *v1alpha1.ProviderConfigSpec, creds cloud.Credentials, opts cloud.Options) (cloud.Provider, error) {
	ep, err := endpointRule.Parse(spec.Huawei.Endpoint, opts.EndpointSuffixes)
	if err != nil {
		return nil, err
	}
	domainID, err := parseDomainID(spec.Huawei.DomainID)
	if err != nil {
		return nil, err
	}
	cred, err := newCredential(creds, domainID, ep.URL())
	if err != nil {
		return nil, err
	}
	return newProvider(ep.URL(), cred, providerkit.NewCalls(opts)), nil
}

var domainIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)

// parseDomainID checks spec.huawei.domainId, which is required: with it the SDK never calls the
// network to look the domain up.
func parseDomainID(s string) (string, error) {
	if s == "" {
		return "", cloud.InvalidConfig(providerName, "spec.huawei.domainId is required (the id of the Huawei Cloud account)")
	}
	if !domainIDPattern.MatchString(s) {
		return "", cloud.InvalidConfig(providerName, "spec.huawei.domainId %q is not a domain id (letters and digits, at most 64)", s)
	}
	return s, nil
}
