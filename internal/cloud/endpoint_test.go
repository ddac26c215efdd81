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
		err := CheckEndpointHost("spec.x.endpoint", tc.host, tc.own, tc.extra)
		if tc.ok {
			if err != nil {
				t.Errorf("CheckEndpointHost(%q, own %v, extra %v) = %v, want nil", tc.host, tc.own, tc.extra, err)
			}
			continue
		}
		if !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("CheckEndpointHost(%q, own %v, extra %v) = %v, want an ErrInvalidConfig error", tc.host, tc.own, tc.extra, err)
		}
	}

	err := CheckEndpointHost("spec.alibaba.endpoint", "ims.example.com", own, []string{".Corp.Example."})
	want := `spec.alibaba.endpoint: host "ims.example.com" is neither in an allowed domain (aliyuncs.com, corp.example) nor a loopback host; ` +
		"for a private deployment, add its domain to the manager's --extra-endpoint-suffixes"
	if err == nil || err.Error() != want {
		t.Errorf("message:\n got %v\nwant %s", err, want)
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
