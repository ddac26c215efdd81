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

// Package alibaba is the Alibaba Cloud provider: RAM users' console login profiles through the IMS
// API (2019-08-15) of github.com/aliyun/alibaba-cloud-sdk-go. It registers the "alibaba" cloud.Driver.
package alibaba

import "github.com/aliyun/alibaba-cloud-sdk-go/services/ims"

// imsAPI is the part of the IMS client the provider calls. A client is built per call (see client.go),
// so the interface is what tests replace.
type imsAPI interface {
	GetLoginProfile(*ims.GetLoginProfileRequest) (*ims.GetLoginProfileResponse, error)
	CreateLoginProfile(*ims.CreateLoginProfileRequest) (*ims.CreateLoginProfileResponse, error)
	UpdateLoginProfile(*ims.UpdateLoginProfileRequest) (*ims.UpdateLoginProfileResponse, error)
	DeleteLoginProfile(*ims.DeleteLoginProfileRequest) (*ims.DeleteLoginProfileResponse, error)
	GetPasswordPolicy(*ims.GetPasswordPolicyRequest) (*ims.GetPasswordPolicyResponse, error)
	GetUserMFAInfo(*ims.GetUserMFAInfoRequest) (*ims.GetUserMFAInfoResponse, error)
}

var _ imsAPI = (*ims.Client)(nil)
