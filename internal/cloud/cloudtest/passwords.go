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

package cloudtest

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// RealisticPassword keeps the passwords the redaction property can be stated for: 8 to 64 bytes
// of UTF-8 (the clouds' minimum is 8), not made of letters alone, and without the characters that
// border the parts of an error text (' ', ':', '.', '(', ')', '[', ']'): a password holding them
// could be formed across a border by text that never held it, such as a code "pass" before
// ": word", or inside a redaction marker ("redacted" in "[redacted]").
func RealisticPassword(pw string) bool {
	if len(pw) < 8 || len(pw) > 64 || !utf8.ValidString(pw) || strings.ContainsAny(pw, " :.()[]") {
		return false
	}
	return strings.ContainsFunc(pw, func(r rune) bool { return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') })
}

// PasswordForms returns pw in each form an error text of any cloud may quote it, keyed by its
// placeholder: {pw} raw, {q} query-escaped, {path} path-escaped, {json} and {jsonhtml}
// JSON-escaped without and with HTML escaping. A cloud's tests add the forms of its own wire.
// They are computed here, not with the providers' helpers, so that a wrong helper shows.
func PasswordForms(pw string) map[string]string {
	return map[string]string{
		"{pw}": pw, "{q}": url.QueryEscape(pw), "{path}": url.PathEscape(pw),
		"{json}": JSONString(pw, false), "{jsonhtml}": JSONString(pw, true),
	}
}

// JSONString is s as inside a JSON string, with or without encoding/json's HTML escaping.
func JSONString(s string, html bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(s)
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(b.String(), "\n"), `"`), `"`)
}

// Expand puts the forms in place of their placeholders in s.
func Expand(s string, forms map[string]string) string {
	for k, v := range forms {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

// ContainsAny reports whether s holds any of the forms.
func ContainsAny(s string, forms map[string]string) bool {
	for _, v := range forms {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// CheckNoPassword fails if err's Error() or its cloud.Summary holds the password in any of its
// forms.
func CheckNoPassword(t testing.TB, err error, forms map[string]string) {
	t.Helper()
	for _, s := range []string{err.Error(), cloud.Summary(err)} {
		for name, v := range forms {
			if strings.Contains(s, v) {
				t.Fatalf("the password (%s %q) survives in %q", name, v, s)
			}
		}
	}
}
