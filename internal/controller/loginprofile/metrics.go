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
func (c *ReadyCollector) Describe(ch chan<- *prometheus.Desc) { ch <- profilesDesc }

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
	for i := range list.Items {
		if inShard != nil && !inShard[list.Items[i].ProviderConfigName()] {
			continue
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
