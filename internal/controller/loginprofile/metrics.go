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
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

var profilesDesc = prometheus.NewDesc("loginprofile_loginprofiles",
	"LoginProfiles by the status (True, False, Unknown) and reason of their Ready condition.",
	[]string{"ready", "reason"}, nil)

var (
	mfaDesc = prometheus.NewDesc("loginprofile_loginprofiles_mfa",
		"Enabled console logins by whether the user has an MFA device bound: bound, not_bound, or unknown (not read: "+
			"neither spec.mfaBindRequired nor the manager's --audit asks for it).",
		[]string{"mfa"}, nil)
	lastLoginDesc = prometheus.NewDesc("loginprofile_loginprofiles_last_login",
		"Enabled console logins by days since the user's last console login: 0-7, 8-30, 31-90, 91+, never, or unknown "+
			"(not reported: on a cloud whose login profile does not carry it, read only for disableAfterUnused or --audit).",
		[]string{"days"}, nil)
)

// mfaState is the mfa label of an enabled login.
func mfaState(at *v1alpha1.LoginProfileObservation) string {
	switch {
	case at.MFABound == nil:
		return "unknown"
	case *at.MFABound:
		return "bound"
	default:
		return "not_bound"
	}
}

// lastLoginBucket is the days label of an enabled login at now.
func lastLoginBucket(at *v1alpha1.LoginProfileObservation, now time.Time) string {
	switch {
	case !at.LastLoginKnown:
		return "unknown"
	case at.LastLoginTime == nil:
		return "never"
	}
	switch days := now.Sub(at.LastLoginTime.Time) / (24 * time.Hour); {
	case days <= 7:
		return "0-7"
	case days <= 30:
		return "8-30"
	case days <= 90:
		return "31-90"
	default:
		return "91+"
	}
}

// ReadyCollector counts LoginProfiles by Ready status and reason when the metrics are scraped,
// from the manager's cache: nothing to keep in step, no call to the API server.
type ReadyCollector struct {
	Reader client.Reader
	// Elected, when set, is closed once this replica leads (the manager's Elected()): until then
	// the collector reports nothing, so that the replicas of a leader-elected deployment do not
	// each report every LoginProfile and a sum over them counts each once.
	Elected <-chan struct{}
	// ProviderConfigSelector, when set, is the shard's: only the LoginProfiles of the
	// ProviderConfigs it matches are counted, so that a sum over the shards counts each once.
	ProviderConfigSelector labels.Selector
}

// Describe implements prometheus.Collector.
func (c *ReadyCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- profilesDesc
	ch <- mfaDesc
	ch <- lastLoginDesc
}

// Collect implements prometheus.Collector.
func (c *ReadyCollector) Collect(ch chan<- prometheus.Metric) {
	if c.Elected != nil {
		select {
		case <-c.Elected:
		default:
			return
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var list v1alpha1.LoginProfileList
	if err := c.Reader.List(ctx, &list); err != nil {
		ch <- prometheus.NewInvalidMetric(profilesDesc, err)
		return
	}
	inShard, err := c.shardConfigs(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(profilesDesc, err)
		return
	}
	type key struct{ ready, reason string }
	counts := map[key]int{}
	// The audit's gauges count the enabled console logins only: a disabled one needs no MFA and
	// is not an unused login left open. Every label value is reported, 0 included, so that a
	// dashboard's share and an alert's comparison have both sides.
	mfa := map[string]int{"bound": 0, "not_bound": 0, "unknown": 0}
	lastLogin := map[string]int{"0-7": 0, "8-30": 0, "31-90": 0, "91+": 0, "never": 0, "unknown": 0}
	now := time.Now()
	for i := range list.Items {
		if inShard != nil && !inShard[list.Items[i].ProviderConfigName()] {
			continue
		}
		if at := list.Items[i].Status.AtProvider; at != nil && at.Status == "Active" {
			mfa[mfaState(at)]++
			lastLogin[lastLoginBucket(at, now)]++
		}
		k := key{ready: "Unknown"}
		if cond := meta.FindStatusCondition(list.Items[i].Status.Conditions, v1alpha1.ConditionReady); cond != nil {
			k = key{ready: string(cond.Status), reason: cond.Reason}
		}
		counts[k]++
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(profilesDesc, prometheus.GaugeValue, float64(n), k.ready, k.reason)
	}
	for state, n := range mfa {
		ch <- prometheus.MustNewConstMetric(mfaDesc, prometheus.GaugeValue, float64(n), state)
	}
	for days, n := range lastLogin {
		ch <- prometheus.MustNewConstMetric(lastLoginDesc, prometheus.GaugeValue, float64(n), days)
	}
}

// shardConfigs is the set of the names of the shard's ProviderConfigs; nil when the manager is no
// shard (every LoginProfile counts).
func (c *ReadyCollector) shardConfigs(ctx context.Context) (map[string]bool, error) {
	if c.ProviderConfigSelector == nil {
		return nil, nil
	}
	var pcs v1alpha1.ProviderConfigList
	if err := c.Reader.List(ctx, &pcs, client.MatchingLabelsSelector{Selector: c.ProviderConfigSelector}); err != nil {
		return nil, err
	}
	names := make(map[string]bool, len(pcs.Items))
	for i := range pcs.Items {
		names[pcs.Items[i].Name] = true
	}
	return names, nil
}
