#!/usr/bin/env bash
# Builds the binaries the tests need (kube-apiserver, etcd, kubectl) from the Go module proxy,
# because setup-envtest cannot download them here, and caches them outside the clone, keyed by
# version, so that every later run reuses them. Prints the directory to use as KUBEBUILDER_ASSETS.
#
#   hack/envtest-assets.sh            build what is missing, print the assets directory
#
# Honours KUBEBUILDER_ASSETS when it is already set and holds the three binaries.
set -euo pipefail

KUBE_VERSION=${KUBE_VERSION:-v1.37.0}      # k8s.io/kubernetes (v1.37.2's zip is refused by the proxy)
KUBECTL_VERSION=${KUBECTL_VERSION:-v0.37.0} # k8s.io/kubectl
ETCD_VERSION=${ETCD_VERSION:-v3.7.3}        # go.etcd.io/etcd/server/v3
CACHE=${LOGINPROFILE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/loginprofile-operator}
here=$(cd "$(dirname "$0")" && pwd)

if [[ -n "${KUBEBUILDER_ASSETS:-}" && -x "${KUBEBUILDER_ASSETS}/kube-apiserver" && -x "${KUBEBUILDER_ASSETS}/etcd" && -x "${KUBEBUILDER_ASSETS}/kubectl" ]]; then
  echo "${KUBEBUILDER_ASSETS}"
  exit 0
fi

# build NAME VERSION MODULE_DIR PACKAGE: builds into $CACHE/NAME-VERSION/NAME unless it is there.
build() {
  local name=$1 version=$2 dir=$3 pkg=$4
  local out="$CACHE/$name-$version/$name"
  if [[ ! -x "$out" ]]; then
    echo "building $name $version into $out (once; later runs reuse it)" >&2
    local start=$SECONDS
    mkdir -p "$(dirname "$out")"
    (cd "$here/envtest/$dir" && GOFLAGS=-mod=readonly CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$out.tmp" "$pkg")
    mv "$out.tmp" "$out"
    echo "built $name in $((SECONDS - start))s" >&2
  fi
}

build kube-apiserver "$KUBE_VERSION" kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
build etcd "$ETCD_VERSION" etcd .
build kubectl "$KUBECTL_VERSION" kubectl .

assets="$CACHE/assets-$KUBE_VERSION-etcd-$ETCD_VERSION-kubectl-$KUBECTL_VERSION"
mkdir -p "$assets"
ln -sf "$CACHE/kube-apiserver-$KUBE_VERSION/kube-apiserver" "$assets/kube-apiserver"
ln -sf "$CACHE/etcd-$ETCD_VERSION/etcd" "$assets/etcd"
ln -sf "$CACHE/kubectl-$KUBECTL_VERSION/kubectl" "$assets/kubectl"
echo "$assets"
