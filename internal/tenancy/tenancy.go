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

// Package tenancy decides, before any cloud call, whether a LoginProfile may act on its cloud
// user through its ProviderConfig: the ProviderConfig's allowedNamespaces, allowedUsers and
// protectedUsers. It is pure: the caller brings the Namespace's labels.
package tenancy

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// Rule names the rule of a ProviderConfig that refused a LoginProfile.
type Rule string

// The rules, in the order they are checked.
const (
	RuleProtectedUsers    Rule = "protectedUsers"
	RuleAllowedNamespaces Rule = "allowedNamespaces"
	RuleAllowedUsers      Rule = "allowedUsers"
)

// Denial says why a LoginProfile may not use a ProviderConfig. Its Error text is a complete
// sentence for a Ready condition: the ProviderConfig, the rule, and how to get past it.
type Denial struct {
	ProviderConfig string
	Rule           Rule
	Namespace      string
	User           string
	// Detail is the rule's own words (the pattern or selector that decided).
	Detail string
	// bySelector: allowedNamespaces has a selector a label could match.
	bySelector bool
}

func (d *Denial) Error() string {
	switch d.Rule {
	case RuleProtectedUsers:
		return fmt.Sprintf("ProviderConfig %q refuses user %q: it matches protectedUsers pattern %q, and protected users are never touched. "+
			"Manage this user through another ProviderConfig, or ask the ProviderConfig's owner", d.ProviderConfig, d.User, d.Detail)
	case RuleAllowedNamespaces:
		how := "list the namespace in allowedNamespaces.names"
		if d.bySelector {
			how = "list the namespace, or label it to match the selector"
		}
		return fmt.Sprintf("ProviderConfig %q does not allow namespace %q (allowedNamespaces: %s). "+
			"Ask the ProviderConfig's owner to %s", d.ProviderConfig, d.Namespace, d.Detail, how)
	default:
		return fmt.Sprintf("ProviderConfig %q does not allow user %q: it matches no allowedUsers pattern (%s). "+
			"Name a user the ProviderConfig allows, or ask its owner to add a pattern", d.ProviderConfig, d.User, d.Detail)
	}
}

// Check returns nil when the LoginProfile lp, whose namespace has the labels nsLabels, may act
// through pc, and the Denial otherwise. nsLabels is read only when pc selects namespaces by label.
func Check(pc *v1alpha1.ProviderConfig, lp *v1alpha1.LoginProfile, nsLabels map[string]string) *Denial {
	spec := &pc.Spec
	user := lp.User()
	deny := func(r Rule, detail string) *Denial {
		return &Denial{ProviderConfig: pc.Name, Rule: r, Namespace: lp.Namespace, User: user, Detail: detail}
	}
	for _, p := range spec.ProtectedUsers {
		if Match(string(p), user) {
			return deny(RuleProtectedUsers, string(p))
		}
	}
	if sel := spec.AllowedNamespaces; sel != nil && !namespaceAllowed(sel, lp.Namespace, nsLabels) {
		d := deny(RuleAllowedNamespaces, describeNamespaces(sel))
		d.bySelector = sel.Selector != nil
		return d
	}
	if spec.AllowedUsers != nil {
		allowed := false
		for _, p := range spec.AllowedUsers {
			if Match(string(p), user) {
				allowed = true
				break
			}
		}
		if !allowed {
			return deny(RuleAllowedUsers, describePatterns(spec.AllowedUsers))
		}
	}
	return nil
}

// SelectsByLabel reports whether pc's rules depend on Namespace labels.
func SelectsByLabel(pc *v1alpha1.ProviderConfig) bool {
	return pc.Spec.AllowedNamespaces != nil && pc.Spec.AllowedNamespaces.Selector != nil
}

func namespaceAllowed(sel *v1alpha1.NamespaceSelection, ns string, nsLabels map[string]string) bool {
	for _, n := range sel.Names {
		if n == ns {
			return true
		}
	}
	if sel.Selector == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel.Selector.LabelSelector())
	if err != nil {
		// The CRD refuses such a selector; one that slips through allows nothing.
		return false
	}
	return s.Matches(labels.Set(nsLabels))
}

func describeNamespaces(sel *v1alpha1.NamespaceSelection) string {
	var parts []string
	if len(sel.Names) > 0 {
		parts = append(parts, "names "+strings.Join(sel.Names, ", "))
	}
	if sel.Selector != nil {
		if s, err := metav1.LabelSelectorAsSelector(sel.Selector.LabelSelector()); err == nil {
			parts = append(parts, fmt.Sprintf("selector %q", s.String()))
		} else {
			parts = append(parts, "an invalid selector ("+err.Error()+")")
		}
	}
	return strings.Join(parts, "; ")
}

func describePatterns(ps []v1alpha1.UserPattern) string {
	if len(ps) == 0 {
		return "the list is empty"
	}
	const most = 5
	out := make([]string, 0, most+1)
	for i, p := range ps {
		if i == most {
			out = append(out, fmt.Sprintf("and %d more", len(ps)-most))
			break
		}
		out = append(out, fmt.Sprintf("%q", string(p)))
	}
	return strings.Join(out, ", ")
}

// Match reports whether s matches the glob pattern: '*' matches any run of characters (the empty
// one included), '?' exactly one character, and every other character itself. Unlike path.Match,
// no character is a separator and there are no character classes or escapes.
func Match(pattern, s string) bool {
	p, t := []rune(pattern), []rune(s)
	// Iterative matching with one backtrack point (the last '*'): linear in practice, and never
	// exponential whatever the pattern.
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		// '*' first: a '*' of the pattern is a wildcard even where s has a '*'.
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
