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
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// MaxMessageLen caps the cloud's message kept in an error (a status condition is not a log).
const MaxMessageLen = 512

// Redactor takes the secrets out of error texts: passwords, access key secrets and tokens, in
// every encoding a cloud's wire gives them. Texts are built from the parts of an SDK's error known
// to be clean; the redactor is the second line of defence.
type Redactor struct {
	// Encodings are the forms of a secret on the cloud's wire besides the raw value, the query-
	// and path-escaped forms and the JSON-escaped ones, which every cloud may quote.
	Encodings []func(string) string
	// StripURLs removes anything that looks like a URL or a query string, for a cloud whose SDK
	// puts the parameters, the password among them, in the URL.
	StripURLs bool
}

// urlPattern matches anything that looks like a URL or a query string, wherever it appears.
var urlPattern = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://\S*|/?\?\S*=\S*`)

// Clean redacts the secrets from s, removes URLs when StripURLs is set, and shortens it to
// MaxMessageLen bytes without breaking a UTF-8 sequence.
func (r Redactor) Clean(s string, secrets ...cloud.Sensitive) string {
	if r.StripURLs {
		s = urlPattern.ReplaceAllString(s, "[url removed]")
	}
	s = r.Redact(s, secrets...)
	if len(s) > MaxMessageLen {
		cut := MaxMessageLen
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Redact replaces every form of the secrets (see Variants) in s with "[redacted]".
func (r Redactor) Redact(s string, secrets ...cloud.Sensitive) string {
	for _, v := range r.Variants(secrets...) {
		s = strings.ReplaceAll(s, v.Reveal(), "[redacted]")
	}
	return s
}

// Variants returns each secret as it may appear in a text: raw, query-escaped, path-escaped,
// JSON-escaped with and without HTML escaping (encoding/json escapes <, > and &; the SDKs'
// marshallers may not), and in each of the cloud's Encodings; longest first, so that no
// replacement breaks a longer one.
func (r Redactor) Variants(secrets ...cloud.Sensitive) []cloud.Sensitive {
	seen := map[string]bool{}
	var vals []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			vals = append(vals, v)
		}
	}
	for _, s := range secrets {
		if s.IsZero() {
			continue
		}
		v := s.Reveal()
		add(v)
		add(url.QueryEscape(v))
		add(url.PathEscape(v))
		add(JSONEscape(v, true))
		add(JSONEscape(v, false))
		for _, enc := range r.Encodings {
			add(enc(v))
		}
	}
	sort.SliceStable(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	out := make([]cloud.Sensitive, len(vals))
	for i, v := range vals {
		out[i] = cloud.NewSensitive(v)
	}
	return out
}

// JSONEscape is s as inside a JSON string, with or without HTML escaping: the form a secret takes
// in a JSON body that an error text quotes.
func JSONEscape(s string, html bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(s); err != nil {
		return s
	}
	out := strings.TrimSuffix(b.String(), "\n")
	return strings.TrimSuffix(strings.TrimPrefix(out, `"`), `"`)
}
