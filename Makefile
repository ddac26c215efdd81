# Image URL to use all building/pushing image targets
IMG ?= ghcr.io/loginprofile-operator/loginprofile-operator:latest

# Get the currently used golang install path (in GOPATH/bin, unless GOBIN is set)
ifeq (,$(shell go env GOBIN))
GOBIN=$(shell go env GOPATH)/bin
else
GOBIN=$(shell go env GOBIN)
endif

SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Display this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate the CRDs and the RBAC ClusterRole.
	go run ./hack/cloudrule # the ProviderConfig rule "exactly one cloud", from the API's cloud sections
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths="./..." output:crd:artifacts:config=config/crd/bases
	cp config/crd/bases/*.yaml dist/chart/crds/ # the Helm chart's copies (test/gitops checks them)

.PHONY: generate
generate: controller-gen ## Generate the DeepCopy methods.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./..."

.PHONY: fmt
fmt: ## Run go fmt.
	go fmt ./...

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: verify
verify: manifests generate ## Fail when generated files (CRDs, RBAC, deepcopy) are not up to date.
	@if [ -n "$$(git status --porcelain -- api config)" ]; then \
		echo "generated files are out of date: run 'make manifests generate' and commit:"; \
		git status --porcelain -- api config; git --no-pager diff -- api config | head -50; exit 1; \
	fi
	@if [ -n "$$(git status --porcelain --untracked-files=no -- dist/chart/crds)" ]; then \
		echo "the Helm chart's CRDs are out of date: run 'make manifests' and commit dist/chart/crds"; exit 1; \
	fi
	@echo "generated files are up to date"

.PHONY: envtest
envtest: ## Build (once, cached in ~/.cache/loginprofile-operator) kube-apiserver, etcd and kubectl.
	@hack/envtest-assets.sh >/dev/null

ASSETS = $(shell hack/envtest-assets.sh)

.PHONY: helm
helm: ## Build (once, cached in ~/.cache/loginprofile-operator) the helm CLI pinned in hack/tools/helm.
	@hack/helm.sh >/dev/null

HELM = $(shell hack/helm.sh)

.PHONY: test
test: verify vet lint build envtest helm ## Run every test: unit, envtest, e2e and the chart's (with -race), after checking generated files and lint.
	KUBEBUILDER_ASSETS="$(ASSETS)" HELM_BIN="$(HELM)" MANAGER_BIN="$(CURDIR)/bin/manager" CLOUDSIM_BIN="$(CURDIR)/bin/cloudsim" hack/test.sh

.PHONY: test-alone
test-alone: build envtest helm ## Run every top-level test on its own, one process each (no test may lean on the ones before it).
	KUBEBUILDER_ASSETS="$(ASSETS)" HELM_BIN="$(HELM)" MANAGER_BIN="$(CURDIR)/bin/manager" CLOUDSIM_BIN="$(CURDIR)/bin/cloudsim" hack/test-alone.sh

.PHONY: test-chart
test-chart: envtest helm ## Lint the Helm chart (dist/chart) and run the GitOps tests only: chart, CRDs, samples and docs examples.
	"$(HELM)" lint --strict dist/chart
	KUBEBUILDER_ASSETS="$(ASSETS)" HELM_BIN="$(HELM)" go test -race -count=1 ./test/gitops/

.PHONY: test-unit
test-unit: ## Run the unit tests only (no Kubernetes binaries needed).
	go test -race -short ./...

# FUZZTIME is how long `make fuzz` runs each fuzz target.
FUZZTIME ?= 30s
# FUZZ_TARGETS are the fuzz targets, as package:Function. Their seed corpora (f.Add and
# testdata/fuzz/<Function>/) run with every plain `go test`, so `make test` checks them.
FUZZ_TARGETS = \
	./internal/cloud/alibaba:FuzzClassify \
	./internal/cloud/huawei:FuzzClassify \
	./internal/controller/loginprofile:FuzzDiff \
	./internal/tenancy:FuzzMatch \
	./internal/tenancy:FuzzCheck \
	./internal/password:FuzzParse \
	./internal/password:FuzzDigest \
	./internal/password:FuzzGenerateSatisfiesThePolicy

# -short: the controller package's TestMain needs envtest's binaries otherwise.
.PHONY: fuzz
fuzz: ## Run each fuzz target for FUZZTIME (default 30s), one after the other; a failing input is written to its package's testdata/fuzz.
	@failed=""; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "=== $$fn in $$pkg for $(FUZZTIME)"; \
		go test -short -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg || failed="$$failed $$pkg:$$fn"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzzing failed:$$failed (add the input written under testdata/fuzz to the corpus once fixed)"; exit 1; fi

# The crash and fault campaign (test/chaos, docs/reliability.md). Override on the command line:
# make chaos CHAOS_TRIALS=10 CHAOS_SEED=1234
CHAOS_CALIBRATION_TRIALS ?= 3
CHAOS_TRIALS ?= 50
CHAOS_FAULT_TRIALS ?= 15
CHAOS_OUTAGE_TRIALS ?= 3
# The invariants that fail the campaign: every trial must keep these; the re-sends are a goal,
# reported in the table (CHAOS_ASSERT=all asserts it too).
CHAOS_ASSERT ?= double-create,lost-change,stuck
CHAOS_SEED ?=
CHAOS_CLOUDS ?=

.PHONY: chaos
chaos: build envtest ## Kill the manager (SIGKILL) during batches of changes, fail 20% of cloud calls, cut off the API server: check the invariants and print the table (bin/chaos-report.md).
	KUBEBUILDER_ASSETS="$(ASSETS)" MANAGER_BIN="$(CURDIR)/bin/manager" \
	CHAOS_CALIBRATION_TRIALS="$(CHAOS_CALIBRATION_TRIALS)" CHAOS_TRIALS="$(CHAOS_TRIALS)" CHAOS_FAULT_TRIALS="$(CHAOS_FAULT_TRIALS)" CHAOS_OUTAGE_TRIALS="$(CHAOS_OUTAGE_TRIALS)" \
	CHAOS_ASSERT="$(CHAOS_ASSERT)" CHAOS_SEED="$(CHAOS_SEED)" CHAOS_CLOUDS="$(CHAOS_CLOUDS)" CHAOS_REPORT="$(CURDIR)/bin/chaos-report.md" \
	go test -count=1 -v -timeout 90m -run '^TestChaos$$' ./test/chaos/ 2>&1 | tee bin/chaos.log

# The scale benchmark (test/scale, docs/benchmarks.md). Override on the command line:
# make bench-scale SCALE_N=10000 SCALE_ACCOUNTS=10 SCALE_CLOUDS=alibaba
SCALE_N ?= 1000
SCALE_ACCOUNTS ?= 1
SCALE_POLL ?= 3s
SCALE_CLOUDS ?=
SCALE_STEADY ?=
SCALE_PROBES ?=

.PHONY: bench-scale
bench-scale: build envtest ## Scale benchmark: N LoginProfiles over accounts at the simulated clouds' real quotas; one table per cloud (bin/bench-scale.md).
	KUBEBUILDER_ASSETS="$(ASSETS)" MANAGER_BIN="$(CURDIR)/bin/manager" \
	SCALE_N="$(SCALE_N)" SCALE_ACCOUNTS="$(SCALE_ACCOUNTS)" SCALE_POLL="$(SCALE_POLL)" SCALE_CLOUDS="$(SCALE_CLOUDS)" \
	SCALE_STEADY="$(SCALE_STEADY)" SCALE_PROBES="$(SCALE_PROBES)" SCALE_REPORT="$(CURDIR)/bin/bench-scale.md" \
	go test -count=1 -v -timeout 180m -run '^TestScale$$' ./test/scale/ 2>&1 | tee bin/bench-scale.log

.PHONY: lint
lint: golangci-lint ## Run golangci-lint.
	$(GOLANGCI_LINT) run

##@ Build

.PHONY: build
build: ## Build the manager and the cloud simulator binaries.
	go build -o bin/manager ./cmd
	go build -o bin/cloudsim ./cmd/cloudsim

.PHONY: run
run: manifests generate ## Run the manager from your host against the current kubeconfig.
	go run ./cmd

.PHONY: demo
demo: build envtest ## Local control plane, simulated cloud, the operator and the samples; runs until interrupted.
	go build -o bin/demo ./hack/demo
	KUBEBUILDER_ASSETS="$(ASSETS)" bin/demo --manager bin/manager --cloudsim bin/cloudsim

.PHONY: docker-build
docker-build: ## Build the manager image (needs a Docker engine).
	docker build -t ${IMG} .

.PHONY: docker-push
docker-push: ## Push the manager image.
	docker push ${IMG}

##@ Deployment

ifndef ignore-not-found
  ignore-not-found = false
endif

.PHONY: install
install: manifests kustomize ## Install the CRDs into the cluster of the current kubeconfig.
	$(KUSTOMIZE) build config/crd | $(KUBECTL) apply -f -

.PHONY: uninstall
uninstall: manifests kustomize ## Remove the CRDs from the cluster.
	$(KUSTOMIZE) build config/crd | $(KUBECTL) delete --ignore-not-found=$(ignore-not-found) -f -

.PHONY: deploy
deploy: manifests kustomize ## Deploy the operator to the cluster of the current kubeconfig, with image IMG.
	cd config/manager && $(KUSTOMIZE) edit set image controller=${IMG}
	$(KUSTOMIZE) build config/default | $(KUBECTL) apply -f -

.PHONY: undeploy
undeploy: kustomize ## Remove the operator from the cluster.
	$(KUSTOMIZE) build config/default | $(KUBECTL) delete --ignore-not-found=$(ignore-not-found) -f -

##@ Dependencies

LOCALBIN ?= $(shell pwd)/bin
$(LOCALBIN):
	mkdir -p $(LOCALBIN)

KUBECTL ?= kubectl
KUSTOMIZE ?= $(LOCALBIN)/kustomize
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen
GOLANGCI_LINT = $(LOCALBIN)/golangci-lint

KUSTOMIZE_VERSION ?= v5.8.0
CONTROLLER_TOOLS_VERSION ?= v0.23.0
GOLANGCI_LINT_VERSION ?= v2.6.2

.PHONY: kustomize
kustomize: $(KUSTOMIZE) ## Download kustomize locally if necessary.
$(KUSTOMIZE): $(LOCALBIN)
	$(call go-install-tool,$(KUSTOMIZE),sigs.k8s.io/kustomize/kustomize/v5,$(KUSTOMIZE_VERSION))

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Download controller-gen locally if necessary.
$(CONTROLLER_GEN): $(LOCALBIN)
	$(call go-install-tool,$(CONTROLLER_GEN),sigs.k8s.io/controller-tools/cmd/controller-gen,$(CONTROLLER_TOOLS_VERSION))

.PHONY: golangci-lint
golangci-lint: $(GOLANGCI_LINT) ## Download golangci-lint locally if necessary.
$(GOLANGCI_LINT): $(LOCALBIN)
	$(call go-install-tool,$(GOLANGCI_LINT),github.com/golangci/golangci-lint/v2/cmd/golangci-lint,$(GOLANGCI_LINT_VERSION))

# go-install-tool will 'go install' any package with custom target and name of binary, if it doesn't exist
# $1 - target path with name of binary
# $2 - package url which can be installed
# $3 - specific version of package
define go-install-tool
@[ -f "$(1)-$(3)" ] && [ "$$(readlink -- "$(1)" 2>/dev/null)" = "$(1)-$(3)" ] || { \
set -e; \
package=$(2)@$(3) ;\
echo "Downloading $${package}" ;\
rm -f "$(1)" ;\
GOBIN="$(LOCALBIN)" go install $${package} ;\
mv "$(LOCALBIN)/$$(basename "$(1)")" "$(1)-$(3)" ;\
} ;\
ln -sf "$$(realpath "$(1)-$(3)")" "$(1)"
endef
