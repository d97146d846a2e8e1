#!/usr/bin/env bash
# Benchmark of the connection pooler (issue 21) on the local data plane: pgbench through the
# pooler Service against the master Service directly, read-only and writes, at 10 and 200
# clients, with and without a connection per transaction. Starts the test cluster when none
# runs (and stops it afterwards). Prints the BENCH lines; the numbers go into
# docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pgctl/target}"
PGCTL_E2E_TEST=pooler_bench tests/cluster/e2e --ignored --nocapture 2>&1 \
  | grep -E '^BENCH|test result|panicked|Error'
