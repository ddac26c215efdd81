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

package gitops

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// argoDiff emulates Argo CD's default (client-side) diff of a desired manifest against the live
// object, and returns the differences it would show.
//
// Both are normalised first: status goes (Argo CD ignores it for resources with a status
// subresource), and so do the metadata fields the server manages (uid, resourceVersion,
// generation, creationTimestamp, managedFields, the last-applied-configuration annotation); a
// Secret's stringData is folded into data, as Argo CD does before comparing Secrets. Then every
// field the desired manifest sets must have the same value in the live object; fields only the
// live object has (defaults, fields of other managers such as the operator's finalizer) do not
// count. Lists are compared whole, as Argo CD compares the lists of custom resources (it has no
// strategic-merge keys for them): a default the server fills inside a list item is a diff.
func argoDiff(desired, live *unstructured.Unstructured) []string {
	d := normalise(desired)
	l := normalise(live)
	var out []string
	diffValues("", d, l, &out)
	return out
}

// normalise returns obj as generic JSON values (numbers as float64) without the fields Argo CD
// ignores.
func normalise(obj *unstructured.Unstructured) map[string]any {
	var m map[string]any
	js, err := json.Marshal(obj.Object)
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(js, &m); err != nil {
		panic(err)
	}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]any); ok {
		for _, k := range []string{"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink"} {
			delete(md, k)
		}
		if ann, ok := md["annotations"].(map[string]any); ok {
			delete(ann, "kubectl.kubernetes.io/last-applied-configuration")
			if len(ann) == 0 {
				delete(md, "annotations")
			}
		}
	}
	if m["apiVersion"] == "v1" && m["kind"] == "Secret" {
		if sd, ok := m["stringData"].(map[string]any); ok {
			data, _ := m["data"].(map[string]any)
			if data == nil {
				data = map[string]any{}
			}
			for k, v := range sd {
				s, _ := v.(string)
				data[k] = base64.StdEncoding.EncodeToString([]byte(s))
			}
			m["data"] = data
			delete(m, "stringData")
		}
	}
	return m
}

// diffValues appends to out where live differs from desired under path.
func diffValues(path string, desired, live any, out *[]string) {
	dm, ok := desired.(map[string]any)
	if !ok {
		// Scalars and lists: equal as a whole.
		if !reflect.DeepEqual(desired, live) {
			*out = append(*out, fmt.Sprintf("%s: desired %s, live %s", path, js(desired), js(live)))
		}
		return
	}
	lm, ok := live.(map[string]any)
	if !ok {
		*out = append(*out, fmt.Sprintf("%s: desired %s, live %s", path, js(desired), js(live)))
		return
	}
	keys := make([]string, 0, len(dm))
	for k := range dm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		lv, found := lm[k]
		if !found {
			if dm[k] != nil {
				*out = append(*out, fmt.Sprintf("%s.%s: desired %s, not in live", path, k, js(dm[k])))
			}
			continue
		}
		diffValues(path+"."+k, dm[k], lv, out)
	}
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func TestArgoDiffEmulation(t *testing.T) {
	obj := func(s string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON([]byte(s)); err != nil {
			t.Fatal(err)
		}
		return u
	}
	desired := obj(`{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"a","labels":{"x":"1"}},
		"spec":{"n":1,"list":[{"name":"p"}]},"status":{"ready":false}}`)
	cases := []struct {
		name string
		live string
		want []string
	}{
		{"live has more fields", `{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"a","uid":"u","resourceVersion":"7",
			"labels":{"x":"1","y":"2"},"finalizers":["f"],"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},
			"spec":{"n":1,"list":[{"name":"p"}],"defaulted":true},"status":{"ready":true}}`, nil},
		{"a default inside a list item", `{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"a","labels":{"x":"1"}},
			"spec":{"n":1,"list":[{"name":"p","port":80}]}}`, []string{`.spec.list: desired [{"name":"p"}], live [{"name":"p","port":80}]`}},
		{"a changed value", `{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"a","labels":{"x":"2"}},
			"spec":{"n":2,"list":[{"name":"p"}]}}`, []string{`.metadata.labels.x: desired "1", live "2"`, `.spec.n: desired 1, live 2`}},
		{"a missing field", `{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"a","labels":{"x":"1"}},"spec":{"n":1}}`,
			[]string{`.spec.list: desired [{"name":"p"}], not in live`}},
	}
	for _, tc := range cases {
		t.Run(testName(tc.name), func(t *testing.T) {
			got := argoDiff(desired, obj(tc.live))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("argoDiff = %q, want %q", got, tc.want)
			}
		})
	}
	secret := obj(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque","stringData":{"password":"pw"}}`)
	live := obj(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque","data":{"password":"cHc="}}`)
	if got := argoDiff(secret, live); len(got) != 0 {
		t.Errorf("a Secret's stringData against its data: %q, want no diff", got)
	}
	live = obj(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque","data":{"password":"eHg="}}`)
	if got := argoDiff(secret, live); len(got) != 1 {
		t.Errorf("a Secret whose value changed: %q, want one diff", got)
	}
}
