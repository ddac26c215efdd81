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

package manager

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

func TestNewShard(t *testing.T) {
	tests := []struct {
		name, shardName, selector string
		wantLease, wantAgent      string
		matches, misses           labels.Set
		wantErr                   string // a part of the error; "" for none
	}{
		{name: "no shard", wantLease: "loginprofile-operator.iam.loginprofile.io", matches: labels.Set{"shard": "x"}},
		{name: "equality", shardName: "a", selector: "shard=a", wantLease: "a.loginprofile-operator.iam.loginprofile.io",
			wantAgent: "loginprofile-operator-shard-a", matches: labels.Set{"shard": "a"}, misses: labels.Set{"shard": "b"}},
		{name: "set", shardName: "gold", selector: "tier in (gold,silver)", wantLease: "gold.loginprofile-operator.iam.loginprofile.io",
			wantAgent: "loginprofile-operator-shard-gold", matches: labels.Set{"tier": "silver"}, misses: labels.Set{}},
		{name: "blank selector", shardName: "", selector: "  ", wantLease: "loginprofile-operator.iam.loginprofile.io", matches: labels.Set{}},
		{name: "selector without name", selector: "shard=a", wantErr: "needs --shard-name"},
		{name: "name without selector", shardName: "a", wantErr: "needs --provider-config-selector"},
		{name: "bad selector", shardName: "a", selector: "shard in (a", wantErr: "is not a label selector"},
		{name: "bad name", shardName: "Shard_A", selector: "shard=a", wantErr: "is not a DNS label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewShard(tt.shardName, tt.selector)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.LeaderElectionID(); got != tt.wantLease {
				t.Errorf("Lease = %q, want %q", got, tt.wantLease)
			}
			if got := s.UserAgent(); got != tt.wantAgent {
				t.Errorf("user agent = %q, want %q", got, tt.wantAgent)
			}
			matches := func(set labels.Set) bool { return s.Selector == nil || s.Selector.Matches(set) }
			if tt.matches != nil && !matches(tt.matches) {
				t.Errorf("%v should match %v", s, tt.matches)
			}
			if tt.misses != nil && matches(tt.misses) {
				t.Errorf("%v should not match %v", s, tt.misses)
			}
		})
	}
}

// TestRestrictCache: a shard caches only its ProviderConfigs, and keeps the other options; a
// manager that is no shard caches them all.
func TestRestrictCache(t *testing.T) {
	all, err := NewShard("", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := all.RestrictCache(CacheOptions()); len(got.ByObject) != len(CacheOptions().ByObject) {
		t.Errorf("no shard: ByObject = %v, want it unchanged", got.ByObject)
	}
	a, err := NewShard("a", "shard=a")
	if err != nil {
		t.Fatal(err)
	}
	base := CacheOptions()
	got := a.RestrictCache(base)
	if len(base.ByObject) != 1 {
		t.Errorf("the options passed in were changed: %v", base.ByObject)
	}
	var pc *cache.ByObject
	for obj, c := range got.ByObject {
		if _, ok := obj.(*v1alpha1.ProviderConfig); ok {
			pc = &c
		}
	}
	if pc == nil || pc.Label == nil || pc.Label.String() != "shard=a" {
		t.Fatalf("the ProviderConfig cache should select shard=a: %v", got.ByObject)
	}
	if len(got.ByObject) != 2 || got.DefaultTransform == nil {
		t.Errorf("the other options should stay: %+v", got)
	}
}
