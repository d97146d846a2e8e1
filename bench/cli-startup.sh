#!/usr/bin/env bash
# Start-up time of the CLI (issue 6: `pgctl --version` in under 10 ms): a release build, timed
# by hyperfine (Debian's package) over many runs. Prints hyperfine's summary; the figures go
# into docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pgctl/target}"
if ! command -v hyperfine > /dev/null; then
    sudo=""
    [[ "$(id -u)" -eq 0 ]] || sudo=sudo
    $sudo apt-get install -y -qq hyperfine > /dev/null
fi
cargo build --release --locked -q -p pgctl
pgctl="$CARGO_TARGET_DIR/release/pgctl"
manifest="$(mktemp)"
trap 'rm -f "$manifest"' EXIT
"$pgctl" create acid-bench --team acid --instances 2 --dry-run=client -o yaml > "$manifest"
hyperfine -N --warmup 20 --runs 500 \
    "$pgctl --version" \
    "$pgctl validate -f $manifest"
