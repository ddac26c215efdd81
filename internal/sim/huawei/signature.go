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
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// The SDK-HMAC-SHA256 signature, as the official SDK computes it (core/auth/signer/signer.go).
const (
	// Algorithm is the only signing algorithm the simulator accepts, the SDK's default.
	Algorithm = "SDK-HMAC-SHA256"
	// DateLayout is the layout of the X-Sdk-Date header.
	DateLayout = "20060102T150405Z"
	// UnsignedPayload, as the value of X-Sdk-Content-Sha256, stands for the body's hash in the canonical request.
	UnsignedPayload = "UNSIGNED-PAYLOAD"
)

// Headers of the protocol.
const (
	HeaderAuthorization = "Authorization"
	HeaderSdkDate       = "X-Sdk-Date"
	HeaderDomainID      = "X-Domain-Id"
	HeaderSecurityToken = "X-Security-Token"
	HeaderContentSha256 = "X-Sdk-Content-Sha256"
	// HeaderRequestID is on every answer of the API; the SDK reads a ServiceResponseError's RequestId from it.
	HeaderRequestID = "X-Request-Id"
)

// Escape encodes s as the signature requires: RFC 3986 (simcore.PercentEncode).
func Escape(s string) string { return simcore.PercentEncode(s) }

// CanonicalURI is the path of the canonical request: every /-separated segment of the (decoded) path escaped,
// with a trailing "/".
func CanonicalURI(path string) string {
	segments := strings.Split(path, "/")
	for i, s := range segments {
		segments[i] = Escape(s)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// CanonicalQuery is the query string of the canonical request: the parameters sorted by name, the values of a name
// sorted, name and value escaped, joined as name=value with &. A parameter without value is name=.
func CanonicalQuery(query url.Values) string {
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		values := append([]string(nil), query[k]...)
		sort.Strings(values)
		for _, v := range values {
			parts = append(parts, Escape(k)+"="+Escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// CanonicalHeaders are the signed headers of the canonical request, one "name:value" line each (the names lower
// case, in the order given, the values of a name sorted and trimmed), each line ending with "\n". The host header
// is host. A signed header the request does not carry gives no line, as in the SDK.
func CanonicalHeaders(header http.Header, host string, signedHeaders []string) string {
	var b strings.Builder
	for _, name := range signedHeaders {
		var values []string
		if name == "host" {
			if host != "" {
				values = []string{host}
			}
		} else {
			values = append(values, header.Values(name)...)
		}
		sort.Strings(values)
		for _, v := range values {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	if b.Len() == 0 {
		return "\n"
	}
	return b.String()
}

// CanonicalRequest is method, canonical URI, canonical query, canonical headers, the signed header names joined
// with ";" and the payload hash (PayloadHash of the body, or UnsignedPayload), separated by "\n".
func CanonicalRequest(method, path string, query url.Values, header http.Header, host string, signedHeaders []string, payloadHash string) string {
	return strings.Join([]string{
		method,
		CanonicalURI(path),
		CanonicalQuery(query),
		CanonicalHeaders(header, host, signedHeaders),
		strings.Join(signedHeaders, ";"),
		payloadHash,
	}, "\n")
}

// PayloadHash is the lower-case hex SHA-256 of body.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// StringToSign is "SDK-HMAC-SHA256\n" + the X-Sdk-Date value + "\n" + PayloadHash(canonicalRequest).
func StringToSign(sdkDate, canonicalRequest string) string {
	return Algorithm + "\n" + sdkDate + "\n" + PayloadHash([]byte(canonicalRequest))
}

// Sign is the lower-case hex HMAC-SHA256 of stringToSign keyed with the secret access key.
func Sign(stringToSign, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// AuthorizationHeader is the value of the Authorization header.
func AuthorizationHeader(accessKeyID string, signedHeaders []string, signature string) string {
	return Algorithm + " Access=" + accessKeyID + ", SignedHeaders=" + strings.Join(signedHeaders, ";") + ", Signature=" + signature
}

// SignRequest signs r as the SDK does, for tests that speak the protocol without the SDK: it sets X-Sdk-Date to
// now (unless r has one) and Authorization. It signs every header r.Header holds but Content-Type and the names
// with "_" (the SDK does not sign Host unless given as a header). The payload hash is X-Sdk-Content-Sha256 when set,
// else PayloadHash(body); body must be the body r sends.
func SignRequest(r *http.Request, body []byte, accessKeyID, secret string, now time.Time) {
	if r.Header.Get(HeaderSdkDate) == "" {
		r.Header.Set(HeaderSdkDate, now.UTC().Format(DateLayout))
	}
	r.Header.Del(HeaderAuthorization)
	var signed []string
	for name := range r.Header {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "content-type") || strings.Contains(name, "_") {
			continue
		}
		signed = append(signed, lower)
	}
	sort.Strings(signed)
	payloadHash := r.Header.Get(HeaderContentSha256)
	if payloadHash == "" {
		payloadHash = PayloadHash(body)
	}
	cr := CanonicalRequest(r.Method, r.URL.Path, r.URL.Query(), r.Header, r.Host, signed, payloadHash)
	sig := Sign(StringToSign(r.Header.Get(HeaderSdkDate), cr), secret)
	r.Header.Set(HeaderAuthorization, AuthorizationHeader(accessKeyID, signed, sig))
}

// authorization is a parsed Authorization header.
type authorization struct {
	accessKeyID   string
	signedHeaders []string
	signature     string
}

// parseAuthorization reads "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex"; it returns the reason
// when the header is not that.
func parseAuthorization(h string) (authorization, string) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if alg != Algorithm {
		return authorization{}, "unsupported signing algorithm " + alg + ": only " + Algorithm + " is supported"
	}
	var a authorization
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return authorization{}, "malformed Authorization header"
		}
		switch k {
		case "Access":
			a.accessKeyID = v
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		default:
			return authorization{}, "malformed Authorization header: unknown field " + k
		}
	}
	if a.accessKeyID == "" || len(a.signedHeaders) == 0 || a.signature == "" {
		return authorization{}, "malformed Authorization header: Access, SignedHeaders and Signature are required"
	}
	return a, ""
}

// signatureMatches compares a received signature with the expected one in constant time.
func signatureMatches(got, want string) bool {
	return hmac.Equal([]byte(got), []byte(want))
}
