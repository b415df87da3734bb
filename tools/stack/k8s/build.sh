#!/usr/bin/env bash
# tools/stack/k8s/build.sh - builds the binaries of the test Kubernetes control plane from the Go
# module proxy (no downloads of release binaries): etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler and kwok (fake nodes). Versions are pinned below; outputs are version-stamped
# and reused. See /work/shared/design/TEST-INFRA.md §2 and tools/stack/k8s/README.md.
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.36.3}    # k8s.io/kubernetes; staging modules at v0.<minor>.<patch>
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}  # go.etcd.io/etcd/server/v3
KWOK_VERSION=${KWOK_VERSION:-v0.8.0}   # sigs.k8s.io/kwok (later trunk needs Go 1.27)
KWOK_CONFIG_REV=3                      # bump when the generation of kwok-stages.yaml changes

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO_ROOT=$(cd "$(dirname "$SELF")/../../.." && pwd)
CACHE_DIR=$(realpath -m "${PORTCULLIS_CACHE_DIR:-$REPO_ROOT/.cache}")
PROG="tools/stack/k8s/build.sh"

log() { printf 'k8s-build: %s\n' "$*" >&2; }
die() { printf 'k8s-build: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<EOF
Usage: $PROG [--print-bin-dir] [--only etcd|kube|kwok]... [--help]

Builds etcd $ETCD_VERSION, kube-apiserver / kube-controller-manager / kube-scheduler $K8S_VERSION
and kwok $KWOK_VERSION from the Go module proxy into
  $CACHE_DIR/k8s-$K8S_VERSION/bin/
with the Go module and build caches under $CACHE_DIR/go/ (never the user's GOPATH).
Idempotent: a component whose binaries and version stamp exist is skipped.
Progress goes to stderr; with --print-bin-dir the bin directory is printed on stdout at the end.

Environment: K8S_VERSION, ETCD_VERSION, KWOK_VERSION (pins), PORTCULLIS_CACHE_DIR, GO (go binary,
default: go on PATH, else /usr/local/go/bin/go).
First build on 2 cores takes several minutes (kube-apiserver dominates) and a few GB of cache.
EOF
}

PRINT_BIN=0
ONLY=()
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --print-bin-dir) PRINT_BIN=1 ;;
    --only) [ $# -ge 2 ] || die "--only needs a value"; ONLY+=("$2"); shift ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
want() { [ ${#ONLY[@]} -eq 0 ] && return 0; local o; for o in "${ONLY[@]}"; do [ "$o" = "$1" ] && return 0; done; return 1; }

GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
[ -x "$GO" ] || die "no go binary (set GO=...)"

OUT=$CACHE_DIR/k8s-$K8S_VERSION
BIN=$OUT/bin
WORK=$OUT/work
mkdir -p "$BIN" "$WORK" "$CACHE_DIR/go"
export GOTOOLCHAIN=local CGO_ENABLED=0
export GOPATH=$CACHE_DIR/go/path GOMODCACHE=$CACHE_DIR/go/mod GOCACHE=$CACHE_DIR/go/build
unset GOBIN GOWORK || true

# progress for the long, silent `go` steps: a line every 30 s while they run
TICKER=''
ticker_start() { # LABEL
  ticker_stop
  ( t0=$(date +%s); n=0; while sleep 1; do n=$((n + 1)); [ $((n % 30)) = 0 ] && log "  ... $1 ($(( $(date +%s) - t0 ))s)"; done ) 7>&- &
  TICKER=$!
}
ticker_stop() { if [ -n "$TICKER" ]; then kill "$TICKER" 2>/dev/null || true; wait "$TICKER" 2>/dev/null || true; TICKER=''; fi; }
trap ticker_stop EXIT

# one build at a time per cache dir (clones sharing PORTCULLIS_CACHE_DIR, parallel `stack up`s)
exec 7>"$CACHE_DIR/.k8s-build.lock"
if ! flock -n 7; then
  log "another build uses $CACHE_DIR; waiting for it ..."
  flock -w 3600 7 || die "timed out waiting for $CACHE_DIR/.k8s-build.lock"
fi

stamp_ok() { [ "$(cat "$BIN/.$1-version" 2>/dev/null)" = "$2" ]; }
elapsed() { echo $(( $(date +%s) - $1 ))s; }

# ----------------------------------------------------------------------------- etcd
build_etcd() {
  if [ -x "$BIN/etcd" ] && stamp_ok etcd "$ETCD_VERSION"; then log "etcd $ETCD_VERSION cached"; return; fi
  local t0 w; t0=$(date +%s); w=$WORK/etcd
  log "building etcd $ETCD_VERSION (wrapper module $w)"
  rm -rf "$w"; mkdir -p "$w"
  ( cd "$w"
    "$GO" mod init example.invalid/etcdbuild >/dev/null 2>&1
    # a wrapper module: server/v3's own replace directives are ignored, its requires pin the siblings
    "$GO" get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
    "$GO" build -trimpath -ldflags='-s -w' -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3 >&2 ) & BPID=$!
  ticker_start "still building etcd"; wait "$BPID" || die "building etcd failed"; ticker_stop
  mv "$BIN/etcd.tmp" "$BIN/etcd"
  echo "$ETCD_VERSION" > "$BIN/.etcd-version"
  log "etcd built in $(elapsed "$t0")"
}

# ----------------------------------------------------------------------------- kube-*
build_kube() {
  local cmds=(kube-apiserver kube-controller-manager kube-scheduler) c ok=1
  for c in "${cmds[@]}"; do [ -x "$BIN/$c" ] || ok=0; done
  if [ $ok = 1 ] && stamp_ok kube "$K8S_VERSION"; then log "kube-* $K8S_VERSION cached"; return; fi
  local t0 w staging kmod minor m ldf pkgs=(); t0=$(date +%s); w=$WORK/kube
  staging="v0.${K8S_VERSION#v1.}"
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  log "building kube-apiserver/-controller-manager/-scheduler $K8S_VERSION (staging $staging; wrapper module $w)"
  rm -rf "$w"; mkdir -p "$w"
  ( cd "$w"
    "$GO" mod init example.invalid/k8sbuild >/dev/null 2>&1
    # k8s.io/kubernetes replaces its staging modules with ./staging/...; replace each by its published tag
    kmod=$("$GO" mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p')
    [ -f "$kmod" ] || { echo "k8s-build: cannot find go.mod of k8s.io/kubernetes@$K8S_VERSION" >&2; exit 1; }
    n=0
    while read -r m; do
      "$GO" mod edit -replace="$m=$m@$staging"; n=$((n + 1))
    done < <(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$kmod")
    echo "k8s-build: $n staging modules replaced" >&2
    for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
    "$GO" get -tool "${pkgs[@]/%/@$K8S_VERSION}" >&2
    m=k8s.io/component-base/version
    ldf="-s -w -X $m.gitVersion=$K8S_VERSION -X $m.gitMajor=1 -X $m.gitMinor=$minor -X $m.gitTreeState=clean -X $m.buildDate=1970-01-01T00:00:00Z"
    mkdir -p "$BIN/.tmp"
    for c in "${cmds[@]}"; do
      local t1; t1=$(date +%s)
      "$GO" build -trimpath -ldflags="$ldf" -o "$BIN/.tmp/$c" "k8s.io/kubernetes/cmd/$c" >&2
      echo "k8s-build: $c built in $(elapsed "$t1")" >&2
    done ) & BPID=$!
  ticker_start "still building kube-* (kube-apiserver takes longest)"; wait "$BPID" || die "building kube-* failed"; ticker_stop
  for c in "${cmds[@]}"; do mv "$BIN/.tmp/$c" "$BIN/$c"; done
  rmdir "$BIN/.tmp"
  echo "$K8S_VERSION" > "$BIN/.kube-version"
  log "kube-* built in $(elapsed "$t0")"
}

# ----------------------------------------------------------------------------- kwok
# kwok-stages.yaml = the upstream "fast" stages (node-initialize, node-heartbeat-with-lease, pod-ready,
# pod-complete, pod-delete) + Portcullis' test stages in tools/stack/k8s/kwok/*.yaml. pod-ready skips pods
# labelled portcullis.dev/kwok-never-ready=true (kwok/pod-running-unready.yaml handles them) and
# pod-complete skips Job pods labelled portcullis.dev/kwok-fail=true (kwok/pod-job-fail.yaml). The file is
# regenerated whenever its inputs (the stage files, this function's revision) change.
KWOK_STAGES_DIR=$(dirname "$SELF")/kwok

exclude_label() { # exclude_label FILE LABEL: stage FILE with "LABEL NotIn [true]" added to its selector
  awk -v label="$2" '
    { print }
    /^    matchExpressions:$/ && !done {
      printf "    - key: %c.metadata.labels[\"%s\"]%c\n      operator: %cNotIn%c\n      values:\n      - %ctrue%c\n", 39, label, 39, 39, 39, 39, 39
      done = 1
    }
    END { if (!done) exit 1 }' "$1" || die "cannot add the $2 requirement to $1"
}

kwok_stages() { # generated stage configuration on stdout
  local s=$GOMODCACHE/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage f
  # standalone kwok does not apply its API defaults to this file: set the parallelism options
  printf 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions:\n'
  printf '  podPlayStageParallelism: 4\n  nodePlayStageParallelism: 4\n  nodeLeaseParallelism: 4\n  podsOnNodeSyncParallelism: 1\n'
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    [ -f "$s/$f" ] || die "kwok stage file missing: $s/$f"
    printf -- '---\n'
    case $f in
      pod/fast/pod-ready.yaml) exclude_label "$s/$f" portcullis.dev/kwok-never-ready ;;
      pod/fast/pod-complete.yaml) exclude_label "$s/$f" portcullis.dev/kwok-fail ;;
      *) cat "$s/$f" ;;
    esac
  done
  for f in "$KWOK_STAGES_DIR"/*.yaml; do printf -- '---\n'; cat "$f"; done
}

build_kwok() {
  local t0 stamp sum; t0=$(date +%s)
  stamp=$(cat "$BIN/.kwok-version" 2>/dev/null || true)
  if [ -x "$BIN/kwok" ] && [ "${stamp%%+*}" = "$KWOK_VERSION" ]; then   # "+rev" suffix: stamps of older build.sh
    log "kwok $KWOK_VERSION cached"
  else
    log "building kwok $KWOK_VERSION"
    ( cd "$WORK" && GOBIN=$BIN "$GO" install -trimpath -ldflags='-s -w' "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" >&2 ) & BPID=$!
    ticker_start "still building kwok"; wait "$BPID" || die "building kwok failed"; ticker_stop
    echo "$KWOK_VERSION" > "$BIN/.kwok-version"
    log "kwok built in $(elapsed "$t0")"
  fi
  sum=$( { echo "$KWOK_VERSION $KWOK_CONFIG_REV"; declare -f exclude_label kwok_stages; cat "$KWOK_STAGES_DIR"/*.yaml; } | sha256sum | cut -c1-16)
  if [ -s "$OUT/kwok-stages.yaml" ] && [ "$(cat "$OUT/.kwok-stages-sum" 2>/dev/null)" = "$sum" ]; then return; fi
  kwok_stages > "$OUT/kwok-stages.yaml.tmp"
  mv "$OUT/kwok-stages.yaml.tmp" "$OUT/kwok-stages.yaml"
  echo "$sum" > "$OUT/.kwok-stages-sum"
  log "kwok stage configuration written: $OUT/kwok-stages.yaml"
}

T0=$(date +%s)
want etcd && build_etcd
want kwok && build_kwok
want kube && build_kube
log "done in $(elapsed "$T0"): $BIN"
[ $PRINT_BIN = 1 ] && echo "$BIN"
exit 0
