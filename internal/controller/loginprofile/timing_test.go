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
	"sigs.k8s.io/controller-runtime/pkg/handler"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// TestBackgroundRequeuesAreLowPriority: the requeues no one asked for (polls, slow retries) wait
// behind new and changed objects in the priority queue; a retry of work asked for keeps its
// priority.
func TestBackgroundRequeuesAreLowPriority(t *testing.T) {
	r := &Reconciler{PollInterval: time.Minute}
	for name, tc := range map[string]struct {
		retry retry
		low   bool
	}{
		"poll":      {retryPoll, true},
		"soon":      {retrySoon, true},
		"throttled": {retryThrottled, true},
		"never":     {retryNever, false},
	} {
		lp := &v1alpha1.LoginProfile{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}}
		res, _ := r.conclude(lp, verdict{ready: metav1.ConditionFalse, reason: "X", retry: tc.retry}, errors.New("x"))
		switch {
		case tc.low && (res.Priority == nil || *res.Priority != handler.LowPriority || res.RequeueAfter <= 0):
			t.Errorf("%s: %+v, want a requeue at low priority", name, res)
		case !tc.low && res.Priority != nil:
			t.Errorf("%s: %+v, want the request's own priority", name, res)
		}
	}
	if res := r.pollAgain(); res.RequeueAfter < 54*time.Second || res.RequeueAfter > 66*time.Second {
		t.Errorf("pollAgain after %v, want the poll interval ±10%%", res.RequeueAfter)
	}
}
