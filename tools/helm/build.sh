#!/usr/bin/env bash
# tools/helm/build.sh - builds the `helm` v3 binary that renders deploy/helm/portcullis (and that the
# chart's tests in tools/helm run), from the Go module proxy (no downloads of release binaries). The
# version is pinned below; the output is version-stamped and reused. Conventions as in
# tools/kustomize/build.sh and tools/stack/k8s/build.sh.
set -euo pipefail

# helm.sh/helm/v3; v3.22.0 builds with the Go toolchain on these machines (GOTOOLCHAIN=local).
HELM_VERSION=${HELM_VERSION:-v3.22.0}
# The Kubernetes version `helm template` assumes without a cluster (.Capabilities.KubeVersion); helm's
# Makefile derives it from the k8s.io/client-go it builds with (v0.37.0 for v3.22.0 -> 1.37). Without
# it helm assumes 1.20, older than the chart's kubeVersion.
HELM_K8S_VERSION=${HELM_K8S_VERSION:-1.37}
STAMP="$HELM_VERSION k8s-$HELM_K8S_VERSION"

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO_ROOT=$(cd "$(dirname "$SELF")/../.." && pwd)
CACHE_DIR=$(realpath -m "${PORTCULLIS_CACHE_DIR:-$REPO_ROOT/.cache}")
PROG="tools/helm/build.sh"

log() { printf 'helm-build: %s\n' "$*" >&2; }
die() { printf 'helm-build: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<USAGE
Usage: $PROG [--print-bin] [--help]

Builds helm $HELM_VERSION from the Go module proxy into
  $CACHE_DIR/helm-$HELM_VERSION/bin/helm
with the Go module and build caches under $CACHE_DIR/go/ (never the user's GOPATH).
Idempotent: an existing binary with a matching version stamp is reused.
Progress goes to stderr; with --print-bin the binary's path is printed on stdout at the end.
The first build on 2 cores takes a few minutes (the Kubernetes client libraries dominate).

Environment: HELM_VERSION, HELM_K8S_VERSION (pins), PORTCULLIS_CACHE_DIR, GO (go binary, default: go on PATH,
else /usr/local/go/bin/go). GOPROXY/GOFLAGS from the environment are honoured as by \`go\` itself.
USAGE
}

PRINT_BIN=0
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --print-bin) PRINT_BIN=1 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

# The -X flags stamp what `helm version` prints and the Kubernetes version it assumes (helm's Makefile does the same).
K8S_MAJOR=${HELM_K8S_VERSION%%.*} K8S_MINOR=${HELM_K8S_VERSION#*.}
LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  LDFLAGS="$LDFLAGS -X $pkg.k8sVersionMajor=$K8S_MAJOR -X $pkg.k8sVersionMinor=$K8S_MINOR"
done
# shellcheck source=../go/cached-install.sh
. "$REPO_ROOT/tools/go/cached-install.sh"
cached_go_install helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" "$STAMP" "$LDFLAGS" "the first build takes a few minutes"
[ $PRINT_BIN = 1 ] && echo "$BIN_PATH"
exit 0
