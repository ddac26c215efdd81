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

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

// TestNoSecretsInLogs, last, stops the manager gracefully and reads the logs of every manager process
// the run started: none holds a password the tests used nor either cloud's access key secret.
// Neither do the Events and the LoginProfiles' statuses.
func TestNoSecretsInLogs(t *testing.T) {
	c := begin(t)
	if mgr := c.st.currentManager(); mgr != nil && mgr.Running() {
		c.g.Expect(mgr.Stop(30*time.Second)).To(Succeed(), "the manager should exit cleanly on SIGTERM")
	}
	var secrets []string
	for _, ce := range c.st.clouds {
		secrets = append(secrets, ce.accessKeySecret)
	}
	c.g.Expect(secrets).To(HaveLen(2), "both clouds' access key secrets")
	c.st.mu.Lock()
	logs := append([]string(nil), c.st.managerLogs...)
	passwords := append([]string(nil), c.st.passwords...)
	c.st.mu.Unlock()
	secrets = append(secrets, passwords...)
	c.g.Expect(logs).NotTo(BeEmpty())

	events := c.kubectl("get", "events", "-A", "-o", "json")
	statuses := c.kubectl("get", "loginprofiles", "-A", "-o", "jsonpath={.items[*].status}")
	if len(passwords) > 0 { // the other tests ran: there is something to check
		c.g.Expect(events).To(ContainSubstring("loginprofile-operator"), "the operator's Events should be there to check")
		// (The LoginProfiles of the scenarios on simulators of their own are deleted with them.)
		if strings.TrimSpace(c.kubectl("get", "loginprofiles", "-A", "-o", "name")) != "" {
			c.g.Expect(statuses).To(ContainSubstring("argon2id"), "the statuses should be there to check")
		}
	}
	for _, secret := range secrets {
		c.g.Expect(containsSecret(events, secret)).To(BeFalse(), "an Event holds a secret (%d characters, starting %q)",
			len(secret), secret[:min(2, len(secret))])
		c.g.Expect(containsSecret(statuses, secret)).To(BeFalse(), "a LoginProfile's status holds a secret (%d characters, starting %q)",
			len(secret), secret[:min(2, len(secret))])
	}
	for _, path := range logs {
		b, err := os.ReadFile(path)
		c.g.Expect(err).NotTo(HaveOccurred())
		c.g.Expect(b).NotTo(BeEmpty(), "%s is empty: the check would prove nothing", path)
		text := string(b)
		for _, secret := range secrets {
			c.g.Expect(containsSecret(text, secret)).To(BeFalse(), "%s holds a secret (%d characters, starting %q)",
				path, len(secret), secret[:min(2, len(secret))])
		}
		t.Logf("%s: %d lines, no secret (%d checked)", filepath.Base(path), strings.Count(text, "\n"), len(secrets))
	}
}

// containsSecret tells whether text holds secret. A short secret (the weak password) is looked for
// as a word of its own, not inside identifiers, UIDs or hashes where its letters occur by chance.
func containsSecret(text, secret string) bool {
	if len(secret) >= 8 {
		return strings.Contains(text, secret)
	}
	return regexp.MustCompile(`(^|[^A-Za-z0-9])` + regexp.QuoteMeta(secret) + `($|[^A-Za-z0-9])`).MatchString(text)
}
