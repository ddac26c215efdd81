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

package cloud

import (
	"errors"
	"testing"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// TestDescribed: a Driver made of facts answers from them, names the user field a spec lacks, and
// never calls New for a spec without the cloud's section.
func TestDescribed(t *testing.T) {
	news := 0
	d := Described{
		CloudName: "demo", Title: "a Demo Cloud", Section: "spec.alibaba",
		Sets:      func(spec *v1alpha1.ProviderConfigSpec) bool { return spec.Alibaba != nil },
		UserField: "spec.userId", UserHint: " (spec.userPrincipalName is for another cloud)",
		User:      func(spec *v1alpha1.LoginProfileSpec) string { return spec.UserID },
		RateLimit: RateLimit{ReadsPerSecond: 7, WritesPerSecond: 3},
		Caps:      Capabilities{Status: true},
		New: func(*v1alpha1.ProviderConfigSpec, Credentials, Options) (Provider, error) {
			news++
			return nil, nil
		},
	}
	if d.Name() != "demo" || d.DefaultRateLimit() != (RateLimit{ReadsPerSecond: 7, WritesPerSecond: 3}) ||
		d.Capabilities() != (Capabilities{Status: true}) {
		t.Fatalf("facts: %q %+v %+v", d.Name(), d.DefaultRateLimit(), d.Capabilities())
	}
	if d.Configured(nil) || d.Configured(&v1alpha1.ProviderConfigSpec{}) ||
		!d.Configured(&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}}) {
		t.Fatal("Configured does not follow Sets")
	}
	if u, err := d.UserOf(&v1alpha1.LoginProfileSpec{UserID: "u1"}); u != "u1" || err != nil {
		t.Fatalf("UserOf = %q, %v", u, err)
	}
	for _, spec := range []*v1alpha1.LoginProfileSpec{nil, {UserPrincipalName: "a@b"}} {
		_, err := d.UserOf(spec)
		if !errors.Is(err, ErrInvalidInput) ||
			err.Error() != "spec.userId is required for a Demo Cloud ProviderConfig (spec.userPrincipalName is for another cloud)" {
			t.Fatalf("UserOf(%v) = %v", spec, err)
		}
	}
	for _, spec := range []*v1alpha1.ProviderConfigSpec{nil, {}} {
		if _, err := d.Connect(spec, Credentials{}, Options{}); !errors.Is(err, ErrInvalidConfig) || err.Error() != "demo: spec.alibaba is not set" {
			t.Fatalf("Connect(%v) = %v", spec, err)
		}
	}
	if news != 0 {
		t.Fatalf("New called %d times for specs without the section", news)
	}
	if _, err := d.Connect(&v1alpha1.ProviderConfigSpec{Alibaba: &v1alpha1.AlibabaProviderConfig{}}, Credentials{}, Options{}); err != nil || news != 1 {
		t.Fatalf("Connect with the section: %v, New called %d times", err, news)
	}
}
