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

package loginprofile_test

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/loginprofile"
)

// BenchmarkConverge creates a batch of LoginProfiles at once and waits until all are Ready, on each
// cloud, through the real SDKs against the simulators and the "watch" manager (4 workers, the
// cloud's default client-side rate limit). It reports the throughput and what each object cost:
// cloud calls (the ideal is one observation and one create) and writes to the API server.
//
//	KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh) go test -run '^$' -bench Converge -benchtime 3x ./internal/controller/loginprofile/
func BenchmarkConverge(b *testing.B) {
	const batch = 20
	for _, c := range clouds {
		b.Run(c.name, func(b *testing.B) {
			var objects, calls int
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				before := len(c.main.Calls())
				fs := make([]*fixture, batch)
				for i := range fs {
					fs[i] = newFixture(b, c, nsWatch)
					fs[i].setSecret(strongPassword())
				}
				b.StartTimer()
				start := time.Now()
				for _, f := range fs {
					f.create()
				}
				for _, f := range fs {
					f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
				}
				elapsed += time.Since(start)
				objects += batch
				calls += len(c.main.Calls()) - before
			}
			b.ReportMetric(float64(objects)/elapsed.Seconds(), "objects/s")
			b.ReportMetric(float64(calls)/float64(objects), "cloud-calls/object")
			b.ReportMetric(0, "ns/op")
		})
	}
}
