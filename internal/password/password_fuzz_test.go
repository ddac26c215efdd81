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

package password

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse reads arbitrary digests, as anyone allowed to edit a status can write them.
// Properties:
//
//   - a digest parse accepts has every parameter within bounds (no large allocation, no long
//     hashing), its key length is its key's, and written back in Digest's format it parses to
//     the same digest;
//   - parse accepts every digest of the documented form within bounds (a reference written
//     with a regexp and strconv), and, line breaks aside (the base64 decoder skips them), only
//     those;
//   - a digest parse refuses matches no password.
func FuzzParse(f *testing.F) {
	salt16, key32 := b64.EncodeToString(bytes.Repeat([]byte{7}, 16)), b64.EncodeToString(bytes.Repeat([]byte{9}, 32))
	for _, s := range []string{
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + key32,
		"$argon2id$v=19$m=32768,t=8,p=4$" + b64.EncodeToString(make([]byte, 64)) + "$" + key32,
		"$argon2id$v=19$m=8,t=1,p=1$" + b64.EncodeToString(make([]byte, 8)) + "$AA",
		"$argon2id$v=19$m=1048576,t=2,p=1$" + salt16 + "$" + key32,
		"$argon2id$v=19$m=4294967296,t=2,p=1$" + salt16 + "$" + key32,
		"$argon2id$v=19$m=19456,t=2,p=256$" + salt16 + "$" + key32,
		"$argon2id$v=19$m=+19456,t=2,p=1$" + salt16 + "$" + key32,
		"$argon2id$v=19$m=019456,t=2,p=1$" + salt16 + "$" + key32,
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "==$" + key32,
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + b64.EncodeToString(make([]byte, maxKeyLen+1)),
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt16[:10] + "\n" + salt16[10:] + "$" + key32,
		"$argon2i$v=19$m=19456,t=2,p=1$" + salt16 + "$" + key32,
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt16,
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parse(s)
		ref, refOK := referenceParse(s)
		if refOK && (!ok || !sameDigest(d, ref)) {
			t.Fatalf("parse(%q) = %+v, %v; the reference reads %+v", s, d, ok, ref)
		}
		if !ok {
			if Matches(s, "") || Matches(s, "x") {
				t.Fatalf("a digest parse refuses matched: %q", s)
			}
			return
		}
		if !strings.ContainsAny(s, "\r\n") && !refOK {
			t.Fatalf("parse accepts %q (%+v), the reference does not", s, d)
		}
		if d.memoryKiB < 1 || d.memoryKiB > maxMemoryKiB || d.passes < 1 || d.passes > maxPasses || d.lanes < 1 || d.lanes > maxLanes ||
			len(d.salt) < minSaltLen || len(d.salt) > maxSaltLen || len(d.key) < 1 || len(d.key) > maxKeyLen || int(d.keyLen) != len(d.key) {
			t.Fatalf("parse(%q) accepted out-of-bounds parameters: m=%d t=%d p=%d salt=%d key=%d keyLen=%d",
				s, d.memoryKiB, d.passes, d.lanes, len(d.salt), len(d.key), d.keyLen)
		}
		again, ok := parse(format(d))
		if !ok || !sameDigest(again, d) {
			t.Fatalf("%q written back as %q reads %+v, %v", s, format(d), again, ok)
		}
	})
}

// FuzzDigest: Digest of any password is a digest parse accepts, with the parameters Digest
// writes, that matches that password and no other; a digest whose key is altered matches
// nothing. Each run hashes three times (19 MiB each): it is slow by design.
func FuzzDigest(f *testing.F) {
	for _, pw := range []string{"Correct-Horse-9", "", "S3cret pass*~!\"<word>&", "ü\x00\xff", strings.Repeat("p", 200)} {
		f.Add(pw)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		if len(pw) > 1024 {
			t.Skip()
		}
		s, err := Digest(pw)
		if err != nil {
			t.Fatal(err)
		}
		d, ok := parse(s)
		if !ok || d.memoryKiB != memoryKiB || d.passes != passes || d.lanes != lanes || len(d.salt) != saltLen || len(d.key) != keyLen {
			t.Fatalf("Digest wrote %q, parsed %+v, %v", s, d, ok)
		}
		if len(pw) >= 8 && strings.Contains(s, pw) {
			t.Fatalf("the digest %q holds the password", s)
		}
		if !Matches(s, pw) {
			t.Fatalf("the digest of %q does not match it", pw)
		}
		if Matches(s, pw+"x") {
			t.Fatalf("the digest of %q matches %q", pw, pw+"x")
		}
		d.key[0] ^= 1
		if Matches(format(d), pw) {
			t.Fatal("a digest with another key matches")
		}
	})
}

// format writes d as Digest does.
func format(d digest) string {
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", d.memoryKiB, d.passes, d.lanes, b64.EncodeToString(d.salt), b64.EncodeToString(d.key))
}

func sameDigest(a, b digest) bool {
	return a.memoryKiB == b.memoryKiB && a.passes == b.passes && a.lanes == b.lanes && a.keyLen == b.keyLen &&
		bytes.Equal(a.salt, b.salt) && bytes.Equal(a.key, b.key)
}

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=([1-9][0-9]*),t=([1-9][0-9]*),p=([1-9][0-9]*)\$([A-Za-z0-9+/]*)\$([A-Za-z0-9+/]*)$`)

// referenceParse is parse as its comment describes it, written another way.
func referenceParse(s string) (digest, bool) {
	m := phcPattern.FindStringSubmatch(s)
	if m == nil {
		return digest{}, false
	}
	num := func(v string, most uint64) (uint64, bool) {
		n, err := strconv.ParseUint(v, 10, 64)
		return n, err == nil && n <= most
	}
	mem, ok1 := num(m[1], maxMemoryKiB)
	t, ok2 := num(m[2], maxPasses)
	p, ok3 := num(m[3], maxLanes)
	salt, err1 := base64.RawStdEncoding.DecodeString(m[4])
	key, err2 := base64.RawStdEncoding.DecodeString(m[5])
	if !ok1 || !ok2 || !ok3 || err1 != nil || err2 != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen || len(key) == 0 || len(key) > maxKeyLen {
		return digest{}, false
	}
	return digest{memoryKiB: uint32(mem), passes: uint32(t), lanes: uint8(p), salt: salt, key: key, keyLen: uint32(len(key))}, true
}
