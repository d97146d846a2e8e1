#!/usr/bin/env bash
# Benchmark: N postgresql resources (default 500) against the local control plane.
# Measures: time until every cluster's StatefulSet exists (and the CPU time the controller and
# each control-plane component used meanwhile), the duration and mutating-request count of a
# full resync of the unchanged clusters, and the controller's resident memory.
#
#   bench/controller-scale.sh [N]
#
# Uses the running test cluster ($PGCTL_CLUSTER_DIR, started by tests/cluster/up) and the
# debug or release controller binary from $CARGO_TARGET_DIR. Prints one line per figure.
# Best on a cluster started with PGCTL_SPILO_PODS=kwok (kwok makes the 500 pods Running and
# Ready); on one with the pod runner, the namespace is labelled so that the runner does not
# start 500 real PostgreSQL servers, and the pods stay Pending.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500}
CLUSTER_DIR=${PGCTL_CLUSTER_DIR:-$HOME/.local/state/pgctl/cluster}
export KUBECONFIG=$CLUSTER_DIR/kubeconfig
KUBECTL=$CLUSTER_DIR/bin/kubectl
TARGET=${CARGO_TARGET_DIR:-$HOME/.cache/pgctl/target}
BIN=$TARGET/${PROFILE:-release}/pgctl-controller
[[ -x $BIN ]] || { echo "build it first: cargo build --release -p pgctl-controller" >&2; exit 2; }
NS=bench-scale CTL=bench-scale-ctl PORT=18099
$KUBECTL delete ns $NS $CTL --ignore-not-found --wait=true >/dev/null
$KUBECTL create ns $NS >/dev/null
$KUBECTL label ns $NS pgctl.test/pods=simulated >/dev/null
$KUBECTL create ns $CTL >/dev/null
$KUBECTL -n $CTL create configmap postgres-operator --from-literal=resync_period=30m --from-literal=workers=${PGCTL_BENCH_WORKERS:-16} >/dev/null
$KUBECTL apply --server-side --force-conflicts -f manifests/crd/postgresql.yaml >/dev/null

$BIN --kubeconfig "$KUBECONFIG" --namespace $CTL --watched-namespace $NS --metrics-addr 127.0.0.1:$PORT --identity bench >/tmp/pgctl-bench-controller.log 2>&1 &
CONTROLLER=$!
trap 'kill $CONTROLLER 2>/dev/null || true; $KUBECTL delete ns $NS $CTL --wait=false >/dev/null 2>&1 || true' EXIT
metric() { curl -s 127.0.0.1:$PORT/metrics | awk -v f="$1" '$1 ~ "^"f && $1 !~ /Lease/ {s += $2} END {print s+0}'; }
until curl -sf 127.0.0.1:$PORT/readyz >/dev/null; do sleep 0.5; done

manifest=$(mktemp)
for i in $(seq 1 "$N"); do
  printf -- '---\napiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata: {name: bench-%04d}\nspec: {teamId: bench, numberOfInstances: 1, volume: {size: 1Gi}, postgresql: {version: "17"}, users: {app: []}, databases: {app: app}}\n' "$i"
done > "$manifest"
# CPU seconds (user + system) used so far by the controller and by each control-plane
# component (their pid files are in $CLUSTER_DIR/run).
cpu_seconds() {
  local pid=$1
  [[ -r /proc/$pid/stat ]] || { echo 0; return; }
  awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); print ($12 + $13) / hz}' "/proc/$pid/stat"
}
cpu_snapshot() {
  echo "pgctl-controller $(cpu_seconds $CONTROLLER)"
  for pidfile in "$CLUSTER_DIR"/run/*.pid; do
    echo "$(basename "$pidfile" .pid) $(cpu_seconds "$(cat "$pidfile")")"
  done
}
cpu_before=$(cpu_snapshot)
start=$(date +%s.%N)
$KUBECTL -n $NS create -f "$manifest" >/dev/null
created=$(date +%s.%N)
# Count the StatefulSets cheaply, so that the measuring does not load the API server it
# measures: a list of one item and its remainingItemCount, by curl (no kubectl process, no
# list of N objects, every half second).
server=$(awk '/server:/ {print $2; exit}' "$KUBECONFIG")
pki=$CLUSTER_DIR/pki
statefulsets() {
  local page remaining
  page=$(curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "$server/apis/apps/v1/namespaces/$NS/statefulsets?limit=1") || { echo 0; return; }
  grep -q '"name"' <<<"$page" || { echo 0; return; }
  remaining=$(grep -oE '"remainingItemCount": *[0-9]+' <<<"$page" | grep -oE '[0-9]+$')
  echo $((1 + ${remaining:-0}))
}
until [[ $(statefulsets) -ge $N ]]; do sleep 0.5; done
ready=$(date +%s.%N)
echo "created $N postgresql resources in $(echo "$created - $start" | bc) s"
echo "all $N StatefulSets exist $(echo "$ready - $start" | bc) s after the first create"
echo "CPU seconds used meanwhile: $(join <(sort <<<"$cpu_before") <(cpu_snapshot | sort) |
  awk '{printf "%s%s %.1f", sep, $1, $3 - $2; sep = ", "}')"
echo "reconciles meanwhile: $(metric pgctl_reconciles_total)"

# Let the clusters settle: the pods are still being scheduled and started, and each change
# is a status write. Settled = no write by the controller for 10 s (at most 3 minutes).
settle_start=$(date +%s)
last=-1 quiet=0
while ((quiet < 10 && $(date +%s) - settle_start < 180)); do
  now=$(metric pgctl_mutating_requests_total)
  if [[ $now == "$last" ]]; then quiet=$((quiet + 1)); else quiet=0 last=$now; fi
  sleep 1
done
echo "settled $(($(date +%s) - settle_start)) s later (no controller write for $quiet s)"
mutations_by_kind() { curl -s 127.0.0.1:$PORT/metrics | grep '^pgctl_mutating_requests_total' | sort; }
before_by_kind=$(mutations_by_kind)
# Then resync everything once.
before_reconciles=$(metric pgctl_reconciles_total)
before_mutations=$(metric pgctl_mutating_requests_total)
resync_start=$(date +%s.%N)
$KUBECTL -n $CTL patch configmap postgres-operator --type merge -p '{"data":{"resync_period":"31m"}}' >/dev/null
target=$(echo "$before_reconciles + $N" | bc)
until [[ $(echo "$(metric pgctl_reconciles_total) >= $target" | bc) == 1 ]]; do sleep 0.2; done
resync_end=$(date +%s.%N)
after_mutations=$(metric pgctl_mutating_requests_total)
echo "full resync of $N unchanged clusters: $(echo "$resync_end - $resync_start" | bc) s, $(echo "$after_mutations - $before_mutations" | bc) mutating requests"
diff <(echo "$before_by_kind") <(mutations_by_kind) | sed -n 's/^> /  written during the resync: /p'
echo "controller resident memory: $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$CONTROLLER/status), peak $(awk '/VmHWM/ {print $2/1024 " MiB"}' /proc/$CONTROLLER/status)"
echo "  of which heap and stacks (RssAnon) $(awk '/RssAnon/ {print $2/1024 " MiB"}' /proc/$CONTROLLER/status), binary and libraries (RssFile) $(awk '/RssFile/ {print $2/1024 " MiB"}' /proc/$CONTROLLER/status)"
