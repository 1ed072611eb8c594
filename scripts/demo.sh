#!/usr/bin/env bash
# Builds Persona, starts a personad node on a free port, drives it with
# persona-loadgen (a simulated shop: its catalog, then shoppers' events over
# MessagePack-RPC, then a check that every acknowledged event is in the
# profiles), shows one shopper's profile, a segment and the node's figures
# with persona-cli, then stops the node gracefully.
# Usage: scripts/demo.sh [--users=20000] [--events=500000] [other persona-loadgen flags]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
bash scripts/build.sh > build/build.log 2>&1 || { cat build/build.log; exit 1; }
source scripts/node.sh
start_node ./build/net/personad
echo "== personad log =="
cat "$NODE_LOG"
cli=(./build/net/persona-cli --port="$NODE_PORT")

echo
echo "== persona-loadgen: a simulated shop, sent as fast as the node answers, then verified =="
./build/net/loadgen/persona-loadgen --port="$NODE_PORT" --users=20000 --items=20000 --events=500000 \
  --verify "$@"

echo
echo "== one shopper's profile (persona-cli get u7) =="
"${cli[@]}" get u7

echo
echo "== a segment: spent at least 100 and left a cart behind, with their average spend =="
"${cli[@]}" query '{"and": [{"field": "rfm.monetary", "op": ">=", "value": 100}, {"tag": "cart_abandoner"}]}' \
  --limit=5 --agg='[{"field": "rfm.monetary", "fn": "avg"}]'

echo
echo "== the node's figures (persona-cli stats) =="
"${cli[@]}" stats

echo
echo "== stopping personad (SIGTERM) =="
kill -TERM "$NODE_PID"
wait "$NODE_PID"
tail -2 "$NODE_LOG"
