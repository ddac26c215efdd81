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

package simcore

import (
	"maps"
	"time"
)

// The credentials a simulated account accepts when its cloud's options name none, and how far a
// signed request's date may be from the wall clock by default (the clouds' 15 minutes).
const (
	DefaultAccessKeyID        = "sim-access-key-id"
	DefaultAccessKeySecret    = "sim-access-key-secret"
	DefaultTimestampTolerance = 15 * time.Minute
)

// Credentials are what a cloud simulator's signature check consults, whatever the signature: the
// access keys accepted, the STS tokens some of them need, and how old a request's date may be.
// They are read-only once built, so safe for concurrent use.
type Credentials struct {
	secrets, tokens map[string]string
	tolerance       time.Duration
	// Wall is the clock a request's date is checked against: the SDKs stamp requests with the
	// wall clock, whatever the account's clock (Options.Now) says. Tests replace it.
	Wall func() time.Time
}

// NewCredentials returns the credentials accepting secrets (access key id -> secret; empty means
// DefaultAccessKeyID with DefaultAccessKeySecret), requiring tokens (access key id -> STS token)
// of the keys listed there, and a date at most tolerance from the wall clock (0 means
// DefaultTimestampTolerance; negative turns the check off). The maps are copied.
func NewCredentials(secrets, tokens map[string]string, tolerance time.Duration) *Credentials {
	c := &Credentials{secrets: maps.Clone(secrets), tokens: maps.Clone(tokens), tolerance: tolerance, Wall: time.Now}
	if len(c.secrets) == 0 {
		c.secrets = map[string]string{DefaultAccessKeyID: DefaultAccessKeySecret}
	}
	if c.tolerance == 0 {
		c.tolerance = DefaultTimestampTolerance
	}
	return c
}

// Secret is the secret of access key id; false for a key the account does not have.
func (c *Credentials) Secret(id string) (string, bool) {
	s, ok := c.secrets[id]
	return s, ok
}

// Token is the STS token a request signed with id must carry; sts is false for a permanent key,
// whose requests carry no token.
func (c *Credentials) Token(id string) (token string, sts bool) {
	token, sts = c.tokens[id]
	return token, sts
}

// Skew is how far date is from the wall clock, the wall clock's reading, and whether that is
// beyond the tolerance (never when the check is off).
func (c *Credentials) Skew(date time.Time) (skew time.Duration, wall time.Time, tooFar bool) {
	wall = c.Wall()
	skew = wall.Sub(date).Abs()
	return skew, wall, c.tolerance > 0 && skew > c.tolerance
}

// Tolerance is how far a request's date may be from the wall clock; 0 or negative: no check.
func (c *Credentials) Tolerance() time.Duration { return c.tolerance }
