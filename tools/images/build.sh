#!/usr/bin/env bash
# tools/images/build.sh - builds the service images from deploy/docker/Dockerfile with Podman, from
# the locally seeded base (tools/images/seed-base.sh; no registry is reachable). See docs/adr/0012.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO_ROOT=$(cd "$(dirname "$SELF")/../.." && pwd)
CACHE_DIR=$(realpath -m "${PORTCULLIS_CACHE_DIR:-$REPO_ROOT/.cache}")
PROG=tools/images/build.sh
ALL_APPS=(webhook-intake secret-auditor image-scanner deploy-orchestrator notifier)
LOG_DIR=$CACHE_DIR/images/logs

log() { printf 'images: %s\n' "$*" >&2; }
die() { printf 'images: error: %s\n' "$*" >&2; exit 1; }

# shellcheck source=tag.sh
. "$REPO_ROOT/tools/images/tag.sh"

usage() {
  cat <<USAGE
Usage: $PROG [--tag TAG] [--no-cache] [--keep-old-tags] [--help] [app...]

Builds localhost/portcullis/<app>:<tag> for each app (default: ${ALL_APPS[*]})
with \`podman build --pull=never --format docker -f deploy/docker/Dockerfile --build-arg APP=<app>\`.
TAG defaults to \$PORTCULLIS_IMAGE_TAG, else the git short sha ("dev" outside git): now "$(portcullis_image_tag)".
The first image pays for \`npm ci\` and \`tsc\`; the others reuse those layers. Installs/starts
Podman (tools/podman/ensure-podman.sh) and seeds the base image (tools/images/seed-base.sh) first.
Progress (podman's STEP lines) goes to stderr, the full log of each build to
  $LOG_DIR/<app>.log
and the built image names to stdout, one per line.

  --tag TAG         image tag
  --no-cache        rebuild every layer
  --keep-old-tags   keep the images' other tags (default: untag them, so one set per machine)

The build context is a snapshot of git's view of the work tree (tracked and untracked files, not
ignored ones), taken once per run, so all images of a run carry the same sources.
The build containers use the host network (npm registry, Debian mirror for git) and get the host's
CA bundle (\$PORTCULLIS_BUILD_CA, else \$NODE_EXTRA_CA_CERTS, else the system bundle) as a build
secret for \`npm ci\`, for networks whose egress proxy signs TLS with its own CA.
USAGE
}

TAG=$(portcullis_image_tag)
NO_CACHE=()
KEEP_OLD=0
APPS=()
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --tag) [ $# -ge 2 ] || die "--tag needs a value"; TAG=$2; shift ;;
    --no-cache) NO_CACHE=(--no-cache) ;;
    --keep-old-tags) KEEP_OLD=1 ;;
    -*) die "unknown option: $1 (see --help)" ;;
    *)
      [[ " ${ALL_APPS[*]} " == *" $1 "* ]] || die "unknown app: $1 (one of: ${ALL_APPS[*]})"
      APPS+=("$1") ;;
  esac
  shift
done
[ ${#APPS[@]} -gt 0 ] || APPS=("${ALL_APPS[@]}")

# shellcheck source=../podman/ensure-podman.sh
. "$REPO_ROOT/tools/podman/ensure-podman.sh"
"$REPO_ROOT/tools/images/seed-base.sh"

mkdir -p "$LOG_DIR"
# Registries reached through a TLS-intercepting proxy need its CA inside the build (see the Dockerfile).
CA_BUNDLE=${PORTCULLIS_BUILD_CA:-${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}}
CA_SECRET=()
[ -s "$CA_BUNDLE" ] && CA_SECRET=(--secret "id=build-ca,src=$CA_BUNDLE")
REVISION=$(git -C "$REPO_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)

# One snapshot of the sources for every image of this run: the five images carry the same code even
# while the work tree changes, and they share the `npm ci`/`tsc` layers. Git's view of the tree
# (tracked and untracked files, minus .gitignore), filtered again by .dockerignore at build time.
CONTEXT=$REPO_ROOT
if git -C "$REPO_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mkdir -p "$CACHE_DIR/images"
  CONTEXT=$(mktemp -d "$CACHE_DIR/images/context.XXXXXX")
  trap 'rm -rf "$CONTEXT"' EXIT
  (cd "$REPO_ROOT" && git ls-files -z -co --exclude-standard \
     | tar --null --ignore-failed-read -cf - -T - 2>/dev/null) | tar -C "$CONTEXT" -xf -
fi
total_t0=$SECONDS
i=0
built=()
for app in "${APPS[@]}"; do
  i=$((i + 1))
  image=$(portcullis_image_name "$app" "$TAG")
  log "[$i/${#APPS[@]}] building $image"
  t0=$SECONDS
  # --format docker keeps HEALTHCHECK (the OCI format has no field for it).
  set +e
  podman build --pull=never --format docker --network host "${NO_CACHE[@]}" \
      -f "$REPO_ROOT/deploy/docker/Dockerfile" \
      --build-arg "APP=$app" "${CA_SECRET[@]}" \
      --label "org.opencontainers.image.title=portcullis-$app" \
      --label "org.opencontainers.image.revision=$REVISION" \
      --label "org.opencontainers.image.source=deploy/docker/Dockerfile" \
      -t "$image" "$CONTEXT" 2>&1 \
    | tee "$LOG_DIR/$app.log" \
    | grep --line-buffered -E '^(\[[0-9]+/[0-9]+\] )?STEP [0-9]+/[0-9]+:|^--> Using cache' \
    | sed -u -E 's/^((\[[0-9/]+\] )?STEP [0-9]+\/[0-9]+: .{0,100}).*/\1/; s/^--> Using cache.*/     (cached)/; s/^/  /' >&2
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" != 0 ]; then
    tail -30 "$LOG_DIR/$app.log" >&2
    die "building $image failed (exit $rc; full log: $LOG_DIR/$app.log)"
  fi
  log "[$i/${#APPS[@]}] $image built in $((SECONDS - t0))s"
  built+=("$image")
done
# Older tags of the same images (earlier commits) are removed so a CI machine does not collect one
# set per commit; their layers stay in Podman's build cache while a later build still uses them.
if [ $KEEP_OLD = 0 ]; then
  for app in "${APPS[@]}"; do
    podman images --format '{{.Repository}}:{{.Tag}}' "localhost/portcullis/$app" 2>/dev/null \
      | grep -v -x -F "$(portcullis_image_name "$app" "$TAG")" \
      | xargs -r podman rmi >/dev/null 2>&1 || true
  done
fi
log "${#built[@]} image(s) in $((SECONDS - total_t0))s"
printf '%s\n' "${built[@]}"
