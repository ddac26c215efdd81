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
