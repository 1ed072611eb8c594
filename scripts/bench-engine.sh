#!/usr/bin/env bash
# Builds Persona and runs the in-process engine benchmark with the figures
# of docs/benchmarks.md (1 million users, 2 shards, batches of 500).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/benchmarks/persona-bench-engine --users=1000000 --events=5000000 --shards=2 --batch=500 --window=32 "$@"
