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

// Package cloud is the provider-neutral view of a cloud's console login profiles. The controller
// talks only to the Provider interface (this file) and gets providers from Providers; each cloud lives
// in a package of its own that registers a Driver (driver.go, registry.go). What every cloud
// package needs besides its SDK is in the sub-package providerkit. Nothing here imports a cloud SDK.
package cloud

import (
	"context"
	"time"
)

// Login status values, shared by every cloud.
const (
	StatusActive   = "Active"
	StatusInactive = "Inactive"
)

// LoginProfile is a user's console login profile as the cloud reports it.
type LoginProfile struct {
	// User is the user's key in the cloud (the user principal name on Alibaba Cloud).
	User string
	// Status is StatusActive or StatusInactive.
	Status                string
	MFABindRequired       bool
	PasswordResetRequired bool
	// The dates are zero when the cloud does not report them.
	CreateDate        time.Time
	UpdateDate        time.Time
	LastLoginTime     time.Time
	PasswordExpiresAt time.Time
}

// CreateRequest creates a login profile. Every field is sent.
type CreateRequest struct {
	User                  string
	Password              Sensitive
	Status                string
	MFABindRequired       bool
	PasswordResetRequired bool
}

// UpdateRequest changes a login profile. Only the non-nil fields are sent: a nil Password leaves
// the password alone, which is what every update that does not rotate it must do.
type UpdateRequest struct {
	User                  string
	Password              *Sensitive
	Status                *string
	MFABindRequired       *bool
	PasswordResetRequired *bool
}

// IsEmpty reports whether the update would change nothing.
func (u UpdateRequest) IsEmpty() bool {
	return u.Password == nil && u.Status == nil && u.MFABindRequired == nil && u.PasswordResetRequired == nil
}

// Provider manages the console login profiles of one cloud account. Implementations are safe for
// concurrent use and return errors classified with the sentinels of this package (see errors.go);
// their error messages never contain a password or an access key.
type Provider interface {
	// Get observes a login profile. It never changes the cloud. A missing profile is
	// ErrProfileNotFound, a missing user ErrUserNotFound.
	Get(ctx context.Context, user string) (*LoginProfile, error)
	// Create creates a login profile. ErrAlreadyExists when one exists.
	Create(ctx context.Context, req CreateRequest) (*LoginProfile, error)
	// Update changes the fields set in req.
	Update(ctx context.Context, req UpdateRequest) (*LoginProfile, error)
	// Delete removes the login profile. A missing profile or user is not an error.
	Delete(ctx context.Context, user string) error
	// PasswordPolicy reads the account's password policy.
	PasswordPolicy(ctx context.Context) (*PasswordPolicy, error)
	// MFABound reports whether the user has an MFA device bound (and enabled). A missing user is
	// ErrUserNotFound.
	MFABound(ctx context.Context, user string) (bool, error)
	// LastLogin returns when the user last signed in to the console; zero when never. The
	// controller calls it only for a cloud whose login profile does not carry the time
	// (Capabilities.LastLoginInProfile false). A missing user is ErrUserNotFound.
	LastLogin(ctx context.Context, user string) (time.Time, error)
}
