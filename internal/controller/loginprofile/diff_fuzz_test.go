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
	"reflect"
	"slices"
	"testing"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// The bits of FuzzDiff's flags.
const (
	fuzzSpecMFA = 1 << iota
	fuzzSpecReset
	fuzzObsMFA
	fuzzObsReset
	fuzzApplied // a password was applied before (status.password is set)
	fuzzAppliedReset
	fuzzPasswordChanged
	fuzzCapsStatus
	fuzzCapsMFA
	fuzzCapsUpdateDate
)

// FuzzDiff checks diff against its doc comment, for any spec, observed profile, applied
// password and capabilities:
//
//   - the plan never holds a password, and names the observed user;
//   - it never sends a field the cloud lacks, nor status or mfaBindRequired at the value the
//     cloud has already;
//   - applied to the observed profile, its update gives the spec's status (Active when empty)
//     and mfaBindRequired, where the cloud has them;
//   - rotatePassword iff passwordChanged; on rotation passwordResetRequired is sent; otherwise it
//     is sent iff the cloud's value differs from the spec's and the spec's is not the one last
//     applied (a cloud value that differs from an unchanged spec is the user's reset, left
//     alone); whenever sent, it is the spec's;
//   - fields name exactly the fields that differ, in the fixed order, each once, and are empty
//     iff nothing is to be done;
//   - once the plan is carried out (and the spec's passwordResetRequired recorded as applied),
//     diff has nothing more to do;
//   - diff changes none of its arguments; createRequest, unsupported and wantsNoProfile agree
//     with the capabilities.
func FuzzDiff(f *testing.F) {
	const all = fuzzCapsStatus | fuzzCapsMFA | fuzzCapsUpdateDate
	for _, seed := range []struct {
		specStatus, obsStatus string
		flags                 uint16
	}{
		{"Active", "Active", all | fuzzApplied},                                    // in sync
		{"", "Active", all | fuzzApplied},                                          // empty status means Active
		{"Active", "Inactive", all | fuzzApplied | fuzzObsMFA},                     // drift corrected
		{"Active", "Active", all | fuzzApplied | fuzzAppliedReset | fuzzSpecReset}, // the user reset the password
		{"Active", "Active", all | fuzzApplied | fuzzObsReset},                     // a reset forced out of band
		{"Active", "Active", all | fuzzApplied | fuzzSpecReset},                    // the spec's reset changed
		{"Active", "Active", all | fuzzPasswordChanged | fuzzSpecReset | fuzzObsReset},
		{"Inactive", "Active", all | fuzzPasswordChanged},
		{"Active", "", fuzzApplied | fuzzSpecMFA | fuzzObsMFA}, // Huawei: no status, no MFA flag
		{"Inactive", "", fuzzPasswordChanged},                  // Huawei: Inactive is no profile
		{"Active", "Active", all},                              // adoption: nothing applied yet
	} {
		f.Add(seed.specStatus, seed.obsStatus, "alice@corp.onaliyun.com", seed.flags)
	}
	f.Fuzz(func(t *testing.T, specStatus, obsStatus, user string, flags uint16) {
		has := func(bit uint16) bool { return flags&bit != 0 }
		spec := &v1alpha1.LoginProfileSpec{UserPrincipalName: user, Status: v1alpha1.LoginStatus(specStatus),
			MFABindRequired: has(fuzzSpecMFA), PasswordResetRequired: has(fuzzSpecReset)}
		obs := &cloud.LoginProfile{User: user, Status: obsStatus, MFABindRequired: has(fuzzObsMFA), PasswordResetRequired: has(fuzzObsReset)}
		var applied *v1alpha1.PasswordStatus
		if has(fuzzApplied) {
			applied = &v1alpha1.PasswordStatus{Digest: "$argon2id$x", ResetRequired: has(fuzzAppliedReset)}
		}
		changed := has(fuzzPasswordChanged)
		caps := cloud.Capabilities{Status: has(fuzzCapsStatus), MFABindRequired: has(fuzzCapsMFA), UpdateDate: has(fuzzCapsUpdateDate)}
		specBefore, obsBefore, appliedBefore := spec.DeepCopy(), *obs, applied.DeepCopy()

		p := diff(spec, obs, applied, changed, caps)
		u := p.update

		if !reflect.DeepEqual(spec, specBefore) || !reflect.DeepEqual(*obs, obsBefore) || !reflect.DeepEqual(applied, appliedBefore) {
			t.Fatal("diff changed its arguments")
		}
		if u.Password != nil {
			t.Fatal("the plan holds a password")
		}
		if u.User != obs.User {
			t.Fatalf("the plan is for user %q, the profile is %q's", u.User, obs.User)
		}
		if u.Status != nil && (!caps.Status || *u.Status == obs.Status) {
			t.Fatalf("status %q sent (cloud has status: %v, observed %q)", *u.Status, caps.Status, obs.Status)
		}
		if u.MFABindRequired != nil && (!caps.MFABindRequired || *u.MFABindRequired == obs.MFABindRequired) {
			t.Fatalf("mfaBindRequired %v sent (cloud has it: %v, observed %v)", *u.MFABindRequired, caps.MFABindRequired, obs.MFABindRequired)
		}

		// Carried out, the update gives the spec's values where the cloud has them.
		after := apply(*obs, u)
		wantStatus := specStatus
		if wantStatus == "" {
			wantStatus = cloud.StatusActive
		}
		if caps.Status && after.Status != wantStatus {
			t.Fatalf("after the update the status is %q, want %q", after.Status, wantStatus)
		}
		if caps.MFABindRequired && after.MFABindRequired != spec.MFABindRequired {
			t.Fatalf("after the update mfaBindRequired is %v, want %v", after.MFABindRequired, spec.MFABindRequired)
		}

		// The password and passwordResetRequired.
		if p.rotatePassword != changed {
			t.Fatalf("rotatePassword %v, passwordChanged %v", p.rotatePassword, changed)
		}
		specChanged := applied == nil || applied.ResetRequired != spec.PasswordResetRequired
		wantReset := changed || specChanged && obs.PasswordResetRequired != spec.PasswordResetRequired
		if (u.PasswordResetRequired != nil) != wantReset {
			t.Fatalf("passwordResetRequired sent: %v, want %v (rotation %v, spec %v, last applied %+v, cloud %v)",
				u.PasswordResetRequired != nil, wantReset, changed, spec.PasswordResetRequired, applied, obs.PasswordResetRequired)
		}
		if u.PasswordResetRequired != nil && *u.PasswordResetRequired != spec.PasswordResetRequired {
			t.Fatalf("passwordResetRequired %v sent, the spec says %v", *u.PasswordResetRequired, spec.PasswordResetRequired)
		}

		// The fields name what differs, in order.
		var want []string
		if u.Status != nil {
			want = append(want, "status")
		}
		if u.MFABindRequired != nil {
			want = append(want, "mfaBindRequired")
		}
		if p.rotatePassword {
			want = append(want, "password")
		}
		if u.PasswordResetRequired != nil && obs.PasswordResetRequired != spec.PasswordResetRequired {
			want = append(want, "passwordResetRequired")
		}
		if !slices.Equal(p.fields, want) {
			t.Fatalf("fields %q, want %q", p.fields, want)
		}
		if (len(p.fields) == 0) != (u.IsEmpty() && !p.rotatePassword) {
			t.Fatalf("fields %q for an update %+v (rotation %v)", p.fields, u, p.rotatePassword)
		}

		// Carried out, nothing is left to do.
		recorded := &v1alpha1.PasswordStatus{Digest: "$argon2id$y", ResetRequired: spec.PasswordResetRequired}
		if again := diff(spec, &after, recorded, false, caps); len(again.fields) > 0 || !again.update.IsEmpty() {
			t.Fatalf("after carrying out %+v, diff still plans %q %+v", u, again.fields, again.update)
		}

		// The neighbours of diff agree with the capabilities.
		pw := cloud.NewSensitive("Correct-Horse-9")
		req := createRequest(spec, user, pw, caps)
		createStatus := "" // a cloud without status gets none
		if caps.Status {
			createStatus = wantStatus
		}
		if req.User != user || req.Password != pw || req.PasswordResetRequired != spec.PasswordResetRequired ||
			req.Status != createStatus || req.MFABindRequired != (caps.MFABindRequired && spec.MFABindRequired) {
			t.Fatalf("createRequest = %+v for spec %+v and %+v", req, spec, caps)
		}
		if (unsupported(spec, caps, "test") != "") != (spec.MFABindRequired && !caps.MFABindRequired) {
			t.Fatalf("unsupported = %q for mfaBindRequired %v on a cloud with it: %v", unsupported(spec, caps, "test"), spec.MFABindRequired, caps.MFABindRequired)
		}
		if wantsNoProfile(spec, caps) != (!caps.Status && wantStatus == cloud.StatusInactive) {
			t.Fatalf("wantsNoProfile = %v for status %q on a cloud with status: %v", wantsNoProfile(spec, caps), specStatus, caps.Status)
		}
	})
}

// apply is what the cloud does with an update: it sets the fields sent.
func apply(p cloud.LoginProfile, u cloud.UpdateRequest) cloud.LoginProfile {
	if u.Status != nil {
		p.Status = *u.Status
	}
	if u.MFABindRequired != nil {
		p.MFABindRequired = *u.MFABindRequired
	}
	if u.PasswordResetRequired != nil {
		p.PasswordResetRequired = *u.PasswordResetRequired
	}
	return p
}
