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
	"crypto/hmac"
	"crypto/sha1" // HMAC-SHA1 is what the Alibaba Cloud RPC signature v1 is made of.
	"encoding/base64"
	"sort"
	"strings"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// PercentEncode encodes s as Alibaba Cloud's RPC signature requires: RFC 3986 (simcore.PercentEncode).
func PercentEncode(s string) string { return simcore.PercentEncode(s) }

// CanonicalQuery is the canonicalized query string of the RPC signature v1: every parameter but Signature, sorted
// by key, key and value percent-encoded (PercentEncode), joined as k=v with &. Parameters with an empty value (the
// SDK always sends an empty SignatureType) are kept.
func CanonicalQuery(params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k == ParamSignature {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(PercentEncode(k))
		b.WriteByte('=')
		b.WriteString(PercentEncode(params[k]))
	}
	return b.String()
}

// StringToSign is the RPC signature v1 string to sign: METHOD&%2F&PercentEncode(CanonicalQuery(params)).
func StringToSign(method string, params map[string]string) string {
	return method + "&" + PercentEncode("/") + "&" + PercentEncode(CanonicalQuery(params))
}

// Sign returns base64(HMAC-SHA1(stringToSign)) keyed with accessKeySecret + "&".
func Sign(stringToSign, accessKeySecret string) string {
	mac := hmac.New(sha1.New, []byte(accessKeySecret+"&"))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// signatureMatches compares a received signature with the expected one in constant time.
func signatureMatches(got, want string) bool {
	return hmac.Equal([]byte(got), []byte(want))
}
