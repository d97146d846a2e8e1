#!/usr/bin/env bash
# Benchmark of clone, standby and promotion (issue 18) on the local data plane: a 1 GiB source
# (pgbench -i -s 70), a bare pg_basebackup with the clone method's flags side by side with
# `pgctl clone` (copy phase and time to Running), a standby's replay lag under a steady
# pgbench load, and the promotion time. Starts the test cluster when none runs (and stops it
# afterwards). Prints the BENCH lines; the numbers go into docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pgctl/target}"
PGCTL_E2E_TEST=replication_bench tests/cluster/e2e --ignored --nocapture 2>&1 \
  | grep -E '^BENCH|test result|panicked|Error'
