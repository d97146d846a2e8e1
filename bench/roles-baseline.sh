#!/usr/bin/env bash
# A psql baseline for bench/roles.sh: the same 100 roles (one transaction) and 100 databases
# created by psql alone, without pgctl, on a server configured as the benchmark's, under the same
# directory, with as many CREATE DATABASE statements at once. It tells how much of the
# benchmark's first-sync time is the server's own work on this machine's storage.
#
#   bench/roles-baseline.sh
#   PGCTL_BENCH_TMPDIR=/mnt/scratch PGCTL_BENCH_CONCURRENCY=8 bench/roles-baseline.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tests/postgres/ensure >/dev/null
default_tmp=/tmp
[[ -d /dev/shm && -w /dev/shm ]] && default_tmp=/dev/shm
bench_tmp="${PGCTL_BENCH_TMPDIR:-$default_tmp}"
concurrency="${PGCTL_BENCH_CONCURRENCY:-8}"
fsync="${PGCTL_BENCH_FSYNC:-on}"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

dir=$(mktemp -d "$bench_tmp/pgctl-baseline-XXXXXX")
as_server=()
if [[ $(id -u) == 0 ]]; then
  chown postgres: "$dir"
  as_server=(runuser -u postgres --)
fi
trap '"${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"${as_server[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null
cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = '32MB'
fsync = $fsync
EOF
"${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
psql() { "${as_server[@]}" "$bin/psql" -X -q -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

start=$(date +%s.%N)
{
  echo "BEGIN;"
  for i in $(seq -f %03g 0 99); do
    echo "CREATE ROLE \"user_$i\" LOGIN PASSWORD 'SCRAM-SHA-256\$4096:c2FsdHNhbHRzYWx0c2FsdA==\$bm90LWEtcmVhbC1rZXktYnV0LTMyLWJ5dGVzLWxvbmc=:bm90LWEtcmVhbC1rZXktYnV0LTMyLWJ5dGVzLWxvbmc=';"
    echo "COMMENT ON ROLE \"user_$i\" IS 'baseline';"
  done
  echo "COMMIT;"
} | psql >/dev/null
roles=$(date +%s.%N)
seq -f %03g 0 99 | xargs -P "$concurrency" -I{} \
  "${as_server[@]}" "$bin/psql" -X -q -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c 'CREATE DATABASE "db_{}" OWNER "user_{}"' >/dev/null
done_at=$(date +%s.%N)
count=$(psql -At -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'db\_%'")
[[ $count == 100 ]] || { echo "expected 100 databases, found $count" >&2; exit 1; }
printf 'BENCH psql baseline dir=%s (%s) fsync=%s concurrency=%s roles_ms=%.0f databases_ms=%.0f total_ms=%.0f\n' \
  "$bench_tmp" "$(stat -f -c %T "$bench_tmp")" "$fsync" "$concurrency" \
  "$(echo "($roles - $start) * 1000" | bc)" "$(echo "($done_at - $roles) * 1000" | bc)" \
  "$(echo "($done_at - $start) * 1000" | bc)"
