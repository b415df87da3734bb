#!/usr/bin/env bash
# Builds the peer secret scanners the secrets benchmark compares against, pinned, into the
# git-ignored .cache/peers/ (never into the workspace's node_modules):
#   .cache/peers/gitleaks-<v>/gitleaks            go install from the Go module proxy
#   .cache/peers/secretlint-<v>/node_modules/...  npm install --prefix (secretlint + recommend preset)
# Idempotent: a peer that is already there is left alone. Prints what it did on stderr and the
# paths of the tools on stdout (KEY=path lines, read by run.mjs).
#   tools/bench/secrets/peers.sh [--force]
set -euo pipefail

GITLEAKS_VERSION="${GITLEAKS_VERSION:-v8.30.1}"
SECRETLINT_VERSION="${SECRETLINT_VERSION:-13.0.6}"
SECRETLINT_PRESET_VERSION="${SECRETLINT_PRESET_VERSION:-13.1.0}"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  echo "Pinned: gitleaks ${GITLEAKS_VERSION}, secretlint ${SECRETLINT_VERSION}, preset-recommend ${SECRETLINT_PRESET_VERSION} (override with GITLEAKS_VERSION=, SECRETLINT_VERSION=, SECRETLINT_PRESET_VERSION=)."
  exit 0
fi
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
PEERS="${ROOT}/.cache/peers"
log() { echo "[secrets-peers] $*" >&2; }
mkdir -p "${PEERS}"

GO="${GO:-/usr/local/go/bin/go}"
[[ -x "${GO}" ]] || GO="$(command -v go || true)"

# ---- gitleaks
GL_DIR="${PEERS}/gitleaks-${GITLEAKS_VERSION}"
GL_BIN="${GL_DIR}/gitleaks"
if [[ -x "${GL_BIN}" && "${FORCE}" == 0 ]]; then
  log "gitleaks ${GITLEAKS_VERSION}: cached at ${GL_BIN}"
else
  [[ -n "${GO}" ]] || { log "no go toolchain found (looked at /usr/local/go/bin/go and PATH)"; exit 1; }
  log "gitleaks ${GITLEAKS_VERSION}: go install github.com/zricethezav/gitleaks/v8@${GITLEAKS_VERSION} -> ${GL_DIR}"
  mkdir -p "${GL_DIR}"
  # Module and build caches stay inside .cache/peers so nothing lands in the user's GOPATH.
  # -ldflags sets the version string that `gitleaks version` prints (release builds do the same).
  GOBIN="${GL_DIR}" GOFLAGS=-mod=mod GOPATH="${PEERS}/go" GOCACHE="${PEERS}/go-build" \
    "${GO}" install -ldflags "-s -w -X github.com/zricethezav/gitleaks/v8/version.Version=${GITLEAKS_VERSION}" \
    "github.com/zricethezav/gitleaks/v8@${GITLEAKS_VERSION}"
  log "gitleaks built: $("${GL_BIN}" version 2>/dev/null || echo '?')"
fi

# ---- secretlint
SL_DIR="${PEERS}/secretlint-${SECRETLINT_VERSION}"
SL_BIN="${SL_DIR}/node_modules/secretlint/bin/secretlint.js"
SL_PRESET="${SL_DIR}/node_modules/@secretlint/secretlint-rule-preset-recommend/package.json"
if [[ -f "${SL_BIN}" && -f "${SL_PRESET}" && "${FORCE}" == 0 ]]; then
  log "secretlint ${SECRETLINT_VERSION}: cached at ${SL_DIR}"
else
  log "secretlint ${SECRETLINT_VERSION} + @secretlint/secretlint-rule-preset-recommend ${SECRETLINT_PRESET_VERSION}: npm install --prefix ${SL_DIR}"
  mkdir -p "${SL_DIR}"
  # A package.json of its own so npm does not walk up to the monorepo's workspace root.
  [[ -f "${SL_DIR}/package.json" ]] || echo '{ "name": "secretlint-peer", "private": true }' > "${SL_DIR}/package.json"
  npm install --prefix "${SL_DIR}" --no-audit --no-fund --save-exact --loglevel=error \
    "secretlint@${SECRETLINT_VERSION}" "@secretlint/secretlint-rule-preset-recommend@${SECRETLINT_PRESET_VERSION}" >&2
  log "secretlint installed: $(node "${SL_BIN}" --version 2>/dev/null || echo '?')"
fi

echo "GITLEAKS_VERSION=${GITLEAKS_VERSION}"
echo "GITLEAKS_BIN=${GL_BIN}"
echo "SECRETLINT_VERSION=${SECRETLINT_VERSION}"
echo "SECRETLINT_PRESET_VERSION=${SECRETLINT_PRESET_VERSION}"
echo "SECRETLINT_DIR=${SL_DIR}"
echo "SECRETLINT_BIN=${SL_BIN}"
