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

package memory

import (
	"net/http"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// The account's quotas by default, and its password policy's.
const (
	DefaultReadsPerSecond  = 100
	DefaultWritesPerSecond = 20
	defaultMinimumLength   = 8
	defaultMaximumLength   = 128
)

// Account is an in-memory cloud account: the simulators' core, with its Go API (users,
// profiles, password policy, MFA devices, last logins, calls, faults, latency, quotas) and, once
// started, its admin API.
type Account struct{ *simcore.Core }

// Options configures an Account. The zero value is a working account.
type Options struct {
	// ReadsPerSecond and WritesPerSecond are the account's quotas: 0 means the defaults (100 and
	// 20), negative means unlimited.
	ReadsPerSecond, WritesPerSecond int
	// PasswordPolicy is the account's; the zero value means 8 to 128 characters, no other rule,
	// no reuse prevention. SetPasswordPolicy (or SetRules) replaces it.
	PasswordPolicy PasswordPolicy
	// Now is the account's clock; nil means time.Now.
	Now func() time.Time
}

// NewAccount returns an account with no users. Register it to make it reachable.
func NewAccount(o Options) *Account {
	return &Account{simcore.New(simcore.Options{
		Cloud:                  cloudName,
		Capabilities:           simcore.Capabilities{Status: true, MFABindRequired: true, UpdateDate: true, LastLoginTime: true},
		Actions:                actions,
		Codes:                  codes,
		Translate:              translate,
		Now:                    o.Now,
		ReadsPerSecond:         o.ReadsPerSecond,
		WritesPerSecond:        o.WritesPerSecond,
		DefaultReadsPerSecond:  DefaultReadsPerSecond,
		DefaultWritesPerSecond: DefaultWritesPerSecond,
		PasswordPolicy:         o.PasswordPolicy,
		PolicyFromRules:        policyFromRules,
	})}
}

// actions are the account's names of the operations: the operations' own.
var actions = func() map[simcore.Op]string {
	m := map[simcore.Op]string{}
	for _, op := range simcore.Ops {
		m[op] = string(op)
	}
	return m
}()

// The account's error codes: the names of the core's kinds.
var codes = simcore.CodeTable{
	string(simcore.UserNotFound):    {Status: http.StatusNotFound, Message: "The user does not exist.", Kind: simcore.UserNotFound},
	string(simcore.ProfileNotFound): {Status: http.StatusNotFound, Message: "The user has no login profile.", Kind: simcore.ProfileNotFound},
	string(simcore.ProfileExists):   {Status: http.StatusConflict, Message: "The user has a login profile already.", Kind: simcore.ProfileExists},
	string(simcore.PasswordWeak): {Status: http.StatusBadRequest, Message: "The password does not comply with the password policy.",
		Kind: simcore.PasswordWeak, KindMessage: "The password does not comply with the password policy: {reason}."},
	string(simcore.PasswordReused): {Status: http.StatusBadRequest, Message: "The password was used recently.", Kind: simcore.PasswordReused},
	string(simcore.Throttled):      {Status: http.StatusTooManyRequests, Message: "Over the account's quota.", Kind: simcore.Throttled},
	string(simcore.Unavailable):    {Status: http.StatusServiceUnavailable, Message: "The service is unavailable.", Kind: simcore.Unavailable},
}

// translate answers a neutral error with the code of its kind.
var translate = codes.Translator()
