#!/usr/bin/env bash
# Builds Persona and runs the durability benchmark (docs/benchmarks.md,
# "Durability"): ingest under each fsync policy, snapshot duration, MB/s and
# the longest shard pause, recovery time. Arguments go to the benchmark
# (--help lists them). Takes about two minutes and 3 GB of memory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
./build/benchmarks/persona-bench-durability "$@"
