#!/usr/bin/env bash
# Builds Persona, starts a personad node on a free port, feeds it a
# simulated shop with persona-demo over MessagePack-RPC, prints a profile, a
# segment and the node's figures, then stops the node gracefully.
# Usage: scripts/demo.sh [--users=20000] [--events=500000]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
bash scripts/build.sh > build/build.log 2>&1 || { cat build/build.log; exit 1; }
log="$(mktemp)"
./build/net/personad --port=0 2> "$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 100); do
  port="$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2 || true)"
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "personad did not start:"; cat "$log"; exit 1; }
echo "== personad log =="
cat "$log"
echo
./build/examples/persona-demo --port="$port" "$@"
echo
echo "== stopping personad (SIGTERM) =="
kill -TERM $pid
wait $pid
tail -2 "$log"
