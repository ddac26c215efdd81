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

package loginprofile

import (
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

func TestParseUnused(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"": 0, "90d": 90 * 24 * time.Hour, "36h": 36 * time.Hour, "1d12h": 36 * time.Hour, "30s": 30 * time.Second, "2m30s": 150 * time.Second,
	} {
		if got, err := parseUnused(in); err != nil || got != want {
			t.Errorf("parseUnused(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0d", "90", "d", "1h1d", "-1d", "99999999999999999d"} {
		if got, err := parseUnused(in); err == nil {
			t.Errorf("parseUnused(%q) = %v, want an error", in, got)
		}
	}
}

func TestLastLoginBucket(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	at := func(known bool, ago time.Duration) *v1alpha1.LoginProfileObservation {
		o := &v1alpha1.LoginProfileObservation{LastLoginKnown: known}
		if ago >= 0 {
			o.LastLoginTime = ptr.To(metav1.NewTime(now.Add(-ago)))
		}
		return o
	}
	day := 24 * time.Hour
	for _, tc := range []struct {
		obs  *v1alpha1.LoginProfileObservation
		want string
	}{
		{at(false, -1), "unknown"}, {at(true, -1), "never"}, {at(true, time.Hour), "0-7"}, {at(true, 7*day), "0-7"},
		{at(true, 8*day), "8-30"}, {at(true, 30*day), "8-30"}, {at(true, 31*day), "31-90"}, {at(true, 91*day), "91+"},
	} {
		if got := lastLoginBucket(tc.obs, now); got != tc.want {
			t.Errorf("lastLoginBucket(known %t, %v) = %q, want %q", tc.obs.LastLoginKnown, tc.obs.LastLoginTime, got, tc.want)
		}
	}
	for bound, want := range map[*bool]string{nil: "unknown", ptr.To(true): "bound", ptr.To(false): "not_bound"} {
		if got := mfaState(&v1alpha1.LoginProfileObservation{MFABound: bound}); got != want {
			t.Errorf("mfaState = %q, want %q", got, want)
		}
	}
}

func TestReadingsAreDueOncePerInterval(t *testing.T) {
	var r readings
	key := types.NamespacedName{Namespace: "ns", Name: "a"}
	now := time.Now()
	if !r.due(key, now, time.Minute) {
		t.Fatal("the first reading is due")
	}
	if r.due(key, now.Add(30*time.Second), time.Minute) {
		t.Fatal("a reading within the interval is not due")
	}
	if !r.due(key, now.Add(50*time.Second), time.Minute) {
		t.Fatal("a poll that comes back early (jitter) reads again")
	}
	r.forget(key)
	if !r.due(key, now.Add(51*time.Second), time.Minute) {
		t.Fatal("a forgotten reading is due")
	}
}

func TestCheckPolicyNamesTheRuleAndNeverThePassword(t *testing.T) {
	policy := &cloud.PasswordPolicy{MinLength: 12, RequireSymbol: true, ReusePrevention: 3}
	pw := cloud.NewSensitive("Short1")
	err := checkPolicy(policy, "alice@corp", pw, false)
	if !errors.Is(err, cloud.ErrInvalidPassword) || !isPolicyViolation(err) {
		t.Fatalf("checkPolicy = %v, want a policy violation of class ErrInvalidPassword", err)
	}
	v := judgeCloudError(err, subject{secretName: "s", secret: "password"})
	if v.reason != ReasonInvalidPassword || !strings.Contains(v.message, "at least 12 characters, needs a symbol") ||
		!strings.Contains(v.message, "was not sent") || strings.Contains(v.message, pw.Reveal()) {
		t.Fatalf("verdict %+v", v)
	}
	if err := checkPolicy(policy, "alice@corp", cloud.NewSensitive("A-Long-Enough-1"), false); err != nil {
		t.Fatalf("a compliant password: %v", err)
	}
	reused := checkPolicy(policy, "alice@corp", cloud.NewSensitive("A-Long-Enough-1"), true)
	if v := judgeCloudError(reused, subject{secretName: "s", secret: "password"}); !strings.Contains(v.message, "Put a new password in the Secret") {
		t.Fatalf("a password applied before, with reuse prevention: %+v", v)
	}
	if err := checkPolicy(nil, "alice@corp", pw, true); err != nil {
		t.Fatalf("an unknown policy leaves the check to the cloud: %v", err)
	}
}
