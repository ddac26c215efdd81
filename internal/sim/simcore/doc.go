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

/*
Package simcore is what every simulated cloud account has, whatever its wire protocol: the users and their login
profiles, the password history and reuse prevention, the call log, fault injection, latency, the per-account read
and write quotas, the HTTP lifecycle and the admin API. A cloud's simulator (internal/sim/alibaba,
internal/sim/huawei) brings only its wire format and signature check (a Protocol, with Credentials), its error-code table and
its replies to the neutral errors (Codes, Translate: data, through CodeTable.Translator), its password policy (a PasswordPolicy) and its Capabilities (the fields its login profile has).

# Go API

New returns a Core. The account's state is changed out of band with AddUser, DeleteUser, SetProfile,
DeleteProfile, UserResetsPassword, SetPasswordPolicy (or SetRules, through Options.PolicyFromRules), SetMFABound
and SetLastLogin, and read with Users, Profile, Password, PasswordPolicy, Rules, MFABound, LastLogin and Calls;
faults, latency and quotas with InjectFault, ClearFaults, SetLatency and SetQuota. A user's last login belongs to
the user: a profile shows it as LastLoginTime on a cloud whose profile has it, and setting either sets both.

A call runs through Do: the latency, the faults (matched by the cloud's action name or the neutral Op), the quota
(Get, GetPasswordPolicy, GetMFA and GetLastLogin are reads, the others writes: Op.IsRead), then the action, given
an Account (Get, Create, Update, Delete, PasswordPolicy, MFABound, LastLogin) whose errors
are neutral (*Error of a Kind: UserNotFound, ProfileNotFound, ProfileExists, PasswordWeak, PasswordReused; the quota
answers Throttled). The call is recorded in the log under the same lock as the action runs, so the log's order is
the order in which the account changed. Over HTTP, the core runs Do for each request the Protocol decoded and lets
the Protocol answer; a caller in the same process, such as a provider without wire, calls Do itself:

	core := simcore.New(simcore.Options{Cloud: "memory", Codes: table, Translate: table.Translator(replies), ...})
	var got simcore.Profile
	_, err := core.Do(simcore.Request{Op: simcore.OpGet, Action: "Get", User: user},
		func(a simcore.Account) (simcore.Answer, error) {
			p, err := a.Get(user)
			got = p
			return simcore.Answer{}, err
		})
	// err: nil, a neutral *Error, an injected fault's *APIError, or ErrDropped (the answer was lost)

# Admin API

Unsigned, on the same server as the cloud's API, JSON in and out, the same routes and JSON for every cloud; for
end-to-end tests and demos that run cmd/cloudsim. {user} is the cloud's user key (a user principal name, a user
id).

	GET    /_sim/cloud                        {"cloud", "accountId" (if any), "capabilities": {"status", "mfaBindRequired", "updateDate",
	                                          "lastLoginTime"}, "actions": {"Get": "<the cloud's action>", ...},
	                                          "codes": {"userNotFound": {"code", "httpStatus"}, ...}}
	GET    /_sim/calls                        the calls, in order: [{"op", "action", "user", "params",
	                                          "passwordSent", "code", "httpStatus", "time", "requestId", "dropped"}];
	                                          params under the neutral names (password, passwordResetRequired,
	                                          status, mfaBindRequired), a password reading "[redacted]"
	DELETE /_sim/calls                        forget the calls
	GET    /_sim/users                        the users
	POST   /_sim/users                        {"user": "..."}: add a user without login profile
	DELETE /_sim/users/{user}                 delete a user
	GET    /_sim/users/{user}/profile         {"user", "status", "mfaBindRequired", "passwordResetRequired",
	                                          "createDate", "updateDate", "lastLoginTime", "passwordExpiresAt",
	                                          "hasPassword"}, the fields the cloud lacks left out; 404 without profile
	PUT    /_sim/users/{user}/profile         change any of those fields out of band (drift; passwordExpiresAt
	                                          null: no expiry); creates the profile (without password) when missing;
	                                          400 for a field the cloud's profile lacks
	DELETE /_sim/users/{user}/profile         delete the profile out of band (drift); 404 without profile
	POST   /_sim/users/{user}/reset-password  {"password": "..."}: the user logs in and chooses a new password
	                                          (Core.UserResetsPassword); refused: {"error", "code"}
	GET    /_sim/users/{user}/mfa             {"bound": true|false}: the user has an MFA device bound; 404 for no user
	PUT    /_sim/users/{user}/mfa             {"bound": true|false}: bind or unbind it out of band
	GET    /_sim/users/{user}/last-login      {"time": "<RFC 3339>"|null}: the user's last console login, null for never
	PUT    /_sim/users/{user}/last-login      {"time": "<RFC 3339>"|null}: set it out of band (the profile's
	                                          lastLoginTime too, on a cloud whose profile has it)
	GET    /_sim/password-policy              the policy's rules: {"minLength", "maxLength", "requireUpper",
	                                          "requireLower", "requireDigit", "requireSymbol", "minClasses",
	                                          "maxRepeated", "minDistinct", "noUserName", "noUserNameReversed",
	                                          "reusePrevention"}; 501 when the cloud's policy has no Rules
	PUT    /_sim/password-policy              the same rules: replace the policy (Options.PolicyFromRules);
	                                          400 when the cloud cannot express them
	POST   /_sim/faults                       a Fault: {"action" (the cloud's action or the Op), "code",
	                                          "httpStatus", "message", "times", "latency" ("1.5s"),
	                                          "dropConnection", "dropAfterAction"}
	DELETE /_sim/faults                       remove every fault

Errors of the admin API are {"error": "..."} with a 4xx status.
*/
package simcore
