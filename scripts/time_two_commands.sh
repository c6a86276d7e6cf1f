#!/usr/bin/env bash
# Times the README's two commands on a fresh clone with an empty uv cache: `make run` until the home page
# answers (first and second start), then `make test`. Usage: bash scripts/time_two_commands.sh [PORT]
set -euo pipefail
port=${1:-8131}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
git clone -q "$src" "$work/p"
cd "$work/p"
export UV_CACHE_DIR="$work/uv-cache"   # empty: every package comes from the index
uptime
start_and_time() {
    local t0 t1
    t0=$(date +%s.%N)
    setsid make run PORT="$port" >"$work/run.log" 2>&1 &
    local pid=$!
    until curl -fs -o /dev/null "http://127.0.0.1:$port/"; do
        kill -0 "$pid" 2>/dev/null || { tail -20 "$work/run.log"; exit 1; }
        sleep 0.2
    done
    t1=$(date +%s.%N)
    echo "make run ($1): home page answered after $(echo "$t1 - $t0" | bc) s"
    kill -INT -- -"$pid"
    wait "$pid" 2>/dev/null || true
}
start_and_time first
start_and_time second
[ "${SKIP_TEST:-}" = 1 ] && { rm -rf "$work"; exit 0; }   # SKIP_TEST=1: only the two starts
t0=$(date +%s)
CI=true make test PYTEST_ARGS="-q -p no:cacheprovider" >"$work/test.log" 2>&1 && status=green || status=red
echo "make test: $status after $(( $(date +%s) - t0 )) s ($(tail -1 "$work/test.log"))"
rm -rf "$work"
