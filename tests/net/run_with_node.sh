#!/usr/bin/env bash
# Starts personad on a free port, runs the given command with "{port}" in
# its arguments replaced by the port, then stops the node with SIGTERM and
# checks it exits 0. Usage: run_with_node.sh PERSONAD COMMAND ARGS...
set -euo pipefail
source "$(dirname "$0")/../../scripts/node.sh"
start_node "$1"
shift
args=()
for a in "$@"; do args+=("${a//\{port\}/$NODE_PORT}"); done
"${args[@]}"
kill -TERM "$NODE_PID"
wait "$NODE_PID"
