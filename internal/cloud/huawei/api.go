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

// Package huawei is the Huawei Cloud provider: IAM users' console login profiles through the IAM v5
// API of github.com/huaweicloud/huaweicloud-sdk-go-v3 (services/iam/v5). It registers the "huawei"
// cloud.Driver.
//
// An IAM v5 login profile is smaller than Alibaba Cloud's: it has no status (a profile that exists
// is active; console password login is disabled by deleting it), no "bind MFA at next login" flag,
// no update date and no last login (ShowUserLastLoginV5 has it). Capabilities says so, and the
// controller adapts.
package huawei

import (
	iamv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v5/model"
)

// iamAPI is the part of the IAM v5 client the provider calls. A client is built per call (see
// client.go), so the interface is what tests replace.
type iamAPI interface {
	ShowLoginProfileV5(*model.ShowLoginProfileV5Request) (*model.ShowLoginProfileV5Response, error)
	CreateLoginProfileV5(*model.CreateLoginProfileV5Request) (*model.CreateLoginProfileV5Response, error)
	UpdateLoginProfileV5(*model.UpdateLoginProfileV5Request) (*model.UpdateLoginProfileV5Response, error)
	DeleteLoginProfileV5(*model.DeleteLoginProfileV5Request) (*model.DeleteLoginProfileV5Response, error)
	ShowPasswordPolicyV5(*model.ShowPasswordPolicyV5Request) (*model.ShowPasswordPolicyV5Response, error)
	ListMfaDevicesV5(*model.ListMfaDevicesV5Request) (*model.ListMfaDevicesV5Response, error)
	ShowUserLastLoginV5(*model.ShowUserLastLoginV5Request) (*model.ShowUserLastLoginV5Response, error)
}

var _ iamAPI = (*iamv5.IamClient)(nil)
