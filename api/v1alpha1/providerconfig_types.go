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

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Condition types and the reasons the operator sets on its objects.
const (
	// ConditionReady is True when the cloud matches the object's spec.
	ConditionReady = "Ready"
	// ConditionStalled is True when the object cannot progress until a person acts (kstatus).
	ConditionStalled = "Stalled"
	// ConditionReconciling is True while the object is converging or waiting for something that is
	// expected to arrive (kstatus).
	ConditionReconciling = "Reconciling"
)

// CredentialsSource names where the operator finds the credentials of a cloud account.
// +kubebuilder:validation:Enum=Secret;Environment;OIDC
type CredentialsSource string

const (
	// CredentialsSourceSecret reads an access key from a Kubernetes Secret.
	CredentialsSourceSecret CredentialsSource = "Secret"
	// CredentialsSourceEnvironment reads the cloud SDK's standard environment variables of the manager.
	CredentialsSourceEnvironment CredentialsSource = "Environment"
	// CredentialsSourceOIDC exchanges the pod's projected service account token for temporary
	// credentials (Alibaba Cloud RRSA).
	CredentialsSourceOIDC CredentialsSource = "OIDC"
)

// SecretReference names a Secret in a given namespace.
type SecretReference struct {
	// namespace of the Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +required
	Namespace string `json:"namespace"`

	// name of the Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`
}

// ProviderCredentials says how the operator authenticates to the cloud account.
// +kubebuilder:validation:XValidation:rule="self.source != 'Secret' || has(self.secretRef)",message="credentials.secretRef is required when credentials.source is Secret"
type ProviderCredentials struct {
	// source of the credentials: Secret (an access key in a Kubernetes Secret with the keys
	// accessKeyId, accessKeySecret and optionally securityToken), Environment (the cloud SDK's
	// environment variables of the manager: ALIBABA_CLOUD_ACCESS_KEY_ID and
	// ALIBABA_CLOUD_ACCESS_KEY_SECRET, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK) or OIDC
	// (workload identity: Alibaba Cloud RRSA with ALIBABA_CLOUD_ROLE_ARN,
	// ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE; Huawei Cloud federation
	// with HUAWEICLOUD_SDK_IDP_ID and HUAWEICLOUD_SDK_ID_TOKEN_FILE).
	// +required
	Source CredentialsSource `json:"source"`

	// secretRef names the Secret that holds the access key when source is Secret.
	// +optional
	SecretRef *SecretReference `json:"secretRef,omitempty"`
}

// AlibabaProviderConfig connects to an Alibaba Cloud account through the IMS API (RAM users).
// +kubebuilder:validation:XValidation:rule="!has(self.endpoint) || !self.endpoint.startsWith('http://') || (isURL(self.endpoint) && (url(self.endpoint).getHostname() == 'localhost' || url(self.endpoint).getHostname().startsWith('127.') || url(self.endpoint).getHostname() == '::1'))",message="endpoint: plain http:// is only allowed to a loopback host (localhost, 127.0.0.0/8, [::1]); use https:// or a bare host[:port]"
type AlibabaProviderConfig struct {
	// endpoint of the IMS API as host[:port] or URL, ims.aliyuncs.com by default. The operator
	// always uses HTTPS, except for an http:// URL to a loopback host (a local simulator).
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^(https?://)?[A-Za-z0-9.\-\[\]:]+(:[0-9]+)?/?$`
	// +optional
	Endpoint string `json:"endpoint,omitempty"`

	// regionId the API calls are made for, cn-hangzhou by default.
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[a-z0-9-]+$`
	// +optional
	RegionID string `json:"regionId,omitempty"`
}

// HuaweiProviderConfig connects to a Huawei Cloud account through the IAM v5 API.
// +kubebuilder:validation:XValidation:rule="!has(self.endpoint) || !self.endpoint.startsWith('http://') || (isURL(self.endpoint) && (url(self.endpoint).getHostname() == 'localhost' || url(self.endpoint).getHostname().startsWith('127.') || url(self.endpoint).getHostname() == '::1'))",message="endpoint: plain http:// is only allowed to a loopback host (localhost, 127.0.0.0/8, [::1]); use https:// or a bare host[:port]"
type HuaweiProviderConfig struct {
	// endpoint of the IAM API as host[:port] or URL, iam.myhuaweicloud.com by default. The
	// operator always uses HTTPS, except for an http:// URL to a loopback host (a local simulator).
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^(https?://)?[A-Za-z0-9.\-\[\]:]+(:[0-9]+)?/?$`
	// +optional
	Endpoint string `json:"endpoint,omitempty"`

	// domainId is the id of the Huawei Cloud account (domain) the IAM users belong to.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9]+$`
	// +required
	DomainID string `json:"domainId"`
}

// InMemoryProviderConfig connects to a cloud account simulated in the manager's own memory, with
// the simulators' admin API to add users and look at the calls: the operator's tests use it to run
// the controller without a cloud, an HTTP simulator or an SDK. The released manager does not
// include it and refuses such a ProviderConfig (Ready False, reason InvalidConfig).
type InMemoryProviderConfig struct {
	// account names the in-memory account: ProviderConfigs naming the same account share its users
	// and profiles.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +required
	Account string `json:"account"`
}

// RateLimit caps the API calls the operator makes to one cloud account, whatever the number of
// LoginProfiles. Reads and writes are limited separately, as the cloud's quotas are.
type RateLimit struct {
	// readsPerSecond caps read calls (such as GetLoginProfile). The default is the cloud's
	// per-account quota for reads (100 per second on Alibaba Cloud).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +optional
	ReadsPerSecond *int32 `json:"readsPerSecond,omitempty"`

	// writesPerSecond caps write calls (create, update and delete of login profiles). The default
	// is the cloud's per-account quota for writes (20 per second on Alibaba Cloud).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +optional
	WritesPerSecond *int32 `json:"writesPerSecond,omitempty"`
}

// NamespaceSelection says which namespaces may use a ProviderConfig: those named and those whose
// labels match the selector.
// +kubebuilder:validation:XValidation:rule="has(self.names) || has(self.selector)",message="allowedNamespaces: set names, selector or both (to allow every namespace, leave allowedNamespaces out)"
type NamespaceSelection struct {
	// names of the namespaces allowed.
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.all(n, !format.dns1123Label().validate(n).hasValue())",message="allowedNamespaces.names: each entry must be a namespace name (lower-case letters, digits and '-', at most 63 characters)"
	// +listType=set
	// +optional
	Names []string `json:"names,omitempty"`

	// selector over the labels of Namespaces, with the fields of a Kubernetes label selector
	// (matchLabels, matchExpressions, ANDed); a namespace it matches is allowed, as are those in
	// names. An empty selector ({}) matches every namespace.
	// +optional
	Selector *NamespaceLabelSelector `json:"selector,omitempty"`
}

// NamespaceLabelSelector is a metav1.LabelSelector over Namespace labels, with bounds the API
// server needs to check it cheaply and messages a person can read.
type NamespaceLabelSelector struct {
	// matchLabels: each key must have exactly this value.
	// +kubebuilder:validation:MaxProperties=32
	// +kubebuilder:validation:XValidation:rule="self.all(k, !format.qualifiedName().validate(k).hasValue())",message="selector.matchLabels: each key must be a label key such as tenant or example.com/tenant"
	// +optional
	MatchLabels map[string]LabelValue `json:"matchLabels,omitempty"`

	// matchExpressions: each must hold.
	// +kubebuilder:validation:MaxItems=16
	// +listType=atomic
	// +optional
	MatchExpressions []NamespaceSelectorRequirement `json:"matchExpressions,omitempty"`
}

// LabelValue is the value of a label.
// +kubebuilder:validation:MaxLength=63
// +kubebuilder:validation:XValidation:rule="!format.labelValue().validate(self).hasValue()",message="selector.matchLabels: each value must be a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"
type LabelValue string

// NamespaceSelectorRequirement is a metav1.LabelSelectorRequirement.
// +kubebuilder:validation:XValidation:rule="(self.operator in ['In', 'NotIn']) == (has(self.values) && size(self.values) > 0)",message="selector.matchExpressions: In and NotIn need values, Exists and DoesNotExist take none"
type NamespaceSelectorRequirement struct {
	// key is the label key.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=317
	// +kubebuilder:validation:XValidation:rule="!format.qualifiedName().validate(self).hasValue()",message="selector.matchExpressions: key must be a label key such as tenant or example.com/tenant"
	// +required
	Key string `json:"key"`

	// operator: In, NotIn, Exists or DoesNotExist.
	// +kubebuilder:validation:Enum=In;NotIn;Exists;DoesNotExist
	// +required
	Operator metav1.LabelSelectorOperator `json:"operator"`

	// values for In and NotIn.
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=63
	// +listType=atomic
	// +optional
	Values []string `json:"values,omitempty"`
}

// LabelSelector converts the selector for the labels package.
func (s *NamespaceLabelSelector) LabelSelector() *metav1.LabelSelector {
	out := &metav1.LabelSelector{}
	for k, v := range s.MatchLabels {
		if out.MatchLabels == nil {
			out.MatchLabels = map[string]string{}
		}
		out.MatchLabels[k] = string(v)
	}
	for _, e := range s.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions, metav1.LabelSelectorRequirement{
			Key: e.Key, Operator: e.Operator, Values: e.Values})
	}
	return out
}

// UserPattern is a glob over the user field of a LoginProfile as written (spec.userPrincipalName
// or spec.userId): * matches any run of characters, ? any one character; nothing else is special.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=128
// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9@._*?-]+$')",message="a user pattern may hold letters, digits, '@', '.', '_', '-' and the wildcards '*' (any run of characters) and '?' (one character)"
type UserPattern string

// ProviderConfigSpec says how to reach one cloud account. Each cloud has its section, marked
// +loginprofile:cloud; the rule below is written from those marks by hack/cloudrule (make manifests).
// +loginprofile:cloud-rule
// +kubebuilder:validation:XValidation:rule="[has(self.alibaba), has(self.huawei), has(self.inMemory)].exists_one(c, c)",message="exactly one of spec.alibaba, spec.huawei and spec.inMemory must be set: it names the cloud this ProviderConfig connects to"
type ProviderConfigSpec struct {
	// alibaba connects to an Alibaba Cloud account.
	// +loginprofile:cloud
	// +optional
	Alibaba *AlibabaProviderConfig `json:"alibaba,omitempty"`

	// huawei connects to a Huawei Cloud account.
	// +loginprofile:cloud
	// +optional
	Huawei *HuaweiProviderConfig `json:"huawei,omitempty"`

	// inMemory connects to an account simulated in the manager's memory: for the operator's own
	// tests, refused by the released manager.
	// +loginprofile:cloud
	// +optional
	InMemory *InMemoryProviderConfig `json:"inMemory,omitempty"`

	// credentials of the cloud account.
	// +required
	Credentials ProviderCredentials `json:"credentials"`

	// rateLimit caps the API calls the operator makes to the account; by default the cloud's quotas.
	// +optional
	RateLimit *RateLimit `json:"rateLimit,omitempty"`

	// allowedNamespaces are the namespaces whose LoginProfiles may use this ProviderConfig. When it
	// is absent, every namespace may. A LoginProfile of another namespace is refused (Ready False,
	// reason Forbidden) before any cloud call.
	// +optional
	AllowedNamespaces *NamespaceSelection `json:"allowedNamespaces,omitempty"`

	// allowedUsers are globs over the user field of a LoginProfile as written (userPrincipalName or
	// userId): only users that match one may be managed. When it is absent, every user may.
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="allowedUsers: list at least one pattern, or leave allowedUsers out to allow every user"
	// +listType=set
	// +optional
	AllowedUsers []UserPattern `json:"allowedUsers,omitempty"`

	// protectedUsers are globs of users that are never touched through this ProviderConfig,
	// whatever allowedNamespaces and allowedUsers allow: an account's administrators, break-glass
	// users.
	// +kubebuilder:validation:MaxItems=256
	// +listType=set
	// +optional
	ProtectedUsers []UserPattern `json:"protectedUsers,omitempty"`
}

// ProviderConfigStatus is the observed state of a ProviderConfig.
type ProviderConfigStatus struct {
	// observedGeneration is the generation of the spec the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready says whether the configuration and its credentials are usable.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories=loginprofile-operator
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// ProviderConfig says how the operator reaches one cloud account: the cloud, its endpoint, the
// credentials and the rate limits. LoginProfiles name it in spec.providerConfigRef.
type ProviderConfig struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says how to reach the cloud account.
	// +required
	Spec ProviderConfigSpec `json:"spec"`

	// status is what the operator observed of this configuration.
	// +optional
	Status ProviderConfigStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ProviderConfigList is a list of ProviderConfigs.
type ProviderConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ProviderConfig `json:"items"`
}

func init() {
	SchemeBuilder.Register(&ProviderConfig{}, &ProviderConfigList{})
}
