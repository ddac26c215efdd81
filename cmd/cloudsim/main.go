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
// under /_sim/, the same for every cloud (see internal/sim/simcore). The clouds are the simulators registered
// with internal/sim/simclouds: a new one needs no change here.
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
	"strings"
	"syscall"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds/all" // registers every simulator
)

// config is the flags' values; every cloud reads the ones that apply to it.
type config struct {
	cloud           string
	listen          string
	users           []string // nil: the cloud's default users
	accessKeyID     string
	accessKeySecret string
	domainID        string // the account's id, for a cloud that has one
	readsPerSecond  int
	writesPerSecond int
	latency         time.Duration
	passwordMinLen  int
	passwordReuse   int
	logCalls        bool
}

// describe is the lines printed after the "listening" line: the account's id and the users' keys,
// for a cloud whose requests need them and a person cannot guess them (Huawei Cloud's domain id and
// user ids).
func describe(c simclouds.Cloud, cfg config) []string {
	var lines []string
	if c.AccountIDName != "" {
		lines = append(lines, c.Name+" "+c.AccountIDName+" "+cfg.domainID)
	}
	if !c.ListUsers {
		return lines
	}
	names := map[string]string{}
	for _, u := range c.DefaultUsers {
		names[u.Key] = u.Name
	}
	for _, key := range cfg.users {
		line := c.Name + " user " + key
		if name := names[key]; name != "" {
			line += " (" + name + ")"
		}
		lines = append(lines, line)
	}
	return lines
}

// perCloud describes a default of every cloud for a flag's help: "alibaba: X; huawei: Y", for the
// clouds where of gives one.
func perCloud(of func(simclouds.Cloud) string) string {
	var parts []string
	for _, c := range simclouds.All() {
		if v := of(c); v != "" {
			parts = append(parts, c.Name+": "+v)
		}
	}
	return strings.Join(parts, "; ")
}

func userKeys(c simclouds.Cloud) []string {
	var keys []string
	for _, u := range c.DefaultUsers {
		keys = append(keys, u.Key)
	}
	return keys
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
func parseFlags(args []string, stderr io.Writer) (config, simclouds.Cloud, error) {
	var cfg config
	fs := flag.NewFlagSet("cloudsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.cloud, "cloud", "alibaba", "the cloud to simulate: "+strings.Join(simclouds.Names(), ", "))
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:8787", "the address to listen on (host:port; port 0 picks a free one)")
	fs.Var(usersFlag{&cfg.users}, "users", "comma-separated users to create, without login profile (default: the cloud's "+
		"sample users; "+perCloud(func(c simclouds.Cloud) string { return strings.Join(userKeys(c), ",") })+"); empty for none")
	fs.StringVar(&cfg.accessKeyID, "access-key-id", "", "the access key id accepted (default: the cloud simulator's, "+
		perCloud(func(c simclouds.Cloud) string { return c.DefaultAccessKeyID })+")")
	fs.StringVar(&cfg.accessKeySecret, "access-key-secret", "", "the access key secret accepted (default: the cloud simulator's, "+
		perCloud(func(c simclouds.Cloud) string { return c.DefaultAccessKeySecret })+")")
	fs.StringVar(&cfg.domainID, "domain-id", "", "the account's id (domain id), which requests must carry, for the clouds that have one "+
		"(default: "+perCloud(func(c simclouds.Cloud) string { return c.DefaultAccountID })+")")
	fs.IntVar(&cfg.readsPerSecond, "reads-per-second", 0, "the account's read quota (0: the cloud's default; negative: unlimited)")
	fs.IntVar(&cfg.writesPerSecond, "writes-per-second", 0, "the account's write quota (0: the cloud's default; negative: unlimited)")
	fs.DurationVar(&cfg.latency, "latency", 0, "latency added to every API call")
	fs.IntVar(&cfg.passwordMinLen, "password-min-length", 0, "the password policy's minimum length (0: the cloud's default)")
	fs.IntVar(&cfg.passwordReuse, "password-reuse-prevention", 0, "refuse a user's last N passwords (0: off)")
	fs.BoolVar(&cfg.logCalls, "log-calls", false, "log each API call's action and outcome (never a parameter) to stderr")
	if err := fs.Parse(args); err != nil {
		return config{}, simclouds.Cloud{}, err
	}
	if fs.NArg() > 0 {
		return config{}, simclouds.Cloud{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	c, ok := simclouds.Get(cfg.cloud)
	if !ok {
		return config{}, simclouds.Cloud{}, fmt.Errorf("unknown --cloud %q: want one of %s", cfg.cloud, strings.Join(simclouds.Names(), ", "))
	}
	if cfg.users == nil {
		cfg.users = userKeys(c)
	}
	if (cfg.accessKeyID == "") != (cfg.accessKeySecret == "") {
		return config{}, simclouds.Cloud{}, errors.New("--access-key-id and --access-key-secret go together")
	}
	if cfg.accessKeyID == "" {
		cfg.accessKeyID, cfg.accessKeySecret = c.DefaultAccessKeyID, c.DefaultAccessKeySecret
	}
	if cfg.domainID != "" && c.AccountIDName == "" {
		return config{}, simclouds.Cloud{}, fmt.Errorf("--domain-id does not apply to --cloud %s", cfg.cloud)
	}
	if cfg.domainID == "" {
		cfg.domainID = c.DefaultAccountID
	}
	if cfg.latency < 0 {
		return config{}, simclouds.Cloud{}, errors.New("--latency must not be negative")
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
	sim := c.New(simclouds.Options{
		AccessKeys: map[string]string{cfg.accessKeyID: cfg.accessKeySecret}, AccountID: cfg.domainID,
		ReadsPerSecond: cfg.readsPerSecond, WritesPerSecond: cfg.writesPerSecond,
		PasswordMinLength: cfg.passwordMinLen, PasswordReusePrevention: cfg.passwordReuse, Logger: log,
	})
	for _, u := range cfg.users {
		sim.AddUser(u)
	}
	sim.SetLatency(cfg.latency)
	url, err := sim.Listen(cfg.listen)
	if err != nil {
		return err
	}
	lines := append([]string{c.Name + " " + c.API + " simulator listening on " + url}, describe(c, cfg)...)
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
