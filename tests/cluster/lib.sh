# Shared settings and helpers of the tests/cluster scripts. Sourced, not run.
# shellcheck shell=bash

CLUSTER_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

PGCTL_CACHE_DIR="${PGCTL_CACHE_DIR:-$HOME/.cache/pgctl}"
PGCTL_CLUSTER_DIR="${PGCTL_CLUSTER_DIR:-$HOME/.local/state/pgctl/cluster}"

# The Go toolchain: PATH first, then where Debian images and the Go tarball put it.
go_binary() {
    local candidate
    for candidate in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go /usr/lib/go/bin/go; do
        if [[ -n "$candidate" && -x "$candidate" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    echo "tests/cluster: no Go toolchain found (PATH, /usr/local/go/bin, /usr/lib/go/bin)" >&2
    return 1
}

# The pinned version of a Go module required by one of our build modules,
# read from its go.mod so that there is a single place to change it.
pinned_version() { # MODULE_DIR MODULE_PATH
    local version
    version="$(awk -v module="$2" '$1 == module { print $2; exit } $1 == "require" && $2 == module { print $3; exit }' "$CLUSTER_SRC/go/$1/go.mod")"
    [[ -n "$version" ]] || { echo "tests/cluster: $2 is not pinned in go/$1/go.mod" >&2; return 1; }
    echo "$version"
}

KUBERNETES_VERSION="$(pinned_version kubernetes k8s.io/kubernetes)"
ETCD_VERSION="$(pinned_version etcd go.etcd.io/etcd/server/v3)"
KWOK_VERSION="$(pinned_version kwok sigs.k8s.io/kwok)"
COREDNS_VERSION="$(pinned_version coredns github.com/coredns/coredns)"
VERSITYGW_VERSION="$(pinned_version versitygw github.com/versity/versitygw)"

KUBERNETES_BIN_DIR="$PGCTL_CACHE_DIR/kubernetes-$KUBERNETES_VERSION/bin"
ETCD_BIN_DIR="$PGCTL_CACHE_DIR/etcd-$ETCD_VERSION/bin"
KWOK_BIN_DIR="$PGCTL_CACHE_DIR/kwok-$KWOK_VERSION/bin"
PROVISIONER_BIN_DIR="$PGCTL_CACHE_DIR/hostpath-provisioner-$KUBERNETES_VERSION/bin"
KUBELET_BIN_DIR="$PGCTL_CACHE_DIR/pgctl-kubelet-$KUBERNETES_VERSION/bin"
KUBE_PROXY_BIN_DIR="$PGCTL_CACHE_DIR/kube-proxy-$KUBERNETES_VERSION/bin"
COREDNS_BIN_DIR="$PGCTL_CACHE_DIR/coredns-$COREDNS_VERSION/bin"
VERSITYGW_BIN_DIR="$PGCTL_CACHE_DIR/versitygw-$VERSITYGW_VERSION/bin"

# Where a component's binary is: a ready one in KUBEBUILDER_ASSETS (the
# envtest convention) wins over the one tests/cluster/build makes.
component_binary() { # NAME
    local name="$1"
    if [[ -n "${KUBEBUILDER_ASSETS:-}" && -x "$KUBEBUILDER_ASSETS/$name" ]]; then
        echo "$KUBEBUILDER_ASSETS/$name"
        return 0
    fi
    case "$name" in
        kube-apiserver | kube-controller-manager | kube-scheduler | kubectl) echo "$KUBERNETES_BIN_DIR/$name" ;;
        etcd) echo "$ETCD_BIN_DIR/$name" ;;
        kwok) echo "$KWOK_BIN_DIR/$name" ;;
        pgctl-hostpath-provisioner) echo "$PROVISIONER_BIN_DIR/$name" ;;
        pgctl-kubelet) echo "$KUBELET_BIN_DIR/$name" ;;
        kube-proxy) echo "$KUBE_PROXY_BIN_DIR/$name" ;;
        pgctl-coredns) echo "$COREDNS_BIN_DIR/$name" ;;
        versitygw) echo "$VERSITYGW_BIN_DIR/$name" ;;
        pgctl-pod-runner) echo "${CARGO_TARGET_DIR:-$PGCTL_CACHE_DIR/target}/debug/$name" ;;
        *) echo "tests/cluster: unknown component $name" >&2; return 1 ;;
    esac
}

# Settings of the cluster. The first `up` records them in the state directory;
# later runs use the recorded ones, so that `status`, `down` and a second `up`
# talk about the same cluster whatever the environment says.
load_settings() {
    if [[ -f "$PGCTL_CLUSTER_DIR/settings.env" ]]; then
        # shellcheck disable=SC1091
        source "$PGCTL_CLUSTER_DIR/settings.env"
        # Settings newer than the recording cluster's: their defaults.
        KUBE_PROXY_PORT="${KUBE_PROXY_PORT:-20256}"
        KUBE_PROXY_METRICS_PORT="${KUBE_PROXY_METRICS_PORT:-20249}"
        COREDNS_PORT="${COREDNS_PORT:-20253}"
        KUBELET_PORT="${KUBELET_PORT:-10250}"
        KUBELET_HEALTHZ_PORT="${KUBELET_HEALTHZ_PORT:-20248}"
        S3_PORT="${S3_PORT:-27070}"
        return 0
    fi
    ETCD_PORT="${PGCTL_ETCD_PORT:-22379}"
    ETCD_PEER_PORT="${PGCTL_ETCD_PEER_PORT:-22380}"
    APISERVER_PORT="${PGCTL_APISERVER_PORT:-26443}"
    CONTROLLER_MANAGER_PORT="${PGCTL_CONTROLLER_MANAGER_PORT:-20257}"
    SCHEDULER_PORT="${PGCTL_SCHEDULER_PORT:-20259}"
    KWOK_PORT="${PGCTL_KWOK_PORT:-20247}"
    KUBE_PROXY_PORT="${PGCTL_KUBE_PROXY_PORT:-20256}"
    KUBE_PROXY_METRICS_PORT="${PGCTL_KUBE_PROXY_METRICS_PORT:-20249}"
    COREDNS_PORT="${PGCTL_COREDNS_PORT:-20253}"
    # pgctl-kubelet: the kubelet API on the nodes' addresses, its /healthz on 127.0.0.1.
    KUBELET_PORT="${PGCTL_KUBELET_PORT:-10250}"
    KUBELET_HEALTHZ_PORT="${PGCTL_KUBELET_HEALTHZ_PORT:-20248}"
    # The S3 object store (versitygw): on 127.0.0.1 and on the pod bridge's gateway address.
    S3_PORT="${PGCTL_S3_PORT:-27070}"
    NODE_COUNT="${PGCTL_CLUSTER_NODES:-3}"
    SPILO_PODS="${PGCTL_SPILO_PODS:-runner}"
    # The first two octets of the pod network (a /16): nodes get NET.N.0/24, the runner's
    # bridge NET.0.1. A second cluster on the same machine needs another one.
    POD_NETWORK="${PGCTL_POD_NETWORK:-10.244}"
}

save_settings() {
    cat > "$PGCTL_CLUSTER_DIR/settings.env" <<EOF
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
APISERVER_PORT=$APISERVER_PORT
CONTROLLER_MANAGER_PORT=$CONTROLLER_MANAGER_PORT
SCHEDULER_PORT=$SCHEDULER_PORT
KWOK_PORT=$KWOK_PORT
KUBE_PROXY_PORT=$KUBE_PROXY_PORT
KUBE_PROXY_METRICS_PORT=$KUBE_PROXY_METRICS_PORT
COREDNS_PORT=$COREDNS_PORT
KUBELET_PORT=$KUBELET_PORT
KUBELET_HEALTHZ_PORT=$KUBELET_HEALTHZ_PORT
S3_PORT=$S3_PORT
NODE_COUNT=$NODE_COUNT
SPILO_PODS=$SPILO_PODS
POD_NETWORK=$POD_NETWORK
EOF
}

# The processes of the cluster, in start order (down stops them in reverse).
# shellcheck disable=SC2034 # used by the scripts that source this file
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok pgctl-hostpath-provisioner)

# COMPONENTS plus the pod runner, its kubelet API, kube-proxy, CoreDNS and the S3 object store
# (versitygw) when the settings (load_settings) say the pods run (they program the host's
# network; CoreDNS and versitygw listen on the pod bridge, so down stops them before the runner).
running_components() {
    local c
    for c in "${COMPONENTS[@]}"; do echo "$c"; done
    if [[ "${SPILO_PODS:-}" == runner || "${SPILO_PODS:-}" == external ]]; then
        echo pgctl-pod-runner
        echo pgctl-kubelet
        echo kube-proxy
        echo pgctl-coredns
        echo versitygw
    fi
}

# The pod runner's bridge, also the prefix of its pods' network namespaces: one per
# state directory (interface names have at most 15 characters).
pod_bridge() {
    echo "pgbr$(printf '%s' "$PGCTL_CLUSTER_DIR" | sha256sum | cut -c1-6)"
}

# The InternalIP of fake node N (1, 2, ...): 10.240.0.N.
node_ip() { # N
    echo "10.240.0.$1"
}

# The interface (a bridge without ports) that holds the node addresses on the host (runner
# mode), so that the API server reaches pgctl-kubelet on them; named per state directory
# like the pod bridge.
node_interface() {
    echo "pgnd$(printf '%s' "$PGCTL_CLUSTER_DIR" | sha256sum | cut -c1-6)"
}

pid_file() { echo "$PGCTL_CLUSTER_DIR/run/$1.pid"; }
log_file() { echo "$PGCTL_CLUSTER_DIR/logs/$1.log"; }

# The recorded pid of a component, if that process still runs that component
# (a recycled pid belonging to something else does not count).
running_pid() { # COMPONENT
    local file pid
    file="$(pid_file "$1")"
    [[ -f "$file" ]] || return 1
    pid="$(<"$file")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    process_alive "$pid" || return 1
    local argv0=""
    IFS= read -r -d '' argv0 < "/proc/$pid/cmdline" || true
    [[ "$argv0" == "$1" || "$argv0" == */"$1" ]] || return 1
    echo "$pid"
}

# True while PID is a live process (not gone, not a zombie).
process_alive() { # PID
    local state
    state="$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != Z ]]
}

say() { echo "tests/cluster: $*" >&2; }

# Prints the end of a component's log, for failures.
show_log_tail() { # COMPONENT
    local log
    log="$(log_file "$1")"
    if [[ -s "$log" ]]; then
        echo "----- last lines of $log -----" >&2
        tail -n 40 "$log" >&2
        echo "-----" >&2
    else
        echo "($log is empty or missing)" >&2
    fi
}

# True when something accepts TCP connections on HOST:PORT (HOST 127.0.0.1 by default).
port_in_use() { # PORT [HOST]
    (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

kubectl_admin() {
    "$(component_binary kubectl)" --kubeconfig "$PGCTL_CLUSTER_DIR/kubeconfig" "$@"
}
