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

// Package scale is the scale benchmark: the built manager binary as a process, a real
// kube-apiserver and etcd (envtest), and one simulator per cloud account in the test's process,
// with 20 ms latency and the clouds' real quotas (Alibaba Cloud: 100 reads/s and 20 writes/s per
// account; Huawei Cloud: the simulator's 20 and 10, which the driver's limiter defaults to).
//
// For each cloud, on a control plane of its own, it creates N LoginProfiles with their password
// Secrets over the accounts, and measures:
//
//   - converge: from the first create until all are Ready, against the quota bound (objects per
//     account / writes per second: the accounts run in parallel), the throttled answers and the
//     cloud calls per object;
//   - the steady state right after convergence, over several poll intervals: the cloud reads a
//     second against the read quota, the cloud writes and the LoginProfile writes (the watch's
//     MODIFIED events), both of which must be 0;
//   - new LoginProfiles created one at a time while the N others resync (the poll is short enough
//     that the reads saturate the quota), their time to Ready;
//   - after a manager restart (SIGTERM, then a new process), new LoginProfiles' time to Ready;
//   - the manager's peak RSS (VmHWM) and heap in use (its metrics).
//
// `make bench-scale` runs it (SCALE_N=1000 by default) and writes the tables to
// bin/bench-scale.md; the parameters are SCALE_* environment variables (config_test.go).
// `make test` runs a short version (SCALE_N unset: 50 objects, a 1 s poll, 3 probes) that
// asserts what must hold at any size: everything converges, no throttled answer, no cloud write
// and no LoginProfile write in the steady state. No assertion is about a duration.
package scale

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

var crdDir = filepath.Join("..", "..", "config", "crd", "bases")

func TestScale(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: the scale benchmark needs a control plane and the built manager; run `make test` or `make bench-scale`")
	}
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	logf.SetLogger(logr.Discard()) // envtest's own log lines; the manager logs to its own file
	assets, bin, err := utils.ManagerBinaries("the scale benchmark", "make bench-scale")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "loginprofile-scale-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() || cfg.keep {
			t.Logf("scale: logs kept in %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})
	t.Logf("scale: %s", cfg)
	started := time.Now()
	var tables []string
	for _, name := range cfg.clouds {
		cloudStart := time.Now()
		res, err := runCloud(t, cfg, cloudKinds[name], assets, bin, dir)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		table := res.table()
		tables = append(tables, table)
		t.Logf("scale %s: done in %s", name, time.Since(cloudStart).Round(time.Second))
		fmt.Printf("\n%s\n", table)
		if err := res.check(); err != nil {
			t.Error(err)
		}
	}
	if cfg.report != "" && len(tables) > 0 {
		report := fmt.Sprintf("Command: `%s`\n\nParameters: %s; took %s.\n\n%s", cfg.commandLine(), cfg,
			time.Since(started).Round(time.Second), strings.Join(tables, "\n"))
		if err := os.WriteFile(cfg.report, []byte(report), 0o600); err != nil {
			t.Errorf("writing the report: %v", err)
		}
	}
}
