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

GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
[ -x "$GO" ] || die "no go binary (set GO=...)"

OUT=$CACHE_DIR/kustomize-$KUSTOMIZE_VERSION
BIN=$OUT/bin
mkdir -p "$BIN" "$OUT/work" "$CACHE_DIR/go"
export GOTOOLCHAIN=local CGO_ENABLED=0
export GOPATH=$CACHE_DIR/go/path GOMODCACHE=$CACHE_DIR/go/mod GOCACHE=$CACHE_DIR/go/build
unset GOBIN GOWORK || true

elapsed() { echo $(( $(date +%s) - $1 ))s; }

if [ -x "$BIN/kustomize" ] && [ "$(cat "$BIN/.kustomize-version" 2>/dev/null)" = "$KUSTOMIZE_VERSION" ]; then
  log "kustomize $KUSTOMIZE_VERSION cached"
else
  T0=$(date +%s)
  log "building kustomize $KUSTOMIZE_VERSION"
  # `go install pkg@version` builds with the module's own go.mod; a temp dir keeps it off any repo's go.mod
  ( cd "$OUT/work" && GOBIN=$BIN/.tmp "$GO" install -trimpath \
      -ldflags="-s -w -X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION" \
      "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2 )
  mv "$BIN/.tmp/kustomize" "$BIN/kustomize"
  rmdir "$BIN/.tmp"
  echo "$KUSTOMIZE_VERSION" > "$BIN/.kustomize-version"
  log "kustomize built in $(elapsed "$T0"): $BIN/kustomize"
fi
[ $PRINT_BIN = 1 ] && echo "$BIN/kustomize"
exit 0
