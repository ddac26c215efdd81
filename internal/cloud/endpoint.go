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

package cloud

import (
	"fmt"
	"net"
	"regexp"
	"strings"
)

// ExtraEndpointSuffixesFlag is the manager flag that allows endpoints in more domains than the
// clouds' own (private deployments). Errors name it so that a refused endpoint says what to do.
const ExtraEndpointSuffixesFlag = "--extra-endpoint-suffixes"

// configError is a configuration error whose text is the message alone; it wraps ErrInvalidConfig.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }
func (e *configError) Unwrap() error { return ErrInvalidConfig }

// CheckEndpointHost allows host, the host of the endpoint in the ProviderConfig field named field,
// when it is a loopback host (a local simulator), or when it equals one of the domain suffixes own
// (the cloud's domains) and extra (the manager's --extra-endpoint-suffixes) or ends in "." and one
// of them. Host names compare without case and without a trailing dot; a suffix may be written
// with or without a leading dot. A suffix matches whole labels only: "aliyuncs.com" allows
// "ims.aliyuncs.com" but not "evilaliyuncs.com". An IP address other than loopback is allowed
// only when an extra suffix is that exact address. The error wraps ErrInvalidConfig.
//
// The check keeps a ProviderConfig, which anyone allowed to write one can point anywhere, from
// sending the operator's signed requests, and the console passwords in them, to a host of its
// choosing.
func CheckEndpointHost(field, host string, own, extra []string) error {
	h := normalizeHost(host)
	if IsLoopbackHost(strings.Trim(h, "[]")) {
		return nil
	}
	isIP := net.ParseIP(strings.Trim(h, "[]")) != nil
	for _, list := range [][]string{own, extra} {
		for _, s := range list {
			s = normalizeSuffix(s)
			if s == "" {
				continue
			}
			if h == s || (!isIP && strings.HasSuffix(h, "."+s)) {
				return nil
			}
		}
	}
	allowed := make([]string, 0, len(own)+len(extra))
	for _, s := range append(append([]string(nil), own...), extra...) {
		if s = normalizeSuffix(s); s != "" {
			allowed = append(allowed, s)
		}
	}
	return &configError{msg: fmt.Sprintf("%s: host %q is neither in an allowed domain (%s) nor a loopback host; "+
		"for a private deployment, add its domain to the manager's %s", field, host, strings.Join(allowed, ", "), ExtraEndpointSuffixesFlag)}
}

func normalizeHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

func normalizeSuffix(s string) string {
	return strings.TrimPrefix(normalizeHost(s), ".")
}

var suffixPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// ParseEndpointSuffixes parses the value of --extra-endpoint-suffixes: domain names (or IP
// addresses) separated by commas, each with an optional leading dot. It returns them normalised
// (lower case, no leading or trailing dot); empty entries are skipped.
func ParseEndpointSuffixes(s string) ([]string, error) {
	var out []string
	for _, raw := range strings.Split(s, ",") {
		v := normalizeSuffix(raw)
		if v == "" {
			if strings.TrimSpace(raw) != "" {
				return nil, fmt.Errorf("%s: %q is not a domain name", ExtraEndpointSuffixesFlag, strings.TrimSpace(raw))
			}
			continue
		}
		if net.ParseIP(v) == nil && !suffixPattern.MatchString(v) {
			return nil, fmt.Errorf("%s: %q is not a domain name", ExtraEndpointSuffixesFlag, strings.TrimSpace(raw))
		}
		out = append(out, v)
	}
	return out, nil
}
