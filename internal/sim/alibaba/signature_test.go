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

import "testing"

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"AZaz09-_.~":            "AZaz09-_.~",
		"a b":                   "a%20b",
		"*":                     "%2A",
		"+":                     "%2B",
		"/":                     "%2F",
		"&=%":                   "%26%3D%25",
		"é":                     "%C3%A9",
		"2016-02-23T12:46:24Z":  "2016-02-23T12%3A46%3A24Z",
		"alice@x.onaliyun.com":  "alice%40x.onaliyun.com",
		"\x00\x7f":              "%00%7F",
		"tok/en+=":              "tok%2Fen%2B%3D",
		"SignatureType=&Action": "SignatureType%3D%26Action",
	} {
		if got := PercentEncode(in); got != want {
			t.Errorf("PercentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignatureVectors checks StringToSign and Sign against vectors computed independently of this package (with
// Python's hmac and urllib.parse.quote(safe="-_.~")); the first one is the example of Alibaba Cloud's
// documentation of the RPC signature, whose published signature is OLeaidS1JvxuMvnyHOwuJ+uX5qY=.
func TestSignatureVectors(t *testing.T) {
	tests := []struct {
		name          string
		method        string
		params        map[string]string
		secret        string
		wantToSign    string
		wantSignature string
	}{{
		name:   "documentation example",
		method: "GET",
		params: map[string]string{
			"Timestamp": "2016-02-23T12:46:24Z", "Format": "XML", "AccessKeyId": "testid", "Action": "DescribeRegions",
			"SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
			"Version": "2014-05-26", "SignatureVersion": "1.0",
		},
		secret: "testsecret",
		wantToSign: "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1" +
			"%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0" +
			"%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
		wantSignature: "OLeaidS1JvxuMvnyHOwuJ+uX5qY=",
	}, {
		name:   "POST with special characters, an empty SignatureType and the Signature left out",
		method: "POST",
		params: map[string]string{
			"Action": "CreateLoginProfile", "Version": "2019-08-15", "Format": "JSON", "AccessKeyId": "sim-access-key-id",
			"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": "nonce-1",
			"Timestamp": "2026-01-02T03:04:05Z", "RegionId": "cn-hangzhou", "SignatureType": "",
			"UserPrincipalName": "alice@example.onaliyun.com", "Password": "a b*c~d+e&f=g/h%ié", "Status": "Active",
			"MFABindRequired": "true", "Signature": "ignored",
		},
		secret: "sim-access-key-secret",
		wantToSign: "POST&%2F&AccessKeyId%3Dsim-access-key-id%26Action%3DCreateLoginProfile%26Format%3DJSON" +
			"%26MFABindRequired%3Dtrue%26Password%3Da%2520b%252Ac~d%252Be%2526f%253Dg%252Fh%2525i%25C3%25A9" +
			"%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dnonce-1%26SignatureType%3D" +
			"%26SignatureVersion%3D1.0%26Status%3DActive%26Timestamp%3D2026-01-02T03%253A04%253A05Z" +
			"%26UserPrincipalName%3Dalice%2540example.onaliyun.com%26Version%3D2019-08-15",
		wantSignature: "IP6VvsDc+scGZefkMS28HL/c/8g=",
	}, {
		name:          "security token",
		method:        "POST",
		params:        map[string]string{"Action": "GetLoginProfile", "SecurityToken": "tok/en+=", "AccessKeyId": "STS.id", "SignatureType": ""},
		secret:        "sts-secret",
		wantToSign:    "POST&%2F&AccessKeyId%3DSTS.id%26Action%3DGetLoginProfile%26SecurityToken%3Dtok%252Fen%252B%253D%26SignatureType%3D",
		wantSignature: "poopFbjr0+hdswoUrWOQKDnZHQY=",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StringToSign(tt.method, tt.params)
			if got != tt.wantToSign {
				t.Fatalf("StringToSign:\n got %s\nwant %s", got, tt.wantToSign)
			}
			if sig := Sign(got, tt.secret); sig != tt.wantSignature {
				t.Errorf("Sign = %s, want %s", sig, tt.wantSignature)
			}
			if sig := Sign(got, tt.secret+"x"); sig == tt.wantSignature {
				t.Errorf("Sign with another secret gave the same signature")
			}
		})
	}
}
