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
	"fmt"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// inShard reports whether lp is this manager's to touch: whether its ProviderConfig's labels
// match the shard's selector (Reconciler.ProviderConfigSelector; without one, every LoginProfile
// is). Another shard's LoginProfile gets nothing from this manager: no status, no finalizer, no
// Event, no cloud call, being deleted or not.
//
// A LoginProfile whose ProviderConfig does not exist belongs to no shard with a selector: the
// manager without selector, if there is one, reports ProviderConfigNotFound; with shards only, it
// is left as it is until the ProviderConfig appears, and the shard it matches picks it up then.
//
// The ProviderConfig comes from the cache, which a shard restricts to its own ProviderConfigs
// (manager.Shard.RestrictCache): another shard's is not found there. A reconcile that passed this
// check just before the label changed runs to its end; a password call is covered all the same:
// the intent written before it is locked, so the two shards cannot both send it.
func (r *Reconciler) inShard(ctx context.Context, lp *v1alpha1.LoginProfile) (bool, error) {
	if r.ProviderConfigSelector == nil {
		return true, nil
	}
	pc := &v1alpha1.ProviderConfig{}
	if err := r.Get(ctx, types.NamespacedName{Name: lp.ProviderConfigName()}, pc); err != nil {
		if client.IgnoreNotFound(err) == nil {
			return false, nil
		}
		return false, fmt.Errorf("reading ProviderConfig %s for the shard: %w", lp.ProviderConfigName(), err)
	}
	return r.ProviderConfigSelector.Matches(labels.Set(pc.Labels)), nil
}
