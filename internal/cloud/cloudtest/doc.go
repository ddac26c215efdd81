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

// Package cloudtest holds what the tests of every cloud provider share: the checks that a
// classified error wraps exactly one class of package cloud, the forms in which an error text may
// quote a password, and the transport failures the SDKs return. It is imported by the providers'
// tests only, never by the operator itself.
package cloudtest
