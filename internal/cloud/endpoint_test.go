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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckEndpointHost(t *testing.T) {
	own := []string{"aliyuncs.com"}
	tests := []struct {
		host  string
		own   []string
		extra []string
		ok    bool
	}{
		{host: "ims.aliyuncs.com", own: own, ok: true},
		{host: "aliyuncs.com", own: own, ok: true},
		{host: "IMS.AliyunCS.com", own: own, ok: true},
		{host: "ims.aliyuncs.com.", own: own, ok: true},
		{host: "ims.aliyuncs.com", own: []string{".aliyuncs.com"}, ok: true},
		{host: "ims.aliyuncs.com", own: []string{"ALIYUNCS.COM."}, ok: true},
		{host: "localhost", own: own, ok: true},
		{host: "127.0.0.1", own: own, ok: true},
		{host: "127.9.9.9", ok: true},
		{host: "::1", own: own, ok: true},
		{host: "[::1]", own: own, ok: true},
		{host: "ims.corp.example", own: own, extra: []string{"corp.example"}, ok: true},
		{host: "ims.corp.example", own: own, extra: []string{".corp.example"}, ok: true},
		{host: "10.1.2.3", own: own, extra: []string{"10.1.2.3"}, ok: true},

		{host: "evilaliyuncs.com", own: own},
		{host: "ims.evilaliyuncs.com", own: own},
		{host: "aliyuncs.com.evil.example", own: own},
		{host: "aliyuncs.comm", own: own},
		{host: "ims.example.com", own: own},
		{host: "ims.example.com", own: own, extra: []string{"corp.example"}},
		{host: "ims.evilcorp.example", own: own, extra: []string{"corp.example"}},
		{host: "10.1.2.3", own: own},
		{host: "10.1.2.3", own: own, extra: []string{"2.3"}},
		{host: "localhost.evil.example", own: own},
		{host: "ims.aliyuncs.com", own: nil, extra: []string{"", ".", " "}},
		{host: "", own: own},
	}
	for _, tc := range tests {
		refusal := checkEndpointHost("spec.x.endpoint", tc.host, tc.own, tc.extra)
		if tc.ok != (refusal == "") {
			t.Errorf("checkEndpointHost(%q, own %v, extra %v) = %q, want allowed: %v", tc.host, tc.own, tc.extra, refusal, tc.ok)
		}
	}

	got := checkEndpointHost("spec.alibaba.endpoint", "ims.example.com", own, []string{".Corp.Example."})
	want := `spec.alibaba.endpoint: host "ims.example.com" is neither in an allowed domain (aliyuncs.com, corp.example) nor a loopback host; ` +
		"for a private deployment, add its domain to the manager's --extra-endpoint-suffixes"
	if got != want {
		t.Errorf("message:\n got %s\nwant %s", got, want)
	}
}

// TestEndpointRuleParse: the forms of an endpoint every cloud accepts, and the ones it refuses
// with an ErrInvalidConfig error of the cloud that names the field and what is wrong.
func TestEndpointRuleParse(t *testing.T) {
	rule := EndpointRule{Cloud: "alibaba", Field: "spec.alibaba.endpoint", Default: "ims.aliyuncs.com", Domains: []string{"aliyuncs.com"}}
	tests := []struct {
		in      string
		want    Endpoint
		wantErr string
	}{
		{"", Endpoint{"https", "ims.aliyuncs.com"}, ""},
		{"ims.aliyuncs.com", Endpoint{"https", "ims.aliyuncs.com"}, ""},
		{" ims.aliyuncs.com ", Endpoint{"https", "ims.aliyuncs.com"}, ""},
		{"ims-vpc.cn-shanghai.aliyuncs.com:443", Endpoint{"https", "ims-vpc.cn-shanghai.aliyuncs.com:443"}, ""},
		{"https://ims.aliyuncs.com", Endpoint{"https", "ims.aliyuncs.com"}, ""},
		{"https://ims.aliyuncs.com:8443/", Endpoint{"https", "ims.aliyuncs.com:8443"}, ""},
		{"HTTPS://ims.aliyuncs.com", Endpoint{"https", "ims.aliyuncs.com"}, ""},
		{"127.0.0.1:8080", Endpoint{"https", "127.0.0.1:8080"}, ""},
		{"[::1]:8080", Endpoint{"https", "[::1]:8080"}, ""},
		{"http://127.0.0.1:8080", Endpoint{"http", "127.0.0.1:8080"}, ""},
		{"http://127.8.9.10:8080/", Endpoint{"http", "127.8.9.10:8080"}, ""},
		{"http://localhost:8080", Endpoint{"http", "localhost:8080"}, ""},
		{"HTTP://LOCALHOST:8080", Endpoint{"http", "LOCALHOST:8080"}, ""},
		{"http://[::1]:8080", Endpoint{"http", "[::1]:8080"}, ""},
		{"http://ims.aliyuncs.com", Endpoint{}, "only allowed to a loopback host"},
		{"http://10.0.0.1:8080", Endpoint{}, "only allowed to a loopback host"},
		{"http://127.evil.example.com", Endpoint{}, "only allowed to a loopback host"},
		{"http://localhost.evil.example.com", Endpoint{}, "only allowed to a loopback host"},
		{"http://[::ffff:10.0.0.1]:80", Endpoint{}, "only allowed to a loopback host"},
		{"ftp://ims.aliyuncs.com", Endpoint{}, "scheme"},
		{"https://ims.aliyuncs.com/path", Endpoint{}, "only a host and a port"},
		{"https://user:pw@ims.aliyuncs.com", Endpoint{}, "only a host and a port"},
		{"https://ims.aliyuncs.com?x=y", Endpoint{}, "only a host and a port"},
		{"https://ims.aliyuncs.com#frag", Endpoint{}, "only a host and a port"},
		{"https://ims.aliyuncs.com:0", Endpoint{}, "invalid port"},
		{"https://ims.aliyuncs.com:99999", Endpoint{}, "invalid port"},
		{"ims.aliyuncs.com:", Endpoint{}, "no host"},
		{"https://", Endpoint{}, "no host"},
		{"ims_bad.example.com", Endpoint{}, "not a valid host name"},
		{"ims.example.com", Endpoint{}, "neither in an allowed domain (aliyuncs.com) nor a loopback host"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := rule.Parse(tc.in, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrInvalidConfig) ||
					!strings.HasPrefix(err.Error(), "alibaba: spec.alibaba.endpoint") {
					t.Fatalf("Parse(%q) = %v, %v; want an ErrInvalidConfig error of the cloud and field containing %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
	if got := (Endpoint{"https", "[::1]:8443"}).URL(); got != "https://[::1]:8443" {
		t.Errorf("URL() = %q", got)
	}
}

func TestParseEndpointSuffixes(t *testing.T) {
	for in, want := range map[string][]string{
		"":                                 nil,
		" , ":                              nil,
		"corp.example":                     {"corp.example"},
		".Corp.Example., iam.internal,":    {"corp.example", "iam.internal"},
		"10.0.0.1":                         {"10.0.0.1"},
		"apigw.private-cloud.example.net ": {"apigw.private-cloud.example.net"},
	} {
		got, err := ParseEndpointSuffixes(in)
		if err != nil {
			t.Errorf("ParseEndpointSuffixes(%q): %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseEndpointSuffixes(%q) (-want +got):\n%s", in, diff)
		}
	}
	for _, in := range []string{"corp example", "*.corp.example", "corp..example", "https://corp.example", "corp.example:443", "-corp.example", "."} {
		if _, err := ParseEndpointSuffixes(in); err == nil || !strings.Contains(err.Error(), "--extra-endpoint-suffixes") {
			t.Errorf("ParseEndpointSuffixes(%q) = %v, want an error naming the flag", in, err)
		}
	}
}
