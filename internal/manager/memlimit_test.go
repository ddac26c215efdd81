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
	"io/fs"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSetMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	errDenied := errors.New("permission denied")
	tests := []struct {
		name    string
		env     string
		files   map[string]string
		readErr error
		want    MemoryLimit
		wantSet int64 // the limit given to the runtime; 0 for none
		wantErr bool
	}{
		{name: "cgroup v2 limit", files: map[string]string{cgroupV2MemoryMax: "134217728\n"},
			want: MemoryLimit{Bytes: 120795955, From: cgroupV2MemoryMax}, wantSet: 120795955},
		{name: "cgroup v2 without limit", files: map[string]string{cgroupV2MemoryMax: "max\n"}, want: MemoryLimit{From: "none"}},
		{name: "cgroup v1 limit", files: map[string]string{cgroupV1MemoryMax: "268435456"},
			want: MemoryLimit{Bytes: 241591910, From: cgroupV1MemoryMax}, wantSet: 241591910},
		{name: "cgroup v1 without limit", files: map[string]string{cgroupV1MemoryMax: "9223372036854771712"}, want: MemoryLimit{From: "none"}},
		{name: "no cgroup", want: MemoryLimit{From: "none"}},
		{name: "GOMEMLIMIT wins", env: "100MiB", files: map[string]string{cgroupV2MemoryMax: "134217728"},
			want: MemoryLimit{Bytes: 100 * mib, From: "GOMEMLIMIT"}},
		{name: "GOMEMLIMIT off wins", env: "off", files: map[string]string{cgroupV2MemoryMax: "134217728"},
			want: MemoryLimit{Bytes: math.MaxInt64, From: "GOMEMLIMIT"}},
		{name: "garbage", files: map[string]string{cgroupV2MemoryMax: "lots"}, want: MemoryLimit{From: "none"}, wantErr: true},
		{name: "unreadable", readErr: errDenied, want: MemoryLimit{From: "none"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == "GOMEMLIMIT" {
					return tt.env
				}
				return ""
			}
			readFile := func(path string) ([]byte, error) {
				if tt.readErr != nil {
					return nil, tt.readErr
				}
				if v, ok := tt.files[path]; ok {
					return []byte(v), nil
				}
				return nil, fs.ErrNotExist
			}
			// The runtime's current limit, as the variable GOMEMLIMIT would have set it.
			current := map[string]int64{"": math.MaxInt64, "off": math.MaxInt64, "100MiB": 100 * mib}[tt.env]
			var given int64
			set := func(v int64) int64 {
				if v < 0 {
					return current
				}
				given = v
				return current
			}
			got, err := SetMemoryLimit(getenv, readFile, set)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want an error: %t", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("limit (-want +got):\n%s", diff)
			}
			if given != tt.wantSet {
				t.Errorf("limit given to the runtime = %d, want %d", given, tt.wantSet)
			}
		})
	}
}
