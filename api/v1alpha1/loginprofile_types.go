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

// LoginStatus says whether console password login is enabled.
// +kubebuilder:validation:Enum=Active;Inactive
type LoginStatus string

const (
	// LoginStatusActive enables console password login.
	LoginStatusActive LoginStatus = "Active"
	// LoginStatusInactive disables console password login; the login profile is kept.
	LoginStatusInactive LoginStatus = "Inactive"
)

// DeletionPolicy says what happens in the cloud when a LoginProfile is deleted.
// +kubebuilder:validation:Enum=Delete;Orphan
type DeletionPolicy string

const (
	// DeletionPolicyDelete deletes the cloud login profile with the object.
	DeletionPolicyDelete DeletionPolicy = "Delete"
	// DeletionPolicyOrphan leaves the cloud login profile as it is.
	DeletionPolicyOrphan DeletionPolicy = "Orphan"
)

// ManagementPolicy says whether the operator writes to the cloud.
// +kubebuilder:validation:Enum=Manage;Observe
type ManagementPolicy string

const (
	// ManagementPolicyManage makes the cloud match the spec (the default).
	ManagementPolicyManage ManagementPolicy = "Manage"
	// ManagementPolicyObserve only reports the cloud's login profile in status.atProvider: it
	// never writes to the cloud, deletion included, and needs no password Secret.
	ManagementPolicyObserve ManagementPolicy = "Observe"
)

// DefaultProviderConfigName is the ProviderConfig a LoginProfile uses when it names none.
const DefaultProviderConfigName = "default"

// DefaultPasswordKey is the Secret key read when passwordSecretRef names none.
const DefaultPasswordKey = "password"

// ProviderConfigReference names a cluster-scoped ProviderConfig.
type ProviderConfigReference struct {
	// name of the ProviderConfig.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`
}

// PasswordSecretReference names a key of a Secret in the LoginProfile's own namespace.
type PasswordSecretReference struct {
	// name of the Secret, in the same namespace as the LoginProfile.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`

	// key of the Secret that holds the password; "password" when empty.
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]*$`
	// +optional
	Key string `json:"key,omitempty"`
}

// LoginProfileSpec is the console login a cloud user should have.
// +kubebuilder:validation:XValidation:rule="has(self.userPrincipalName) != has(self.userId)",message="set exactly one of spec.userPrincipalName (Alibaba Cloud) and spec.userId (Huawei Cloud)"
// +kubebuilder:validation:XValidation:rule="has(oldSelf.userPrincipalName) == has(self.userPrincipalName) && has(oldSelf.userId) == has(self.userId)",message="the user of a LoginProfile cannot be changed: create another LoginProfile to manage another user"
// +kubebuilder:validation:XValidation:rule="(has(self.providerConfigRef) ? self.providerConfigRef.name : 'default') == (has(oldSelf.providerConfigRef) ? oldSelf.providerConfigRef.name : 'default')",message="spec.providerConfigRef is immutable: create another LoginProfile to manage a user of another account"
// +kubebuilder:validation:XValidation:rule="has(self.passwordSecretRef) || (has(self.managementPolicy) && self.managementPolicy == 'Observe')",message="spec.passwordSecretRef is required unless spec.managementPolicy is Observe"
// +kubebuilder:validation:XValidation:rule="!has(self.generatePassword) || !self.generatePassword || !has(self.managementPolicy) || self.managementPolicy != 'Observe'",message="spec.generatePassword needs spec.managementPolicy Manage: an observed login profile gets no password"
// +kubebuilder:validation:XValidation:rule="!has(self.disableAfterUnused) || !has(self.managementPolicy) || self.managementPolicy != 'Observe'",message="spec.disableAfterUnused needs spec.managementPolicy Manage: an observed login profile is never changed"
type LoginProfileSpec struct {
	// providerConfigRef names the ProviderConfig of the cloud account the user belongs to;
	// "default" when empty.
	// +optional
	ProviderConfigRef *ProviderConfigReference `json:"providerConfigRef,omitempty"`

	// userPrincipalName is the logon name of the user on Alibaba Cloud (a RAM user), such as
	// alice@corp.onaliyun.com. Set exactly one of userPrincipalName and userId, the one the
	// ProviderConfig's cloud uses. It cannot be changed: create another LoginProfile to manage
	// another user.
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^[^@\s]+@[^@\s]+$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="userPrincipalName is immutable: create another LoginProfile to manage another user"
	// +optional
	UserPrincipalName string `json:"userPrincipalName,omitempty"`

	// userId is the id of the user on Huawei Cloud (an IAM user). Set exactly one of
	// userPrincipalName and userId, the one the ProviderConfig's cloud uses. It cannot be changed.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_-]+$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="userId is immutable: create another LoginProfile to manage another user"
	// +optional
	UserID string `json:"userId,omitempty"`

	// status of console password login: Active (enabled) or Inactive (disabled). Active by
	// default. On Alibaba Cloud an Inactive profile is kept; Huawei Cloud's login profile has no
	// status, so there Inactive means no login profile (it is deleted, and created again from the
	// Secret when set back to Active).
	// +kubebuilder:default=Active
	// +optional
	Status LoginStatus `json:"status,omitempty"`

	// mfaBindRequired makes the user bind an MFA device at the next console login. The operator
	// corrects it when it is changed out of band. Huawei Cloud's login profile API cannot set it:
	// true there is reported as Unsupported.
	// +kubebuilder:default=false
	// +optional
	MFABindRequired bool `json:"mfaBindRequired"`

	// passwordResetRequired makes the user choose a new password at the next console login. It is
	// applied when the profile is created, when the password is rotated and when this field
	// changes. The cloud clearing it after the user has reset the password is not drift and is
	// left alone.
	// +kubebuilder:default=false
	// +optional
	PasswordResetRequired bool `json:"passwordResetRequired"`

	// passwordSecretRef names the Secret key that holds the console password. The password is
	// sent to the cloud when the profile is created and whenever the Secret's value changes,
	// never otherwise. It is needed only for those two: disabling the login, changing
	// mfaBindRequired or passwordResetRequired and deleting work without it. Required unless
	// managementPolicy is Observe.
	// +optional
	PasswordSecretRef *PasswordSecretReference `json:"passwordSecretRef,omitempty"`

	// generatePassword: when the Secret or key passwordSecretRef names does not exist, the
	// operator creates it with a random password that satisfies the account's password policy,
	// and applies it. The Secret it creates is owned by this LoginProfile and labelled
	// iam.loginprofile.io/generated-for; to rotate the password, delete the key (or the Secret):
	// a new one is generated and applied once. A Secret that exists is never overwritten, and a
	// key is added only to a Secret the operator created. Pair it with passwordResetRequired:
	// true, so that the user chooses a password of their own at the first login.
	// +optional
	GeneratePassword bool `json:"generatePassword,omitempty"`

	// disableAfterUnused disables console login when it has not been used for this long: since
	// the last console login, or since the login profile was created for a login never used. A
	// number of days, hours, minutes or seconds, such as 90d or 36h. The operator then disables
	// the login (Alibaba Cloud: status Inactive; Huawei Cloud: the login profile is deleted) and
	// sets the condition Disabled=True, reason Unused. Any later change of the spec enables the
	// login again and restarts the clock.
	// +kubebuilder:validation:Pattern=`^([0-9]{1,5}d)?([0-9]{1,6}h)?([0-9]{1,8}m)?([0-9]{1,9}s)?$`
	// +kubebuilder:validation:MinLength=2
	// +kubebuilder:validation:MaxLength=32
	// +optional
	DisableAfterUnused string `json:"disableAfterUnused,omitempty"`

	// managementPolicy: Manage (the default) makes the cloud match this spec; Observe never
	// writes to the cloud, deletion included, needs no password Secret and reports the cloud's
	// login profile in status.atProvider (for audits, and to look before taking over a profile
	// managed by another tool).
	// +kubebuilder:default=Manage
	// +optional
	ManagementPolicy ManagementPolicy `json:"managementPolicy,omitempty"`

	// deletionPolicy says what happens to the cloud login profile when this object is deleted:
	// Delete (the default) deletes it, Orphan leaves it.
	// +kubebuilder:default=Delete
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`
}

// LoginProfileObservation is the login profile as last observed in the cloud.
type LoginProfileObservation struct {
	// userPrincipalName is the logon name of the user.
	// +optional
	UserPrincipalName string `json:"userPrincipalName,omitempty"`

	// userId is the id of the user (Huawei Cloud).
	// +optional
	UserID string `json:"userId,omitempty"`

	// status of console password login in the cloud: Active or Inactive.
	// +optional
	Status string `json:"status,omitempty"`

	// mfaBindRequired as set in the cloud.
	// +optional
	MFABindRequired bool `json:"mfaBindRequired"`

	// passwordResetRequired as set in the cloud. The cloud clears it when the user resets the
	// password.
	// +optional
	PasswordResetRequired bool `json:"passwordResetRequired"`

	// updateDate is when the login profile was last changed in the cloud.
	// +optional
	UpdateDate *metav1.Time `json:"updateDate,omitempty"`

	// lastLoginTime is when the user last logged in to the console.
	// +optional
	LastLoginTime *metav1.Time `json:"lastLoginTime,omitempty"`

	// lastLoginKnown: the cloud reported the user's last console login, so an absent
	// lastLoginTime means the user never logged in. On a cloud whose login profile does not carry
	// it (Huawei Cloud), it is read only for disableAfterUnused or the manager's --audit.
	// +optional
	LastLoginKnown bool `json:"lastLoginKnown,omitempty"`

	// mfaBound: the user has an MFA device bound. Read, at most once per poll interval, only when
	// it matters: spec.mfaBindRequired, or the manager's --audit.
	// +optional
	MFABound *bool `json:"mfaBound,omitempty"`

	// createdAt is when the login profile was created.
	// +optional
	CreatedAt *metav1.Time `json:"createdAt,omitempty"`

	// passwordExpiresAt is when the password expires, where the cloud reports it.
	// +optional
	PasswordExpiresAt *metav1.Time `json:"passwordExpiresAt,omitempty"`
}

// PendingOperation is the kind of call a pending password write is.
type PendingOperation string

const (
	// PendingCreate is a pending write that creates the login profile.
	PendingCreate PendingOperation = "Create"
	// PendingUpdate is a pending write that updates the login profile's password.
	PendingUpdate PendingOperation = "Update"
)

// PasswordStatus records which password the operator applied, in a form that cannot be reversed:
// a salted argon2id hash, so that an unchanged password is never sent again.
type PasswordStatus struct {
	// digest is the salted argon2id hash (PHC string format) of the password last applied.
	// +optional
	Digest string `json:"digest,omitempty"`

	// secretName and secretKey say where the applied password was read.
	// +optional
	SecretName string `json:"secretName,omitempty"`
	// +optional
	SecretKey string `json:"secretKey,omitempty"`

	// secretResourceVersion is the Secret's resourceVersion when its value was last compared with
	// digest; while it is unchanged the Secret is not read again.
	// +optional
	SecretResourceVersion string `json:"secretResourceVersion,omitempty"`

	// resetRequired is the spec.passwordResetRequired last applied to the cloud.
	// +optional
	ResetRequired bool `json:"resetRequired"`

	// lastAppliedTime is when a password was last sent to the cloud.
	// +optional
	LastAppliedTime *metav1.Time `json:"lastAppliedTime,omitempty"`

	// refusedSecretResourceVersion is the Secret's resourceVersion whose password the cloud
	// refused: it is not sent again until the Secret or the spec changes.
	// +optional
	RefusedSecretResourceVersion string `json:"refusedSecretResourceVersion,omitempty"`

	// refusedGeneration is the generation of the spec the refused password was sent for: a new
	// generation may send it again (a person changed something), nothing else does.
	// +optional
	RefusedGeneration int64 `json:"refusedGeneration,omitempty"`

	// refusedDigest is the salted argon2id hash of the refused password, so that a new version of
	// the Secret holding the same password (a label changed, a secret manager re-synced) does not
	// send it again.
	// +optional
	RefusedDigest string `json:"refusedDigest,omitempty"`

	// pendingDigest is set, before the call, while a write carrying a new password is in flight,
	// so that an interrupted write is neither lost nor repeated.
	// +optional
	PendingDigest string `json:"pendingDigest,omitempty"`

	// pendingOperation is the call the pending write is: Create or Update.
	// +kubebuilder:validation:Enum=Create;Update
	// +optional
	PendingOperation PendingOperation `json:"pendingOperation,omitempty"`

	// pendingBaseUpdateDate is the profile's updateDate observed before a pending update; a
	// different updateDate afterwards shows the update landed.
	// +optional
	PendingBaseUpdateDate *metav1.Time `json:"pendingBaseUpdateDate,omitempty"`

	// pendingResetRequired is the passwordResetRequired the pending write carries: recorded as
	// applied with the password if the write landed, whatever the spec says by then.
	// +optional
	PendingResetRequired *bool `json:"pendingResetRequired,omitempty"`
}

// LoginProfileStatus is what the operator observed and did.
type LoginProfileStatus struct {
	// observedGeneration is the generation of the spec this status describes (kstatus): the
	// conditions say whether it was acted on.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready is True when the cloud matches the spec; its reason says what is wrong
	// otherwise. Stalled is True when nothing changes until a person acts (a refused password, a
	// missing cloud user, an unsupported field); Reconciling is True while the object converges or
	// waits for something expected (a Secret not created yet, throttling). Both follow kstatus:
	// present only when True.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// atProvider is the login profile as last observed in the cloud.
	// +optional
	AtProvider *LoginProfileObservation `json:"atProvider,omitempty"`

	// password records which password was applied, as an irreversible salted hash.
	// +optional
	Password *PasswordStatus `json:"password,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=loginprofile-operator,shortName=lp
// +kubebuilder:printcolumn:name="User",type=string,JSONPath=`.spec.userPrincipalName`
// +kubebuilder:printcolumn:name="User ID",type=string,priority=1,JSONPath=`.spec.userId`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.atProvider.status`
// +kubebuilder:printcolumn:name="MFA",type=boolean,JSONPath=`.status.atProvider.mfaBindRequired`
// +kubebuilder:printcolumn:name="MFA Bound",type=boolean,priority=1,JSONPath=`.status.atProvider.mfaBound`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Last Login",type=date,JSONPath=`.status.atProvider.lastLoginTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// LoginProfile is the console login of one cloud user: whether the user may log in to the cloud
// console with a password, the password (from a Secret), and whether MFA and a password reset are
// required. The operator makes the cloud match it and keeps it so.
type LoginProfile struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the console login the user should have.
	// +required
	Spec LoginProfileSpec `json:"spec"`

	// status is what the operator observed in the cloud and did.
	// +optional
	Status LoginProfileStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// LoginProfileList is a list of LoginProfiles.
type LoginProfileList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []LoginProfile `json:"items"`
}

func init() {
	SchemeBuilder.Register(&LoginProfile{}, &LoginProfileList{})
}

// ProviderConfigName is the ProviderConfig the LoginProfile uses.
func (lp *LoginProfile) ProviderConfigName() string {
	if lp.Spec.ProviderConfigRef == nil || lp.Spec.ProviderConfigRef.Name == "" {
		return DefaultProviderConfigName
	}
	return lp.Spec.ProviderConfigRef.Name
}

// PasswordSecretName is the name of the password Secret, "" when the spec names none.
func (lp *LoginProfile) PasswordSecretName() string {
	if lp.Spec.PasswordSecretRef == nil {
		return ""
	}
	return lp.Spec.PasswordSecretRef.Name
}

// PasswordKey is the Secret key the password is read from.
func (lp *LoginProfile) PasswordKey() string {
	if lp.Spec.PasswordSecretRef == nil || lp.Spec.PasswordSecretRef.Key == "" {
		return DefaultPasswordKey
	}
	return lp.Spec.PasswordSecretRef.Key
}

// Observed reports whether the operator only observes this LoginProfile's cloud profile.
func (lp *LoginProfile) Observed() bool {
	return lp.Spec.ManagementPolicy == ManagementPolicyObserve
}

// User is the user field as written: spec.userPrincipalName or spec.userId.
func (lp *LoginProfile) User() string {
	if lp.Spec.UserPrincipalName != "" {
		return lp.Spec.UserPrincipalName
	}
	return lp.Spec.UserID
}
