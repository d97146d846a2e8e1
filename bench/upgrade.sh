#!/usr/bin/env bash
# Benchmark of an in-place major version upgrade (issue 20) on the local data plane: a
# three-instance PostgreSQL 16 cluster of about 1 GiB (pgbench -i -s 70; PGCTL_BENCH_SCALE
# changes it) upgraded to 17 under a write loop. Starts the test cluster when none runs (and
# stops it afterwards). Prints the BENCH lines; the numbers go into docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pgctl/target}"
PGCTL_E2E_TEST=upgrade_bench tests/cluster/e2e --ignored --nocapture 2>&1 \
  | grep -E '^BENCH|test result|panicked|Error'
