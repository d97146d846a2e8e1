#!/usr/bin/env bash
# Benchmark of role and database provisioning (issue 5): 100 users and 100 databases on an
# empty PostgreSQL server started for the run, then re-syncs of that state (which must send no
# DDL). Prints the BENCH lines; the numbers go into docs/performance.md.
#
#   bench/roles.sh               # fsync on, as a real server
#   PGCTL_BENCH_FSYNC=off bench/roles.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pgctl/target}"
tests/postgres/ensure
cargo test --release -q -p pgctl-controller --test sql_bench -- --ignored --nocapture 2>&1 \
  | grep -E '^BENCH|test result|panicked|assert'
