#!/usr/bin/env bash
# Runs redis-benchmark against lsmdb-server and redis-server (in memory, and with
# appendonly yes + appendfsync everysec) on loopback, SET GET INCR MSET HSET, -c 50,
# -P 1 and -P 16, random keys from a space of 1M. Prints CSV lines:
#   target,pipeline,test,requests_per_second
#   tools/server/bench.sh [BUILD_DIR]   (default build/release); N requests: BENCH_N
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
n=${BENCH_N:-200000}
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() {
  for _ in $(seq 100); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server on $1 did not start" >&2; exit 1
}
p_lsmdb=$(port); p_mem=$(port); p_aof=$(port)
"$build/tools/server/lsmdb-server" --dir "$tmp/lsmdb" --port "$p_lsmdb" 2>"$tmp/lsmdb.log" &
pids+=($!)
mkdir -p "$tmp/mem" "$tmp/aof"
redis-server --port "$p_mem" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp/mem" >/dev/null &
pids+=($!)
redis-server --port "$p_aof" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec \
  --dir "$tmp/aof" >/dev/null &
pids+=($!)
for p in "$p_lsmdb" "$p_mem" "$p_aof"; do wait_up "$p"; done
echo "target,pipeline,test,requests_per_second"
for pl in 1 16; do
  for t in lsmdb:$p_lsmdb redis-memory:$p_mem redis-aof-everysec:$p_aof; do
    name=${t%%:*}; p=${t##*:}
    redis-benchmark -p "$p" -c 50 -P "$pl" -n "$n" -r 1000000 -t set,get,incr,mset,hset --csv \
      2>/dev/null | tail -n +2 | cut -d, -f1,2 | tr -d '"' | sed "s/^/$name,$pl,/"
  done
done
