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

package providerkit

import (
	"strings"
	"sync"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// What the credentials sources have in common on every cloud: the configuration errors of
// credentials a source cannot provide, and the secrets handed to an SDK, remembered for redaction.

// RequireSecretKeys is the configuration error of cloudName when creds, of the Secret source, lack
// the access key id or secret, and nil otherwise.
func RequireSecretKeys(cloudName string, creds cloud.Credentials) error {
	var missing []string
	if creds.AccessKeyID == "" {
		missing = append(missing, cloud.SecretKeyAccessKeyID)
	}
	if creds.AccessKeySecret.IsZero() {
		missing = append(missing, cloud.SecretKeyAccessKeySecret)
	}
	if len(missing) > 0 {
		return cloud.InvalidConfig(cloudName, "the credentials Secret has no %s", strings.Join(missing, " and no "))
	}
	return nil
}

// RequireEnv is the configuration error of cloudName when the manager's environment (getenv)
// lacks one of the variables names that the credentials source labelled source needs, and nil
// otherwise.
func RequireEnv(cloudName, source string, getenv func(string) string, names ...string) error {
	if missing := MissingEnv(getenv, names...); len(missing) > 0 {
		return cloud.InvalidConfig(cloudName, "credentials source %s: the manager's environment has no %s", source, strings.Join(missing, ", "))
	}
	return nil
}

// MissingEnv returns the variables of names that getenv has no value for.
func MissingEnv(getenv func(string) string, names ...string) []string {
	var missing []string
	for _, n := range names {
		if getenv(n) == "" {
			missing = append(missing, n)
		}
	}
	return missing
}

// UnsupportedSource is the configuration error of a credentials source that is not set or that no
// cloud knows.
func UnsupportedSource(cloudName string, source v1alpha1.CredentialsSource) error {
	if source == "" {
		return cloud.InvalidConfig(cloudName, "spec.credentials.source is not set")
	}
	return cloud.InvalidConfig(cloudName, "credentials source %q is not supported (Secret, Environment or OIDC)", source)
}

// MaxSeenSecrets bounds the secrets a SeenSecrets keeps: a refresh of federated credentials hands
// out up to three (access key id, secret, token), so the last four refreshes.
const MaxSeenSecrets = 12

// SeenSecrets remembers the latest secrets a provider's credentials handed to its SDK, so that
// error texts can be redacted of them: refreshed credentials (an OIDC exchange) are known only
// once the SDK has obtained them. Safe for concurrent use.
type SeenSecrets struct {
	mu   sync.Mutex
	vals []cloud.Sensitive
}

// Remember adds the non-empty values.
func (s *SeenSecrets) Remember(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
next:
	for _, v := range values {
		if v == "" {
			continue
		}
		for _, old := range s.vals {
			if old.Reveal() == v {
				continue next
			}
		}
		s.vals = append(s.vals, cloud.NewSensitive(v))
	}
	if len(s.vals) > MaxSeenSecrets {
		s.vals = s.vals[len(s.vals)-MaxSeenSecrets:]
	}
}

// All returns the secrets remembered.
func (s *SeenSecrets) All() []cloud.Sensitive {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]cloud.Sensitive(nil), s.vals...)
}
