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
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/tenancy"
)

// IndexUser indexes LoginProfiles by ProviderConfig and user as written ("<providerConfig>/<user>"),
// to find the other LoginProfiles that name the same cloud user without listing them all.
const IndexUser = "spec.user"

// userKey is the IndexUser value of a LoginProfile.
func userKey(lp *v1alpha1.LoginProfile) string {
	return lp.ProviderConfigName() + "/" + lp.User()
}

// refusal says why a LoginProfile may not act on its cloud user. It is decided from the cluster's
// state alone, before any Secret read or cloud call.
type refusal struct {
	reason  string // ReasonForbidden or ReasonConflict
	message string
}

// admit applies the rules that keep a LoginProfile out of a cloud user: the ProviderConfig's
// tenancy rules, then one owner per user. It returns nil when the LoginProfile may act. An
// Observe LoginProfile never writes, so only the tenancy rules apply to it.
func (r *Reconciler) admit(ctx context.Context, lp *v1alpha1.LoginProfile, pc *v1alpha1.ProviderConfig) (*refusal, error) {
	labels := namespaceLabels{r: r}
	allowed, err := labels.allowed(ctx, pc, lp)
	if err != nil {
		return nil, err
	}
	if allowed != nil {
		return &refusal{reason: ReasonForbidden, message: allowed.Error()}, nil
	}
	if lp.Observed() {
		return nil, nil
	}
	owner, err := r.owner(ctx, pc, lp, &labels)
	if err != nil {
		return nil, err
	}
	if owner.Namespace != lp.Namespace || owner.Name != lp.Name {
		return &refusal{reason: ReasonConflict, message: fmt.Sprintf(
			"LoginProfile %s/%s already manages user %q of ProviderConfig %q: at most one LoginProfile acts on a cloud user, the oldest. "+
				"This one makes no cloud call, and deleting it never touches the cloud. Delete it, or delete %s/%s to hand the user over",
			owner.Namespace, owner.Name, lp.User(), pc.Name, owner.Namespace, owner.Name)}, nil
	}
	return nil, nil
}

// owner returns the LoginProfile that acts on lp's cloud user: among the Manage LoginProfiles of
// the same ProviderConfig and user that the tenancy rules allow, the oldest by creationTimestamp,
// then namespace/name. A LoginProfile being deleted still owns the user until it is gone.
func (r *Reconciler) owner(ctx context.Context, pc *v1alpha1.ProviderConfig, lp *v1alpha1.LoginProfile, labels *namespaceLabels) (types.NamespacedName, error) {
	var list v1alpha1.LoginProfileList
	if err := r.List(ctx, &list, client.MatchingFields{IndexUser: userKey(lp)}); err != nil {
		return types.NamespacedName{}, fmt.Errorf("listing the LoginProfiles of user %s: %w", lp.User(), err)
	}
	best := lp
	for i := range list.Items {
		other := &list.Items[i]
		if other.UID == lp.UID || other.Observed() || !older(other, best) {
			continue
		}
		refused, err := labels.allowed(ctx, pc, other)
		if err != nil {
			return types.NamespacedName{}, err
		}
		if refused == nil {
			best = other
		}
	}
	return client.ObjectKeyFromObject(best), nil
}

// older orders LoginProfiles by creationTimestamp, then namespace/name.
func older(a, b *v1alpha1.LoginProfile) bool {
	ta, tb := a.CreationTimestamp.Time, b.CreationTimestamp.Time
	if !ta.Equal(tb) {
		return ta.Before(tb)
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}

// namespaceLabels reads Namespace labels from the metadata cache, once per namespace and
// reconcile, and only for a ProviderConfig that selects namespaces by label.
type namespaceLabels struct {
	r    *Reconciler
	seen map[string]map[string]string
}

func (n *namespaceLabels) allowed(ctx context.Context, pc *v1alpha1.ProviderConfig, lp *v1alpha1.LoginProfile) (*tenancy.Denial, error) {
	var labels map[string]string
	if tenancy.SelectsByLabel(pc) {
		var err error
		if labels, err = n.of(ctx, lp.Namespace); err != nil {
			return nil, err
		}
	}
	return tenancy.Check(pc, lp, labels), nil
}

func (n *namespaceLabels) of(ctx context.Context, ns string) (map[string]string, error) {
	if l, ok := n.seen[ns]; ok {
		return l, nil
	}
	meta := &metav1.PartialObjectMetadata{}
	meta.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := n.r.Get(ctx, types.NamespacedName{Name: ns}, meta); err != nil {
		// Not found: the LoginProfile's namespace exists, so the cache has not seen it yet. Its
		// labels are unknown, and taking them for none could allow what a NotIn or DoesNotExist
		// selector refuses: retry instead.
		return nil, fmt.Errorf("reading the labels of namespace %s: %w", ns, err)
	}
	if n.seen == nil {
		n.seen = map[string]map[string]string{}
	}
	n.seen[ns] = meta.Labels
	return meta.Labels, nil
}

// announceRefusal emits an Event when the object was not refused for the same reason before.
// What it observed and applied while it was managed stays in status as the last known state: when
// it is managed again, it keeps its record only if the profile has not changed since (see
// forgetIfChangedMeanwhile).
func (r *Reconciler) announceRefusal(lp *v1alpha1.LoginProfile, ref *refusal) {
	if c := readyCondition(lp); c == nil || c.Reason != ref.reason {
		r.event(lp, corev1.EventTypeWarning, ref.reason, "Admit", "%s", ref.message)
	}
}

// tookOver announces that a LoginProfile held back by a Conflict now acts on its user.
func (r *Reconciler) tookOver(lp *v1alpha1.LoginProfile, pcName string) {
	c := readyCondition(lp)
	if c == nil || c.Reason != ReasonConflict {
		return
	}
	// The Conflict message (see admit) starts with the owner's namespace/name.
	previous := "its previous owner"
	if rest, ok := strings.CutPrefix(c.Message, "LoginProfile "); ok {
		if f := strings.Fields(rest); len(f) > 0 {
			previous = "LoginProfile " + f[0]
		}
	}
	r.event(lp, corev1.EventTypeNormal, EventTookOver, "TakeOver",
		"Now manages user %q of ProviderConfig %q: %s is gone or no longer acts on it", lp.User(), pcName, previous)
}
