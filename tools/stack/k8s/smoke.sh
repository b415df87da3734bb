#!/usr/bin/env bash
# tools/stack/k8s/smoke.sh - smoke check of a running tools/stack/k8s/control-plane.sh:
# creates a namespace and a Deployment with 2 replicas through the API (curl + client cert), waits
# until a ReplicaSet exists and both pods are Running/Ready on the kwok node, then deletes the
# namespace. Exit 0 on success; prints what it saw on stderr.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO_ROOT=$(cd "$(dirname "$SELF")/../../.." && pwd)
D=$(realpath -m "${PORTCULLIS_STACK_DIR:-$REPO_ROOT/.stack}")/k8s
TIMEOUT=${SMOKE_TIMEOUT:-90}
NODE_NAME=${K8S_FAKE_NODE:-kwok-node-0}
NS=smoke-$(date +%s)-$$

log() { printf 'k8s-smoke: %s\n' "$*" >&2; }
die() { printf 'k8s-smoke: FAIL: %s\n' "$*" >&2; exit 1; }

[ -s "$D/ports" ] || die "control plane not set up ($D/ports missing): run tools/stack/k8s/control-plane.sh up"
# shellcheck disable=SC1091
. "$D/ports"
api() {
  local m=$1 p=$2; shift 2
  curl -fsS --max-time 10 --cacert "$D/pki/ca.crt" --cert "$D/pki/admin.crt" --key "$D/pki/admin.key" \
    -X "$m" "https://127.0.0.1:$API_PORT$p" -H 'Content-Type: application/json' "$@"
}
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const o=JSON.parse(s);$1})"; }

cleanup() { api DELETE "/api/v1/namespaces/$NS" -o /dev/null 2>/dev/null || true; }
trap cleanup EXIT

log "apiserver $(api GET /version | json 'console.log(o.gitVersion)')"
api POST /api/v1/namespaces -o /dev/null -d "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$NS\"}}"
api POST "/apis/apps/v1/namespaces/$NS/deployments" -o /dev/null -d @- <<'EOF'
{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
  "template":{"metadata":{"labels":{"app":"web"}},
   "spec":{"containers":[{"name":"web","image":"registry.invalid/web:1"}]}}}}
EOF
log "created deployment $NS/web (replicas 2)"

deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  rs=$(api GET "/apis/apps/v1/namespaces/$NS/replicasets" | json 'console.log(o.items.length)')
  pods=$(api GET "/api/v1/namespaces/$NS/pods" | json "
    const ok=o.items.filter(p=>p.spec.nodeName==='$NODE_NAME'&&p.status.phase==='Running'
      &&(p.status.conditions||[]).some(c=>c.type==='Ready'&&c.status==='True'));
    console.log(ok.length+' '+o.items.map(p=>p.metadata.name+':'+(p.spec.nodeName||'-')+':'+p.status.phase+':'+(p.status.podIP||'-')).join(','))")
  ready=$(api GET "/apis/apps/v1/namespaces/$NS/deployments/web" | json 'console.log(o.status.readyReplicas||0)')
  if [ "$rs" -ge 1 ] && [ "${pods%% *}" = 2 ] && [ "$ready" = 2 ]; then
    log "OK: replicasets=$rs deployment.readyReplicas=$ready pods=${pods#* }"
    exit 0
  fi
  [ "$(date +%s)" -lt "$deadline" ] || die "after ${TIMEOUT}s: replicasets=$rs readyReplicas=$ready pods=${pods#* }"
  sleep 1
done
