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

package cloudtest

import (
	"context"
	"errors"
	"net/url"
)

// Context is a background context, already canceled when canceled is set.
func Context(canceled bool) context.Context {
	ctx := context.Background()
	if canceled {
		c, cancel := context.WithCancel(ctx)
		cancel()
		ctx = c
	}
	return ctx
}

// URLError is an SDK's transport failure of the request op to rawURL (which, as the SDKs build
// it, may hold every parameter) with the given cause. An odd status makes it a timeout.
func URLError(op, rawURL, cause string, status int) *url.Error {
	if status%2 != 0 {
		return &url.Error{Op: op, URL: rawURL, Err: timeoutError{cause}}
	}
	return &url.Error{Op: op, URL: rawURL, Err: errors.New(cause)}
}

// timeoutError is a cause that reports a timeout, as net/http's do.
type timeoutError struct{ msg string }

func (e timeoutError) Error() string { return e.msg }
func (timeoutError) Timeout() bool   { return true }
