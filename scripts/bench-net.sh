#!/usr/bin/env bash
# Builds Persona, starts personad on a free port, and measures it over TCP
# with the C++ client (docs/benchmarks.md): ingest events/s with batches of
# 500 over 2 connections, get_profile latency idle and under that load.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
log="$(mktemp)"
./build/net/personad --port=0 --shards=2 2> "$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 100); do
  port="$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2 || true)"
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { cat "$log"; exit 1; }
./build/tests/bench/persona-bench-net --port="$port" "$@"
