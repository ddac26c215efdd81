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

// Package password records which password was applied without keeping anything that can be
// reversed offline: a salted argon2id hash in the PHC string format, the same form password
// databases use. The operator compares a Secret's current value with it to decide whether to send
// the password again, so an unchanged password is never re-applied.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Parameters: OWASP's recommended minimum for argon2id (19 MiB, 2 passes, 1 lane).
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32

	// maxKeyLen bounds the key length Matches accepts in a digest, as m and t are bounded: far
	// above keyLen, and small enough that it always fits argon2's uint32 key length.
	maxKeyLen = 1024
)

var b64 = base64.RawStdEncoding

// Digest returns a new salted argon2id hash of pw.
func Digest(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("reading random salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, lanes, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Matches reports whether pw is the password digest was made from. A malformed digest matches
// nothing.
func Matches(digest, pw string) bool {
	parts := strings.Split(digest, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<20 || t > 16 {
		return false
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil {
		return false
	}
	n := len(key)
	if n == 0 || n > maxKeyLen {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(n))
	return subtle.ConstantTimeCompare(got, key) == 1
}
