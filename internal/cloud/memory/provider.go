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
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// provider is the cloud.Provider of an in-memory account: each call goes through the account's
// core (its latency, faults, quota and call log), as a request to a simulator would.
type provider struct {
	account *Account
	timeout time.Duration
}

func (p *provider) Get(ctx context.Context, user string) (*cloud.LoginProfile, error) {
	return p.call(ctx, simcore.OpGet, user, nil, func(a simcore.Account) (simcore.Profile, error) {
		return a.Get(user)
	})
}

func (p *provider) Create(ctx context.Context, req cloud.CreateRequest) (*cloud.LoginProfile, error) {
	params := map[string]string{
		"password": req.Password.Reveal(), "status": req.Status,
		"mfaBindRequired": strconv.FormatBool(req.MFABindRequired), "passwordResetRequired": strconv.FormatBool(req.PasswordResetRequired),
	}
	return p.call(ctx, simcore.OpCreate, req.User, params, func(a simcore.Account) (simcore.Profile, error) {
		return a.Create(simcore.Profile{User: req.User, Status: req.Status, MFABindRequired: req.MFABindRequired,
			PasswordResetRequired: req.PasswordResetRequired}, req.Password.Reveal())
	})
}

func (p *provider) Update(ctx context.Context, req cloud.UpdateRequest) (*cloud.LoginProfile, error) {
	params := map[string]string{}
	ch := simcore.Change{Status: req.Status, MFABindRequired: req.MFABindRequired, PasswordResetRequired: req.PasswordResetRequired}
	if req.Password != nil {
		ch.Password = req.Password.Reveal()
		params["password"] = ch.Password
	}
	if req.Status != nil {
		params["status"] = *req.Status
	}
	if req.MFABindRequired != nil {
		params["mfaBindRequired"] = strconv.FormatBool(*req.MFABindRequired)
	}
	if req.PasswordResetRequired != nil {
		params["passwordResetRequired"] = strconv.FormatBool(*req.PasswordResetRequired)
	}
	return p.call(ctx, simcore.OpUpdate, req.User, params, func(a simcore.Account) (simcore.Profile, error) {
		return a.Update(req.User, ch)
	})
}

func (p *provider) Delete(ctx context.Context, user string) error {
	_, err := p.call(ctx, simcore.OpDelete, user, nil, func(a simcore.Account) (simcore.Profile, error) {
		return simcore.Profile{}, a.Delete(user)
	})
	if cloud.IsNotFound(err) {
		return nil
	}
	return err
}

// call runs one login-profile operation through the account (do) and converts the profile.
func (p *provider) call(ctx context.Context, op simcore.Op, user string, params map[string]string,
	action func(simcore.Account) (simcore.Profile, error)) (*cloud.LoginProfile, error) {
	prof, err := do(ctx, p, op, user, params, action)
	if err != nil {
		return nil, err
	}
	return toLoginProfile(prof), nil
}

// PasswordPolicy implements cloud.Provider: the rules of the account's policy.
func (p *provider) PasswordPolicy(ctx context.Context) (*cloud.PasswordPolicy, error) {
	op := simcore.OpGetPasswordPolicy
	return do(ctx, p, op, "", nil, func(a simcore.Account) (*cloud.PasswordPolicy, error) {
		rp, ok := a.PasswordPolicy().(simcore.RulesPolicy)
		if !ok {
			return nil, cloud.Errorf(cloud.ErrTransient, cloudName, string(op), "the account's password policy (%T) has no rules", a.PasswordPolicy())
		}
		pp := cloud.PasswordPolicy(rp.Rules()) // the same fields, in the same order
		return &pp, nil
	})
}

// MFABound implements cloud.Provider.
func (p *provider) MFABound(ctx context.Context, user string) (bool, error) {
	return do(ctx, p, simcore.OpGetMFA, user, nil, func(a simcore.Account) (bool, error) { return a.MFABound(user) })
}

// LastLogin implements cloud.Provider; the login profile carries it too
// (Capabilities.LastLoginInProfile).
func (p *provider) LastLogin(ctx context.Context, user string) (time.Time, error) {
	return do(ctx, p, simcore.OpGetLastLogin, user, nil, func(a simcore.Account) (time.Time, error) { return a.LastLogin(user) })
}

type outcome[T any] struct {
	value T
	err   error
}

// do runs one operation through the account and classifies its error. Like a call to a remote
// cloud, it ends when ctx or the timeout does, and may then still land.
func do[T any](ctx context.Context, p *provider, op simcore.Op, user string, params map[string]string,
	action func(simcore.Account) (T, error)) (T, error) {
	var zero T
	if p.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.timeout)
		defer cancel()
	}
	if err := ctx.Err(); err != nil {
		return zero, cloud.Errorf(cloud.ErrTransient, cloudName, string(op), "call not started: %v", err)
	}
	done := make(chan outcome[T], 1)
	go func() {
		var o outcome[T]
		_, o.err = p.account.Do(simcore.Request{Op: op, Action: string(op), User: user, Params: params},
			func(a simcore.Account) (simcore.Answer, error) {
				var err error
				o.value, err = action(a)
				return simcore.Answer{}, err
			})
		done <- o
	}()
	select {
	case o := <-done:
		if o.err != nil {
			return zero, classify(op, o.err)
		}
		return o.value, nil
	case <-ctx.Done():
		return zero, cloud.Errorf(cloud.ErrTransient, cloudName, string(op), "call interrupted: %v", ctx.Err())
	}
}

// classes are the cloud's classes of the core's kinds.
var classes = map[simcore.Kind]error{
	simcore.UserNotFound:    cloud.ErrUserNotFound,
	simcore.ProfileNotFound: cloud.ErrProfileNotFound,
	simcore.ProfileExists:   cloud.ErrAlreadyExists,
	simcore.PasswordWeak:    cloud.ErrInvalidPassword,
	simcore.PasswordReused:  cloud.ErrPasswordReused,
	simcore.Throttled:       cloud.ErrThrottled,
	simcore.Unavailable:     cloud.ErrTransient,
}

// classify turns what the core answered into a classified error: a neutral error of the account
// or a fault's code (the codes are the kinds' names), by its HTTP status for a code of no kind, and
// a dropped answer as transient (the call may have landed).
func classify(op simcore.Op, err error) error {
	var ne *simcore.Error
	if errors.As(err, &ne) {
		err = translate(ne)
	}
	var ae *simcore.APIError
	if !errors.As(err, &ae) {
		return cloud.Errorf(cloud.ErrTransient, cloudName, string(op), "%v", err)
	}
	kind, ok := classes[simcore.Kind(ae.Code)]
	if !ok {
		kind = classOfStatus(ae.HTTPStatus)
	}
	return &cloud.Error{Kind: kind, Cloud: cloudName, Action: string(op), Code: ae.Code, HTTPStatus: ae.HTTPStatus, Message: ae.Message}
}

func classOfStatus(status int) error {
	switch {
	case status == http.StatusTooManyRequests:
		return cloud.ErrThrottled
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return cloud.ErrAuth
	case status >= 400 && status < 500:
		return cloud.ErrInvalidInput
	default:
		return cloud.ErrTransient
	}
}

func toLoginProfile(p simcore.Profile) *cloud.LoginProfile {
	return &cloud.LoginProfile{
		User: p.User, Status: p.Status, MFABindRequired: p.MFABindRequired, PasswordResetRequired: p.PasswordResetRequired,
		CreateDate: p.CreateDate, UpdateDate: p.UpdateDate, LastLoginTime: p.LastLoginTime, PasswordExpiresAt: p.PasswordExpiresAt,
	}
}
