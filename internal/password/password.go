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
)

// Bounds of the parameters Matches accepts in a digest. A digest is read back from a status
// anyone allowed to edit it can change: without bounds, a digest asking for gigabytes of memory or
// thousands of passes would make the operator allocate or spin on every reconcile. The bounds sit
// well above what Digest writes, so that its parameters can grow a little without invalidating the
// digests already recorded.
const (
	maxMemoryKiB = 32 * 1024 // 32 MiB
	maxPasses    = 8
	maxLanes     = 4
	minSaltLen   = 8
	maxSaltLen   = 64
	// maxKeyLen bounds the key length: far above keyLen, and small enough that it always fits
	// argon2's uint32 key length.
	maxKeyLen = 1024
)

var b64 = base64.RawStdEncoding

// hashing bounds how many hashes are computed at once, whatever the number of concurrent
// reconciles: with the memory bound, argon2 never holds more than 2 x 32 MiB, well inside the
// manager's memory limit, even when every digest in status was forged to the maximum.
var hashing = make(chan struct{}, 2)

func idKey(pw, salt []byte, passes, memoryKiB uint32, lanes uint8, keyLen uint32) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey(pw, salt, passes, memoryKiB, lanes, keyLen)
}

// Digest returns a new salted argon2id hash of pw.
func Digest(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("reading random salt: %w", err)
	}
	key := idKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, lanes, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Matches reports whether pw is the password digest was made from. A malformed digest, or one
// whose parameters are out of bounds, matches nothing, and costs no hashing.
func Matches(digest, pw string) bool {
	d, ok := parse(digest)
	if !ok {
		return false
	}
	got := idKey([]byte(pw), d.salt, d.passes, d.memoryKiB, d.lanes, d.keyLen)
	return subtle.ConstantTimeCompare(got, d.key) == 1
}

// digest is a parsed argon2id PHC string.
type digest struct {
	memoryKiB, passes uint32
	lanes             uint8
	salt, key         []byte
	keyLen            uint32
}

// parse reads an argon2id PHC string, "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>"
// with unpadded standard base64, and reports whether it is well formed with every parameter
// within bounds. The numbers must be written as Digest writes them (no sign, no leading zero, no
// trailing text).
func parse(s string) (digest, bool) {
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return digest{}, false
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return digest{}, false
	}
	var d digest
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &d.memoryKiB, &d.passes, &d.lanes); err != nil ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", d.memoryKiB, d.passes, d.lanes) {
		return digest{}, false
	}
	if d.memoryKiB == 0 || d.memoryKiB > maxMemoryKiB || d.passes == 0 || d.passes > maxPasses || d.lanes == 0 || d.lanes > maxLanes {
		return digest{}, false
	}
	// Lengths first: nothing is decoded, so nothing allocated, for an oversized salt or key.
	if len(parts[4]) > b64.EncodedLen(maxSaltLen) || len(parts[5]) > b64.EncodedLen(maxKeyLen) {
		return digest{}, false
	}
	var err error
	if d.salt, err = b64.DecodeString(parts[4]); err != nil || len(d.salt) < minSaltLen || len(d.salt) > maxSaltLen {
		return digest{}, false
	}
	if d.key, err = b64.DecodeString(parts[5]); err != nil {
		return digest{}, false
	}
	n := len(d.key)
	if n == 0 || n > maxKeyLen {
		return digest{}, false
	}
	d.keyLen = uint32(n)
	return d, true
}
