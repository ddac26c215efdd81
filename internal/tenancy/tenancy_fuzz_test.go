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

package tenancy

import (
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// maxFuzzLen bounds the strings of the fuzz targets: Match is quadratic at worst, and the
// reference compiles a regexp per call.
const maxFuzzLen = 512

// FuzzMatch compares Match with a reference: the glob turned into an anchored regexp, '*' as
// any run of characters, '?' as one character, and every other character quoted.
func FuzzMatch(f *testing.F) {
	for _, seed := range [][2]string{
		{"*", ""},
		{"admin*", "administrator@corp.onaliyun.com"},
		{"*@team-a.example.onaliyun.com", "alice@team-a.example.onaliyun.com.evil"},
		{"user?", "user12"},
		{"a*b*c", "abcbc"},
		{"[a]", "[a]"},
		{"a.c", "abc"},
		{"ü?", "üx"},
		{"*?*?*", "x\ny"},
		{"?", "\xff"},
		{"**a**a**a**a**a**a**b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
		{"", ""},
		{"", "x"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > maxFuzzLen || len(s) > maxFuzzLen {
			t.Skip()
		}
		want := globRegexp(pattern).MatchString(s)
		if got := Match(pattern, s); got != want {
			t.Fatalf("Match(%q, %q) = %v, the reference says %v", pattern, s, got, want)
		}
		// A pattern without wildcards is the string itself (for valid UTF-8: an invalid byte reads
		// as U+FFFD, so "\xff" and "\xfe" are the same character), and '*' matches everything.
		if !strings.ContainsAny(pattern, "*?") && utf8.ValidString(pattern) && utf8.ValidString(s) && want != (pattern == s) {
			t.Fatalf("Match(%q, %q) = %v for a pattern without wildcards", pattern, s, want)
		}
		if !Match("*", s) {
			t.Fatalf("'*' does not match %q", s)
		}
		// Widening a matching pattern with '*' at either end keeps the match, whatever is added.
		if want && (!Match(pattern+"*", s+"tail") || !Match("*"+pattern, "head"+s)) {
			t.Fatalf("Match(%q, %q) holds, but not with '*' added", pattern, s)
		}
	})
}

// globRegexp is the reference of Match. Ranging over the pattern reads an invalid byte as
// U+FFFD, as Match's conversion to runes does, and the regexp package reads the subject the same
// way.
func globRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`)$`)
	return regexp.MustCompile(b.String())
}

// FuzzCheck compares Check with a reference written from its documentation: protectedUsers
// first (the first pattern that matches is named), then allowedNamespaces (a name listed, or the
// selector evaluated directly on the labels: each matchLabels key with exactly its value, each
// expression's operator; a selector that is not valid allows nothing), then allowedUsers (when
// set, some pattern must match). It also checks that the Namespace's labels are not read unless
// SelectsByLabel.
//
// Inputs are lines: patterns and names one a line; the selector's lines are "key=value"
// (matchLabels) or "key Operator v1,v2" (matchExpressions, the values optional); the labels
// "key=value". flags: 1 allowedUsers set (even empty), 2 allowedNamespaces set, 4 its selector
// set, 8 the user is a userId rather than a userPrincipalName.
func FuzzCheck(f *testing.F) {
	f.Add("admin*\nroot@*", "*@team-a.onaliyun.com", "team-a", "tenant=a\nenv In prod,staging", "tenant=a\nenv=prod", "team-b",
		"alice@team-a.onaliyun.com", uint8(1|2|4))
	f.Add("", "", "team-a", "", "", "team-a", "alice@team-a.onaliyun.com", uint8(2))
	f.Add("", "", "", "tenant NotIn b\nlegacy DoesNotExist", "tenant=a", "ns", "u1", uint8(2|4|8))
	f.Add("", "", "", "tenant Exists", "tenant=", "ns", "u1", uint8(2|4))
	f.Add("", "", "", "", "", "ns", "u1", uint8(2|4))                                        // an empty selector matches every namespace
	f.Add("", "", "", "tenant In", "tenant=a", "ns", "u1", uint8(2|4))                       // In without values: invalid
	f.Add("", "", "", "Tenant/x=a", "Tenant/x=a", "ns", "u1", uint8(2|4))                    // an invalid key
	f.Add("", "", "", "tenant=-a", "tenant=-a", "ns", "u1", uint8(2|4))                      // an invalid value
	f.Add("", "", "", "tenant Matches a", "tenant=a", "ns", "u1", uint8(2|4))                // an unknown operator
	f.Add("*", "*", "", "", "", "ns", "root@corp.onaliyun.com", uint8(1))                    // protected wins
	f.Add("", "", "", "", "", "ns", "alice@corp.onaliyun.com", uint8(1))                     // allowedUsers: []
	f.Add("", "07e7a4c2*", "", "", "", "ns", "07e7a4c2b5000f3c1f4bc0123ab4c5d6", uint8(1|8)) // a userId
	f.Fuzz(func(t *testing.T, protected, allowedUsers, names, selector, nsLabels, namespace, user string, flags uint8) {
		for _, s := range []string{protected, allowedUsers, names, selector, nsLabels, namespace, user} {
			if len(s) > maxFuzzLen {
				t.Skip()
			}
		}
		pc := &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: "shared"}}
		pc.Spec.ProtectedUsers = patterns(protected)
		if flags&1 != 0 {
			pc.Spec.AllowedUsers = append([]v1alpha1.UserPattern{}, patterns(allowedUsers)...)
		}
		if flags&2 != 0 {
			pc.Spec.AllowedNamespaces = &v1alpha1.NamespaceSelection{Names: lines(names)}
			if flags&4 != 0 {
				pc.Spec.AllowedNamespaces.Selector = parseSelector(selector)
			}
		}
		lp := &v1alpha1.LoginProfile{ObjectMeta: metav1.ObjectMeta{Name: "lp", Namespace: namespace}}
		if flags&8 != 0 {
			lp.Spec.UserID = user
		} else {
			lp.Spec.UserPrincipalName = user
		}
		ls := parseLabels(nsLabels)
		pcBefore, lsBefore := pc.DeepCopy(), maps.Clone(ls)

		got := Check(pc, lp, ls)
		want := referenceCheck(pc, lp, ls)
		switch {
		case (got == nil) != (want == nil):
			t.Fatalf("Check = %v, the reference says %v", got, want)
		case got != nil && (got.Rule != want.Rule || got.ProviderConfig != "shared" || got.Namespace != namespace || got.User != lp.User()):
			t.Fatalf("Check = %#v, the reference says rule %q", got, want.Rule)
		case got != nil && got.Rule == RuleProtectedUsers && got.Detail != want.Detail:
			t.Fatalf("protected by %q, the first pattern that matches is %q", got.Detail, want.Detail)
		case got != nil && got.Error() == "":
			t.Fatal("a Denial without a message")
		}
		if !SelectsByLabel(pc) {
			if other := Check(pc, lp, map[string]string{"other": "labels"}); (other == nil) != (got == nil) {
				t.Fatalf("the labels are read though the ProviderConfig does not select by label: %v, then %v", got, other)
			}
		}
		// Check is pure.
		if !reflect.DeepEqual(pc, pcBefore) || !maps.Equal(ls, lsBefore) {
			t.Fatal("Check changed its arguments")
		}
	})
}

func referenceCheck(pc *v1alpha1.ProviderConfig, lp *v1alpha1.LoginProfile, ls map[string]string) *Denial {
	user := lp.User()
	for _, p := range pc.Spec.ProtectedUsers {
		if globRegexp(string(p)).MatchString(user) {
			return &Denial{Rule: RuleProtectedUsers, Detail: string(p)}
		}
	}
	if sel := pc.Spec.AllowedNamespaces; sel != nil {
		allowed := slices.Contains(sel.Names, lp.Namespace) || sel.Selector != nil && referenceSelects(sel.Selector, ls)
		if !allowed {
			return &Denial{Rule: RuleAllowedNamespaces}
		}
	}
	if pc.Spec.AllowedUsers != nil && !slices.ContainsFunc(pc.Spec.AllowedUsers, func(p v1alpha1.UserPattern) bool {
		return globRegexp(string(p)).MatchString(user)
	}) {
		return &Denial{Rule: RuleAllowedUsers}
	}
	return nil
}

// referenceSelects evaluates the selector on the labels directly. A selector that is not valid (a
// key that is no qualified name, a value that is no label value, In or NotIn without values,
// Exists or DoesNotExist with values, another operator) selects nothing.
func referenceSelects(sel *v1alpha1.NamespaceLabelSelector, ls map[string]string) bool {
	validKey := func(k string) bool { return len(validation.IsQualifiedName(k)) == 0 }
	validValue := func(v string) bool { return len(validation.IsValidLabelValue(v)) == 0 }
	for k, v := range sel.MatchLabels {
		if !validKey(k) || !validValue(string(v)) {
			return false
		}
	}
	for _, e := range sel.MatchExpressions {
		if !validKey(e.Key) {
			return false
		}
		switch e.Operator {
		case metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn:
			if len(e.Values) == 0 {
				return false
			}
			for _, v := range e.Values {
				if !validValue(v) {
					return false
				}
			}
		case metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist:
			if len(e.Values) != 0 {
				return false
			}
		default:
			return false
		}
	}
	for k, v := range sel.MatchLabels {
		if got, ok := ls[k]; !ok || got != string(v) {
			return false
		}
	}
	for _, e := range sel.MatchExpressions {
		v, ok := ls[e.Key]
		var holds bool
		switch e.Operator {
		case metav1.LabelSelectorOpIn:
			holds = ok && slices.Contains(e.Values, v)
		case metav1.LabelSelectorOpNotIn:
			holds = !ok || !slices.Contains(e.Values, v)
		case metav1.LabelSelectorOpExists:
			holds = ok
		case metav1.LabelSelectorOpDoesNotExist:
			holds = !ok
		}
		if !holds {
			return false
		}
	}
	return true
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func patterns(s string) []v1alpha1.UserPattern {
	var out []v1alpha1.UserPattern
	for _, l := range lines(s) {
		out = append(out, v1alpha1.UserPattern(l))
	}
	return out
}

func parseSelector(s string) *v1alpha1.NamespaceLabelSelector {
	sel := &v1alpha1.NamespaceLabelSelector{}
	for _, l := range lines(s) {
		if key, rest, ok := strings.Cut(l, " "); ok {
			op, values, hasValues := strings.Cut(rest, " ")
			e := v1alpha1.NamespaceSelectorRequirement{Key: key, Operator: metav1.LabelSelectorOperator(op)}
			if hasValues {
				e.Values = strings.Split(values, ",")
			}
			sel.MatchExpressions = append(sel.MatchExpressions, e)
			continue
		}
		k, v, _ := strings.Cut(l, "=")
		if sel.MatchLabels == nil {
			sel.MatchLabels = map[string]v1alpha1.LabelValue{}
		}
		sel.MatchLabels[k] = v1alpha1.LabelValue(v)
	}
	return sel
}

func parseLabels(s string) map[string]string {
	ls := map[string]string{}
	for _, l := range lines(s) {
		k, v, _ := strings.Cut(l, "=")
		ls[k] = v
	}
	return ls
}
