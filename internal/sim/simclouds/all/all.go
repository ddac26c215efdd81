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

// Package all registers every cloud simulator with internal/sim/simclouds: importing it is how a
// tool gets them all. A new simulator adds its import here, and nowhere else.
package all

import (
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/sim/alibaba" // registers the Alibaba Cloud IMS simulator
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/sim/huawei"  // registers the Huawei Cloud IAM v5 simulator
)
