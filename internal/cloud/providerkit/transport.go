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

// Package providerkit is what every cloud provider needs besides its SDK: the HTTP transport and
// the timeout of a call (transport.go), the classification of an SDK's errors into the classes of
// package cloud from a cloud's table of error codes (classify.go, table.go), the redaction of
// every secret from error texts (redact.go), and the credentials' configuration errors and
// remembered secrets (credentials.go). A cloud package keeps only its SDK mapping, its error-code
// table and its capabilities. The endpoint rule is package cloud's EndpointRule, and the
// configuration errors its InvalidConfig and InvalidSpec.
package providerkit

import (
	"context"
	"crypto/tls"
	"net/http"
	"sync"
	"time"

	"github.com/loginprofile-operator/loginprofile-operator/internal/cloud"
)

// DefaultTimeout bounds one API call when cloud.Options.Timeout is zero (the SDKs' own defaults
// are up to 120 s).
const DefaultTimeout = 10 * time.Second

// Calls carries the HTTP calls of one provider.
//
// The SDKs have no context support, and their clients are not safe to share (the Alibaba Cloud
// SDK rewrites its HTTP client's timeout and transport on every call). So a provider builds an SDK
// client per call over the transport Start returns, which binds the call to its context and
// timeout before handing the request to the shared transport; being no *http.Transport, it is
// never touched by an SDK.
type Calls struct {
	// Transport is shared by every call.
	Transport http.RoundTripper
	// Timeout bounds one call.
	Timeout time.Duration
}

// NewCalls applies opts: its transport and timeout, or DefaultTransport and DefaultTimeout.
func NewCalls(opts cloud.Options) Calls {
	c := Calls{Transport: opts.Transport, Timeout: opts.Timeout}
	if c.Transport == nil {
		c.Transport = DefaultTransport()
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// Start returns the transport of one call under ctx, bounded by the timeout, and the function
// that ends the call (call it once the SDK has read the answer).
func (c Calls) Start(ctx context.Context) (http.RoundTripper, context.CancelFunc) {
	callCtx, cancel := context.WithTimeout(ctx, c.Timeout)
	return &callTransport{ctx: callCtx, base: c.Transport}, cancel
}

// DefaultTransport is the transport of the providers built without cloud.Options.Transport: one
// for the process, so that connections are reused and the proxy settings of the environment
// apply (an SDK's own would be a bare *http.Transport per client), with TLS 1.2 at least.
var DefaultTransport = sync.OnceValue(func() http.RoundTripper {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	t.TLSClientConfig.MinVersion = max(t.TLSClientConfig.MinVersion, tls.VersionTLS12)
	return t
})

// callTransport carries the requests of one call, a credentials exchange included: it puts them
// under the call's context and hands them to the shared transport.
type callTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper. A request of a call whose context is done does not go
// out.
func (t *callTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := t.ctx.Err(); err != nil {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, err
	}
	return t.base.RoundTrip(r.WithContext(t.ctx))
}
