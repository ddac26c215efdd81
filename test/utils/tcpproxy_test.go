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

package utils

import (
	"bufio"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// echoServer answers every line with the same line.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = c.Close() }()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends a line over c and reads it back.
func roundTrip(c net.Conn, line string) error {
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return err
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if got != line+"\n" {
		return errors.New("echoed " + got)
	}
	return nil
}

func TestTCPProxy(t *testing.T) {
	p, err := StartTCPProxy("127.0.0.1:0", echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Close() }()

	before, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = before.Close() }()
	if err := roundTrip(before, "up"); err != nil {
		t.Fatalf("through the proxy: %v", err)
	}

	p.Down()
	if err := roundTrip(before, "cut"); err == nil {
		t.Error("a connection open when the proxy went down still works")
	}
	during, err := net.Dial("tcp", p.Addr())
	if err == nil {
		err = roundTrip(during, "refused")
		_ = during.Close()
	}
	if err == nil {
		t.Error("a connection opened while the proxy is down works")
	}

	p.Up()
	after, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = after.Close() }()
	if err := roundTrip(after, "again"); err != nil {
		t.Errorf("through the proxy once up again: %v", err)
	}
	if st := p.Stats(); st.Accepted != 2 || st.Dropped != 1 || st.Refused != 1 {
		t.Errorf("stats %+v, want 2 accepted, 1 dropped, 1 refused", st)
	}
}
