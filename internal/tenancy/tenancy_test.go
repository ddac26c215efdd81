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
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything@x.onaliyun.com", true},
		{"admin*", "admin", true},
		{"admin*", "administrator@corp.onaliyun.com", true},
		{"admin*", "xadmin", false},
		{"*@team-a.example.onaliyun.com", "alice@team-a.example.onaliyun.com", true},
		{"*@team-a.example.onaliyun.com", "alice@team-b.example.onaliyun.com", false},
		{"*@team-a.example.onaliyun.com", "alice@team-a.example.onaliyun.com.evil", false},
		{"user?", "user1", true},
		{"user?", "user", false},
		{"user?", "user12", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"a*b*c", "abcbc", true},
		{"[a]", "a", false}, // no character classes
		{"[a]", "[a]", true},
		{"ALICE", "alice", false}, // exactly as written
		{"**", "x", true},
		{"", "", true},
		{"", "x", false},
		{"ü?", "üx", true},
	} {
		if got := Match(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestMatchIsNotExponential(t *testing.T) {
	// A pattern that makes a naive recursive matcher explode; this one answers at once.
	if Match(strings.Repeat("a*", 40)+"b", strings.Repeat("a", 120)) {
		t.Fatal("matched")
	}
}

func lp(ns, upn, id string) *v1alpha1.LoginProfile {
	return &v1alpha1.LoginProfile{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "x"},
		Spec:       v1alpha1.LoginProfileSpec{UserPrincipalName: upn, UserID: id},
	}
}

func TestCheck(t *testing.T) {
	teamA := &v1alpha1.ProviderConfig{
		ObjectMeta: metav1.ObjectMeta{Name: "shared"},
		Spec: v1alpha1.ProviderConfigSpec{
			AllowedNamespaces: &v1alpha1.NamespaceSelection{
				Names:    []string{"team-a"},
				Selector: &v1alpha1.NamespaceLabelSelector{MatchLabels: map[string]v1alpha1.LabelValue{"tenant": "a"}},
			},
			AllowedUsers:   []v1alpha1.UserPattern{"*@team-a.example.onaliyun.com", "0a1b*"},
			ProtectedUsers: []v1alpha1.UserPattern{"admin*"},
		},
	}
	namesOnly := &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: "names"},
		Spec: v1alpha1.ProviderConfigSpec{AllowedNamespaces: &v1alpha1.NamespaceSelection{Names: []string{"team-a"}}}}
	open := &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
	noUsers := &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: "none"},
		Spec: v1alpha1.ProviderConfigSpec{AllowedUsers: []v1alpha1.UserPattern{}}}
	expressions := &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: "expr"},
		Spec: v1alpha1.ProviderConfigSpec{AllowedNamespaces: &v1alpha1.NamespaceSelection{
			Selector: &v1alpha1.NamespaceLabelSelector{MatchExpressions: []v1alpha1.NamespaceSelectorRequirement{
				{Key: "tenant", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}},
				{Key: "frozen", Operator: metav1.LabelSelectorOpDoesNotExist},
			}}}}}
	for name, tc := range map[string]struct {
		pc       *v1alpha1.ProviderConfig
		lp       *v1alpha1.LoginProfile
		labels   map[string]string
		want     Rule // "" means allowed
		contains []string
	}{
		"no rules allow all":             {pc: open, lp: lp("anywhere", "root@corp.onaliyun.com", "")},
		"listed namespace, allowed user": {pc: teamA, lp: lp("team-a", "alice@team-a.example.onaliyun.com", "")},
		"selected namespace":             {pc: teamA, lp: lp("a-2", "alice@team-a.example.onaliyun.com", ""), labels: map[string]string{"tenant": "a"}},
		"userId pattern":                 {pc: teamA, lp: lp("team-a", "", "0a1b2c3d")},
		"namespace neither listed nor selected": {pc: teamA, lp: lp("team-b", "alice@team-a.example.onaliyun.com", ""), labels: map[string]string{"tenant": "b"},
			want: RuleAllowedNamespaces, contains: []string{`"shared"`, `"team-b"`, "names team-a", `selector "tenant=a"`, "or label it to match the selector"}},
		"namespace not listed, no selector": {pc: namesOnly, lp: lp("team-b", "a@b.c", ""),
			want: RuleAllowedNamespaces, contains: []string{"list the namespace in allowedNamespaces.names"}},
		"user of another team": {pc: teamA, lp: lp("team-a", "bob@team-b.example.onaliyun.com", ""),
			want: RuleAllowedUsers, contains: []string{`"bob@team-b.example.onaliyun.com"`, `"*@team-a.example.onaliyun.com"`}},
		"protected wins over allowed": {pc: teamA, lp: lp("team-a", "admin@team-a.example.onaliyun.com", ""),
			want: RuleProtectedUsers, contains: []string{`"admin*"`, "never touched"}},
		"empty allowedUsers allows nobody": {pc: noUsers, lp: lp("x", "a@b.c", ""), want: RuleAllowedUsers, contains: []string{"the list is empty"}},
		"expressions match":                {pc: expressions, lp: lp("x", "a@b.c", ""), labels: map[string]string{"tenant": "b"}},
		"expressions: frozen":              {pc: expressions, lp: lp("x", "a@b.c", ""), labels: map[string]string{"tenant": "b", "frozen": "yes"}, want: RuleAllowedNamespaces},
		"expressions: no labels":           {pc: expressions, lp: lp("x", "a@b.c", ""), want: RuleAllowedNamespaces},
	} {
		t.Run(name, func(t *testing.T) {
			d := Check(tc.pc, tc.lp, tc.labels)
			if tc.want == "" {
				if d != nil {
					t.Fatalf("refused: %v", d)
				}
				return
			}
			if d == nil {
				t.Fatalf("allowed, want refused by %s", tc.want)
			}
			if d.Rule != tc.want {
				t.Fatalf("refused by %s, want %s: %v", d.Rule, tc.want, d)
			}
			msg := d.Error()
			if !strings.Contains(msg, string(tc.want)) {
				t.Errorf("message %q does not name the rule %s", msg, tc.want)
			}
			if !strings.Contains(msg, tc.pc.Name) {
				t.Errorf("message %q does not name the ProviderConfig", msg)
			}
			for _, c := range tc.contains {
				if !strings.Contains(msg, c) {
					t.Errorf("message %q does not contain %q", msg, c)
				}
			}
		})
	}
}

func TestSelectsByLabel(t *testing.T) {
	pc := &v1alpha1.ProviderConfig{}
	if SelectsByLabel(pc) {
		t.Error("no rules: no labels needed")
	}
	pc.Spec.AllowedNamespaces = &v1alpha1.NamespaceSelection{Names: []string{"a"}}
	if SelectsByLabel(pc) {
		t.Error("names only: no labels needed")
	}
	pc.Spec.AllowedNamespaces.Selector = &v1alpha1.NamespaceLabelSelector{}
	if !SelectsByLabel(pc) {
		t.Error("a selector needs the labels")
	}
}
