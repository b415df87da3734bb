#!/usr/bin/env bash
# Builds the peer SBOM extractor the images benchmark compares against, pinned, into the
# git-ignored .cache/peers/ (never into the workspace):
#   .cache/peers/syft-<v>/syft      go install from the Go module proxy
# Idempotent: a peer that is already there is left alone. Prints what it did on stderr and the
# path of the tool on stdout (SYFT_BIN=path), as tools/bench/secrets/peers.sh does.
#   tools/bench/images/peers.sh [--force]
set -euo pipefail

SYFT_VERSION="${SYFT_VERSION:-v1.57.1}"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  echo "Pinned: syft ${SYFT_VERSION} (override with SYFT_VERSION=)."
  exit 0
fi
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
PEERS="${ROOT}/.cache/peers"
log() { echo "[images-peers] $*" >&2; }
mkdir -p "${PEERS}"

GO="${GO:-/usr/local/go/bin/go}"
[[ -x "${GO}" ]] || GO="$(command -v go || true)"

SY_DIR="${PEERS}/syft-${SYFT_VERSION}"
SY_BIN="${SY_DIR}/syft"
if [[ -x "${SY_BIN}" && "${FORCE}" == 0 ]]; then
  log "syft ${SYFT_VERSION}: cached at ${SY_BIN}"
else
  [[ -n "${GO}" ]] || { log "no go toolchain found (looked at /usr/local/go/bin/go and PATH)"; exit 1; }
  log "syft ${SYFT_VERSION}: go install github.com/anchore/syft/cmd/syft@${SYFT_VERSION} -> ${SY_DIR} (first build takes a few minutes)"
  mkdir -p "${SY_DIR}"
  # Module and build caches stay inside .cache/peers so nothing lands in the user's GOPATH.
  GOBIN="${SY_DIR}" GOFLAGS=-mod=mod GOPATH="${PEERS}/go" GOCACHE="${PEERS}/go-build" CGO_ENABLED=0 \
    "${GO}" install -ldflags "-s -w -X main.version=${SYFT_VERSION#v}" "github.com/anchore/syft/cmd/syft@${SYFT_VERSION}"
  log "syft built: $("${SY_BIN}" version 2>/dev/null | grep -m1 -i '^version' || echo '?')"
fi
echo "SYFT_BIN=${SY_BIN}"
echo "SYFT_VERSION=${SYFT_VERSION}"
