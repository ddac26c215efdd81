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

// Command cloudsim serves a simulator of a cloud's login-profile API, for end-to-end tests and demos: the operator
// talks to it through the cloud's real SDK. One process simulates one cloud, chosen with --cloud.
//
//	cloudsim --cloud alibaba --listen 127.0.0.1:8787 --users alice@example.onaliyun.com
//	cloudsim --cloud huawei --listen 127.0.0.1:8788 --domain-id 0a1b2c3d4e5f60718293a4b5c6d7e8f9
//
// Once listening, it prints a line to stdout, "cloudsim: <cloud> simulator listening on http://HOST:PORT" (for
// example "cloudsim: alibaba IMS simulator listening on ..."), then, for some clouds, lines describing the account
// (huawei: the domain id and the users' ids), and serves until SIGINT or SIGTERM. The simulator's admin API is
// under /_sim/, the same for every cloud (see internal/sim/simcore).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
)

// config is the flags' values; every cloud reads the ones that apply to it.
type config struct {
	cloud           string
	listen          string
	users           []string // nil: the cloud's default users
	accessKeyID     string
	accessKeySecret string
	domainID        string
	readsPerSecond  int
	writesPerSecond int
	latency         time.Duration
	passwordMinLen  int
	passwordReuse   int
	logCalls        bool
}

// cloud is a simulator this binary can run.
type cloud struct {
	// description names the API in the "listening" line: "<description> simulator listening on <url>".
	description  string
	defaultUsers []string
	// defaultAccessKeyID and defaultAccessKeySecret are the credentials accepted when the flags leave them empty.
	defaultAccessKeyID, defaultAccessKeySecret string
	// defaultDomainID is the account id when --domain-id is empty; "" for a cloud without one (--domain-id is then
	// refused).
	defaultDomainID string
	// new returns the cloud's simulator, configured from the flags but for the users and the latency, which
	// run sets on the core alike for every cloud.
	new func(cfg config, log *slog.Logger) *simcore.Core
	// describe, when set, returns lines printed after the "listening" line, each prefixed with "cloudsim: ".
	describe func(cfg config) []string
}

// clouds are the simulators available with --cloud. A new cloud adds an entry here (and, when it needs them, flags
// of its own, prefixed with its name; --domain-id, the account id, is shared by the clouds that have one).
var clouds = map[string]cloud{
	"alibaba": {
		description:            "alibaba IMS",
		defaultUsers:           []string{"alice@example.onaliyun.com", "bob@example.onaliyun.com", "carol@example.onaliyun.com"},
		defaultAccessKeyID:     alibaba.DefaultAccessKeyID,
		defaultAccessKeySecret: alibaba.DefaultAccessKeySecret,
		new:                    newAlibaba,
	},
	"huawei": {
		description:            "huawei IAM v5",
		defaultUsers:           huaweiDefaultUsers,
		defaultAccessKeyID:     huawei.DefaultAccessKeyID,
		defaultAccessKeySecret: huawei.DefaultAccessKeySecret,
		defaultDomainID:        huawei.DefaultDomainID,
		new:                    newHuawei,
		describe:               describeHuawei,
	},
}

// huaweiDefaultUsers are the Huawei sample users' ids (IAM user ids are 32 hex digits): alice, bob, carol and
// erin (the user of config/samples/iam_v1alpha1_loginprofile_huawei.yaml), as huaweiUserNames says.
var huaweiDefaultUsers = []string{
	"a11ce000000000000000000000000000",
	"b0b00000000000000000000000000000",
	"ca401000000000000000000000000000",
	"e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1",
}

var huaweiUserNames = map[string]string{
	"a11ce000000000000000000000000000": "alice",
	"b0b00000000000000000000000000000": "bob",
	"ca401000000000000000000000000000": "carol",
	"e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1": "erin",
}

func newHuawei(cfg config, log *slog.Logger) *simcore.Core {
	return huawei.NewServer(huawei.Options{
		AccessKeys:      map[string]string{cfg.accessKeyID: cfg.accessKeySecret},
		DomainID:        cfg.domainID,
		ReadsPerSecond:  cfg.readsPerSecond,
		WritesPerSecond: cfg.writesPerSecond,
		PasswordPolicy:  huawei.PasswordPolicy{MinimumPasswordLength: cfg.passwordMinLen, PasswordReusePrevention: cfg.passwordReuse},
		Logger:          log,
	}).Core
}

// describeHuawei names the domain id, which the SDK's credentials need (WithDomainId), and the users' ids.
func describeHuawei(cfg config) []string {
	lines := []string{"huawei domain id " + cfg.domainID}
	for _, id := range cfg.users {
		if name, ok := huaweiUserNames[id]; ok {
			lines = append(lines, "huawei user "+id+" ("+name+")")
		} else {
			lines = append(lines, "huawei user "+id)
		}
	}
	return lines
}

func newAlibaba(cfg config, log *slog.Logger) *simcore.Core {
	return alibaba.NewServer(alibaba.Options{
		AccessKeys:      map[string]string{cfg.accessKeyID: cfg.accessKeySecret},
		ReadsPerSecond:  cfg.readsPerSecond,
		WritesPerSecond: cfg.writesPerSecond,
		PasswordPolicy:  alibaba.PasswordPolicy{MinimumLength: cfg.passwordMinLen, ReusePrevention: cfg.passwordReuse},
		Logger:          log,
	}).Core
}

func cloudNames() []string {
	var names []string
	for name := range clouds {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// usersFlag is a comma-separated list that tells "not given" (nil) from "given empty".
type usersFlag struct{ users *[]string }

func (f usersFlag) String() string {
	if f.users == nil {
		return ""
	}
	return strings.Join(*f.users, ",")
}

func (f usersFlag) Set(v string) error {
	list := []string{}
	for u := range strings.SplitSeq(v, ",") {
		if u = strings.TrimSpace(u); u != "" {
			list = append(list, u)
		}
	}
	*f.users = list
	return nil
}

// parseFlags parses the command line and fills in the chosen cloud's defaults.
func parseFlags(args []string, stderr io.Writer) (config, cloud, error) {
	var cfg config
	fs := flag.NewFlagSet("cloudsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.cloud, "cloud", "alibaba", "the cloud to simulate: "+strings.Join(cloudNames(), ", "))
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:8787", "the address to listen on (host:port; port 0 picks a free one)")
	fs.Var(usersFlag{&cfg.users}, "users", "comma-separated users to create, without login profile (default: the cloud's "+
		"sample users; alibaba: "+strings.Join(clouds["alibaba"].defaultUsers, ",")+"; huawei (user ids): "+
		strings.Join(huaweiDefaultUsers, ",")+"); empty for none")
	fs.StringVar(&cfg.accessKeyID, "access-key-id", "", "the access key id accepted (default: the cloud simulator's, "+
		"alibaba: "+alibaba.DefaultAccessKeyID+", huawei: "+huawei.DefaultAccessKeyID+")")
	fs.StringVar(&cfg.accessKeySecret, "access-key-secret", "", "the access key secret accepted (default: the cloud simulator's, "+
		"alibaba: "+alibaba.DefaultAccessKeySecret+", huawei: "+huawei.DefaultAccessKeySecret+")")
	fs.StringVar(&cfg.domainID, "domain-id", "", "the account's domain id, which requests must carry in X-Domain-Id "+
		"(huawei only; default: "+huawei.DefaultDomainID+")")
	fs.IntVar(&cfg.readsPerSecond, "reads-per-second", 0, "the account's read quota (0: the cloud's default; negative: unlimited)")
	fs.IntVar(&cfg.writesPerSecond, "writes-per-second", 0, "the account's write quota (0: the cloud's default; negative: unlimited)")
	fs.DurationVar(&cfg.latency, "latency", 0, "latency added to every API call")
	fs.IntVar(&cfg.passwordMinLen, "password-min-length", 0, "the password policy's minimum length (0: the cloud's default)")
	fs.IntVar(&cfg.passwordReuse, "password-reuse-prevention", 0, "refuse a user's last N passwords (0: off)")
	fs.BoolVar(&cfg.logCalls, "log-calls", false, "log each API call's action and outcome (never a parameter) to stderr")
	if err := fs.Parse(args); err != nil {
		return config{}, cloud{}, err
	}
	if fs.NArg() > 0 {
		return config{}, cloud{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	c, ok := clouds[cfg.cloud]
	if !ok {
		return config{}, cloud{}, fmt.Errorf("unknown --cloud %q: want one of %s", cfg.cloud, strings.Join(cloudNames(), ", "))
	}
	if cfg.users == nil {
		cfg.users = c.defaultUsers
	}
	if (cfg.accessKeyID == "") != (cfg.accessKeySecret == "") {
		return config{}, cloud{}, errors.New("--access-key-id and --access-key-secret go together")
	}
	if cfg.accessKeyID == "" {
		cfg.accessKeyID, cfg.accessKeySecret = c.defaultAccessKeyID, c.defaultAccessKeySecret
	}
	if cfg.domainID != "" && c.defaultDomainID == "" {
		return config{}, cloud{}, fmt.Errorf("--domain-id does not apply to --cloud %s", cfg.cloud)
	}
	if cfg.domainID == "" {
		cfg.domainID = c.defaultDomainID
	}
	if cfg.latency < 0 {
		return config{}, cloud{}, errors.New("--latency must not be negative")
	}
	return cfg, c, nil
}

// run serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var log *slog.Logger
	if cfg.logCalls {
		log = slog.New(slog.NewTextHandler(stderr, nil))
	}
	sim := c.new(cfg, log)
	for _, u := range cfg.users {
		sim.AddUser(u)
	}
	sim.SetLatency(cfg.latency)
	url, err := sim.Listen(cfg.listen)
	if err != nil {
		return err
	}
	lines := []string{c.description + " simulator listening on " + url}
	if c.describe != nil {
		lines = append(lines, c.describe(cfg)...)
	}
	for _, line := range lines {
		if _, err := fmt.Fprintf(stdout, "cloudsim: %s\n", line); err != nil {
			_ = sim.Shutdown(context.Background())
			return err
		}
	}
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sim.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "cloudsim:", err)
		os.Exit(2)
	}
}
