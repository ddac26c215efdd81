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
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
)

// crdSchemas reads the openAPIV3Schema of every version of every CRD in dir, by "plural/version".
func crdSchemas(t *testing.T, dir string) map[string]map[string]any {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no CRD in %s", dir)
	}
	out := map[string]map[string]any{}
	for _, f := range files {
		ms, err := readManifests(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.obj.GetKind() != "CustomResourceDefinition" {
				t.Fatalf("%s: a %s, want a CustomResourceDefinition", m.source, m.obj.GetKind())
			}
			plural, _, _ := unstructured.NestedString(m.obj.Object, "spec", "names", "plural")
			versions, _, _ := unstructured.NestedSlice(m.obj.Object, "spec", "versions")
			for _, v := range versions {
				v, _ := v.(map[string]any)
				schema, found, err := unstructured.NestedMap(v, "schema", "openAPIV3Schema")
				if !found || err != nil {
					t.Fatalf("%s: version %v has no openAPIV3Schema", m.source, v["name"])
				}
				out[fmt.Sprintf("%s/%v", plural, v["name"])] = schema
			}
		}
	}
	return out
}

// walkSchema calls visit on every schema node of s, with its path (such as
// .spec.conditions[].type) and whether it is inside the items of a list.
func walkSchema(path string, s map[string]any, inItems bool, visit func(path string, s map[string]any, inItems bool)) {
	visit(path, s, inItems)
	if props, ok := s["properties"].(map[string]any); ok {
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := props[k].(map[string]any); ok {
				walkSchema(path+"."+k, p, inItems, visit)
			}
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		walkSchema(path+"[]", items, true, visit)
	}
	if ap, ok := s["additionalProperties"].(map[string]any); ok {
		walkSchema(path+".*", ap, inItems, visit)
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := s[k].([]any); ok {
			for i, sub := range list {
				if sub, ok := sub.(map[string]any); ok {
					walkSchema(fmt.Sprintf("%s(%s[%d])", path, k, i), sub, inItems, visit)
				}
			}
		}
	}
	if not, ok := s["not"].(map[string]any); ok {
		walkSchema(path+"(not)", not, inItems, visit)
	}
}

// TestCRDSchemaNoDefaultsInListItems: Argo CD's client-side diff compares a list of a custom
// resource as a whole, so a default the API server fills inside a list item shows as a
// perpetual diff of every object that lists such items. The generated CRDs (and the chart's
// copies) must have none; and the keys of a map-type list must be required, or items without
// them are ambiguous to server-side apply.
func TestCRDSchemaNoDefaultsInListItems(t *testing.T) {
	for _, dir := range []string{crdDir, filepath.Join(chartDir, "crds")} {
		for name, schema := range crdSchemas(t, dir) {
			lists := 0
			walkSchema("", schema, false, func(path string, s map[string]any, inItems bool) {
				if _, ok := s["default"]; ok && inItems {
					t.Errorf("%s %s %s: a default inside list items makes a perpetual diff in Argo CD (lists are compared whole): remove the +kubebuilder:default",
						rel(dir), name, path)
				}
				if s["type"] == "array" {
					lists++
				}
				if s["x-kubernetes-list-type"] != "map" {
					return
				}
				keys, _ := s["x-kubernetes-list-map-keys"].([]any)
				if len(keys) == 0 {
					t.Errorf("%s %s %s: a map-type list without x-kubernetes-list-map-keys", rel(dir), name, path)
				}
				items, _ := s["items"].(map[string]any)
				required, _ := items["required"].([]any)
				for _, k := range keys {
					if !slices.Contains(required, k) {
						t.Errorf("%s %s %s: list-map key %v is not required in the items", rel(dir), name, path, k)
					}
				}
			})
			if lists == 0 {
				t.Errorf("%s %s: no list found: is the walk broken?", rel(dir), name)
			}
		}
	}
}

func TestSchemaWalkFindsDefaultsInItems(t *testing.T) {
	schema := map[string]any{"properties": map[string]any{
		"spec": map[string]any{"properties": map[string]any{
			"top": map[string]any{"type": "string", "default": "ok"},
			"list": map[string]any{"type": "array", "items": map[string]any{"properties": map[string]any{
				"port": map[string]any{"type": "integer", "default": 80},
			}}},
		}},
	}}
	var found []string
	walkSchema("", schema, false, func(path string, s map[string]any, inItems bool) {
		if _, ok := s["default"]; ok && inItems {
			found = append(found, path)
		}
	})
	if want := []string{".spec.list[].port"}; !slices.Equal(found, want) {
		t.Errorf("defaults in items: %v, want %v", found, want)
	}
}

// invalid is an object the API server must refuse, and what its message must say.
type invalid struct {
	name   string
	obj    client.Object
	update func(client.Object) // when set: obj is created, then updated with update, which is refused
	want   string
}

func loginProfile(name string, mutate func(*v1alpha1.LoginProfileSpec)) *v1alpha1.LoginProfile {
	lp := &v1alpha1.LoginProfile{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "cel"},
		Spec: v1alpha1.LoginProfileSpec{
			UserPrincipalName: name + "@example.onaliyun.com",
			PasswordSecretRef: &v1alpha1.PasswordSecretReference{Name: name + "-console"},
		},
	}
	if mutate != nil {
		mutate(&lp.Spec)
	}
	return lp
}

func providerConfig(name string, mutate func(*v1alpha1.ProviderConfigSpec)) *v1alpha1.ProviderConfig {
	pc := &v1alpha1.ProviderConfig{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.ProviderConfigSpec{
			Alibaba:     &v1alpha1.AlibabaProviderConfig{RegionID: "cn-hangzhou"},
			Credentials: v1alpha1.ProviderCredentials{Source: v1alpha1.CredentialsSourceEnvironment},
		},
	}
	if mutate != nil {
		mutate(&pc.Spec)
	}
	return pc
}

// TestCELRejections: what the CRDs' validation rules refuse, and that their messages say how to
// fix it (a GitOps tool shows them as the sync error).
func TestCELRejections(t *testing.T) {
	needControlPlane(t)
	ctx := context.Background()
	ensureNamespace(ctx, t, "cel")
	const (
		oneUser       = "set exactly one of spec.userPrincipalName (Alibaba Cloud) and spec.userId (Huawei Cloud)"
		userFixed     = "the user of a LoginProfile cannot be changed: create another LoginProfile to manage another user"
		upnImmutable  = "userPrincipalName is immutable: create another LoginProfile to manage another user"
		idImmutable   = "userId is immutable: create another LoginProfile to manage another user"
		oneCloud      = "exactly one of spec.alibaba, spec.huawei and spec.inMemory must be set: it names the cloud this ProviderConfig connects to"
		loopbackOnly  = "endpoint: plain http:// is only allowed to a loopback host (localhost, 127.0.0.0/8, [::1]); use https:// or a bare host[:port]"
		secretRefNeed = "credentials.secretRef is required when credentials.source is Secret"
	)
	cases := []invalid{
		{name: "both user fields", obj: loginProfile("both", func(s *v1alpha1.LoginProfileSpec) { s.UserID = "u1" }), want: oneUser},
		{name: "no user field", obj: loginProfile("none", func(s *v1alpha1.LoginProfileSpec) { s.UserPrincipalName = "" }), want: oneUser},
		{name: "user field switched on update", obj: loginProfile("switch", nil), update: func(o client.Object) {
			s := &o.(*v1alpha1.LoginProfile).Spec
			s.UserPrincipalName, s.UserID = "", "u1"
		}, want: userFixed},
		{name: "userPrincipalName changed", obj: loginProfile("rename", nil), update: func(o client.Object) {
			o.(*v1alpha1.LoginProfile).Spec.UserPrincipalName = "other@example.onaliyun.com"
		}, want: upnImmutable},
		{name: "userId changed", obj: loginProfile("renameid", func(s *v1alpha1.LoginProfileSpec) { s.UserPrincipalName, s.UserID = "", "u1" }),
			update: func(o client.Object) { o.(*v1alpha1.LoginProfile).Spec.UserID = "u2" }, want: idImmutable},
		{name: "huawei and alibaba", obj: providerConfig("both-clouds", func(s *v1alpha1.ProviderConfigSpec) {
			s.Huawei = &v1alpha1.HuaweiProviderConfig{DomainID: "d1"}
		}), want: oneCloud},
		{name: "no cloud", obj: providerConfig("no-cloud", func(s *v1alpha1.ProviderConfigSpec) { s.Alibaba = nil }), want: oneCloud},
		{name: "alibaba http off-loopback", obj: providerConfig("alibaba-http", func(s *v1alpha1.ProviderConfigSpec) {
			s.Alibaba.Endpoint = "http://ims.aliyuncs.com"
		}), want: loopbackOnly},
		{name: "alibaba http to a look-alike host", obj: providerConfig("alibaba-http-lookalike", func(s *v1alpha1.ProviderConfigSpec) {
			s.Alibaba.Endpoint = "http://localhost.example.com:8080"
		}), want: loopbackOnly},
		{name: "huawei http off-loopback", obj: providerConfig("huawei-http", func(s *v1alpha1.ProviderConfigSpec) {
			s.Alibaba, s.Huawei = nil, &v1alpha1.HuaweiProviderConfig{DomainID: "d1", Endpoint: "http://10.0.0.1:8080"}
		}), want: loopbackOnly},
		{name: "http off-loopback on update", obj: providerConfig("http-update", nil), update: func(o client.Object) {
			o.(*v1alpha1.ProviderConfig).Spec.Alibaba.Endpoint = "http://ims.example.com"
		}, want: loopbackOnly},
		{name: "Secret source without secretRef", obj: providerConfig("no-secret-ref", func(s *v1alpha1.ProviderConfigSpec) {
			s.Credentials.Source = v1alpha1.CredentialsSourceSecret
		}), want: secretRefNeed},
	}
	for _, tc := range cases {
		t.Run(testName(tc.name), func(t *testing.T) {
			g := NewWithT(t)
			obj := tc.obj
			t.Cleanup(func() { _ = k8s.Delete(ctx, obj) })
			var err error
			if tc.update == nil {
				err = k8s.Create(ctx, obj)
			} else {
				g.Expect(k8s.Create(ctx, obj)).To(Succeed(), "creating the valid object to update")
				tc.update(obj)
				err = k8s.Update(ctx, obj)
			}
			g.Expect(err).To(HaveOccurred(), "the API server accepted an invalid object")
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
			g.Expect(err.Error()).To(ContainSubstring(tc.want))
			t.Logf("refused: %v", err)
		})
	}

	// What the rules must let through.
	valid := []client.Object{
		loginProfile("valid-alibaba", nil),
		loginProfile("valid-huawei", func(s *v1alpha1.LoginProfileSpec) { s.UserPrincipalName, s.UserID = "", "0123abcd_-" }),
		providerConfig("valid-https", func(s *v1alpha1.ProviderConfigSpec) { s.Alibaba.Endpoint = "https://ims.aliyuncs.com" }),
		providerConfig("valid-bare", func(s *v1alpha1.ProviderConfigSpec) { s.Alibaba.Endpoint = "ims.aliyuncs.com:443" }),
		providerConfig("valid-localhost", func(s *v1alpha1.ProviderConfigSpec) { s.Alibaba.Endpoint = "http://localhost:8080" }),
		providerConfig("valid-loopback", func(s *v1alpha1.ProviderConfigSpec) { s.Alibaba.Endpoint = "http://127.0.0.1:18080/" }),
		providerConfig("valid-ipv6-loopback", func(s *v1alpha1.ProviderConfigSpec) { s.Alibaba.Endpoint = "http://[::1]:8080" }),
		providerConfig("valid-huawei", func(s *v1alpha1.ProviderConfigSpec) {
			s.Alibaba, s.Huawei = nil, &v1alpha1.HuaweiProviderConfig{DomainID: "d1", Endpoint: "http://127.0.0.1:9000"}
			s.Credentials = v1alpha1.ProviderCredentials{Source: v1alpha1.CredentialsSourceSecret,
				SecretRef: &v1alpha1.SecretReference{Namespace: systemNamespace, Name: "huawei-credentials"}}
		}),
	}
	for _, obj := range valid {
		t.Run(testName("accepted", obj.GetName()), func(t *testing.T) {
			t.Cleanup(func() { _ = k8s.Delete(ctx, obj) })
			NewWithT(t).Expect(k8s.Create(ctx, obj)).To(Succeed())
		})
	}
}

// TestPrinterColumns: `kubectl get` shows the columns of the CRDs: the API server's Table
// rendering of the objects, as kubectl asks for it.
func TestPrinterColumns(t *testing.T) {
	needControlPlane(t)
	ctx := context.Background()
	g := NewWithT(t)
	ensureNamespace(ctx, t, "columns")

	lp := loginProfile("carol", func(s *v1alpha1.LoginProfileSpec) { s.MFABindRequired = true })
	lp.Namespace = "columns"
	g.Expect(k8s.Create(ctx, lp)).To(Succeed())
	t.Cleanup(func() { _ = k8s.Delete(ctx, lp) })
	login := metav1.NewTime(time.Now().Add(-3 * time.Hour).Truncate(time.Second))
	lp.Status = v1alpha1.LoginProfileStatus{
		ObservedGeneration: lp.Generation,
		Conditions: []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: "Available",
			Message: "the cloud matches the spec", LastTransitionTime: metav1.Now(), ObservedGeneration: lp.Generation}},
		AtProvider: &v1alpha1.LoginProfileObservation{UserPrincipalName: lp.Spec.UserPrincipalName, Status: "Active",
			MFABindRequired: true, LastLoginTime: &login, MFABound: ptr.To(false)},
	}
	g.Expect(k8s.Status().Update(ctx, lp)).To(Succeed())
	huawei := loginProfile("dave", func(s *v1alpha1.LoginProfileSpec) { s.UserPrincipalName, s.UserID = "", "d0d0d0" })
	huawei.Namespace = "columns"
	g.Expect(k8s.Create(ctx, huawei)).To(Succeed())
	t.Cleanup(func() { _ = k8s.Delete(ctx, huawei) })

	table := getTable(t, "/apis/iam.loginprofile.io/v1alpha1/namespaces/columns/loginprofiles")
	g.Expect(columns(table, 0)).To(Equal([]string{"Name", "User", "Status", "MFA", "Ready", "Last Login", "Age"}))
	g.Expect(columns(table, 1)).To(Equal([]string{"User ID", "MFA Bound", "Reason"}))
	g.Expect(table.Rows).To(HaveLen(2))
	rows := map[string]map[string]any{}
	for _, row := range table.Rows {
		cells := map[string]any{}
		for i, c := range table.ColumnDefinitions {
			cells[c.Name] = row.Cells[i]
		}
		rows[cells["Name"].(string)] = cells
	}
	carol := rows["carol"]
	g.Expect(carol).To(HaveKeyWithValue("User", "carol@example.onaliyun.com"))
	g.Expect(carol).To(HaveKeyWithValue("Status", "Active"))
	g.Expect(carol).To(HaveKeyWithValue("MFA", true))
	g.Expect(carol).To(HaveKeyWithValue("MFA Bound", false))
	g.Expect(carol).To(HaveKeyWithValue("Ready", "True"))
	g.Expect(carol).To(HaveKeyWithValue("Reason", "Available"))
	g.Expect(carol).To(HaveKeyWithValue("Last Login", "3h"))
	g.Expect(carol["Age"]).To(MatchRegexp(`^[0-9]+s$`))
	dave := rows["dave"]
	g.Expect(dave).To(HaveKeyWithValue("User ID", "d0d0d0"))
	g.Expect(dave).To(HaveKeyWithValue("User", BeNil()), "no userPrincipalName: an empty cell")
	g.Expect(dave).To(HaveKeyWithValue("Ready", BeNil()), "no status yet: an empty cell")

	pc := providerConfig("columns", nil)
	g.Expect(k8s.Create(ctx, pc)).To(Succeed())
	t.Cleanup(func() { _ = k8s.Delete(ctx, pc) })
	pc.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: "CredentialsError",
		Message: "the Secret is missing", LastTransitionTime: metav1.Now()}}
	g.Expect(k8s.Status().Update(ctx, pc)).To(Succeed())
	table = getTable(t, "/apis/iam.loginprofile.io/v1alpha1/providerconfigs/columns")
	g.Expect(columns(table, 0)).To(Equal([]string{"Name", "Ready", "Reason", "Age"}))
	g.Expect(table.Rows).To(HaveLen(1))
	g.Expect(table.Rows[0].Cells[:3]).To(Equal([]any{"columns", "False", "CredentialsError"}))
}

// getTable reads path as kubectl get does: as a meta.k8s.io Table.
func getTable(t *testing.T, path string) *metav1.Table {
	t.Helper()
	raw, err := restc.Get().AbsPath(path).Param("includeObject", "None").
		SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").Do(context.Background()).Raw()
	if err != nil {
		t.Fatalf("GET %s as a Table: %v", path, err)
	}
	var table metav1.Table
	if err := json.Unmarshal(raw, &table); err != nil {
		t.Fatal(err)
	}
	if table.Kind != "Table" {
		t.Fatalf("GET %s: a %q, want a Table", path, table.Kind)
	}
	return &table
}

// columns lists the names of the table's columns of a priority.
func columns(table *metav1.Table, priority int32) []string {
	var out []string
	for _, c := range table.ColumnDefinitions {
		if c.Priority == priority {
			out = append(out, c.Name)
		}
	}
	return out
}
