#!/usr/bin/env bash
# Benchmark of role and database provisioning (issue 5): 100 users and 100 databases on an
# empty PostgreSQL server started for the run, then re-syncs of that state (which must send no
# DDL). Prints the BENCH lines; the numbers go into docs/performance.md.
#
#   bench/roles.sh                               # fsync on, as a real server
#   PGCTL_BENCH_FSYNC=off bench/roles.sh
#   PGCTL_BENCH_TMPDIR=/mnt/scratch bench/roles.sh  # the server's files on another filesystem
#
# The server's directory goes under $PGCTL_BENCH_TMPDIR, by default /dev/shm (tmpfs) when it
# exists. Reason (docs/performance.md): on an ext4 filesystem without a journal, as this
# machine's root filesystem is, the kernel skips inodes freed in the last 60-360 s when it
# allocates new ones, so a run that follows the deletion of an earlier run's server spends
# most of its time in the kernel's inode allocator and measures the filesystem, not pgctl.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pgctl/target}"
default_tmp=/tmp
[[ -d /dev/shm && -w /dev/shm ]] && default_tmp=/dev/shm
bench_tmp="${PGCTL_BENCH_TMPDIR:-$default_tmp}"
echo "BENCH server directory under $bench_tmp ($(stat -f -c %T "$bench_tmp"))"
tests/postgres/ensure
TMPDIR="$bench_tmp" cargo test --release -q -p pgctl-controller --test sql_bench -- --ignored --nocapture 2>&1 \
  | grep -E '^BENCH|test result|panicked|assert'
