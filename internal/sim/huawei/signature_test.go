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
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"AZaz09-_.~":       "AZaz09-_.~",
		"a b":              "a%20b",
		"*":                "%2A",
		"+":                "%2B",
		"/":                "%2F",
		"&=%":              "%26%3D%25",
		"é":                "%C3%A9",
		"\x00\x7f":         "%00%7F",
		"20260102T030405Z": "20260102T030405Z",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalURI(t *testing.T) {
	for in, want := range map[string]string{
		"":                                  "/",
		"/":                                 "/",
		"/v5/users/abc/login-profile":       "/v5/users/abc/login-profile/",
		"/v5/users/abc/login-profile/":      "/v5/users/abc/login-profile/",
		"/v5/users/a b/c%d/login-profile":   "/v5/users/a%20b/c%25d/login-profile/",
		"/v5/users/a/b/login-profile":       "/v5/users/a/b/login-profile/",
		"/v5/users/caf\u00e9/login-profile": "/v5/users/caf%C3%A9/login-profile/",
	} {
		if got := CanonicalURI(in); got != want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignatureVectors checks CanonicalRequest, StringToSign and Sign against vectors computed independently of
// this package and of the SDK, with Python's hashlib, hmac and urllib.parse.quote(safe="-_.~").
func TestSignatureVectors(t *testing.T) {
	const date = "20260102T030405Z"
	sdkBody := `{"password":"Str0ng-Passw0rd!","password_reset_required":true}` + "\n" // the SDK's JSON encoder ends with \n
	tests := []struct {
		name          string
		method, path  string
		query         url.Values
		header        http.Header
		host          string
		signed        []string
		payloadHash   string
		secret        string
		wantCanonical string
		wantToSign    string
		wantSignature string
	}{{
		name:   "an UpdateLoginProfileV5 as the SDK sends it",
		method: "PUT", path: "/v5/users/a11ce000000000000000000000000000/login-profile",
		header: http.Header{
			"User-Agent": {"huaweicloud-usdk-go/3.0"}, "X-Domain-Id": {"0a1b2c3d4e5f60718293a4b5c6d7e8f9"},
			"X-Sdk-Date": {date}, "Content-Type": {"application/json"},
		},
		host:        "127.0.0.1:8080",
		signed:      []string{"user-agent", "x-domain-id", "x-sdk-date"},
		payloadHash: PayloadHash([]byte(sdkBody)),
		secret:      "sim-access-key-secret",
		wantCanonical: "PUT\n/v5/users/a11ce000000000000000000000000000/login-profile/\n\n" +
			"user-agent:huaweicloud-usdk-go/3.0\nx-domain-id:0a1b2c3d4e5f60718293a4b5c6d7e8f9\nx-sdk-date:20260102T030405Z\n\n" +
			"user-agent;x-domain-id;x-sdk-date\n367615fe41dd2d9db2d939cf0b2259297dc777e7bc97e309873b87e6191dd806",
		wantToSign:    "SDK-HMAC-SHA256\n20260102T030405Z\n6dcc24c099d9fbd0422b11700ad7b3613060be83ddc510874f15de7a3fcb52a5",
		wantSignature: "1515eeda9c9045a50285ee85f62755ab38d494f2ae6b99fbba87a947143a476f",
	}, {
		name:   "odd path, query, repeated header, host, security token, unsigned payload",
		method: "GET", path: "/v5/users/user id/é%+*~/login-profile",
		query: url.Values{"a": {"2", "1"}, "b c": {"x/y"}, "empty": {""}},
		header: http.Header{
			"X-Security-Token": {"tok/en+="}, "X-Sdk-Date": {date}, "X-Domain-Id": {"0a1b2c3d4e5f60718293a4b5c6d7e8f9"},
			"X-Multi": {"b", " a "},
		},
		host:        "127.0.0.1:8080",
		signed:      []string{"host", "x-domain-id", "x-multi", "x-sdk-date", "x-security-token"},
		payloadHash: UnsignedPayload,
		secret:      "sts-secret",
		wantCanonical: "GET\n/v5/users/user%20id/%C3%A9%25%2B%2A~/login-profile/\na=1&a=2&b%20c=x%2Fy&empty=\n" +
			"host:127.0.0.1:8080\nx-domain-id:0a1b2c3d4e5f60718293a4b5c6d7e8f9\nx-multi:a\nx-multi:b\n" +
			"x-sdk-date:20260102T030405Z\nx-security-token:tok/en+=\n\n" +
			"host;x-domain-id;x-multi;x-sdk-date;x-security-token\nUNSIGNED-PAYLOAD",
		wantToSign:    "SDK-HMAC-SHA256\n20260102T030405Z\n7e465ba52b053e26a3a1f2fc86f79d18d8a14a8bf0cfd91a4ec98fc1cb237cac",
		wantSignature: "09a8e1b4010f9291e7e0205c25fbfe961318001f2233b89e54433da5001345e1",
	}, {
		name:   "a signed header the request lacks, empty body",
		method: "DELETE", path: "/v5/users/x/login-profile",
		header:        http.Header{},
		signed:        []string{"x-sdk-date"},
		payloadHash:   PayloadHash(nil),
		secret:        "k",
		wantCanonical: "DELETE\n/v5/users/x/login-profile/\n\n\n\nx-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		wantToSign:    "SDK-HMAC-SHA256\n20260102T030405Z\nd8627e3edd6c021e03046132075cdb25ae7c1497607d093a5b2de844c9a7c817",
		wantSignature: "7c1f66941e3bb5839764bd46fea20cbf4c77ce526142f0f227dcac562c5d4994",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cr := CanonicalRequest(tt.method, tt.path, tt.query, tt.header, tt.host, tt.signed, tt.payloadHash)
			if cr != tt.wantCanonical {
				t.Fatalf("CanonicalRequest:\n got %q\nwant %q", cr, tt.wantCanonical)
			}
			sts := StringToSign(date, cr)
			if sts != tt.wantToSign {
				t.Fatalf("StringToSign:\n got %q\nwant %q", sts, tt.wantToSign)
			}
			if sig := Sign(sts, tt.secret); sig != tt.wantSignature {
				t.Errorf("Sign = %s, want %s", sig, tt.wantSignature)
			}
			if sig := Sign(sts, tt.secret+"x"); sig == tt.wantSignature {
				t.Error("Sign with another secret gave the same signature")
			}
		})
	}
}

func TestSignRequestMatchesTheVector(t *testing.T) {
	body := `{"password":"Str0ng-Passw0rd!","password_reset_required":true}` + "\n"
	r, err := http.NewRequest("PUT", "http://127.0.0.1:8080/v5/users/a11ce000000000000000000000000000/login-profile", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
	r.Header.Set("X-Domain-Id", "0a1b2c3d4e5f60718293a4b5c6d7e8f9")
	r.Header.Set("Content-Type", "application/json")
	SignRequest(r, []byte(body), "AK", "sim-access-key-secret", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	want := "SDK-HMAC-SHA256 Access=AK, SignedHeaders=user-agent;x-domain-id;x-sdk-date, " +
		"Signature=1515eeda9c9045a50285ee85f62755ab38d494f2ae6b99fbba87a947143a476f"
	if got := r.Header.Get(HeaderAuthorization); got != want {
		t.Errorf("Authorization:\n got %s\nwant %s", got, want)
	}
}

func TestParseAuthorization(t *testing.T) {
	a, reason := parseAuthorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=abc")
	if reason != "" || a.accessKeyID != "AK" || strings.Join(a.signedHeaders, ";") != "a;b" || a.signature != "abc" {
		t.Fatalf("parseAuthorization = %+v, %q", a, reason)
	}
	for _, h := range []string{
		"SDK-HMAC-SM3 Access=AK, SignedHeaders=a, Signature=abc",
		"V11-HMAC-SHA256 Access=AK, SignedHeaders=a, Signature=abc",
		"SDK-HMAC-SHA256 Access=AK, SignedHeaders=a",
		"SDK-HMAC-SHA256 Access=AK SignedHeaders=a Signature=abc",
		"SDK-HMAC-SHA256 Access=AK, SignedHeaders=a, Signature=abc, Extra=1",
		"Bearer token",
	} {
		if _, reason := parseAuthorization(h); reason == "" {
			t.Errorf("parseAuthorization(%q) accepted it", h)
		}
	}
}
