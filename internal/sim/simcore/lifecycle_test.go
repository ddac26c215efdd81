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

package simcore

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestLifecycle(t *testing.T) {
	l := &Lifecycle{Name: "test simulator"}
	url, err := l.Listen("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "served")
	}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if string(body) != "served" {
		t.Fatalf("GET %s: %q, want the handler's answer", url, body)
	}
	if _, err := l.Listen("127.0.0.1:0", http.NotFoundHandler()); err == nil || !strings.Contains(err.Error(), "test simulator: already listening") {
		t.Fatalf("second Listen: %v, want already listening", err)
	}
	if !l.Wait(0) {
		t.Fatal("Wait(0) while open should return true")
	}

	// A latency being waited out ends when the server closes.
	waited := make(chan bool)
	go func() { waited <- l.Wait(time.Hour) }()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if <-waited {
		t.Fatal("Wait should return false when the server closes")
	}
	if err := l.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
	if _, err := http.Get(url); err == nil {
		t.Fatal("the server still answers after Close")
	}
	if _, err := l.Listen("127.0.0.1:0", http.NotFoundHandler()); err == nil || !strings.Contains(err.Error(), "test simulator: closed") {
		t.Fatalf("Listen after Close: %v, want closed", err)
	}
}

func TestShutdownBeforeListen(t *testing.T) {
	var l Lifecycle
	if err := l.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if l.Wait(time.Hour) {
		t.Fatal("Wait after Shutdown should return false at once")
	}
}
