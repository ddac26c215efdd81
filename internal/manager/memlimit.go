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

package manager

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// MemoryLimitRatio is the share of the container's memory limit given to the Go runtime as its
// soft limit: the garbage collector works harder near it, so that the heap stays under the limit
// with room for the rest of the process (stacks, the runtime's own memory) instead of the
// container being killed for a burst the collector could have absorbed.
const MemoryLimitRatio = 0.9

// The container's memory limit, as the cgroup it runs in reports it: cgroup v2 (the default of
// current Kubernetes nodes), then v1.
const (
	cgroupV2MemoryMax = "/sys/fs/cgroup/memory.max"
	cgroupV1MemoryMax = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
)

// cgroupV1Unlimited: cgroup v1 reports "no limit" as a huge number (the page-aligned maximum of an
// int64); anything above this is taken for it.
const cgroupV1Unlimited = 1 << 62

// MemoryLimit is the soft memory limit SetMemoryLimit gave the runtime, for the log.
type MemoryLimit struct {
	// Bytes is the limit; 0 when none was set.
	Bytes int64
	// From says where it came from: "GOMEMLIMIT" (the runtime applied it itself), a cgroup file,
	// or "none" (no limit found: the runtime has none).
	From string
}

// SetMemoryLimit gives the Go runtime a soft memory limit of MemoryLimitRatio times the
// container's memory limit, read from its cgroup, unless the environment variable GOMEMLIMIT
// sets one (any value, "off" included: it is the operator's). So the limit follows the
// Deployment's resources.limits.memory, whatever installed it, with no second value to keep in
// step. getenv, readFile and set are os.Getenv, os.ReadFile and debug.SetMemoryLimit.
func SetMemoryLimit(getenv func(string) string, readFile func(string) ([]byte, error), set func(int64) int64) (MemoryLimit, error) {
	if v := getenv("GOMEMLIMIT"); v != "" {
		return MemoryLimit{Bytes: set(-1), From: "GOMEMLIMIT"}, nil
	}
	for _, path := range []string{cgroupV2MemoryMax, cgroupV1MemoryMax} {
		raw, err := readFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return MemoryLimit{From: "none"}, fmt.Errorf("reading the container's memory limit: %w", err)
		}
		v := strings.TrimSpace(string(raw))
		if v == "max" {
			return MemoryLimit{From: "none"}, nil
		}
		limit, err := strconv.ParseInt(v, 10, 64)
		if err != nil || limit <= 0 {
			return MemoryLimit{From: "none"}, fmt.Errorf("reading the container's memory limit: %s holds %q, not a number of bytes", path, v)
		}
		if limit >= cgroupV1Unlimited {
			return MemoryLimit{From: "none"}, nil
		}
		soft := int64(float64(limit) * MemoryLimitRatio)
		set(soft)
		return MemoryLimit{Bytes: soft, From: path}, nil
	}
	return MemoryLimit{From: "none"}, nil
}
