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

package providerkit

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// recordingTransport records the context of the requests it carries.
type recordingTransport struct{ ctx context.Context }

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.ctx = req.Context()
	return nil, errors.New("recorded")
}

func TestCallTransportBindsTheCallsContext(t *testing.T) {
	base := &recordingTransport{}
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), recordingTransport{}, "mine"))
	defer cancel()
	rt, done := Calls{Transport: base, Timeout: time.Minute}.Start(ctx)
	defer done()
	req, _ := http.NewRequest(http.MethodPost, "https://ims.aliyuncs.com/", nil)
	_, _ = rt.RoundTrip(req)
	if base.ctx == nil || base.ctx.Value(recordingTransport{}) != "mine" {
		t.Fatal("the call's context did not reach the transport")
	}
	if deadline, ok := base.ctx.Deadline(); !ok || time.Until(deadline) > time.Minute {
		t.Fatalf("the call's timeout is not on its context: %v, %v", deadline, ok)
	}
	cancel()
	base.ctx = nil
	if _, err := rt.RoundTrip(req); !errors.Is(err, context.Canceled) || base.ctx != nil {
		t.Fatalf("a request went out on a done context: %v", err)
	}

	// The end of a call ends its requests too.
	rt, done = Calls{Transport: base, Timeout: time.Minute}.Start(context.Background())
	done()
	if _, err := rt.RoundTrip(req); !errors.Is(err, context.Canceled) || base.ctx != nil {
		t.Fatalf("a request went out after its call ended: %v", err)
	}
}

func TestNewCallsDefaults(t *testing.T) {
	if c := NewCalls(cloud.Options{}); c.Transport != DefaultTransport() || c.Timeout != DefaultTimeout {
		t.Fatalf("defaults not applied: %+v", c)
	}
	base := &recordingTransport{}
	if c := NewCalls(cloud.Options{Transport: base, Timeout: 3 * time.Second}); c.Transport != base || c.Timeout != 3*time.Second {
		t.Fatalf("options not applied: %+v", c)
	}
	tr, ok := DefaultTransport().(*http.Transport)
	if !ok || tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion < tls.VersionTLS12 || tr.Proxy == nil {
		t.Fatalf("the default transport has no TLS floor or proxy settings: %#v", DefaultTransport())
	}
}
