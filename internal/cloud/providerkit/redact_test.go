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

package providerkit

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

func TestRedact(t *testing.T) {
	got := Redactor{}.Redact("Post https://h/?Password=abc%21&AccessKeySecret=xyz: EOF", cloud.NewSensitive("abc%21"), cloud.NewSensitive("xyz"), cloud.Sensitive{})
	if want := "Post https://h/?Password=[redacted]&AccessKeySecret=[redacted]: EOF"; got != want {
		t.Errorf("Redact() = %q, want %q", got, want)
	}
}

func TestVariants(t *testing.T) {
	r := Redactor{Encodings: []func(string) string{strings.ToUpper}}
	got := map[string]bool{}
	vals := r.Variants(cloud.NewSensitive(`a b"<\/`), cloud.Sensitive{})
	for _, v := range vals {
		got[v.Reveal()] = true
	}
	for _, want := range []string{
		`a b"<\/`,           // raw
		`a b\"\u003c\\/`,    // JSON, HTML-escaped (encoding/json)
		`a b\"<\\/`,         // JSON without HTML escaping
		`a+b%22%3C%5C%2F`,   // query
		`a%20b%22%3C%5C%2F`, // path
		`A B"<\/`,           // the cloud's own encoding
	} {
		if !got[want] {
			t.Errorf("missing variant %q in %v", want, got)
		}
	}
	for i := 1; i < len(vals); i++ {
		if len(vals[i].Reveal()) > len(vals[i-1].Reveal()) {
			t.Fatalf("variants not longest first: %q before %q", vals[i-1].Reveal(), vals[i].Reveal())
		}
	}
}

func TestClean(t *testing.T) {
	secret := cloud.NewSensitive("pa ss")
	long := "bad pa+ss at https://h/?Password=pa+ss&x=y " + strings.Repeat("é", MaxMessageLen)
	for _, r := range []Redactor{{}, {StripURLs: true}} {
		got := r.Clean(long, secret)
		if strings.Contains(got, "pa+ss") || strings.Contains(got, "pa ss") {
			t.Errorf("StripURLs %v: the secret survives: %q", r.StripURLs, got)
		}
		if strings.Contains(got, "https://") == r.StripURLs {
			t.Errorf("StripURLs %v: %q", r.StripURLs, got)
		}
		if len(got) > MaxMessageLen+len("...") || !strings.HasSuffix(got, "...") || !utf8.ValidString(got) {
			t.Errorf("StripURLs %v: not shortened on a rune boundary: %d bytes, %q", r.StripURLs, len(got), got[len(got)-8:])
		}
	}
	if got := (Redactor{}).Clean("short"); got != "short" {
		t.Errorf("Clean(short) = %q", got)
	}
}
