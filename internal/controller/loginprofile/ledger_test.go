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
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// is is a matcher for a Secret that holds the password of digest want (digests here are labels,
// not hashes: the ledger never hashes, it asks).
func is(want string) matcher {
	return func(d string) (bool, error) { return d == want, nil }
}

func unreadable(string) (bool, error) { return false, errors.New("Secret unreadable") }

func never(t *testing.T) matcher {
	return func(string) (bool, error) {
		t.Fatal("the Secret's password was compared; it need not be")
		return false, nil
	}
}

var (
	srcV1  = source{name: "alice-console", key: "password", resourceVersion: "1"}
	srcV2  = source{name: "alice-console", key: "password", resourceVersion: "2"}
	at     = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	before = metav1.NewTime(at.Add(-time.Hour))
)

func TestLedgerCurrentAndChanged(t *testing.T) {
	var st v1alpha1.LoginProfileStatus
	l := ledger{&st}
	if l.current(srcV1) {
		t.Fatal("nothing applied: not current")
	}
	if c, _ := l.changed(never(t)); !c {
		t.Fatal("nothing applied: changed, without reading the Secret")
	}
	l.applied(srcV1, "d1", true, at)
	if !l.current(srcV1) || l.current(srcV2) {
		t.Fatal("current only for the version applied")
	}
	if c, _ := l.changed(is("d1")); c {
		t.Fatal("same password: unchanged")
	}
	if c, _ := l.changed(is("d2")); !c {
		t.Fatal("another password: changed")
	}
	if _, err := l.changed(unreadable); err == nil {
		t.Fatal("an unreadable Secret is an error")
	}
	l.intend(srcV2, "d2", false, v1alpha1.PendingUpdate, nil)
	if l.current(srcV1) {
		t.Fatal("a write in flight: not current")
	}
	if p := st.Password; p.ResetRequired != true || p.LastAppliedTime.Time != at || p.Digest != "d1" || p.PendingDigest != "d2" {
		t.Fatalf("record %+v", p)
	}
}

func TestLedgerRefusals(t *testing.T) {
	for name, tc := range map[string]struct {
		refusedAt source
		gen       int64
		now       source
		nowGen    int64
		matches   matcher
		want      bool
		wantRV    string
	}{
		"same version, same spec":        {srcV1, 3, srcV1, 3, nil, true, "1"},
		"same version, spec changed":     {srcV1, 3, srcV1, 4, nil, false, "1"},
		"new version, same password":     {srcV1, 3, srcV2, 3, is("refused"), true, "2"},
		"new version, another password":  {srcV1, 3, srcV2, 3, is("other"), false, "1"},
		"new version, Secret unreadable": {srcV1, 3, srcV2, 3, unreadable, false, "1"},
		"new version and spec changed":   {srcV1, 3, srcV2, 4, nil, false, "1"},
	} {
		t.Run(name, func(t *testing.T) {
			var st v1alpha1.LoginProfileStatus
			l := ledger{&st}
			l.refused(tc.refusedAt, "refused", tc.gen)
			m := tc.matches
			if m == nil {
				m = never(t)
			}
			got, err := l.refusedAlready(tc.now, tc.nowGen, m)
			if got != tc.want {
				t.Fatalf("refusedAlready = %t (%v), want %t", got, err, tc.want)
			}
			if st.Password.RefusedSecretResourceVersion != tc.wantRV {
				t.Fatalf("refused version %q, want %q", st.Password.RefusedSecretResourceVersion, tc.wantRV)
			}
			// A check of the applied password clears the refusal.
			l.applied(srcV1, "d1", false, at)
			l.refused(srcV2, "refused", 5)
			l.checked(srcV2, false)
			if p := st.Password; p.RefusedSecretResourceVersion != "" || p.RefusedDigest != "" || p.RefusedGeneration != 0 {
				t.Fatalf("refusal kept after a check: %+v", p)
			}
		})
	}
}

func TestLedgerSettle(t *testing.T) {
	moved := &cloud.LoginProfile{UpdateDate: at}
	same := &cloud.LoginProfile{UpdateDate: before.Time}
	withDates := cloud.Capabilities{UpdateDate: true}
	// A cloud with dates finer than the second, whose base status kept to the second (metav1.Time).
	fine := &cloud.LoginProfile{UpdateDate: before.Add(300 * time.Millisecond)}
	for name, tc := range map[string]struct {
		op        v1alpha1.PendingOperation
		base      *metav1.Time
		obs       *cloud.LoginProfile
		caps      cloud.Capabilities
		matches   matcher
		landed    bool
		uncertain string
		digest    string // applied digest afterwards
	}{
		"create landed, same password":         {v1alpha1.PendingCreate, nil, same, withDates, is("d2"), true, "", "d2"},
		"create landed, Secret changed since":  {v1alpha1.PendingCreate, nil, same, withDates, is("d3"), false, "", "d1"},
		"update landed (updateDate moved)":     {v1alpha1.PendingUpdate, &before, moved, withDates, is("d2"), true, "", "d2"},
		"update did not land":                  {v1alpha1.PendingUpdate, &before, same, withDates, nil, false, "", "d1"},
		"did not land, date finer than status": {v1alpha1.PendingUpdate, &before, fine, withDates, nil, false, "", "d1"},
		"update, no update date: uncertain":    {v1alpha1.PendingUpdate, nil, same, cloud.Capabilities{}, nil, false, "d2", "d1"},
		"update, no base recorded: uncertain":  {v1alpha1.PendingUpdate, nil, moved, withDates, nil, false, "d2", "d1"},
	} {
		t.Run(name, func(t *testing.T) {
			var st v1alpha1.LoginProfileStatus
			l := ledger{&st}
			l.applied(srcV1, "d1", false, before.Time)
			// The write carried passwordResetRequired true; the spec may say otherwise by now.
			l.intend(srcV2, "d2", true, tc.op, tc.base)
			m := tc.matches
			if m == nil {
				m = never(t)
			}
			landed, uncertain, err := l.settle(tc.obs, tc.caps, srcV2, at, m)
			if err != nil || landed != tc.landed || uncertain != tc.uncertain {
				t.Fatalf("settle = %t, %q, %v; want %t, %q", landed, uncertain, err, tc.landed, tc.uncertain)
			}
			p := st.Password
			if p.PendingDigest != "" || p.PendingOperation != "" || p.PendingBaseUpdateDate != nil || p.PendingResetRequired != nil {
				t.Fatalf("the intent is not settled: %+v", p)
			}
			if p.Digest != tc.digest {
				t.Fatalf("applied %q, want %q", p.Digest, tc.digest)
			}
			if landed && (p.SecretResourceVersion != "2" || !p.ResetRequired || p.LastAppliedTime.Time != at) {
				t.Fatalf("landed write recorded as %+v", p)
			}
		})
	}
	var none v1alpha1.LoginProfileStatus
	if landed, u, err := (ledger{&none}).settle(same, withDates, srcV1, at, never(t)); landed || u != "" || err != nil || none.Password != nil {
		t.Fatal("nothing in flight: nothing to settle")
	}
}

func TestLedgerAbandon(t *testing.T) {
	var st v1alpha1.LoginProfileStatus
	l := ledger{&st}
	l.intend(srcV1, "d1", false, v1alpha1.PendingCreate, nil)
	l.abandon(&cloud.Error{Kind: cloud.ErrTransient})
	if st.Password == nil || st.Password.PendingDigest != "d1" {
		t.Fatal("after a transport failure the write may have landed: the intent stays")
	}
	l.abandon(&cloud.Error{Kind: cloud.ErrInvalidPassword})
	if st.Password != nil {
		t.Fatalf("a refused first write leaves no record: %+v", st.Password)
	}
	l.applied(srcV1, "d1", false, at)
	l.intend(srcV2, "d2", false, v1alpha1.PendingUpdate, nil)
	l.abandon(&cloud.Error{Kind: cloud.ErrInvalidPassword})
	if p := st.Password; p == nil || p.Digest != "d1" || p.PendingDigest != "" {
		t.Fatalf("a refused rotation keeps what was applied: %+v", p)
	}
	l.forget()
	if st.Password != nil {
		t.Fatal("forget drops the record")
	}
}

func TestUpdateHold(t *testing.T) {
	base := time.Date(2026, 12, 2, 6, 0, 7, 0, time.UTC) // dates to the second: the step [:07, :08)
	for name, tc := range map[string]struct {
		base       time.Time
		resolution time.Duration
		now        time.Time
		want       time.Duration
	}{
		"a cloud without an update date":        {time.Time{}, 0, base, 0},
		"an update date without a step":         {base, 0, base, 0},
		"no date observed":                      {time.Time{}, time.Second, base, 0},
		"written in this second: one step":      {base, time.Second, base.Add(300 * time.Millisecond), time.Second},
		"written last second, within the skew":  {base, time.Second, base.Add(1500 * time.Millisecond), 500 * time.Millisecond},
		"its step ended more than the skew ago": {base, time.Second, base.Add(2 * time.Second), 0},
		"written an hour ago":                   {base, time.Second, base.Add(time.Hour), 0},
		// The manager's clock behind the cloud's: base is in its future. One step after the
		// observation is enough whatever the clocks.
		"base ahead of the manager's clock": {base, time.Second, base.Add(-time.Minute), time.Second},
		// A date with sub-step digits is taken from the start of its step.
		"a date inside its step": {base.Add(900 * time.Millisecond), time.Second, base.Add(1800 * time.Millisecond), 200 * time.Millisecond},
	} {
		if got := updateHold(tc.base, tc.resolution, tc.now); got != tc.want {
			t.Errorf("%s: updateHold = %v, want %v", name, got, tc.want)
		}
	}
}
