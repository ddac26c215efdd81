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

package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSensitiveNeverPrints(t *testing.T) {
	const secret = "Sup3r-Secret!"
	req := CreateRequest{User: "u", Password: NewSensitive(secret)}
	up := UpdateRequest{User: "u", Password: ptrTo(NewSensitive(secret))}
	j, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		fmt.Sprint(req), fmt.Sprintf("%v %+v %#v %s %q", req, req, req, req.Password, req.Password),
		fmt.Sprintf("%+v", up), fmt.Sprintf("%v", *up.Password), string(j),
	} {
		if contains(s, secret) {
			t.Errorf("formatted value reveals the secret: %s", s)
		}
	}
	if req.Password.Reveal() != secret {
		t.Error("Reveal does not return the value")
	}
}

func TestErrorClassification(t *testing.T) {
	e := &Error{Kind: ErrThrottled, Cloud: "alibaba", Action: "GetLoginProfile", Code: "Throttling.User",
		Message: "Request was denied due to user flow control.", RequestID: "req-1"}
	wrapped := fmt.Errorf("observing: %w", e)
	if !IsThrottled(wrapped) || IsAuth(wrapped) || IsNotFound(wrapped) || IsInvalidInput(wrapped) {
		t.Error("wrong classification of a throttling error")
	}
	if got, want := Summary(wrapped), "alibaba GetLoginProfile: Throttling.User: Request was denied due to user flow control."; got != want {
		t.Errorf("Summary() = %q, want %q (no request id: status messages must be stable)", got, want)
	}
	if got := e.Error(); !contains(got, "req-1") {
		t.Errorf("Error() = %q should carry the request id for support", got)
	}
	if Code(wrapped) != "Throttling.User" || Code(errors.New("x")) != "" {
		t.Error("Code()")
	}
	if !IsInvalidInput(&Error{Kind: ErrInvalidPassword}) || !IsNotFound(&Error{Kind: ErrUserNotFound}) {
		t.Error("sentinel predicates")
	}
}

type countingProvider struct{ gets, writes int }

func (c *countingProvider) Get(context.Context, string) (*LoginProfile, error) {
	c.gets++
	return &LoginProfile{}, nil
}
func (c *countingProvider) Create(context.Context, CreateRequest) (*LoginProfile, error) {
	c.writes++
	return &LoginProfile{}, nil
}
func (c *countingProvider) Update(context.Context, UpdateRequest) (*LoginProfile, error) {
	c.writes++
	return &LoginProfile{}, nil
}
func (c *countingProvider) Delete(context.Context, string) error { c.writes++; return nil }
func (c *countingProvider) PasswordPolicy(context.Context) (*PasswordPolicy, error) {
	c.gets++
	return &PasswordPolicy{}, nil
}
func (c *countingProvider) MFABound(context.Context, string) (bool, error) {
	c.gets++
	return true, nil
}
func (c *countingProvider) LastLogin(context.Context, string) (time.Time, error) {
	c.gets++
	return time.Time{}, nil
}

func TestRateLimitedSeparatesReadsAndWritesAndHonoursContext(t *testing.T) {
	next := &countingProvider{}
	// One token per hour: the first read and the first write pass at once, the second of each
	// must wait, so a short context ends it without reaching the provider.
	p := RateLimited(next, NewLimiter("test", RateLimit{ReadsPerSecond: 1.0 / 3600, WritesPerSecond: 1.0 / 3600}))
	ctx := context.Background()
	if _, err := p.Get(ctx, "u"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Create(ctx, CreateRequest{}); err != nil {
		t.Fatal(err, "writes must not share the read bucket")
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := p.Get(short, "u"); err == nil {
		t.Fatal("second read passed the limiter")
	}
	if err := p.Delete(short, "u"); err == nil {
		t.Fatal("second write passed the limiter")
	}
	// The lifecycle's reads share the read bucket.
	if _, err := p.PasswordPolicy(short); err == nil {
		t.Fatal("a password policy read passed the read limiter")
	}
	if _, err := p.MFABound(short, "u"); err == nil {
		t.Fatal("an MFA read passed the read limiter")
	}
	if _, err := p.LastLogin(short, "u"); err == nil {
		t.Fatal("a last login read passed the read limiter")
	}
	if next.gets != 1 || next.writes != 1 {
		t.Errorf("provider saw %d reads and %d writes, want 1 and 1", next.gets, next.writes)
	}
}

func ptrTo[T any](v T) *T { return &v }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
