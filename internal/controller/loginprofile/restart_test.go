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
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/controller/loginprofile"
)

// TestAfterARestartTheFirstPollIsSpread: a manager that starts (a restart, a new leader) finds its
// objects in sync; their first polls are spread over the poll interval instead of all reading the
// cloud at once.
func TestAfterARestartTheFirstPollIsSpread(t *testing.T) {
	eachCloud(t, func(t *testing.T, c *testCloud) {
		f := newFixture(t, c, nsWatch)
		f.setSecret(strongPassword())
		f.create()
		f.waitReady(metav1.ConditionTrue, loginprofile.ReasonAvailable)
		gets := len(f.calls(opGet))
		// The restarted reconciler reads from the watch cache: let it catch up with the status the
		// running manager wrote, or the object is not yet in sync there.
		waitCached(f)

		restarted := func() *loginprofile.Reconciler {
			return &loginprofile.Reconciler{
				Client: watchClient, APIReader: k8s,
				Providers:    &cloud.Providers{Metadata: watchClient, Secrets: k8s, Options: cloud.Options{Timeout: 10 * time.Second}},
				PollInterval: time.Hour,
			}
		}
		r := restarted()
		res, err := r.Reconcile(context.Background(), ctrl.Request{NamespacedName: f.key()})
		f.g.Expect(err).NotTo(HaveOccurred())
		f.g.Expect(res.RequeueAfter).To(BeNumerically("<", time.Hour), "the first poll falls within the interval")
		f.g.Expect(res.Priority).To(HaveValue(Equal(handler.LowPriority)))
		f.g.Expect(f.calls(opGet)).To(HaveLen(gets), "no cloud read on the first visit of an object in sync")

		res, err = r.Reconcile(context.Background(), ctrl.Request{NamespacedName: f.key()})
		f.g.Expect(err).NotTo(HaveOccurred())
		f.g.Expect(f.calls(opGet)).To(HaveLen(gets+1), "the poll itself reads the cloud")
		f.g.Expect(res.RequeueAfter).To(BeNumerically(">=", 54*time.Minute), "then every poll interval")

	})
}
