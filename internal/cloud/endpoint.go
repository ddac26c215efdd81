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
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// This file is the one rule of where a provider may send its calls: the ProviderConfig's endpoint,
// over HTTPS to the cloud's domains (and the manager's --extra-endpoint-suffixes), or over plain
// HTTP to a loopback host only (a local simulator). A ProviderConfig, which anyone allowed to write
// one can point anywhere, must not send the operator's signed requests, and the console passwords
// in them, to a host of its choosing.

// ExtraEndpointSuffixesFlag is the manager flag that allows endpoints in more domains than the
// clouds' own (private deployments). Errors name it so that a refused endpoint says what to do.
const ExtraEndpointSuffixesFlag = "--extra-endpoint-suffixes"

// Endpoint is where a provider sends its calls.
type Endpoint struct {
	// Scheme is "https", or "http" to a loopback host only.
	Scheme string
	// Host is host[:port], an IPv6 literal in brackets.
	Host string
}

// URL is the endpoint as scheme://host[:port].
func (e Endpoint) URL() string { return e.Scheme + "://" + e.Host }

// EndpointRule is where the endpoint of one cloud's ProviderConfig may point.
type EndpointRule struct {
	// Cloud names the cloud in errors.
	Cloud string
	// Field is the ProviderConfig field of the endpoint, e.g. "spec.alibaba.endpoint".
	Field string
	// Default is the host used when the field is empty.
	Default string
	// Domains are the domains of the cloud's own API endpoints.
	Domains []string
}

var hostnamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)

// Parse accepts "" (the Default host), host[:port], https://host[:port] and
// http://<loopback>[:port], each with an optional trailing "/". The host must be a loopback host or
// in the rule's Domains or extra (the manager's --extra-endpoint-suffixes), as checkEndpointHost
// says. Errors are InvalidConfig errors of the rule's cloud.
func (r EndpointRule) Parse(s string, extra []string) (Endpoint, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Endpoint{Scheme: "https", Host: r.Default}, nil
	}
	raw := s
	if !strings.Contains(s, "://") {
		raw = "https://" + s
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Endpoint{}, InvalidConfig(r.Cloud, "%s %q is not a host[:port] or a URL", r.Field, s)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return Endpoint{}, InvalidConfig(r.Cloud, "%s %q: the scheme must be https:// (or http:// to a loopback host)", r.Field, s)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" || (u.Path != "" && u.Path != "/") {
		return Endpoint{}, InvalidConfig(r.Cloud, "%s %q: only a host and a port are allowed (no user, path, query or fragment)", r.Field, s)
	}
	host := u.Hostname()
	if host == "" || strings.HasSuffix(u.Host, ":") {
		return Endpoint{}, InvalidConfig(r.Cloud, "%s %q has no host", r.Field, s)
	}
	if net.ParseIP(host) == nil && !hostnamePattern.MatchString(host) {
		return Endpoint{}, InvalidConfig(r.Cloud, "%s %q: %q is not a valid host name", r.Field, s, host)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return Endpoint{}, InvalidConfig(r.Cloud, "%s %q: invalid port %q", r.Field, s, p)
		}
	}
	if scheme == "http" {
		if !isLoopbackHost(host) {
			return Endpoint{}, InvalidConfig(r.Cloud, "%s %q: plain http:// is only allowed to a loopback host "+
				"(localhost, 127.0.0.0/8, [::1]); use https:// or a bare host[:port]", r.Field, s)
		}
		return Endpoint{Scheme: "http", Host: u.Host}, nil
	}
	if msg := checkEndpointHost(r.Field, host, r.Domains, extra); msg != "" {
		return Endpoint{}, InvalidConfig(r.Cloud, "%s", msg)
	}
	return Endpoint{Scheme: "https", Host: u.Host}, nil
}

// checkEndpointHost allows host, the host of the endpoint in the ProviderConfig field named field,
// when it is a loopback host (a local simulator), or when it equals one of the domain suffixes own
// (the cloud's domains) and extra (the manager's --extra-endpoint-suffixes) or ends in "." and one
// of them. Host names compare without case and without a trailing dot; a suffix may be written
// with or without a leading dot. A suffix matches whole labels only: "aliyuncs.com" allows
// "ims.aliyuncs.com" but not "evilaliyuncs.com". An IP address other than loopback is allowed
// only when an extra suffix is that exact address. It returns "" when host is allowed, and
// otherwise why not and what to do.
func checkEndpointHost(field, host string, own, extra []string) string {
	h := normalizeHost(host)
	if isLoopbackHost(strings.Trim(h, "[]")) {
		return ""
	}
	isIP := net.ParseIP(strings.Trim(h, "[]")) != nil
	for _, list := range [][]string{own, extra} {
		for _, s := range list {
			s = normalizeSuffix(s)
			if s == "" {
				continue
			}
			if h == s || (!isIP && strings.HasSuffix(h, "."+s)) {
				return ""
			}
		}
	}
	allowed := make([]string, 0, len(own)+len(extra))
	for _, s := range append(append([]string(nil), own...), extra...) {
		if s = normalizeSuffix(s); s != "" {
			allowed = append(allowed, s)
		}
	}
	return fmt.Sprintf("%s: host %q is neither in an allowed domain (%s) nor a loopback host; "+
		"for a private deployment, add its domain to the manager's %s", field, host, strings.Join(allowed, ", "), ExtraEndpointSuffixesFlag)
}

// isLoopbackHost reports whether host (without port or brackets) is localhost or a loopback IP: the
// only hosts a provider may reach over plain HTTP (a local simulator).
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
