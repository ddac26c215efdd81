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
	"testing"
	"time"
)

func TestCredentials(t *testing.T) {
	def := NewCredentials(nil, nil, 0)
	if s, ok := def.Secret(DefaultAccessKeyID); !ok || s != DefaultAccessKeySecret {
		t.Errorf("default key: %q, %v", s, ok)
	}
	if def.Tolerance() != DefaultTimestampTolerance {
		t.Errorf("default tolerance %s", def.Tolerance())
	}

	keys := map[string]string{"AK": "SK", "TMP": "TSK"}
	c := NewCredentials(keys, map[string]string{"TMP": "token"}, time.Minute)
	keys["AK"] = "changed"
	if s, ok := c.Secret("AK"); !ok || s != "SK" {
		t.Errorf("AK: %q, %v (the map must be copied)", s, ok)
	}
	if _, ok := c.Secret(DefaultAccessKeyID); ok {
		t.Error("the default key is accepted beside the given ones")
	}
	if tok, sts := c.Token("TMP"); !sts || tok != "token" {
		t.Errorf("TMP: %q, %v", tok, sts)
	}
	if _, sts := c.Token("AK"); sts {
		t.Error("AK is permanent")
	}

	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	c.Wall = func() time.Time { return now }
	if skew, _, tooFar := c.Skew(now.Add(-time.Minute)); tooFar || skew != time.Minute {
		t.Errorf("a minute: %s, %v", skew, tooFar)
	}
	if _, _, tooFar := c.Skew(now.Add(61 * time.Second)); !tooFar {
		t.Error("61 s ahead is within a minute's tolerance")
	}
	off := NewCredentials(nil, nil, -1)
	if _, _, tooFar := off.Skew(time.Time{}); tooFar {
		t.Error("the check is off, yet a date is too far")
	}
}
