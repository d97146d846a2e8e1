#!/usr/bin/env bash
# Benchmark of the fleet command line (issue 22) on the local control plane, release binaries:
# `pgctl list` over 500 clusters against `kubectl get postgresql`, `pgctl status -l` over 100
# at concurrency 8 and 32, and `pgctl test -l` / `status -l` over PGCTL_BENCH_CLUSTERS
# (default 10) real single-instance clusters. Starts the test cluster when none runs (and
# stops it afterwards). Prints the BENCH lines; the numbers go into docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pgctl/target}"
cargo build --release --locked -q -p pgctl -p pgctl-controller
export PGCTL_BIN="$CARGO_TARGET_DIR/release/pgctl"
export PGCTL_CONTROLLER_BIN="$CARGO_TARGET_DIR/release/pgctl-controller"
PGCTL_E2E_TEST=fleet_bench tests/cluster/e2e --ignored --nocapture 2>&1 \
  | grep -E '^BENCH|test result|panicked|Error'
