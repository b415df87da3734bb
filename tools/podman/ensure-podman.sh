#!/usr/bin/env bash
# Makes Podman usable as the container engine on machines without Docker (see docs/adr/0012 and
# TEST-INFRA §6): installs podman, runc and busybox-static from Debian when missing, writes the two
# engine settings these machines need, and starts Podman's Docker-compatible API on a unix socket
# for the container tests. Idempotent and quiet when everything is already in place.
#
#   . tools/podman/ensure-podman.sh      # sourced: exports DOCKER_HOST and the testcontainers settings
#   tools/podman/ensure-podman.sh        # run: prints the same as `export ...` lines (eval-able)
#
# Environment: PORTCULLIS_PODMAN_SOCKET (default /run/podman-test.sock). Needs root (apt, /etc, /run).
_pp_main() {
  local sock=${PORTCULLIS_PODMAN_SOCKET:-/run/podman-test.sock}
  local log_dir=${PORTCULLIS_CACHE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.cache}/podman
  _pp_log() { printf 'ensure-podman: %s\n' "$*" >&2; }

  # busybox-static: the image-tests runner's int spec (apps/image-scanner, docker-api.command-runner)
  # builds its test image from the static /bin/busybox; Debian's `busybox` is dynamically linked.
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || missing+=(busybox-static)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { _pp_log "${missing[*]} missing and not root: install them (apt-get install ${missing[*]})"; return 1; }
    _pp_log "installing ${missing[*]} from Debian"
    # uidmap/slirp4netns/fuse-overlayfs come as podman's recommends; containernetworking-plugins is a depends.
    if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
           || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }; }; then
      _pp_log "apt-get install ${missing[*]} failed"; return 1
    fi
  fi

  # The default ulimits (nofile 1048576) cannot be applied in these machines' containers, and crun
  # fails on their cgroup layout; runc works. Written only when the content differs.
  local conf=/etc/containers/containers.conf want
  want='# Written by tools/podman/ensure-podman.sh (Portcullis), see TEST-INFRA §6.
[containers]
# the default limits (1048576) cannot be set here; crun also fails on this cgroup layout
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
[engine]
runtime = "runc"'
  if [ "$(cat "$conf" 2>/dev/null)" != "$want" ]; then
    if [ -s "$conf" ] && ! grep -q 'tools/podman/ensure-podman.sh' "$conf"; then
      cp "$conf" "$conf.bak.$(date +%s)" && _pp_log "kept the previous $conf as $conf.bak.*"
    fi
    if ! { mkdir -p /etc/containers && printf '%s\n' "$want" > "$conf"; }; then _pp_log "cannot write $conf"; return 1; fi
    _pp_log "wrote $conf"
  fi

  # The API service: one per socket. `podman info` through it proves it answers, not just that a
  # stale socket file exists.
  if ! podman --url "unix://$sock" info >/dev/null 2>&1; then
    mkdir -p "$log_dir"
    rm -f "$sock"
    _pp_log "starting podman system service on unix://$sock (log: $log_dir/service.log)"
    # setsid: the service outlives this shell and is not in the caller's process group (CI traps).
    setsid podman system service --time=0 "unix://$sock" >"$log_dir/service.log" 2>&1 < /dev/null &
    echo $! > "$log_dir/service.pid"
    local _
    for _ in $(seq 1 50); do
      podman --url "unix://$sock" info >/dev/null 2>&1 && break
      sleep 0.2
    done
    podman --url "unix://$sock" info >/dev/null 2>&1 || { _pp_log "the API service did not come up; see $log_dir/service.log"; return 1; }
  fi

  export DOCKER_HOST="unix://$sock" TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
  unset -f _pp_log
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  _pp_main
  printf 'export DOCKER_HOST=%s TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1\n' "$DOCKER_HOST"
else
  _pp_main || { unset -f _pp_main; return 1; }
  unset -f _pp_main
fi
