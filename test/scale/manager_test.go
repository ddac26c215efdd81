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

package scale

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// startTimeout bounds a manager's start, until its controllers run.
const startTimeout = 2 * time.Minute

// heapMetric is the manager's heap in use, as its metrics endpoint serves it.
const heapMetric = "go_memstats_heap_inuse_bytes"

// manager is one run of the manager binary, with its memory sampled while it runs.
type manager struct {
	p          *utils.Process
	metricsURL string
	launched   time.Time
	// started is when its log said the controllers run.
	started time.Time

	stopSampling chan struct{}
	sampled      chan struct{}
	mu           sync.Mutex
	peakHeap     float64
}

// startManager launches the manager with the benchmark's flags, its log in dir/name.log and its
// metrics on a free loopback port, and waits until its controllers run.
func startManager(bin, dir, name, kubeconfig string, cfg config) (*manager, error) {
	port, err := freeLoopbackPort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	m := &manager{metricsURL: "http://" + addr + "/metrics", launched: time.Now(),
		stopSampling: make(chan struct{}), sampled: make(chan struct{})}
	m.p, err = utils.StartProcess(utils.ProcessOptions{
		Name: name, Path: bin, LogPath: filepath.Join(dir, name+".log"),
		Args: append([]string{
			"--kubeconfig", kubeconfig,
			// Plain HTTP on loopback: the benchmark reads the heap from the metrics.
			"--metrics-bind-address=" + addr,
			"--metrics-secure=false",
			"--health-probe-bind-address=0",
			"--poll-interval=" + cfg.poll.String(),
		}, cfg.managerArgs...),
	})
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(startTimeout)
	for !strings.Contains(m.p.Log(), "Starting workers") {
		select {
		case <-m.p.Exited():
			return m, fmt.Errorf("the manager exited before it started its controllers (%w); its log:\n%s", m.p.ExitCause(), m.p.LogTail(30))
		case <-time.After(50 * time.Millisecond): // polling the log
		}
		if time.Now().After(deadline) {
			return m, fmt.Errorf("the manager did not start its controllers within %s; its log:\n%s", startTimeout, m.p.LogTail(30))
		}
	}
	m.started = time.Now()
	go m.sample()
	return m, nil
}

// sample scrapes the heap in use every second and keeps its peak, until stop.
func (m *manager) sample() {
	defer close(m.sampled)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if h, err := m.heap(); err == nil {
			m.mu.Lock()
			m.peakHeap = max(m.peakHeap, h)
			m.mu.Unlock()
		}
		select {
		case <-m.stopSampling:
			return
		case <-m.p.Exited():
			return
		case <-tick.C:
		}
	}
}

// heap is the manager's heap in use now, in bytes.
func (m *manager) heap() (float64, error) {
	metrics, err := utils.Scrape(m.metricsURL)
	if err != nil {
		return 0, err
	}
	if !metrics.Has(heapMetric) {
		return 0, fmt.Errorf("the manager's metrics have no %s", heapMetric)
	}
	return metrics.Sum(heapMetric, nil), nil
}

// memory is one reading of the manager's memory.
type memory struct {
	// rss is the resident set now, peakRSS its high-water mark since the manager started
	// (VmRSS, VmHWM), heap the heap in use now and peakHeap the highest sampled (about every
	// second); all in bytes, 0 when unknown.
	rss, peakRSS, heap, peakHeap float64
}

// memory reads the manager's memory now.
func (m *manager) memory() memory {
	var mem memory
	if st, err := procStatus(m.p.Pid()); err == nil {
		mem.rss, mem.peakRSS = st["VmRSS"], st["VmHWM"]
	}
	if h, err := m.heap(); err == nil {
		mem.heap = h
	}
	m.mu.Lock()
	m.peakHeap = max(m.peakHeap, mem.heap)
	mem.peakHeap = m.peakHeap
	m.mu.Unlock()
	return mem
}

// stop stops the sampling and the manager (SIGTERM, as a rolling update does).
func (m *manager) stop() error {
	select {
	case <-m.stopSampling:
	default:
		close(m.stopSampling)
	}
	<-m.sampled
	return m.p.Stop(30 * time.Second)
}

// exitErr is the error of a manager that exited while the benchmark ran.
func (m *manager) exitErr() error {
	return fmt.Errorf("the manager exited (%w); its log:\n%s", m.p.ExitCause(), m.p.LogTail(30))
}

// procStatus reads the kB fields of /proc/<pid>/status (VmRSS, VmHWM, ...) in bytes.
func procStatus(pid int) (map[string]float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(rest)
		if !ok || len(fields) != 2 || fields[1] != "kB" {
			continue
		}
		if v, err := strconv.ParseFloat(fields[0], 64); err == nil {
			out[name] = v * 1024
		}
	}
	return out, sc.Err()
}

// freeLoopbackPort is a TCP port free on 127.0.0.1 now.
func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}
