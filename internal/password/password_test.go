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
	"runtime"
	"strings"
	"testing"
)

func TestDigestMatches(t *testing.T) {
	d, err := Digest("Correct-Horse-9")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("digest %q is not an argon2id PHC string with the expected parameters", d)
	}
	if strings.Contains(d, "Correct-Horse-9") {
		t.Fatal("digest contains the password")
	}
	if !Matches(d, "Correct-Horse-9") {
		t.Error("digest does not match its own password")
	}
	for _, other := range []string{"", "Correct-Horse-8", "correct-horse-9", "Correct-Horse-9 "} {
		if Matches(d, other) {
			t.Errorf("digest matches %q", other)
		}
	}
	d2, err := Digest("Correct-Horse-9")
	if err != nil {
		t.Fatal(err)
	}
	if d2 == d {
		t.Error("two digests of one password are equal: the salt is not random")
	}
}

func TestMatchesRejectsMalformed(t *testing.T) {
	for _, d := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=0,t=2,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$a2V5", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$"} {
		if Matches(d, "x") {
			t.Errorf("malformed digest %q matched", d)
		}
	}
}

// TestParseBounds: the parameters read back from a status are bounded, so that an edited digest
// cannot make the operator allocate gigabytes or hash for minutes: out of bounds matches nothing.
func TestParseBounds(t *testing.T) {
	salt16, salt8, salt64 := b64.EncodeToString(make([]byte, 16)), b64.EncodeToString(make([]byte, 8)), b64.EncodeToString(make([]byte, 64))
	key := b64.EncodeToString(make([]byte, 32))
	phc := func(params, salt string) string { return "$argon2id$v=19$" + params + "$" + salt + "$" + key }
	tests := []struct {
		name, digest string
		ok           bool
	}{
		{"what Digest writes", phc("m=19456,t=2,p=1", salt16), true},
		{"every bound at its maximum", phc("m=32768,t=8,p=4", salt64), true},
		{"smallest salt", phc("m=8,t=1,p=1", salt8), true},
		{"1 GiB of memory", phc("m=1048576,t=2,p=1", salt16), false},
		{"memory one above the bound", phc("m=32769,t=2,p=1", salt16), false},
		{"memory beyond uint32", phc("m=4294967296,t=2,p=1", salt16), false},
		{"no memory", phc("m=0,t=2,p=1", salt16), false},
		{"nine passes", phc("m=19456,t=9,p=1", salt16), false},
		{"many passes", phc("m=19456,t=4294967295,p=1", salt16), false},
		{"no pass", phc("m=19456,t=0,p=1", salt16), false},
		{"five lanes", phc("m=19456,t=2,p=5", salt16), false},
		{"lanes beyond uint8", phc("m=19456,t=2,p=256", salt16), false},
		{"no lane", phc("m=19456,t=2,p=0", salt16), false},
		{"negative", phc("m=-1,t=2,p=1", salt16), false},
		{"sign", phc("m=+19456,t=2,p=1", salt16), false},
		{"leading zero", phc("m=019456,t=2,p=1", salt16), false},
		{"trailing text", phc("m=19456,t=2,p=1x", salt16), false},
		{"space", phc("m=19456, t=2,p=1", salt16), false},
		{"another order", phc("t=2,m=19456,p=1", salt16), false},
		{"extra parameter", phc("m=19456,t=2,p=1,x=1", salt16), false},
		{"salt too short", phc("m=19456,t=2,p=1", b64.EncodeToString(make([]byte, 7))), false},
		{"salt too long", phc("m=19456,t=2,p=1", b64.EncodeToString(make([]byte, 65))), false},
		{"padded salt", phc("m=19456,t=2,p=1", salt16+"=="), false},
		{"key too long", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + b64.EncodeToString(make([]byte, maxKeyLen+1)), false},
		{"version with trailing text", "$argon2id$v=19x$m=19456,t=2,p=1$" + salt16 + "$" + key, false},
		{"text before", "x$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + key, false},
	}
	for _, tc := range tests {
		if _, ok := parse(tc.digest); ok != tc.ok {
			t.Errorf("%s: parse(%q) ok = %v, want %v", tc.name, tc.digest, ok, tc.ok)
		}
	}
}

// TestMatchesOutOfBoundsAllocatesNothingLarge: Matches refuses a digest asking for 1 GiB before
// hashing. The bytes it allocates are counted (no timing): argon2 with these parameters would
// allocate the whole gibibyte.
func TestMatchesOutOfBoundsAllocatesNothingLarge(t *testing.T) {
	allocated := func(d string) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if Matches(d, "x") {
			t.Errorf("%s matched", d)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	// The control: hashing within bounds allocates its 19 MiB, so the count would see a hash.
	valid, err := Digest("Correct-Horse-9")
	if err != nil {
		t.Fatal(err)
	}
	if n := allocated(valid); n < memoryKiB*1024 {
		t.Fatalf("Matches of a valid digest allocated %d bytes, want at least %d: the count does not see hashing", n, memoryKiB*1024)
	}
	salt, key := b64.EncodeToString(make([]byte, 16)), b64.EncodeToString(make([]byte, 32))
	for _, params := range []string{"m=1048576,t=2,p=1", "m=19456,t=4096,p=1", "m=19456,t=2,p=255"} {
		if n := allocated("$argon2id$v=19$" + params + "$" + salt + "$" + key); n > 1<<20 {
			t.Errorf("%s: Matches allocated %d bytes, want less than 1 MiB: the digest was hashed", params, n)
		}
	}
}

// BenchmarkDigest is the cost of recording a password: paid once per create or rotation.
func BenchmarkDigest(b *testing.B) {
	for b.Loop() {
		if _, err := Digest("Correct-Horse-9"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatches is the cost of checking a Secret: paid only when its resourceVersion changed.
func BenchmarkMatches(b *testing.B) {
	d, err := Digest("Correct-Horse-9")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if !Matches(d, "Correct-Horse-9") {
			b.Fatal("no match")
		}
	}
}
