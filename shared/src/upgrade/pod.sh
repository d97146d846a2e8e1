# pgctl's in-place major upgrade, run in a Spilo pod as the database user (see
# docs/upgrades.md). The controller writes this file into $PGROOT/.pgctl-upgrade and runs it
# through `pods/exec`; `pgctl upgrade --check` runs its `check`.
#
#   sh pgctl-upgrade.sh ACTION FROM TO PGROOT ATTEMPT
#
# ACTION:
#   check    print one "CHECK name pass|fail message" line per preflight check (nothing stops)
#   upgrade  the master's part: preflight again, stop PostgreSQL FROM, initdb TO, pg_upgrade
#            --link, then switch the data directories (the point of no return); before the
#            switch every failure rolls back to FROM. Prints "RESULT switched SYSID",
#            "RESULT rolled-back PHASE MESSAGE" or "RESULT blocked".
#   recover  after an `upgrade` that died: forward if pg_upgrade had finished, else roll back
#   wipe     a replica's part: stop its PostgreSQL FROM and remove its data directory (it is
#            rebuilt from the upgraded master); refuses a directory that is not a replica's
#   finish   after the upgrade: ANALYZE in stages, remove the old directory
#   start A  run action A in the background, once per ATTEMPT; poll A: its state and output
set -u

action=$1
from=$2
to=$3
root=$4
attempt=$5
data=$root/data
new=$root/data_new
old=$root/data_old
work=$root/.pgctl-upgrade
self=$work/pgctl-upgrade.sh
marker=$new/.pgctl-upgraded
superuser=${PGUSER_SUPERUSER:-postgres}

say() { printf '%s\n' "$*"; }

# The binaries of a major, where Spilo keeps them.
bindir() {
    if [ -x "/usr/lib/postgresql/$1/bin/pg_ctl" ]; then
        say "/usr/lib/postgresql/$1/bin"
    else
        return 1
    fi
}

# The extension directory of the binaries in $1 (major $2).
extdir() {
    if [ -x "$1/pg_config" ] && d=$("$1/pg_config" --sharedir 2>/dev/null) && [ -d "$d/extension" ]; then
        say "$d/extension"
    elif [ -d "/usr/share/postgresql/$2/extension" ]; then
        say "/usr/share/postgresql/$2/extension"
    elif [ -d "$1/../share/postgresql/extension" ]; then
        say "$1/../share/postgresql/extension"
    else
        say "$1/../share/extension"
    fi
}

pid_line() { sed -n "${1}p" "$data/postmaster.pid" 2>/dev/null; }
running() { [ -f "$data/postmaster.pid" ] && "$oldbin/pg_ctl" -D "$data" status >/dev/null 2>&1; }
sql() {
    "$oldbin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$(pid_line 5)" -p "$(pid_line 4)" \
        -U "$superuser" -d "${2:-postgres}" -c "$1"
}

oldbin=$(bindir "$from") || oldbin=""
newbin=$(bindir "$to") || newbin=""

# The preflight: one CHECK line each; $failed counts the failures.
failed=0
check_line() {
    [ "$2" = pass ] || failed=$((failed + 1))
    say "CHECK $1 $2 $3"
}

preflight() {
    failed=0
    if [ -z "$oldbin" ]; then
        check_line binaries fail "PostgreSQL $from is not installed in this image"
        return
    fi
    if [ -z "$newbin" ] || [ ! -x "$newbin/pg_upgrade" ] || [ ! -x "$newbin/initdb" ]; then
        check_line binaries fail "PostgreSQL $to (initdb, pg_upgrade) is not installed in this image"
        return
    fi
    check_line binaries pass "PostgreSQL $to in $newbin"
    if ! running; then
        check_line server fail "PostgreSQL is not running in this pod"
        return
    fi
    version=$(sql "select current_setting('server_version_num')::int / 10000") || version=""
    if [ "$version" != "$from" ]; then
        check_line server fail "this pod runs PostgreSQL ${version:-?}, not $from"
        return
    fi
    if [ "$(sql 'select pg_is_in_recovery()')" != f ]; then
        check_line server fail "PostgreSQL here is in recovery: not the master"
        return
    fi
    check_line server pass "PostgreSQL $from, master"

    ext=$(extdir "$newbin" "$to")
    missing=""
    for db in $(sql "select datname from pg_database where datallowconn order by 1"); do
        for e in $(sql "select extname from pg_extension order by 1" "$db"); do
            [ -f "$ext/$e.control" ] || missing="$missing $e($db)"
        done
    done
    if [ -n "$missing" ]; then
        check_line extensions fail "not available for PostgreSQL $to:$missing"
    else
        check_line extensions pass "every installed extension is available for PostgreSQL $to"
    fi

    prepared=$(sql "select count(*) from pg_prepared_xacts")
    if [ "$prepared" != 0 ]; then
        check_line prepared-transactions fail "$prepared prepared transactions; commit or roll them back"
    else
        check_line prepared-transactions pass "none"
    fi

    slots=$(sql "select coalesce(string_agg(slot_name, ',' order by slot_name), '') from pg_replication_slots where slot_type = 'logical'")
    if [ -n "$slots" ] && [ "$from" -lt 17 ]; then
        check_line logical-slots fail "pg_upgrade from $from does not keep logical replication slots ($slots); drop them and recreate them after the upgrade"
    else
        check_line logical-slots pass "${slots:-none}"
    fi

    # --link shares the data files: the new cluster needs room for its catalogs and WAL.
    catalog_kb=0
    for db in $(sql "select datname from pg_database where datallowconn"); do
        kb=$(sql "select (coalesce(sum(pg_total_relation_size(c.oid)), 0) / 1024)::bigint from pg_class c where c.relnamespace = 'pg_catalog'::regnamespace" "$db")
        catalog_kb=$((catalog_kb + kb))
    done
    need_kb=$((2 * catalog_kb + 262144))
    free_kb=$(df -Pk "$root" | awk 'NR == 2 { print $4 }')
    if [ "${free_kb:-0}" -lt "$need_kb" ]; then
        check_line disk-space fail "$((free_kb / 1024)) MiB free in $root, $((need_kb / 1024)) MiB needed"
    else
        check_line disk-space pass "$((free_kb / 1024)) MiB free, $((need_kb / 1024)) MiB needed"
    fi

    # pg_upgrade's own checks, against the running server and a scratch new cluster.
    if initdb_args && scratch=$work/check-$attempt && rm -rf "$scratch" &&
        "$newbin/initdb" -D "$scratch/data" $initdb_options >"$work/check-initdb.log" 2>&1; then
        if out=$(cd "$scratch" && "$newbin/pg_upgrade" --check --link -b "$oldbin" -B "$newbin" \
            -d "$data" -D "$scratch/data" -U "$superuser" -p "$(pid_line 4)" -P 50433 2>&1); then
            check_line pg_upgrade pass "pg_upgrade --check: clusters are compatible"
        else
            reason=$(say "$out" | grep -v '^ *$' | grep -iv 'ok$' | tail -n 3 | tr '\n' ' ')
            check_line pg_upgrade fail "pg_upgrade --check: $reason"
        fi
    else
        check_line pg_upgrade fail "initdb of a scratch PostgreSQL $to cluster failed: $(tail -n 2 "$work/check-initdb.log" 2>/dev/null | tr '\n' ' ')"
    fi
    rm -rf "$work/check-$attempt"
}

# initdb's options that make the new cluster match the old one (encoding, locale, checksums,
# WAL segment size, the bootstrap superuser); from the running server.
initdb_options=""
initdb_args() {
    row=$(sql "select pg_encoding_to_char(encoding) || ' ' || datcollate || ' ' || datctype from pg_database where datname = 'template0'") || return 1
    set -- $row
    initdb_options="-U $superuser --encoding=$1 --lc-collate=$2 --lc-ctype=$3"
    if [ "$(sql "select current_setting('data_checksums')")" = on ]; then
        initdb_options="$initdb_options --data-checksums"
    elif [ "$to" -ge 18 ]; then
        initdb_options="$initdb_options --no-data-checksums"
    fi
    segment=$(sql "select setting::bigint / 1048576 from pg_settings where name = 'wal_segment_size'") || return 1
    initdb_options="$initdb_options --wal-segsize=$segment"
    say "$initdb_options" >"$work/initdb-options"
}

# Back to FROM: the old control file in place, the new directory gone, no server of either.
roll_back() {
    "$newbin/pg_ctl" -D "$new" stop -m immediate >/dev/null 2>&1
    if [ -f "$data/postmaster.pid" ] && [ -f "$data/global/pg_control" ]; then
        "$oldbin/pg_ctl" -D "$data" stop -m fast >/dev/null 2>&1
    fi
    if [ -f "$data/global/pg_control.old" ] && [ ! -f "$data/global/pg_control" ]; then
        mv "$data/global/pg_control.old" "$data/global/pg_control"
    fi
    rm -rf "$new"
}

# The point of no return: the upgraded directory becomes the data directory.
switch() {
    rm -f "$marker"
    [ -f "$data/patroni.dynamic.json" ] && cp -p "$data/patroni.dynamic.json" "$new/"
    rm -rf "$old"
    mv "$data" "$old" && mv "$new" "$data" && sync
}

sysid() { "$newbin/pg_controldata" -D "$data" | sed -n 's/^Database system identifier: *//p'; }

upgrade() {
    # A previous attempt of this pod that died: finish or undo it first.
    recover >/dev/null
    if [ "$(cat "$data/PG_VERSION" 2>/dev/null)" = "$to" ]; then
        say "RESULT switched $(sysid)"
        return 0
    fi
    say "PHASE preflight"
    preflight
    if [ "$failed" -gt 0 ]; then
        say "RESULT blocked"
        return 3
    fi
    say "PHASE stop"
    sql "checkpoint" >/dev/null
    if ! "$oldbin/pg_ctl" -D "$data" stop -m fast -w -t 300 >"$work/stop.log" 2>&1; then
        say "RESULT rolled-back stop $(tail -n 1 "$work/stop.log")"
        return 2
    fi
    say "PHASE initdb"
    rm -rf "$new"
    if ! "$newbin/initdb" -D "$new" $initdb_options >"$work/initdb.log" 2>&1; then
        roll_back
        say "RESULT rolled-back initdb $(tail -n 1 "$work/initdb.log")"
        return 2
    fi
    say "PHASE pg_upgrade"
    jobs=$(nproc 2>/dev/null || say 1)
    if ! (cd "$work" && "$newbin/pg_upgrade" --link -j "$jobs" -b "$oldbin" -B "$newbin" \
        -d "$data" -D "$new" -U "$superuser" -p 50432 -P 50433) >"$work/pg_upgrade.log" 2>&1; then
        roll_back
        say "RESULT rolled-back pg_upgrade $(grep -v '^ *$' "$work/pg_upgrade.log" | tail -n 2 | tr '\n' ' ')"
        return 2
    fi
    : >"$marker"
    say "PHASE switch"
    switch
    say "RESULT switched $(sysid)"
}

recover() {
    if [ -d "$old" ] && [ "$(cat "$data/PG_VERSION" 2>/dev/null)" = "$to" ]; then
        say "RESULT switched $(sysid)"
    elif [ -f "$marker" ]; then
        switch
        say "RESULT switched $(sysid)"
    elif [ -d "$new" ] || [ -f "$data/global/pg_control.old" ]; then
        roll_back
        say "RESULT rolled-back recovered an interrupted attempt"
    else
        say "RESULT clean"
    fi
}

wipe() {
    if [ ! -f "$data/PG_VERSION" ]; then
        say "RESULT wiped"
        return 0
    fi
    if [ "$(cat "$data/PG_VERSION")" != "$from" ] || [ ! -f "$data/standby.signal" ]; then
        say "RESULT refused: $data is not a PostgreSQL $from replica's"
        return 4
    fi
    if running; then
        "$oldbin/pg_ctl" -D "$data" stop -m fast -w -t 120 >/dev/null 2>&1 ||
            "$oldbin/pg_ctl" -D "$data" stop -m immediate >/dev/null 2>&1
    fi
    rm -rf "$data" "$new" "$old"
    say "RESULT wiped"
}

finish() {
    rm -rf "$old"
    if running; then
        oldbin=$newbin
        "$newbin/vacuumdb" -h "$(pid_line 5)" -p "$(pid_line 4)" -U "$superuser" --all \
            --analyze-in-stages >"$work/analyze.log" 2>&1 && say "RESULT analyzed"
    fi
}

start() {
    name=$work/$attempt-$1
    if [ ! -f "$name.pid" ]; then
        PGCTL_UPGRADE_RUN=$name setsid sh -c \
            'sh "$0" "$@"; echo $? >"$PGCTL_UPGRADE_RUN.rc.tmp"; mv "$PGCTL_UPGRADE_RUN.rc.tmp" "$PGCTL_UPGRADE_RUN.rc"' \
            "$self" "$1" "$from" "$to" "$root" "$attempt" </dev/null >"$name.log" 2>&1 &
        say $! >"$name.pid"
    fi
    say STARTED
}

poll() {
    name=$work/$attempt-$1
    if [ -f "$name.rc" ]; then
        say "DONE $(cat "$name.rc")"
    elif [ -f "$name.pid" ] && pid=$(cat "$name.pid") && kill -0 "$pid" 2>/dev/null &&
        grep -q pgctl-upgrade "/proc/$pid/cmdline" 2>/dev/null; then
        say RUNNING
    elif [ -f "$name.pid" ]; then
        say DIED
    else
        say NOTSTARTED
    fi
    cat "$name.log" 2>/dev/null
}

case "$action" in
    check) preflight ;;
    upgrade) upgrade ;;
    recover) recover ;;
    wipe) wipe ;;
    finish) finish ;;
    start) start "$6" ;;
    poll) poll "$6" ;;
    *) say "unknown action $action" >&2; exit 64 ;;
esac
