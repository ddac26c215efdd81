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

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
)

func TestParseFlags(t *testing.T) {
	cfg, c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name+" "+c.API != "alibaba IMS" || cfg.listen != "127.0.0.1:8787" || len(cfg.users) != 4 ||
		cfg.accessKeyID != alibaba.DefaultAccessKeyID || cfg.accessKeySecret != alibaba.DefaultAccessKeySecret {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.domainID != "" {
		t.Errorf("alibaba has a domain id: %q", cfg.domainID)
	}
	if cfg, _, err = parseFlags([]string{"--users", ""}, io.Discard); err != nil || cfg.users == nil || len(cfg.users) != 0 {
		t.Errorf("--users '': %v, %v", cfg.users, err)
	}
	if cfg, _, err = parseFlags([]string{"--users=a@x.com, b@x.com,", "--latency=2s", "--reads-per-second=-1"}, io.Discard); err != nil ||
		!slices.Equal(cfg.users, []string{"a@x.com", "b@x.com"}) || cfg.latency.String() != "2s" || cfg.readsPerSecond != -1 {
		t.Errorf("flags: %+v, %v", cfg, err)
	}
	for _, args := range [][]string{
		{"--cloud", "gcp"},
		{"--domain-id", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, // alibaba has none
		{"--access-key-id", "only-the-id"},
		{"--latency", "-1s"},
		{"--no-such-flag"},
		{"extra"},
	} {
		if _, _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) succeeded", args)
		}
	}
	if _, _, err := parseFlags([]string{"--help"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v", err)
	}
}

func TestParseFlagsHuawei(t *testing.T) {
	cfg, c, err := parseFlags([]string{"--cloud", "huawei"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name+" "+c.API != "huawei IAM v5" || !slices.Equal(cfg.users, userKeys(c)) || cfg.domainID != huawei.DefaultDomainID ||
		cfg.accessKeyID != huawei.DefaultAccessKeyID || cfg.accessKeySecret != huawei.DefaultAccessKeySecret {
		t.Errorf("defaults: %+v", cfg)
	}
	for _, u := range c.DefaultUsers {
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(u.Key) || u.Name == "" {
			t.Errorf("default user %+v: want 32 hex digits and a name", u)
		}
	}
	if cfg, _, err = parseFlags([]string{"--cloud=huawei", "--domain-id=ffffffffffffffffffffffffffffffff", "--users=u1,u2"}, io.Discard); err != nil ||
		cfg.domainID != "ffffffffffffffffffffffffffffffff" || !slices.Equal(cfg.users, []string{"u1", "u2"}) {
		t.Errorf("flags: %+v, %v", cfg, err)
	}
	want := []string{"huawei domain id ffffffffffffffffffffffffffffffff", "huawei user u1", "huawei user u2"}
	if got := describe(c, cfg); !slices.Equal(got, want) {
		t.Errorf("describe = %q, want %q", got, want)
	}
}

func TestRunServesHuawei(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const domain = "ffffffffffffffffffffffffffffffff"
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{
			"--cloud", "huawei", "--listen", "127.0.0.1:0", "--domain-id", domain,
			"--access-key-id", "MYAK", "--access-key-secret", "my-secret",
		}, pw, io.Discard)
		_ = pw.Close()
	}()
	r := bufio.NewReader(pr)
	var lines []string
	for range 5 {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the output: %v (run: %v)", err, <-done)
		}
		lines = append(lines, line)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`^cloudsim: huawei IAM v5 simulator listening on (http://127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(lines[0])
	if m == nil {
		t.Fatalf("listening line %q", lines[0])
	}
	base := m[1]
	want := []string{
		"cloudsim: huawei domain id " + domain + "\n",
		"cloudsim: huawei user a11ce000000000000000000000000000 (alice)\n",
		"cloudsim: huawei user b0b00000000000000000000000000000 (bob)\n",
		"cloudsim: huawei user ca401000000000000000000000000000 (carol)\n",
	}
	if !slices.Equal(lines[1:], want) {
		t.Errorf("lines after the listening line: %q, want %q", lines[1:], want)
	}

	resp, err := http.Get(base + "/_sim/users")
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	err = json.NewDecoder(resp.Body).Decode(&users)
	_ = resp.Body.Close()
	hw, _ := simclouds.Get("huawei")
	if err != nil || !slices.Equal(users, userKeys(hw)) {
		t.Fatalf("users = %v, %v", users, err)
	}

	show := func(ak, sk, domainID string) error {
		cred, err := global.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithDomainId(domainID).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		hc, err := iam.IamClientBuilder().WithEndpoints([]string{base}).WithCredential(cred).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		_, err = iam.NewIamClient(hc).ShowLoginProfileV5(&model.ShowLoginProfileV5Request{UserId: hw.DefaultUsers[0].Key})
		return err
	}
	wantCode := func(err error, status int, code string) {
		t.Helper()
		var se *sdkerr.ServiceResponseError
		if !errors.As(err, &se) || se.StatusCode != status || se.ErrorCode != code {
			t.Fatalf("got %v, want HTTP %d %s", err, status, code)
		}
	}
	wantCode(show(huawei.DefaultAccessKeyID, huawei.DefaultAccessKeySecret, domain), 401, huawei.CodeAuthenticationFailed)
	wantCode(show("MYAK", "my-secret", huawei.DefaultDomainID), 401, huawei.CodeAuthenticationFailed)
	wantCode(show("MYAK", "my-secret", domain), 404, huawei.CodeLoginProfileNotFound)

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := http.Get(base + "/_sim/users"); err == nil {
		t.Error("still serving after the context ended")
	}
}

func TestRunServesUntilCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{
			"--listen", "127.0.0.1:0", "--users", "dave@example.onaliyun.com",
			"--access-key-id", "my-id", "--access-key-secret", "my-secret", "--reads-per-second", "1",
		}, pw, io.Discard)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the listening line: %v (run: %v)", err, <-done)
	}
	m := regexp.MustCompile(`^cloudsim: alibaba IMS simulator listening on (http://127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("listening line %q", line)
	}
	base := m[1]
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	resp, err := http.Get(base + "/_sim/users")
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	err = json.NewDecoder(resp.Body).Decode(&users)
	_ = resp.Body.Close()
	if err != nil || !slices.Equal(users, []string{"dave@example.onaliyun.com"}) {
		t.Fatalf("users = %v, %v", users, err)
	}

	get := func(keyID, secret string) error {
		client, err := ims.NewClientWithAccessKey("cn-hangzhou", keyID, secret)
		if err != nil {
			t.Fatal(err)
		}
		req := ims.CreateGetLoginProfileRequest()
		req.Scheme, req.Domain = "http", strings.TrimPrefix(base, "http://")
		req.UserPrincipalName = "dave@example.onaliyun.com"
		_, err = client.GetLoginProfile(req)
		return err
	}
	wantCode := func(err error, code string) {
		t.Helper()
		var se *sdkerrors.ServerError
		if !errors.As(err, &se) || se.ErrorCode() != code {
			t.Fatalf("got %v, want %s", err, code)
		}
	}
	wantCode(get(alibaba.DefaultAccessKeyID, alibaba.DefaultAccessKeySecret), alibaba.CodeInvalidAccessKeyIDNotFound)
	wantCode(get("my-id", "my-secret"), alibaba.CodeEntityNotExistLoginProfile)
	// --reads-per-second 1, on the wall clock: of 20 calls in a row, some are throttled however slow the machine.
	throttled := false
	for range 20 {
		var se *sdkerrors.ServerError
		if err := get("my-id", "my-secret"); errors.As(err, &se) && se.ErrorCode() == alibaba.CodeThrottlingUser {
			throttled = true
			break
		}
	}
	if !throttled {
		t.Error("--reads-per-second 1: no call throttled")
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := http.Get(base + "/_sim/users"); err == nil {
		t.Error("still serving after the context ended")
	}
}

func TestRunFailsToListen(t *testing.T) {
	err := run(context.Background(), []string{"--listen", "127.0.0.1:-1"}, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("run with a bad address succeeded")
	}
}
