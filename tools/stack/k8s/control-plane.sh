#!/usr/bin/env bash
# tools/stack/k8s/control-plane.sh - a test Kubernetes control plane without Docker or kubelet:
# etcd + kube-apiserver + kube-controller-manager + kube-scheduler + kwok (one fake node), all on
# free 127.0.0.1 ports, state and logs in .stack/k8s/ (or $PORTCULLIS_STACK_DIR/k8s). Binaries come
# from tools/stack/k8s/build.sh (built on first use). See TEST-INFRA.md §2.3-2.5.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
REPO_ROOT=$(cd "$HERE/../../.." && pwd)
STACK_DIR=$(realpath -m "${PORTCULLIS_STACK_DIR:-$REPO_ROOT/.stack}")
D=$STACK_DIR/k8s
START_TIMEOUT=${K8S_START_TIMEOUT:-120}
STOP_TIMEOUT=${STACK_STOP_TIMEOUT:-20}
NODE_NAME=${K8S_FAKE_NODE:-kwok-node-0}
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
PROG="tools/stack/k8s/control-plane.sh"

log() { printf 'k8s: %s\n' "$*" >&2; }
die() { printf 'k8s: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<EOF
Usage: $PROG up | down [--purge] | status | kubeconfig | --help

  up          Build the binaries if missing (tools/stack/k8s/build.sh), create certificates, start
              etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on free
              127.0.0.1 ports, register the fake node '$NODE_NAME', wait until all are healthy
              and the node is Ready, write $D/kubeconfig and print its path on stdout.
              Idempotent: running components are left alone.
  down        Stop all components (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s). --purge also deletes
              $D (etcd data, certificates, logs, ports).
  status      One line per component: running/stopped, address, pid. Exit 0 if all run, 3 otherwise.
  kubeconfig  Print the kubeconfig path (exit 1 if the control plane is not up).

The kubeconfig authenticates with a client certificate in group system:masters and verifies the
apiserver against the stack-local CA ($D/pki/ca.crt). Logs: $D/logs/<component>.log.
EOF
}

pidfile() { echo "$D/run/$1.pid"; }
is_running() { # NAME: its pid file names a live process running our binary (guards against PID reuse)
  local p; p=$(cat "$(pidfile "$1")" 2>/dev/null) || return 1
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 1
  [ ! -r "/proc/$p/cmdline" ] || tr '\0' ' ' < "/proc/$p/cmdline" | grep -q -- "/$1 "
}

free_ports() { # N free loopback ports, one per line, from 32000-32767: below the kernel's ephemeral
  # range (so a client socket does not take one while the plane is down) and apart from the ports
  # tools/stack/stack picks (20000-31999)
  local n=$1 p i out=" "
  for (( i = 0; i < 2000 && $(wc -w <<< "$out") < n; i++ )); do
    p=$((32000 + RANDOM % 768))
    [[ $out == *" $p "* ]] && continue
    if command -v ss >/dev/null 2>&1; then [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ] || continue
    else ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || continue; fi
    out+="$p "
  done
  # shellcheck disable=SC2086
  printf '%s\n' $out
}

load_ports() {
  if [ ! -s "$D/ports" ]; then
    local ports; mapfile -t ports < <(free_ports 5)
    [ ${#ports[@]} -eq 5 ] || die "could not pick free ports"
    printf 'ETCD_PORT=%s\nETCD_PEER_PORT=%s\nAPI_PORT=%s\nKCM_PORT=%s\nSCHED_PORT=%s\n' "${ports[@]}" > "$D/ports"
  fi
  # shellcheck disable=SC1091
  . "$D/ports"
}

make_pki() {
  local k=$D/pki; mkdir -p "$k"
  [ -s "$k/admin.crt" ] && return 0
  log "creating certificates in $k"
  (
    cd "$k"; umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=portcullis-test-k8s-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n' > apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=portcullis-admin" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n' > admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile admin.ext -out admin.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr ./*.ext
  )
}

write_kubeconfig() {
  local k=$D/pki b64='base64 -w0'
  cat > "$D/kubeconfig.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: portcullis-test
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $($b64 < "$k/ca.crt")
users:
- name: portcullis-admin
  user:
    client-certificate-data: $($b64 < "$k/admin.crt")
    client-key-data: $($b64 < "$k/admin.key")
contexts:
- name: portcullis-test
  context: {cluster: portcullis-test, user: portcullis-admin, namespace: default}
current-context: portcullis-test
EOF
  chmod 600 "$D/kubeconfig.tmp"; mv "$D/kubeconfig.tmp" "$D/kubeconfig"
}

api() { # api METHOD PATH [curl args...]  -> body on stdout, fails on HTTP >= 400
  local m=$1 p=$2; shift 2
  curl -fsS --max-time 10 --cacert "$D/pki/ca.crt" --cert "$D/pki/admin.crt" --key "$D/pki/admin.key" \
    -X "$m" "https://127.0.0.1:$API_PORT$p" "$@"
}

start() { # start NAME CMD...
  local name=$1; shift
  if is_running "$name"; then log "$name already running (pid $(cat "$(pidfile "$name")"))"; return 0; fi
  rm -f "$(pidfile "$name")"
  log "starting $name"
  # setsid: own session, so Ctrl-C / SIGHUP / process-group kills aimed at the caller (a terminal,
  # nx, a test runner) do not reach the component; the inner shell writes its own PID, then execs.
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$(pidfile "$name")" "$@" >> "$D/logs/$name.log" 2>&1 < /dev/null &
  local i; for i in $(seq 1 100); do [ -s "$(pidfile "$name")" ] && return 0; sleep 0.05; done
  die "could not start $name (no pid file after 5s)"
}

wait_for() { # wait_for NAME CHECK-CMD...
  local name=$1 deadline=$(( $(date +%s) + START_TIMEOUT )); shift
  until "$@" >/dev/null 2>&1; do
    is_running "$name" || { tail -n 30 "$D/logs/$name.log" >&2; die "$name exited (log: $D/logs/$name.log)"; }
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 30 "$D/logs/$name.log" >&2; die "$name not healthy after ${START_TIMEOUT}s"; }
    sleep 0.5
  done
  log "$name healthy"
}

node_ready() {
  api GET "/api/v1/nodes/$NODE_NAME" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    const c=(JSON.parse(s).status?.conditions||[]).find(x=>x.type==="Ready");process.exit(c&&c.status==="True"?0:1)})'
}

node_managed() { # node Ready and its Lease held (by the kwok we started: up deletes a stale one)
  node_ready && api GET "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/$NODE_NAME" | grep -q '"holderIdentity"'
}

ensure_node() {
  api GET "/api/v1/nodes/$NODE_NAME" >/dev/null 2>&1 && return 0
  log "registering fake node $NODE_NAME"
  api POST /api/v1/nodes -H 'Content-Type: application/json' -o /dev/null -d @- <<EOF
{"apiVersion":"v1","kind":"Node","metadata":{"name":"$NODE_NAME",
 "annotations":{"node.alpha.kubernetes.io/ttl":"0","kwok.x-k8s.io/node":"fake"},
 "labels":{"kubernetes.io/hostname":"$NODE_NAME","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","type":"kwok"}},
 "status":{"allocatable":{"cpu":"32","memory":"256Gi","pods":"110"},"capacity":{"cpu":"32","memory":"256Gi","pods":"110"}}}
EOF
}

cmd_up() {
  local bin share
  bin=$("$HERE/build.sh" --print-bin-dir)
  share=$(dirname "$bin")
  mkdir -p "$D/run" "$D/logs" "$D/etcd"
  load_ports
  make_pki
  write_kubeconfig
  local kc=$D/kubeconfig pki=$D/pki

  start etcd "$bin/etcd" --name portcullis --data-dir "$D/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "portcullis=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --log-level warn
  wait_for etcd curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"

  start kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --endpoint-reconciler-type=none \
    --cert-dir="$D/apiserver-certs" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" \
    --authorization-mode=RBAC \
    --service-account-issuer="https://127.0.0.1:$API_PORT/" \
    --service-account-key-file="$pki/sa.pub" \
    --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --allow-privileged=true \
    --disable-admission-plugins=ServiceAccount
  wait_for kube-apiserver api GET /readyz

  start kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --controllers='*'
  start kube-scheduler "$bin/kube-scheduler" \
    --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --leader-elect=false
  # kwok handles the node's pods only while it holds the node Lease; a lease left by the previous
  # kwok would keep a restarted one idle until it expires (40 s), so drop it first
  if ! is_running kwok; then api DELETE "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/$NODE_NAME" -o /dev/null 2>/dev/null || true; fi
  start kwok "$bin/kwok" --kubeconfig="$kc" --config="$share/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --manage-nodes-with-label-selector= --manage-single-node= \
    --node-lease-duration-seconds=40 --cidr=10.244.0.0/24 --node-ip=10.1.0.1
  wait_for kube-controller-manager curl -fsSk --max-time 2 "https://127.0.0.1:$KCM_PORT/healthz"
  wait_for kube-scheduler curl -fsSk --max-time 2 "https://127.0.0.1:$SCHED_PORT/healthz"
  ensure_node
  wait_for kwok node_managed
  log "control plane up: https://127.0.0.1:$API_PORT"
  echo "$D/kubeconfig"
}

cmd_down() {
  local purge=0 i name p deadline
  [ "${1:-}" = "--purge" ] && purge=1
  for (( i=${#COMPONENTS[@]}-1; i>=0; i-- )); do
    name=${COMPONENTS[$i]}
    if is_running "$name"; then
      p=$(cat "$(pidfile "$name")"); log "stopping $name (pid $p)"
      kill "$p" 2>/dev/null || true
      deadline=$(( $(date +%s) + STOP_TIMEOUT ))
      while kill -0 "$p" 2>/dev/null; do
        if [ "$(date +%s)" -ge "$deadline" ]; then log "$name: SIGKILL"; kill -9 "$p" 2>/dev/null || true; break; fi
        sleep 0.2
      done
    fi
    rm -f "$(pidfile "$name")"
  done
  if [ $purge = 1 ]; then rm -rf "$D"; log "purged $D"; fi
}

cmd_status() {
  local all=0 name addr
  # shellcheck disable=SC1091
  if [ -s "$D/ports" ]; then . "$D/ports"; fi
  for name in "${COMPONENTS[@]}"; do
    case $name in
      etcd) addr=http://127.0.0.1:${ETCD_PORT:-?} ;;
      kube-apiserver) addr=https://127.0.0.1:${API_PORT:-?} ;;
      kube-controller-manager) addr=https://127.0.0.1:${KCM_PORT:-?} ;;
      kube-scheduler) addr=https://127.0.0.1:${SCHED_PORT:-?} ;;
      kwok) addr=node/$NODE_NAME ;;
    esac
    if is_running "$name"; then echo "$name running $addr pid $(cat "$(pidfile "$name")")"
    else echo "$name stopped"; all=3; fi
  done
  return $all
}

case ${1:-} in
  up) cmd_up ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  kubeconfig)
    if is_running kube-apiserver && [ -s "$D/kubeconfig" ]; then echo "$D/kubeconfig"; else die "control plane is not up"; fi ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
