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

import "testing"

// SkipIfSDKPanics returns what build returns, or skips the test when build panics: the SDKs panic
// on some bodies they are given (a field of the wrong JSON type, which they assert to be a
// string), a failure of theirs that no provider can classify.
func SkipIfSDKPanics[T any](t testing.TB, build func() T) T {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Skipf("the SDK panics on this body: %v", r)
		}
	}()
	return build()
}
