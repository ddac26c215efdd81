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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/loginprofile-operator/loginprofile-operator/api/v1alpha1"
	"github.com/loginprofile-operator/loginprofile-operator/test/utils"
)

// cloudEnv is one cloud of the table: what differs between the clouds, and the suite's simulator
// process of that cloud. Everything else a scenario does is written once, in neutral terms
// (utils.SimAdmin).
type cloudEnv struct {
	name string // "alibaba", "huawei": the subtests' names and cloudsim's --cloud
	tag  string // a short suffix that makes the scenarios' passwords differ between the clouds

	// sim is the suite's simulator process of this cloud; pc the ProviderConfig pointing at it.
	sim *utils.Cloudsim
	pc  string

	// The access key the simulators of this cloud accept, distinctive so that the log check can find
	// a leak, and the Secret that holds it.
	accessKeyID, accessKeySecret, credentialsSecret string

	// userField is the spec field that names the user; user makes a cloud user's key from a name.
	userField string
	user      func(name string) string

	// hasStatus and hasMFA: the cloud's login profile has a status, an MFA flag.
	hasStatus, hasMFA bool
	// weakPasswordCode is the code the cloud answers a password its policy refuses;
	// profileNotFoundCode the one it answers the get of a user without login profile.
	weakPasswordCode, profileNotFoundCode string
	// samplesFile holds the cloud's sample LoginProfiles (config/samples).
	samplesFile string
}

func alibabaCloud() *cloudEnv {
	return &cloudEnv{
		name: "alibaba", tag: "al", pc: v1alpha1.DefaultProviderConfigName,
		accessKeyID: "e2e-access-key-id", accessKeySecret: "e2e-AccessKeySecret-9f3Qz7", credentialsSecret: "alibaba-credentials",
		userField: "userPrincipalName",
		user:      func(name string) string { return name + "@example.onaliyun.com" },
		hasStatus: true, hasMFA: true,
		weakPasswordCode: "InvalidParameter.Password.TooWeak", profileNotFoundCode: "EntityNotExist.User.LoginProfile",
		samplesFile: filepath.Join(samplesDir, "iam_v1alpha1_loginprofile.yaml"),
	}
}

func huaweiCloud() *cloudEnv {
	return &cloudEnv{
		name: "huawei", tag: "hw", pc: "huawei",
		accessKeyID: "E2EHUAWEIACCESSKEYID01", accessKeySecret: "e2e-HuaweiSecretKey-4Kp8Wd", credentialsSecret: "huawei-credentials",
		userField: "userId",
		// An IAM user id is 32 hex digits.
		user: func(name string) string {
			sum := sha256.Sum256([]byte(name))
			return hex.EncodeToString(sum[:16])
		},
		weakPasswordCode: "IAM.0111", profileNotFoundCode: "IAM.0104",
		samplesFile: filepath.Join(samplesDir, "iam_v1alpha1_loginprofile_huawei.yaml"),
	}
}

// userOf is the user a spec names, in this cloud's field.
func (ce *cloudEnv) userOf(spec v1alpha1.LoginProfileSpec) string {
	if ce.userField == "userId" {
		return spec.UserID
	}
	return spec.UserPrincipalName
}

// userWithPrefix is the key of a cloud user that starts with prefix, for the globs of a
// ProviderConfig's allowedUsers and protectedUsers (prefix + "*"). Huawei Cloud's user ids are 32
// hex digits: there prefix must be hex, and it replaces the id's first digits.
func (ce *cloudEnv) userWithPrefix(prefix, name string) string {
	if ce.userField == "userId" {
		return prefix + ce.user(name)[len(prefix):]
	}
	return ce.user(prefix + "-" + name)
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

// eachCloud runs a scenario once per cloud of the suite, as the subtests "alibaba" and "huawei".
func eachCloud(t *testing.T, scenario func(c *tc, ce *cloudEnv)) {
	st := env(t)
	for _, ce := range st.clouds {
		t.Run(ce.name, func(t *testing.T) { scenario(begin(t), ce) })
	}
}

// credentialsManifest is the namespace loginprofile-system and the cloud's credentials Secret.
func credentialsManifest(ce *cloudEnv) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata:
  name: loginprofile-system
---
apiVersion: v1
kind: Secret
metadata:
  name: %s
  namespace: loginprofile-system
type: Opaque
stringData:
  accessKeyId: %q
  accessKeySecret: %q
`, ce.credentialsSecret, ce.accessKeyID, ce.accessKeySecret)
}

// providerConfigManifest is a ProviderConfig of ce's cloud pointing at sim, with the cloud's
// credentials Secret (the samples' ProviderConfigs point at the real clouds).
func providerConfigManifest(ce *cloudEnv, name string, sim *utils.Cloudsim) string {
	var cloud string
	switch ce.name {
	case "huawei":
		cloud = fmt.Sprintf("  huawei:\n    endpoint: %q\n    domainId: %q\n", sim.URL, sim.DomainID)
	default:
		cloud = fmt.Sprintf("  alibaba:\n    endpoint: %q\n", sim.URL)
	}
	return fmt.Sprintf(`apiVersion: iam.loginprofile.io/v1alpha1
kind: ProviderConfig
metadata:
  name: %s
spec:
%s  credentials:
    source: Secret
    secretRef:
      namespace: loginprofile-system
      name: %s
`, name, cloud, ce.credentialsSecret)
}

// ownSimulator starts a simulator process of ce's cloud for this test alone, with no user and the
// cloud's default password policy (no reuse prevention) unless args say otherwise, and a
// ProviderConfig NAME-PURPOSE pointing at it. Faults are global to a simulator process: a scenario
// that injects one that any observation would take (throttling) runs on its own process, where
// nothing else polls. At the end of the test, its LoginProfiles are deleted (through it), then the
// ProviderConfig, then the process stops.
func (c *tc) ownSimulator(ce *cloudEnv, purpose string, args ...string) *target {
	c.Helper()
	return c.ownSimulatorWith(ce, purpose, "", args...)
}

// ownSimulatorWith is ownSimulator with more fields in the ProviderConfig's spec: rules is YAML
// indented as the spec's fields ("  allowedUsers: [...]\n"), such as the tenancy rules. The
// ProviderConfig is created with them, and Ready (so in the manager's cache) before it returns.
func (c *tc) ownSimulatorWith(ce *cloudEnv, purpose, rules string, args ...string) *target {
	c.Helper()
	name := ce.name + "-" + purpose
	sim, err := c.st.startCloudsim(ce, name, append([]string{"--users", ""}, args...)...)
	c.g.Expect(err).NotTo(HaveOccurred())
	c.Cleanup(func() { c.removeSimulator(name, sim) })
	c.apply("providerconfig-"+name, providerConfigManifest(ce, name, sim)+rules)
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
