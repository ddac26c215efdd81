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

package e2e

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds"
	_ "github.com/loginprofile-operator/loginprofile-operator/internal/sim/simclouds/all" // registers every simulator
	"github.com/loginprofile-operator/loginprofile-operator/internal/sim/simcore"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// cloudEnv is one cloud of the table: what differs between the clouds, and the suite's simulator
// process of that cloud. Everything else a scenario does is written once, in neutral terms
// (utils.SimAdmin). The clouds are the simulators registered with internal/sim/simclouds.
type cloudEnv struct {
	cloud simclouds.Cloud
	name  string // "alibaba", "huawei": the subtests' names and cloudsim's --cloud
	tag   string // a short suffix that makes the scenarios' passwords differ between the clouds

	// sim is the suite's simulator process of this cloud; pc the ProviderConfig pointing at it.
	sim *utils.Cloudsim
	pc  string

	// The access key the simulators of this cloud accept, distinctive so that the log check can find
	// a leak, and the Secret that holds it.
	accessKeyID, accessKeySecret, credentialsSecret string

	// userField is the spec field that names the user; user makes a cloud user's key from a name.
	userField string
	user      func(name string) string

	// hasStatus and hasMFA: the cloud's login profile has a status, an MFA flag (its admin API
	// says).
	hasStatus, hasMFA bool
	// profileNotFoundCode is the code the cloud answers the get of a user without login profile
	// (its admin API says).
	profileNotFoundCode string
	// samplesFile holds the cloud's sample LoginProfiles (config/samples).
	samplesFile string
}

// newCloudEnv is the i-th registered cloud, before its simulator starts (started fills in what
// its admin API says).
func newCloudEnv(i int, c simclouds.Cloud) *cloudEnv {
	return &cloudEnv{
		cloud: c, name: c.Name, tag: fmt.Sprintf("c%d", i), pc: c.SampleProviderConfig,
		accessKeyID:       "E2E" + strings.ToUpper(c.Name) + "ACCESSKEYID01",
		accessKeySecret:   "e2e-" + c.Name + "-SecretKey-4Kp8Wd",
		credentialsSecret: c.Name + "-credentials",
		userField:         c.UserField, user: c.User,
		samplesFile: filepath.Join(repoRoot, c.Samples),
	}
}

// started records the suite's simulator of the cloud, and what its admin API says of the cloud.
func (ce *cloudEnv) started(sim *utils.Cloudsim) {
	ce.sim = sim
	caps := sim.Admin.Capabilities()
	ce.hasStatus, ce.hasMFA = caps.Status, caps.MFABindRequired
	ce.profileNotFoundCode = sim.Admin.Code(simcore.ProfileNotFound)
}

// userOf is the user a spec names, in this cloud's field.
func (ce *cloudEnv) userOf(spec v1alpha1.LoginProfileSpec) string { return ce.cloud.UserOf(spec) }

// userWithPrefix is the key of a cloud user that starts with prefix, for the globs of a
// ProviderConfig's allowedUsers and protectedUsers (prefix + "*"). Where user keys are hex ids,
// prefix must be hex.
func (ce *cloudEnv) userWithPrefix(prefix, name string) string {
	return ce.cloud.UserWithPrefix(prefix, name)
}

// createParams is what a create must carry: every field the cloud's login profile has.
func (ce *cloudEnv) createParams(status string, mfa, reset bool) map[string]string {
	p := map[string]string{utils.ParamPassword: utils.Redacted, utils.ParamPasswordResetRequired: strconv.FormatBool(reset)}
	if ce.hasStatus {
		p[utils.ParamStatus] = status
	}
	if ce.hasMFA {
		p[utils.ParamMFABindRequired] = strconv.FormatBool(mfa)
	}
	return p
}

// target is where a scenario's LoginProfiles go: a simulator process of a cloud and the
// ProviderConfig that points at it.
type target struct {
	*cloudEnv
	admin *utils.SimAdmin
	pc    string
}

// main is the suite's simulator of the cloud.
func (ce *cloudEnv) main() *target { return &target{cloudEnv: ce, admin: ce.sim.Admin, pc: ce.pc} }

// eachCloud runs a scenario once per cloud of the suite, as subtests named after the clouds.
func eachCloud(t *testing.T, scenario func(c *tc, ce *cloudEnv)) {
	st := env(t)
	for _, ce := range st.clouds {
		t.Run(ce.name, func(t *testing.T) { scenario(begin(t), ce) })
	}
}

// ownSimulator starts a simulator process of ce's cloud for this test alone, with no user and the
// cloud's default password policy (no reuse prevention) unless args say otherwise, and a
// ProviderConfig NAME-PURPOSE pointing at it. Faults are global to a simulator process: a scenario
// that injects one that any observation would take (throttling) runs on its own process, where
// nothing else polls. At the end of the test, its LoginProfiles are deleted (through it), then the
// ProviderConfig, then the process stops.
func (c *tc) ownSimulator(ce *cloudEnv, purpose string, args ...string) *target {
	c.Helper()
	return c.ownSimulatorWith(ce, purpose, nil, args...)
}

// ownSimulatorWith is ownSimulator with more fields in the ProviderConfig's spec: rules sets them,
// such as the tenancy rules. The ProviderConfig is created with them, and Ready (so in the
// manager's cache) before it returns.
func (c *tc) ownSimulatorWith(ce *cloudEnv, purpose string, rules func(*v1alpha1.ProviderConfigSpec), args ...string) *target {
	c.Helper()
	name := ce.name + "-" + purpose
	sim, err := c.st.startCloudsim(ce, name, append([]string{"--users", ""}, args...)...)
	c.g.Expect(err).NotTo(HaveOccurred())
	c.Cleanup(func() { c.removeSimulator(name, sim) })
	pc := utils.SimProviderConfig(ce.cloud, name, sim, ce.credentialsSecret)
	if rules != nil {
		rules(&pc.Spec)
	}
	c.apply("providerconfig-"+name, pc)
	c.kubectl("wait", "--for=condition=Ready", "providerconfig/"+name, "--timeout="+readyTimeout.String())
	return &target{cloudEnv: ce, admin: sim.Admin, pc: name}
}

// removeSimulator deletes the LoginProfiles of ProviderConfig pc (their cloud profiles with them,
// through sim), the ProviderConfig, and stops sim.
func (c *tc) removeSimulator(pc string, sim *utils.Cloudsim) {
	report := c.Errorf
	if c.Failed() {
		report = c.Logf // the test says what went wrong; this is a consequence
	}
	if err := sim.Admin.ClearFaults(); err != nil {
		report("clearing the faults of %s: %v", pc, err)
	}
	var list v1alpha1.LoginProfileList
	if err := c.st.kubectl.GetJSON(&list, "loginprofiles", "-A"); err != nil {
		report("listing the LoginProfiles: %v", err)
	}
	for _, obj := range list.Items {
		if obj.ProviderConfigName() != pc {
			continue
		}
		if _, err := c.st.kubectl.Run("delete", "loginprofiles", obj.Name, "-n", obj.Namespace, "--wait",
			"--timeout="+readyTimeout.String()); err != nil {
			report("deleting LoginProfile %s/%s of ProviderConfig %s: %v", obj.Namespace, obj.Name, pc, err)
		}
	}
	if _, err := c.st.kubectl.Run("delete", "providerconfig", pc, "--ignore-not-found"); err != nil {
		report("deleting ProviderConfig %s: %v", pc, err)
	}
	if err := sim.Stop(10 * time.Second); err != nil {
		report("stopping the simulator of %s: %v", pc, err)
	}
}
