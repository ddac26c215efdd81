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

package cloud

// Sensitive is a password, access key secret or token. It prints as "[redacted]" in every format, JSON included, so a
// stray log line or error cannot leak it; Reveal returns the value for the one call that sends it.
type Sensitive struct{ value string }

// NewSensitive wraps a secret value.
func NewSensitive(s string) Sensitive { return Sensitive{value: s} }

// Reveal returns the value itself. Call it only to put it on the wire.
func (p Sensitive) Reveal() string { return p.value }

// IsZero reports whether no value is set.
func (p Sensitive) IsZero() bool { return p.value == "" }

// String implements fmt.Stringer without revealing the value.
func (Sensitive) String() string { return "[redacted]" }

// GoString implements fmt.GoStringer without revealing the value.
func (Sensitive) GoString() string { return "[redacted]" }

// MarshalJSON never reveals the value.
func (Sensitive) MarshalJSON() ([]byte, error) { return []byte(`"[redacted]"`), nil }

// MarshalText never reveals the value.
func (Sensitive) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }
