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
	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// plan is what an update must change, and why.
type plan struct {
	// update holds the fields to send; its Password is filled in by the caller when
	// rotatePassword is set (the plan never holds the password).
	update cloud.UpdateRequest
	// rotatePassword: the Secret's password differs from the one last applied.
	rotatePassword bool
	// fields names the fields that differ (for events and logs), in a fixed order.
	fields []string
}

// diff computes the update that makes the observed profile match the spec. It is pure.
// Fields the cloud does not have (caps) are never sent.
//
//   - status and mfaBindRequired are corrected whenever they differ (drift included);
//   - the password is sent only when passwordChanged (the Secret's value is not the one applied);
//   - passwordResetRequired is sent on rotation, and when the spec's value is not the one last
//     applied. A cloud value that differs from an unchanged spec is the user having reset the
//     password (or an administrator forcing a reset): it is not drift and is left alone.
func diff(spec *v1alpha1.LoginProfileSpec, obs *cloud.LoginProfile, applied *v1alpha1.PasswordStatus, passwordChanged bool, caps cloud.Capabilities) plan {
	p := plan{update: cloud.UpdateRequest{User: obs.User}}
	if desiredStatus := desiredStatus(spec); caps.Status && obs.Status != desiredStatus {
		p.update.Status = &desiredStatus
		p.fields = append(p.fields, "status")
	}
	if caps.MFABindRequired && obs.MFABindRequired != spec.MFABindRequired {
		mfa := spec.MFABindRequired
		p.update.MFABindRequired = &mfa
		p.fields = append(p.fields, "mfaBindRequired")
	}
	if passwordChanged {
		p.rotatePassword = true
		p.fields = append(p.fields, "password")
	}
	resetSpecChanged := applied == nil || applied.ResetRequired != spec.PasswordResetRequired
	if passwordChanged || (resetSpecChanged && obs.PasswordResetRequired != spec.PasswordResetRequired) {
		reset := spec.PasswordResetRequired
		p.update.PasswordResetRequired = &reset
		if obs.PasswordResetRequired != spec.PasswordResetRequired {
			p.fields = append(p.fields, "passwordResetRequired")
		}
	}
	return p
}

// createRequest is the request creating the profile the spec describes.
// Fields the cloud does not have (caps) are left at their zero value.
func createRequest(spec *v1alpha1.LoginProfileSpec, user string, pw cloud.Sensitive, caps cloud.Capabilities) cloud.CreateRequest {
	req := cloud.CreateRequest{User: user, Password: pw, PasswordResetRequired: spec.PasswordResetRequired}
	if caps.Status {
		req.Status = desiredStatus(spec)
	}
	if caps.MFABindRequired {
		req.MFABindRequired = spec.MFABindRequired
	}
	return req
}

func desiredStatus(spec *v1alpha1.LoginProfileSpec) string {
	if spec.Status == "" {
		return cloud.StatusActive
	}
	return string(spec.Status)
}

// unsupported says why the spec cannot be honoured by a cloud with caps, or "" when it can.
func unsupported(spec *v1alpha1.LoginProfileSpec, caps cloud.Capabilities, cloudName string) string {
	if spec.MFABindRequired && !caps.MFABindRequired {
		return "mfaBindRequired: true cannot be honoured: the " + cloudName +
			" login profile API has no MFA setting. Set it to false and require MFA with the cloud's own login protection"
	}
	return ""
}

// wantsNoProfile reports whether the spec means "no login profile at all": Inactive on a cloud
// whose profiles have no status.
func wantsNoProfile(spec *v1alpha1.LoginProfileSpec, caps cloud.Capabilities) bool {
	return !caps.Status && desiredStatus(spec) == cloud.StatusInactive
}
