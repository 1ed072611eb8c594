#!/usr/bin/env bash
# Starts personad on a free port, runs the given command with PORT set in its
# arguments ("{port}" is replaced), then stops the node with SIGTERM and
# checks it exits 0. Usage: run_with_node.sh PERSONAD COMMAND ARGS...
set -euo pipefail
personad="$1"
shift
log="$(mktemp)"
"$personad" --port=0 2> "$log" &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 100); do
  port="$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2 || true)"
  [ -n "$port" ] && break
  sleep 0.05
done
if [ -z "$port" ]; then
  echo "personad did not start:"; cat "$log"; exit 1
fi
args=()
for a in "$@"; do args+=("${a//\{port\}/$port}"); done
"${args[@]}"
kill -TERM $pid
wait $pid
