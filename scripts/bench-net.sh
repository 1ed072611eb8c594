#!/usr/bin/env bash
# Builds Persona, starts personad on a free port, and measures it over TCP
# with the C++ client (docs/benchmarks.md): ingest events/s with batches of
# 500 over 2 connections, get_profile latency idle and under that load.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
source scripts/node.sh
start_node ./build/net/personad --shards=2
./build/benchmarks/persona-bench-net --port="$NODE_PORT" "$@"
