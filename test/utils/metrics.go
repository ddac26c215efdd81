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

package utils

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Metrics is one scrape of a Prometheus endpoint: the text it served, and its metric families.
type Metrics struct {
	Text     string
	Families map[string]*dto.MetricFamily
}

// Scrape reads a metrics endpoint (http://host:port/metrics) in the Prometheus text format, as a
// Prometheus server would.
func Scrape(url string) (*Metrics, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return nil, fmt.Errorf("scraping %s: %w", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("scraping %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scraping %s: HTTP %d: %s", url, resp.StatusCode, Tail(string(body), 5))
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parsing the metrics of %s: %w", url, err)
	}
	return &Metrics{Text: string(body), Families: families}, nil
}

// Has tells whether the endpoint served the metric family name.
func (m *Metrics) Has(name string) bool { return m.Families[name] != nil }

// Sum adds up the samples of the counter or gauge name whose labels include labels: their
// values, or for a histogram their counts. A metric absent from the scrape sums to 0.
func (m *Metrics) Sum(name string, labels map[string]string) float64 {
	var sum float64
	for _, mt := range m.Matching(name, labels) {
		switch {
		case mt.Counter != nil:
			sum += mt.Counter.GetValue()
		case mt.Gauge != nil:
			sum += mt.Gauge.GetValue()
		case mt.Histogram != nil:
			sum += float64(mt.Histogram.GetSampleCount())
		case mt.Untyped != nil:
			sum += mt.Untyped.GetValue()
		}
	}
	return sum
}

// Matching returns the samples of the metric family name whose labels include labels.
func (m *Metrics) Matching(name string, labels map[string]string) []*dto.Metric {
	fam := m.Families[name]
	if fam == nil {
		return nil
	}
	var out []*dto.Metric
	for _, mt := range fam.Metric {
		if hasLabels(mt, labels) {
			out = append(out, mt)
		}
	}
	return out
}

// LabelValues lists, for each sample of name, the value of its label key.
func (m *Metrics) LabelValues(name, key string) []string {
	var out []string
	for _, mt := range m.Matching(name, nil) {
		out = append(out, Label(mt, key))
	}
	return out
}

// Label is the value of a sample's label key ("" when it has none).
func Label(mt *dto.Metric, key string) string {
	for _, lp := range mt.GetLabel() {
		if lp.GetName() == key {
			return lp.GetValue()
		}
	}
	return ""
}

func hasLabels(mt *dto.Metric, labels map[string]string) bool {
	for k, v := range labels {
		if Label(mt, k) != v {
			return false
		}
	}
	return true
}
