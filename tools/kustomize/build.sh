#!/usr/bin/env bash
# tools/kustomize/build.sh - builds the `kustomize` binary that @portcullis/manifests runs to render
# kustomizations, from the Go module proxy (no downloads of release binaries). The version is pinned
# below; the output is version-stamped and reused. Conventions as in tools/stack/k8s/build.sh.
set -euo pipefail

# sigs.k8s.io/kustomize/kustomize/v5; v5.8.2 (api v0.21.2) is the newest that builds with Go 1.26
# (v5.8.3 declares go 1.27).
KUSTOMIZE_VERSION=${KUSTOMIZE_VERSION:-v5.8.2}

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO_ROOT=$(cd "$(dirname "$SELF")/../.." && pwd)
CACHE_DIR=$(realpath -m "${PORTCULLIS_CACHE_DIR:-$REPO_ROOT/.cache}")
PROG="tools/kustomize/build.sh"

log() { printf 'kustomize-build: %s\n' "$*" >&2; }
die() { printf 'kustomize-build: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<USAGE
Usage: $PROG [--print-bin] [--help]

Builds kustomize $KUSTOMIZE_VERSION from the Go module proxy into
  $CACHE_DIR/kustomize-$KUSTOMIZE_VERSION/bin/kustomize
with the Go module and build caches under $CACHE_DIR/go/ (never the user's GOPATH).
Idempotent: an existing binary with a matching version stamp is reused.
Progress goes to stderr; with --print-bin the binary's path is printed on stdout at the end.

Environment: KUSTOMIZE_VERSION (pin), PORTCULLIS_CACHE_DIR, GO (go binary, default: go on PATH,
else /usr/local/go/bin/go).
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

# shellcheck source=../go/cached-install.sh
. "$REPO_ROOT/tools/go/cached-install.sh"
cached_go_install kustomize "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" "$KUSTOMIZE_VERSION" \
  "-s -w -X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION"
[ $PRINT_BIN = 1 ] && echo "$BIN_PATH"
exit 0
