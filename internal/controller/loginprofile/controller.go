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

// Package loginprofile is the controller of LoginProfile objects. It never knows which cloud it
// talks to: everything cloud-specific sits behind cloud.Provider and cloud.Driver.
package loginprofile

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// Field indexes the watches use to find the LoginProfiles a Secret or ProviderConfig concerns.
const (
	IndexPasswordSecret    = "spec.passwordSecretRef.name"
	IndexProviderConfig    = "spec.providerConfigRef.name"
	IndexCredentialsSecret = "spec.credentials.secretRef"
)

// +kubebuilder:rbac:groups=iam.loginprofile.io,resources=loginprofiles,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=iam.loginprofile.io,resources=loginprofiles/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=iam.loginprofile.io,resources=loginprofiles/finalizers,verbs=update
// +kubebuilder:rbac:groups=iam.loginprofile.io,resources=providerconfigs,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;update
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// SetupWithManager registers the controller, its field indexes and its watches:
//   - LoginProfiles, on spec changes (generation), annotation changes and deletion; the
//     controller's own status writes do not wake it up;
//   - ProviderConfigs, to bring back the LoginProfiles that use one when it appears or changes,
//     its labels included: they choose the shard, and a LoginProfile moves with them;
//   - Secrets, metadata only (no Secret content is cached), to react at once to a password
//     Secret or a credentials Secret being created or changed;
//   - LoginProfiles again, to bring back the other LoginProfiles of the same cloud user when one
//     goes or its spec changes: ownership may pass on (see ownershipHandler);
//   - Namespaces, metadata only, when their labels change: a ProviderConfig's allowedNamespaces
//     selector may now allow or refuse the LoginProfiles there.
func (r *Reconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager, opts controller.Options) error {
	idx := mgr.GetFieldIndexer()
	if err := idx.IndexField(ctx, &v1alpha1.LoginProfile{}, IndexPasswordSecret, func(o client.Object) []string {
		if name := o.(*v1alpha1.LoginProfile).PasswordSecretName(); name != "" {
			return []string{name}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("indexing %s: %w", IndexPasswordSecret, err)
	}
	if err := idx.IndexField(ctx, &v1alpha1.LoginProfile{}, IndexUser, func(o client.Object) []string {
		return []string{userKey(o.(*v1alpha1.LoginProfile))}
	}); err != nil {
		return fmt.Errorf("indexing %s: %w", IndexUser, err)
	}
	if err := idx.IndexField(ctx, &v1alpha1.LoginProfile{}, IndexProviderConfig, func(o client.Object) []string {
		return []string{o.(*v1alpha1.LoginProfile).ProviderConfigName()}
	}); err != nil {
		return fmt.Errorf("indexing %s: %w", IndexProviderConfig, err)
	}
	if err := idx.IndexField(ctx, &v1alpha1.ProviderConfig{}, IndexCredentialsSecret, func(o client.Object) []string {
		if ref := o.(*v1alpha1.ProviderConfig).Spec.Credentials.SecretRef; ref != nil {
			return []string{ref.Namespace + "/" + ref.Name}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("indexing %s: %w", IndexCredentialsSecret, err)
	}

	return ctrl.NewControllerManagedBy(mgr).
		Named("loginprofile").
		For(&v1alpha1.LoginProfile{}, builder.WithPredicates(predicate.Or[client.Object](
			predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}, deletionStarted()))).
		Watches(&v1alpha1.ProviderConfig{}, handler.EnqueueRequestsFromMapFunc(r.profilesOfProviderConfig),
			builder.WithPredicates(predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{}))).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.profilesOfSecret),
			builder.WithPredicates(predicate.ResourceVersionChangedPredicate{})).
		Watches(&v1alpha1.LoginProfile{}, r.ownershipHandler()).
		WatchesMetadata(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(r.profilesOfNamespace),
			builder.WithPredicates(predicate.LabelChangedPredicate{})).
		WithOptions(opts).
		Complete(r)
}

// deletionStarted passes the update that sets deletionTimestamp.
func deletionStarted() predicate.Predicate {
	return predicate.Funcs{
		UpdateFunc: func(e event.UpdateEvent) bool {
			return e.ObjectOld.GetDeletionTimestamp().IsZero() && !e.ObjectNew.GetDeletionTimestamp().IsZero()
		},
		CreateFunc:  func(event.CreateEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
	}
}

// ownershipHandler brings back the other LoginProfiles of the same user when ownership may pass:
//   - a LoginProfile is created that sorts before another (same creation second);
//   - a LoginProfile is gone: all but those Ready (one of the others may own the user now); the
//     owner, Ready, stays the owner and has nothing to learn;
//   - a LoginProfile's spec changed (its management policy): all of them, since an older one
//     switched to Manage takes the user from the current owner.
//
// A LoginProfile being deleted still owns its user, so the start of a deletion changes nothing.
func (r *Reconciler) ownershipHandler() handler.EventHandler {
	enqueue := func(ctx context.Context, o client.Object, q workqueue.TypedRateLimitingInterface[reconcile.Request], notReady bool) {
		lp, ok := o.(*v1alpha1.LoginProfile)
		if !ok {
			return
		}
		for _, other := range r.contenders(ctx, lp) {
			if notReady {
				// The owner, in sync, stays the owner; any other may take over (its Conflict
				// status may not have reached the cache yet).
				if c := readyCondition(other); c != nil && c.Status == metav1.ConditionTrue {
					continue
				}
			}
			q.Add(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(other)})
		}
	}
	return handler.Funcs{
		// A new LoginProfile is the youngest, unless it was created in the same second as another
		// and sorts before it by namespace/name: then that one must learn it lost the user.
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			lp, ok := e.Object.(*v1alpha1.LoginProfile)
			if !ok {
				return
			}
			for _, other := range r.contenders(ctx, lp) {
				if older(lp, other) {
					q.Add(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(other)})
				}
			}
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			// The API server bumps the generation when it sets deletionTimestamp: not a spec change.
			if e.ObjectOld.GetGeneration() != e.ObjectNew.GetGeneration() && e.ObjectNew.GetDeletionTimestamp().IsZero() {
				enqueue(ctx, e.ObjectNew, q, false)
			}
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, e.Object, q, true)
		},
	}
}

// contenders returns the other LoginProfiles of the same ProviderConfig and user as lp.
func (r *Reconciler) contenders(ctx context.Context, lp *v1alpha1.LoginProfile) []*v1alpha1.LoginProfile {
	var list v1alpha1.LoginProfileList
	if err := r.List(ctx, &list, client.MatchingFields{IndexUser: userKey(lp)}); err != nil {
		logf.FromContext(ctx).Error(err, "Listing the LoginProfiles of a user for a watch event")
		return nil
	}
	var out []*v1alpha1.LoginProfile
	for i := range list.Items {
		if other := &list.Items[i]; other.Namespace != lp.Namespace || other.Name != lp.Name {
			out = append(out, other)
		}
	}
	return out
}

// profilesOfNamespace maps a Namespace whose labels changed to its LoginProfiles, and to the
// contenders of each, whose owner may change with them.
func (r *Reconciler) profilesOfNamespace(ctx context.Context, o client.Object) []reconcile.Request {
	var list v1alpha1.LoginProfileList
	if err := r.List(ctx, &list, client.InNamespace(o.GetName())); err != nil {
		logf.FromContext(ctx).Error(err, "Listing LoginProfiles for a Namespace event")
		return nil
	}
	seen := map[types.NamespacedName]bool{}
	var out []reconcile.Request
	add := func(reqs ...reconcile.Request) {
		for _, req := range reqs {
			if !seen[req.NamespacedName] {
				seen[req.NamespacedName] = true
				out = append(out, req)
			}
		}
	}
	for i := range list.Items {
		add(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		for _, other := range r.contenders(ctx, &list.Items[i]) {
			add(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(other)})
		}
	}
	return out
}

func (r *Reconciler) profilesOfProviderConfig(ctx context.Context, o client.Object) []reconcile.Request {
	return r.profilesMatching(ctx, client.MatchingFields{IndexProviderConfig: o.GetName()})
}

// profilesOfSecret maps a Secret to the LoginProfiles of its namespace that take their password
// from it, and to every LoginProfile of a ProviderConfig whose credentials it holds.
func (r *Reconciler) profilesOfSecret(ctx context.Context, o client.Object) []reconcile.Request {
	reqs := r.profilesMatching(ctx, client.InNamespace(o.GetNamespace()),
		client.MatchingFields{IndexPasswordSecret: o.GetName()})
	var pcs v1alpha1.ProviderConfigList
	if err := r.List(ctx, &pcs, client.MatchingFields{IndexCredentialsSecret: o.GetNamespace() + "/" + o.GetName()}); err != nil {
		logf.FromContext(ctx).Error(err, "Listing ProviderConfigs for a credentials Secret")
		return reqs
	}
	for i := range pcs.Items {
		reqs = append(reqs, r.profilesOfProviderConfig(ctx, &pcs.Items[i])...)
	}
	return reqs
}

func (r *Reconciler) profilesMatching(ctx context.Context, opts ...client.ListOption) []reconcile.Request {
	var list v1alpha1.LoginProfileList
	if err := r.List(ctx, &list, opts...); err != nil {
		logf.FromContext(ctx).Error(err, "Listing LoginProfiles for a watch event")
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(list.Items))
	for _, lp := range list.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: lp.Namespace, Name: lp.Name}})
	}
	return reqs
}
