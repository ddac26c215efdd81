#!/usr/bin/env bash
# Builds the helm CLI (v4, pinned in hack/tools/helm/go.mod) from the Go module proxy, once, and
# caches it outside the clone, keyed by version, like hack/envtest-assets.sh. Prints the binary's
# path; the chart tests (test/gitops) read it from HELM_BIN.
#
#   hack/helm.sh            build helm if it is missing, print its path
#
# Honours HELM_BIN when it is already set and executable.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${LOGINPROFILE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/loginprofile-operator}

if [[ -n "${HELM_BIN:-}" && -x "${HELM_BIN}" ]]; then
  echo "${HELM_BIN}"
  exit 0
fi

# The version is the one hack/tools/helm/go.mod requires: bumping it there is the only change needed.
HELM_VERSION=$(awk '$1 == "helm.sh/helm/v4" { print $2; exit }' "$here/tools/helm/go.mod")
if [[ -z "$HELM_VERSION" ]]; then
  echo "hack/tools/helm/go.mod does not require helm.sh/helm/v4" >&2
  exit 1
fi

out="$CACHE/helm-$HELM_VERSION/helm"
if [[ ! -x "$out" ]]; then
  echo "building helm $HELM_VERSION into $out (once; later runs reuse it)" >&2
  start=$SECONDS
  mkdir -p "$(dirname "$out")"
  (cd "$here/tools/helm" && GOFLAGS=-mod=readonly CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
    -o "$out.tmp" helm.sh/helm/v4/cmd/helm)
  mv "$out.tmp" "$out"
  echo "built helm in $((SECONDS - start))s" >&2
fi
echo "$out"
