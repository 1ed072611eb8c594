#!/usr/bin/env bash
# Builds Persona, starts a personad node on a free port, feeds it a
# simulated shop with persona-demo over MessagePack-RPC, prints a profile, a
# segment and the node's figures, then stops the node gracefully.
# Usage: scripts/demo.sh [--users=20000] [--events=500000]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
bash scripts/build.sh > build/build.log 2>&1 || { cat build/build.log; exit 1; }
source scripts/node.sh
start_node ./build/net/personad
echo "== personad log =="
cat "$NODE_LOG"
echo
./build/examples/persona-demo --port="$NODE_PORT" "$@"
echo
echo "== stopping personad (SIGTERM) =="
kill -TERM "$NODE_PID"
wait "$NODE_PID"
tail -2 "$NODE_LOG"
