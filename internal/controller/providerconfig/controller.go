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

// Package providerconfig is the controller of ProviderConfig objects: it reports in the Ready
// condition whether the configuration names a supported cloud and whether its credentials can be
// read. It makes no cloud call: the LoginProfiles' own calls show whether the account accepts them.
package providerconfig

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// Reasons of a ProviderConfig's Ready condition.
const (
	ReasonConfigured        = "Configured"
	ReasonCredentialsError  = "CredentialsError"
	ReasonInvalidConfig     = "InvalidConfig"
	ReasonUnexpectedFailure = "ReconcileError"
)

// Reconciler reports whether a ProviderConfig is usable.
type Reconciler struct {
	client.Client
	Providers *cloud.Providers
	// Selector, when set, is the shard's (--provider-config-selector): only the ProviderConfigs
	// it matches are this manager's to report on; another shard writes the others' status.
	Selector labels.Selector
}

// +kubebuilder:rbac:groups=iam.loginprofile.io,resources=providerconfigs,verbs=get;list;watch
// +kubebuilder:rbac:groups=iam.loginprofile.io,resources=providerconfigs/status,verbs=get;update;patch

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	pc := &v1alpha1.ProviderConfig{}
	if err := r.Get(ctx, req.NamespacedName, pc); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.Providers.Forget(req.Name)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if r.Selector != nil && !r.Selector.Matches(labels.Set(pc.Labels)) {
		// Another shard's (its label changed, or the cache holds every ProviderConfig): its
		// client is no longer this manager's to keep.
		r.Providers.Forget(req.Name)
		return ctrl.Result{}, nil
	}
	before := pc.DeepCopy()
	cond := metav1.Condition{Type: v1alpha1.ConditionReady, ObservedGeneration: pc.Generation}
	var result error
	switch _, f, err := r.Providers.For(ctx, pc); {
	case err == nil:
		cond.Status, cond.Reason = metav1.ConditionTrue, ReasonConfigured
		cond.Message = fmt.Sprintf("Configured for %s with credentials from %s", f.Name(), pc.Spec.Credentials.Source)
	case errors.Is(err, cloud.ErrCredentials):
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, ReasonCredentialsError, err.Error()
	case errors.Is(err, cloud.ErrInvalidConfig):
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, ReasonInvalidConfig, err.Error()
	default:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, ReasonUnexpectedFailure, err.Error()
		result = err
	}
	meta.SetStatusCondition(&pc.Status.Conditions, cond)
	pc.Status.ObservedGeneration = pc.Generation
	if !equality.Semantic.DeepEqual(before.Status, pc.Status) {
		if err := r.Status().Patch(ctx, pc, client.MergeFrom(before)); err != nil {
			return ctrl.Result{}, errors.Join(result, fmt.Errorf("writing status: %w", err))
		}
	}
	return ctrl.Result{}, result
}

// SetupWithManager registers the controller. It watches ProviderConfigs' spec and labels (which
// choose the shard), and Secret metadata to notice a credentials Secret being created, changed or
// deleted.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("providerconfig").
		For(&v1alpha1.ProviderConfig{}, builder.WithPredicates(
			predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{}))).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.configsOfSecret),
			builder.WithPredicates(predicate.ResourceVersionChangedPredicate{})).
		Complete(r)
}

func (r *Reconciler) configsOfSecret(ctx context.Context, o client.Object) []reconcile.Request {
	var list v1alpha1.ProviderConfigList
	if err := r.List(ctx, &list); err != nil {
		logf.FromContext(ctx).Error(err, "Listing ProviderConfigs for a Secret event")
		return nil
	}
	var reqs []reconcile.Request
	for _, pc := range list.Items {
		if ref := pc.Spec.Credentials.SecretRef; ref != nil && ref.Namespace == o.GetNamespace() && ref.Name == o.GetName() {
			reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Name: pc.Name}})
		}
	}
	return reqs
}
