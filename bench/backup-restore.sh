#!/usr/bin/env bash
# Benchmark of base backups, restores and point-in-time recovery (issue 19), on plain local
# processes (no Kubernetes), side by side in one run:
#
#   - a PostgreSQL 17 server started for the run (initdb into a scratch directory, its own
#     port, archive_mode on, archive_command = barman-cloud-wal-archive --gzip) holding ~1 GiB
#     (pgbench -i -s 68);
#   - baseline: pg_basebackup -X stream --checkpoint=fast to local disk (before and after ours);
#   - ours: barman-cloud-backup of the same server to S3, a versitygw started for the run (the
#     options the pods of the local data plane use: tests/e2e/src/podrunner/backup.rs);
#   - restore: barman-cloud-restore of that backup, against `cp -a` of the pg_basebackup copy;
#   - recovery time objective: after the base backup, PGCTL_BENCH_SEGMENTS archived WAL
#     segments (one small pgbench transaction and pg_switch_wal() each), a target time after
#     the last one, then barman-cloud-restore --target-time and PostgreSQL with
#     restore_command = barman-cloud-wal-restore, recovery_target_time and
#     recovery_target_action = promote, until pg_is_in_recovery() is false.
#
# Prints a markdown table (and writes it to PGCTL_BENCH_RESULT); the numbers go into
# docs/performance.md. Settings (environment):
#
#   PGCTL_BENCH_SCALE (68)            pgbench scale: 68 is ~1 GiB
#   PGCTL_BENCH_SEGMENTS (1000)       WAL segments archived after the base backup
#   PGCTL_BENCH_PG_PORT (25999)       the source server; the restored one takes the port below
#   PGCTL_BENCH_RESTORE_PORT (25998)
#   PGCTL_BENCH_S3_PORT (27990)       the benchmark's own versitygw, on 127.0.0.1
#   PGCTL_BENCH_TMPDIR (/tmp)         where the scratch directory goes (needs ~8 GB free)
#   PGCTL_BENCH_RESULT (/tmp/pgctl-bench-backup-restore-DATE.md)   the table, also written here
#   PGCTL_BENCH_WAL_RESTORE_PARALLEL (0)   barman-cloud-wal-restore --parallel (0: off, as the
#                                     pods run it)
#   PGCTL_BENCH_BACKUP_OPTIONS ()     more options of barman-cloud-backup (e.g. "-J 4
#                                     --min-chunk-size 64MiB"), to compare with the pods' none
#   PGCTL_BENCH_KEEP (unset)          1: keep the scratch directory (servers stopped)
#
# Runs as root (the servers and the tools then run as the `postgres` user, as in the pods) or
# as an ordinary user.
set -euo pipefail
cd "$(dirname "$0")/.."

scale="${PGCTL_BENCH_SCALE:-68}"
segments="${PGCTL_BENCH_SEGMENTS:-1000}"
pg_port="${PGCTL_BENCH_PG_PORT:-25999}"
restore_port="${PGCTL_BENCH_RESTORE_PORT:-25998}"
s3_port="${PGCTL_BENCH_S3_PORT:-27990}"
bench_tmp="${PGCTL_BENCH_TMPDIR:-/tmp}"
result="${PGCTL_BENCH_RESULT:-/tmp/pgctl-bench-backup-restore-$(date +%F).md}"
wal_restore_parallel="${PGCTL_BENCH_WAL_RESTORE_PARALLEL:-0}"
bucket=pgctl-bench
region=us-east-1
s3_url="s3://$bucket/spilo/bench/wal" # Barman's destination; its server name is the major
server=17

msg() { echo "bench/backup-restore.sh: $*" >&2; }
abort() { msg "$*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# --- what it needs, found or installed by the project's scripts
pg_bin=""
find_pg17() {
    local dir
    for dir in /usr/lib/postgresql/17/bin "${PGCTL_POSTGRES_DIR:-/opt/pgctl}"/postgresql-17.*/bin; do
        [[ -x "$dir/postgres" && -x "$dir/pg_basebackup" && -x "$dir/pgbench" ]] && pg_bin="$dir"
    done
    [[ -n "$pg_bin" ]]
}
find_pg17 || { tests/postgres/majors > /dev/null && find_pg17; } || abort "no PostgreSQL 17 found or installed"
tools="$(tests/backup/ensure)"
# shellcheck source=../tests/cluster/lib.sh
source tests/cluster/lib.sh
versitygw="$(component_binary versitygw)"
[[ -x "$versitygw" ]] || tests/cluster/build >&2
[[ -x "$versitygw" ]] || abort "no $versitygw (tests/cluster/build did not make it)"
command -v curl > /dev/null || abort "curl is needed"

# The servers refuse to run as root: then they, and the tools, run as `postgres`.
as_pg=()
if [[ "$(id -u)" -eq 0 ]]; then
    getent passwd postgres > /dev/null || abort "running as root needs a postgres user (tests/postgres/ensure makes it)"
    as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups)
fi
pg() { "${as_pg[@]}" env HOME="$work/home" "$@"; }

free_kb="$(df --output=avail -k "$bench_tmp" | tail -1)"
((free_kb > 8 * 1024 * 1024)) || abort "less than 8 GB free under $bench_tmp"
for port in "$pg_port" "$restore_port" "$s3_port"; do
    ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null || abort "port $port is in use"
done

# --- scratch directory, and everything stopped and removed on exit
work="$(mktemp -d "$bench_tmp/pgctl-bench-backup.XXXXXX")"
chmod 0755 "$work"
mkdir -p "$work/home" "$work/sock" "$work/s3/data/$bucket"
[[ ${#as_pg[@]} -eq 0 ]] || chown postgres: "$work" "$work/home" "$work/sock"
s3_pid=""
du_pid=""
cleanup() {
    local dir
    for dir in "$work/src" "$work/pitr"; do
        [[ -f "$dir/postmaster.pid" ]] && pg "$pg_bin/pg_ctl" -D "$dir" -m immediate stop > /dev/null 2>&1 || true
    done
    [[ -n "$s3_pid" ]] && kill "$s3_pid" 2> /dev/null && wait "$s3_pid" 2> /dev/null || true
    [[ -n "$du_pid" ]] && kill "$du_pid" 2> /dev/null && wait "$du_pid" 2> /dev/null || true
    if [[ "${PGCTL_BENCH_KEEP:-}" == 1 ]]; then
        msg "kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'msg "failed: line $LINENO: $BASH_COMMAND"' ERR

# Peak use of the scratch directory, sampled every 5 s.
(while :; do du -sxb "$work" 2> /dev/null | cut -f1; sleep 5; done) > "$work/du.log" &
du_pid=$!

# --- the object store: versitygw on a directory, credentials made for the run (environment only)
random_chars() { # SET COUNT
    local chars=""
    while ((${#chars} < $2)); do chars+="$(head -c 512 /dev/urandom | LC_ALL=C tr -dc "$1")"; done
    echo "${chars:0:$2}"
}
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
AWS_ACCESS_KEY_ID="$(random_chars A-Z0-9 20)"
AWS_SECRET_ACCESS_KEY="$(random_chars A-Za-z0-9 40)"
export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
ROOT_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" ROOT_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
    "$versitygw" --port "127.0.0.1:$s3_port" --region "$region" --quiet posix "$work/s3/data" \
    > "$work/versitygw.log" 2>&1 &
s3_pid=$!
for _ in $(seq 100); do
    curl --silent --max-time 2 --output /dev/null "http://127.0.0.1:$s3_port/" && break
    kill -0 "$s3_pid" 2> /dev/null || { cat "$work/versitygw.log" >&2; abort "versitygw exited"; }
    sleep 0.2
done
curl --silent --max-time 2 --output /dev/null "http://127.0.0.1:$s3_port/" || abort "versitygw does not answer"

# The options the pod runner gives every barman-cloud-* command (podrunner/backup.rs).
cloud=(--cloud-provider aws-s3 --endpoint-url "http://127.0.0.1:$s3_port" --addressing-style path)
cat > "$work/wal-archive.sh" << EOF
#!/bin/sh
# archive_command: barman-cloud-wal-archive, as the pods run it, plus --gzip (benchmark only).
exec '$tools/barman-cloud-wal-archive' ${cloud[*]} --gzip '$s3_url' '$server' "\$1"
EOF
parallel=()
((wal_restore_parallel > 0)) && parallel=(--parallel "$wal_restore_parallel" --spool-dir "$work/spool")
cat > "$work/wal-restore.sh" << EOF
#!/bin/sh
# restore_command: barman-cloud-wal-restore, as the pods run it; each call logged.
'$tools/barman-cloud-wal-restore' ${cloud[*]} ${parallel[*]} '$s3_url' '$server' "\$1" "\$2"
rc=\$?
echo "\$1 \$rc" >> '$work/wal-restore.log'
exit \$rc
EOF
chmod 0755 "$work/wal-archive.sh" "$work/wal-restore.sh"

# --- the source server
src="$work/src"
sql() { # PORT SQL: one value
    pg env PGTZ=UTC "$pg_bin/psql" -X -q -A -t -h "$work/sock" -p "$1" -U postgres -d postgres -c "$2"
}
msg "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') from $pg_bin; scratch $work ($(stat -f -c %T "$work")); load $(cut -d' ' -f1-3 /proc/loadavg)"
pg "$pg_bin/initdb" -D "$src" -U postgres --auth=trust -E UTF8 --locale=C --no-instructions > "$work/initdb.log"
cat >> "$src/postgresql.conf" << EOF
port = $pg_port
listen_addresses = ''
unix_socket_directories = '$work/sock'
archive_mode = on
archive_command = '$work/wal-archive.sh %p'
EOF
pg "$pg_bin/pg_ctl" -D "$src" -l "$work/src.log" -w start > /dev/null

# Waits until at most MAX (0) segments wait for archiving; dies when archiving makes no
# progress for 5 minutes.
wait_archived() { # [MAX]
    local last="" count stuck=0
    while (($(compgen -G "$src/pg_wal/archive_status/*.ready" | wc -l) > ${1:-0})); do
        count="$(sql "$pg_port" "select archived_count from pg_stat_archiver")"
        if [[ "$count" == "$last" ]]; then
            ((++stuck < 600)) || { tail -20 "$work/src.log" >&2; abort "WAL archiving makes no progress"; }
        else
            stuck=0
            last="$count"
        fi
        sleep 0.5
    done
}

msg "loading: pgbench -i -s $scale"
start="$(now)"
pg "$pg_bin/pgbench" -i -q -s "$scale" -h "$work/sock" -p "$pg_port" -U postgres postgres > "$work/pgbench-init.log" 2>&1
wait_archived
msg "loaded in $(since "$start") s (WAL archived)"
db_bytes="$(sql "$pg_port" "select sum(pg_database_size(oid)) from pg_database")"
db_mib="$(awk -v b="$db_bytes" 'BEGIN { printf "%.0f", b / 1048576 }')"
msg "database size (all databases): $db_mib MiB"
rate() { awk -v m="$db_mib" -v s="$1" 'BEGIN { printf "%.0f", m / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); }

# --- base backups: pg_basebackup (before and after ours) and barman-cloud-backup
basebackup() { # DIR: seconds
    local start
    sync
    start="$(now)"
    pg "$pg_bin/pg_basebackup" -h "$work/sock" -p "$pg_port" -U postgres -D "$1" -X stream --checkpoint=fast
    since "$start"
}
msg "pg_basebackup (1)"
base1="$(basebackup "$work/basebackup")"
wait_archived
msg "barman-cloud-backup"
sync
start="$(now)"
# shellcheck disable=SC2086 # the extra options are words
pg "$tools/barman-cloud-backup" "${cloud[@]}" --host "$work/sock" --port "$pg_port" --user postgres \
    --immediate-checkpoint ${PGCTL_BENCH_BACKUP_OPTIONS:-} "$s3_url" "$server"
barman_backup="$(since "$start")"
wait_archived
msg "pg_basebackup (2)"
base2="$(basebackup "$work/basebackup2")"
rm -rf "$work/basebackup2"
wait_archived
base_mean="$(awk -v a="$base1" -v b="$base2" 'BEGIN { printf "%.2f", (a + b) / 2 }')"
row '`pg_basebackup -X stream --checkpoint=fast` to local disk (baseline; before / after ours)' \
    "$base1 / $base2" "$(rate "$base1") / $(rate "$base2")" "1.00"
row '`barman-cloud-backup` to S3 (versitygw, same machine)' "$barman_backup" "$(rate "$barman_backup")" \
    "$(ratio "$barman_backup" "$base_mean") (target ≤ 1.5)"

# --- restores: cp -a of the pg_basebackup copy, barman-cloud-restore
sync
start="$(now)"
pg cp -a "$work/basebackup" "$work/copy"
copy="$(since "$start")"
rm -rf "$work/copy"
sync
msg "barman-cloud-restore"
start="$(now)"
pg "$tools/barman-cloud-restore" "${cloud[@]}" "$s3_url" "$server" auto "$work/restore"
barman_restore="$(since "$start")"
[[ -f "$work/restore/PG_VERSION" && -f "$work/restore/backup_label" ]] || abort "barman-cloud-restore made no data directory"
rm -rf "$work/restore"
row '`cp -a` of the pg_basebackup copy (restore baseline)' "$copy" "$(rate "$copy")" "1.00"
row '`barman-cloud-restore` from S3' "$barman_restore" "$(rate "$barman_restore")" \
    "$(ratio "$barman_restore" "$copy") (to pg_basebackup: $(ratio "$barman_restore" "$base_mean"))"
rm -rf "$work/basebackup"

# --- WAL after the base backup: one small transaction and a segment switch each, archived
cat > "$work/segment.sql" << 'EOF'
\set aid random(1, 100000 * :scale)
\set bid random(1, 1 * :scale)
\set tid random(1, 10 * :scale)
\set delta random(-5000, 5000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
END;
SELECT pg_switch_wal();
EOF
chmod 0644 "$work/segment.sql"
msg "archiving $segments WAL segments"
archived_before="$(sql "$pg_port" "select archived_count from pg_stat_archiver")"
start="$(now)"
made=0
while ((made < segments)); do
    batch=$((segments - made < 25 ? segments - made : 25))
    pg "$pg_bin/pgbench" -n -s "$scale" -c 1 -t "$batch" -f "$work/segment.sql" \
        -h "$work/sock" -p "$pg_port" -U postgres postgres > /dev/null 2>&1
    made=$((made + batch))
    # At most ~50 segments wait for the archiver (16 MiB each on disk).
    wait_archived 25
done
wait_archived
archiving="$(since "$start")"
archived="$(($(sql "$pg_port" "select archived_count from pg_stat_archiver") - archived_before))"
((archived >= segments)) || abort "only $archived segments archived"
rows_at_target="$(sql "$pg_port" "select count(*) from pgbench_history")"
target="$(sql "$pg_port" "select clock_timestamp()")"
sleep 1
# Recovery to a time stops at the first commit after it: the archive needs one.
pg "$pg_bin/pgbench" -n -s "$scale" -c 1 -t 1 -f "$work/segment.sql" \
    -h "$work/sock" -p "$pg_port" -U postgres postgres > /dev/null 2>&1
wait_archived
wal_s3_mib="$(du -sm "$work/s3/data/$bucket/spilo/bench/wal/$server/wals" 2> /dev/null | cut -f1 || true)"
pg "$pg_bin/pg_ctl" -D "$src" -m fast -w stop > /dev/null
msg "archived $archived segments in $archiving s; target time $target; source stopped"
row "WAL archiving: $archived segments of 16 MiB (\`barman-cloud-wal-archive --gzip\`, $wal_s3_mib MiB in S3)" \
    "$archiving" "—" "$(awk -v s="$archiving" -v n="$archived" 'BEGIN { printf "%.2f s/segment", s / n }')"

# --- point-in-time restore: the recovery time objective
sync
msg "point-in-time restore to $target"
pitr="$work/pitr"
start="$(now)"
pg "$tools/barman-cloud-restore" "${cloud[@]}" --target-time "$target" "$s3_url" "$server" auto "$pitr"
fetched="$(since "$start")"
chmod 0700 "$pitr"
cat >> "$pitr/postgresql.auto.conf" << EOF
port = $restore_port
unix_socket_directories = '$work/sock'
archive_mode = off
restore_command = '$work/wal-restore.sh %f %p'
recovery_target_time = '$target'
recovery_target_action = promote
EOF
pg touch "$pitr/recovery.signal"
# pg_ctl -w returns once the server accepts connections (read-only, still recovering).
pg "$pg_bin/pg_ctl" -D "$pitr" -l "$work/pitr.log" -w -t 7200 start > /dev/null ||
    { tail -20 "$work/pitr.log" >&2; abort "the restored server did not start"; }
connected="$(since "$start")"
while [[ "$(sql "$restore_port" "select pg_is_in_recovery()" 2> /dev/null || true)" != f ]]; do
    if ! pg "$pg_bin/pg_ctl" -D "$pitr" status > /dev/null 2>&1; then
        tail -20 "$work/pitr.log" >&2
        abort "the restored server stopped"
    fi
    sleep 0.2
done
rto="$(since "$start")"
replayed="$(grep -cE '^[0-9A-F]{24} 0$' "$work/wal-restore.log" || true)"
rows_restored="$(sql "$restore_port" "select count(*) from pgbench_history")"
stop_line="$(grep -m1 'recovery stopping' "$work/pitr.log" | sed 's/.*LOG: *//' || true)"
msg "restored: $replayed segments fetched, $rows_restored history rows (at the target: $rows_at_target); $stop_line"
[[ "$rows_restored" == "$rows_at_target" ]] || msg "WARNING: the restored data is not the data at the target time"
recovery="$(awk -v a="$rto" -v b="$fetched" 'BEGIN { printf "%.2f", a - b }')"
row 'PITR: `barman-cloud-restore --target-time` of the base backup' "$fetched" "$(rate "$fetched")" "—"
row "PITR: PostgreSQL with \`barman-cloud-wal-restore\` replaying $replayed segments until promoted (read-only connections accepted $connected s after the start)" \
    "$recovery" "—" "$(awk -v s="$recovery" -v n="$replayed" 'BEGIN { if (n > 0) printf "%.2f s/segment", s / n; else print "—" }')"
row "**PITR total (recovery time objective): $db_mib MiB base backup + $replayed segments**" "**$rto**" "—" "—"
pg "$pg_bin/pg_ctl" -D "$pitr" -m fast -w stop > /dev/null

peak_mib="$(sort -n "$work/du.log" | tail -1 | awk '{ printf "%.0f", $1 / 1048576 }')"
{
    echo "Backups and restores, $(date -u '+%F %H:%M') UTC, $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') ($pg_bin), pgbench -i -s $scale: $db_mib MiB (sum of pg_database_size)."
    echo "barman $("$tools/barman-cloud-backup" --version 2>&1 | awk '{print $NF}'), versitygw $VERSITYGW_VERSION (posix backend) on 127.0.0.1; scratch $bench_tmp ($(stat -f -c %T "$work")), peak use $peak_mib MiB."
    echo "MiB/s is the database size over the time. WAL is archived with --gzip in this benchmark only (the pods archive uncompressed)."
    echo
    echo "| what | seconds | MiB/s | ratio |"
    echo "| --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Recovery: $stop_line; $rows_restored of $rows_at_target expected pgbench_history rows."
} | tee "$result"
msg "written to $result"
