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

package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// plan is what the demo reads in the samples before it starts anything: which users each cloud's
// simulator needs, which cloud each ProviderConfig is on, and the multi-team sample, whose
// ProviderConfigs it points at the simulators. Nothing here names a cloud: the samples do.
type plan struct {
	// usersOf are the users the samples' LoginProfiles name, by cloud.
	usersOf map[string][]string
	// samples are each cloud's sample LoginProfiles, in file order.
	samples map[string][]*v1alpha1.LoginProfile
	// refused are the LoginProfiles of refusedOnPurpose, by namespace/name.
	refused map[string]refusedProfile
	// teamDocs are multi_team.yaml's documents; teamNamespaces the namespaces of its objects, sorted.
	teamDocs       []string
	teamNamespaces []string
}

// refusedProfile is a LoginProfile refused on purpose: its cloud and its user there.
type refusedProfile struct {
	cloud simclouds.Cloud
	user  string
}

// sampleFiles are the registered clouds' sample LoginProfile files.
func sampleFiles() []string {
	var files []string
	for _, c := range simclouds.All() {
		files = append(files, c.Samples)
	}
	return files
}

// docHead is what tells a manifest's documents apart.
type docHead struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

// readDocs splits a manifest file into its documents, comment-only ones left out.
func readDocs(path string) ([]string, []docHead, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // the repository's sample manifests
	if err != nil {
		return nil, nil, err
	}
	var docs []string
	var heads []docHead
	for doc := range strings.SplitSeq(string(raw), "\n---") {
		var h docHead
		if err := yaml.Unmarshal([]byte(doc), &h); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if h.Kind == "" {
			continue
		}
		docs, heads = append(docs, strings.TrimPrefix(doc, "\n")), append(heads, h)
	}
	return docs, heads, nil
}

func readPlan() (*plan, error) {
	p := &plan{usersOf: map[string][]string{}, samples: map[string][]*v1alpha1.LoginProfile{}, refused: map[string]refusedProfile{}}
	cloudOf := map[string]simclouds.Cloud{} // ProviderConfig name -> its cloud
	for _, c := range simclouds.All() {
		cloudOf[c.SampleProviderConfig] = c
	}
	var err error
	var teamHeads []docHead
	if p.teamDocs, teamHeads, err = readDocs(multiTeamFile); err != nil {
		return nil, err
	}
	for i, h := range teamHeads {
		if ns := h.Metadata.Namespace; ns != "" && !slices.Contains(p.teamNamespaces, ns) {
			p.teamNamespaces = append(p.teamNamespaces, ns)
		}
		if h.Kind != "ProviderConfig" {
			continue
		}
		var pc v1alpha1.ProviderConfig
		if err := yaml.Unmarshal([]byte(p.teamDocs[i]), &pc); err != nil {
			return nil, fmt.Errorf("%s: %w", multiTeamFile, err)
		}
		c, ok := simclouds.Of(pc.Spec)
		if !ok {
			return nil, fmt.Errorf("%s: ProviderConfig %s is of no simulated cloud (%s)", multiTeamFile, pc.Name, strings.Join(simclouds.Names(), ", "))
		}
		cloudOf[pc.Name] = c
	}
	slices.Sort(p.teamNamespaces)
	files := append(sampleFiles(), multiTeamFile)
	for _, f := range files {
		docs, heads, err := readDocs(f)
		if err != nil {
			return nil, err
		}
		for i, h := range heads {
			if h.Kind != "LoginProfile" {
				continue
			}
			obj := &v1alpha1.LoginProfile{}
			if err := yaml.Unmarshal([]byte(docs[i]), obj); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			c, ok := cloudOf[obj.ProviderConfigName()]
			if !ok {
				return nil, fmt.Errorf("%s: LoginProfile %s/%s names the ProviderConfig %q, which the demo does not create", f, obj.Namespace, obj.Name, obj.ProviderConfigName())
			}
			user := c.UserOf(obj.Spec)
			if !slices.Contains(p.usersOf[c.Name], user) {
				p.usersOf[c.Name] = append(p.usersOf[c.Name], user)
			}
			if f == c.Samples {
				p.samples[c.Name] = append(p.samples[c.Name], obj)
			}
			if key := obj.Namespace + "/" + obj.Name; refusedOnPurpose[key] != "" {
				p.refused[key] = refusedProfile{cloud: c, user: user}
			}
		}
	}
	return p, nil
}

// users are the users c's simulator starts with: its default ones and the samples'.
func (p *plan) users(c simclouds.Cloud) []string {
	var users []string
	for _, u := range c.DefaultUsers {
		users = append(users, u.Key)
	}
	for _, u := range p.usersOf[c.Name] {
		if !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	return users
}

// teamsManifest is the multi-team sample with its namespaces first and its ProviderConfigs pointed
// at their clouds' simulators (simulatorOf).
func (p *plan) teamsManifest(simulatorOf func(simclouds.Cloud) *utils.Cloudsim) (string, error) {
	var objs []any
	for _, ns := range p.teamNamespaces {
		objs = append(objs, utils.Namespace(ns))
	}
	head, err := utils.Manifest(objs...)
	if err != nil {
		return "", err
	}
	docs := []string{head}
	for _, doc := range p.teamDocs {
		var h docHead
		if err := yaml.Unmarshal([]byte(doc), &h); err != nil {
			return "", err
		}
		if h.Kind == "ProviderConfig" {
			var pc v1alpha1.ProviderConfig
			if err := yaml.Unmarshal([]byte(doc), &pc); err != nil {
				return "", err
			}
			c, _ := simclouds.Of(pc.Spec)
			sim := simulatorOf(c)
			c.ProviderConfig(&pc.Spec, sim.URL, sim.AccountID)
			if doc, err = utils.Manifest(&pc); err != nil {
				return "", err
			}
		}
		docs = append(docs, strings.TrimSuffix(doc, "\n")+"\n")
	}
	return strings.Join(docs, "---\n"), nil
}
