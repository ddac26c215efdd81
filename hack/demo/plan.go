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

	corev1 "k8s.io/api/core/v1"
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
	// generated is the first sample LoginProfile that sets generatePassword, and its cloud; nil
	// for none.
	generated *sampleProfile
	// unused is the demo's own LoginProfile that shows disableAfterUnused with a short interval;
	// nil when no sample sets disableAfterUnused.
	unused *ownProfile
	// spare is, by cloud, a user no LoginProfile names, for the instructions to try.
	spare map[string]spareUser
}

// sampleProfile is a sample LoginProfile and its cloud.
type sampleProfile struct {
	cloud simclouds.Cloud
	obj   *v1alpha1.LoginProfile
}

// ownProfile is a LoginProfile the demo applies itself, beside the samples, with its Secret, on
// cloud as user.
type ownProfile struct {
	cloud  simclouds.Cloud
	user   string
	obj    *v1alpha1.LoginProfile
	secret *corev1.Secret
	// sample is the sample it stands in for, whose interval is a realistic one.
	sample *v1alpha1.LoginProfile
}

// spareUser is a user of a cloud that no LoginProfile names, and a LoginProfile name for it.
type spareUser struct {
	user, name string
}

// The demo's own users, beside the samples': the user of its short-interval LoginProfile (named
// after them, like its Secret), and the spare user of a cloud whose default users the samples all
// name. The simulators get both.
const (
	unusedName = "frank"
	spareName  = "grace"
	// unusedAfter is the short-interval LoginProfile's disableAfterUnused: the operator comes back
	// at that deadline itself, not at its next poll.
	unusedAfter = "30s"
	// unusedPassword is the short-interval LoginProfile's password, in the Secret the demo applies.
	unusedPassword = "Demo-Passw0rd-F3x!"
)

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
				if obj.Spec.GeneratePassword && p.generated == nil {
					p.generated = &sampleProfile{cloud: c, obj: obj}
				}
				if obj.Spec.DisableAfterUnused != "" && p.unused == nil {
					p.unused = unusedProfile(c, obj)
				}
			}
			if key := obj.Namespace + "/" + obj.Name; refusedOnPurpose[key] != "" {
				p.refused[key] = refusedProfile{cloud: c, user: user}
			}
		}
	}
	p.spare = map[string]spareUser{}
	for _, c := range simclouds.All() {
		p.spare[c.Name] = p.spareOf(c)
	}
	return p, nil
}

// unusedProfile is the demo's own LoginProfile on the cloud of sample, which sets
// disableAfterUnused: the same ProviderConfig, its own user and Secret, and a short interval
// (unusedAfter), so that the demo shows the login disabled within a minute.
func unusedProfile(c simclouds.Cloud, sample *v1alpha1.LoginProfile) *ownProfile {
	secret := unusedName + "-console"
	spec := v1alpha1.LoginProfileSpec{
		ProviderConfigRef:  sample.Spec.ProviderConfigRef.DeepCopy(),
		Status:             v1alpha1.LoginStatusActive,
		PasswordSecretRef:  &v1alpha1.PasswordSecretReference{Name: secret},
		DisableAfterUnused: unusedAfter,
	}
	user := c.User(unusedName)
	return &ownProfile{
		cloud:  c,
		user:   user,
		obj:    utils.LoginProfile(c, sample.Namespace, unusedName, user, spec),
		secret: utils.PasswordSecret(sample.Namespace, secret, unusedPassword),
		sample: sample,
	}
}

// spareOf is a user of c that no LoginProfile names: a default user of c the samples leave out,
// or else spareName, whom the simulator gets too.
func (p *plan) spareOf(c simclouds.Cloud) spareUser {
	for _, u := range c.DefaultUsers {
		if slices.Contains(p.usersOf[c.Name], u.Key) || (p.unused != nil && p.unused.user == u.Key) {
			continue
		}
		name := u.Name
		if name == "" {
			name, _, _ = strings.Cut(u.Key, "@")
		}
		return spareUser{user: u.Key, name: name + "-" + c.Name}
	}
	return spareUser{user: c.User(spareName), name: spareName + "-" + c.Name}
}

// users are the users c's simulator starts with: its default ones, the samples', and the demo's
// own (the short-interval LoginProfile's, the spare one).
func (p *plan) users(c simclouds.Cloud) []string {
	var users []string
	for _, u := range c.DefaultUsers {
		users = append(users, u.Key)
	}
	extra := slices.Clone(p.usersOf[c.Name])
	if p.unused != nil && p.unused.cloud.Name == c.Name {
		extra = append(extra, p.unused.user)
	}
	extra = append(extra, p.spare[c.Name].user)
	for _, u := range extra {
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
