#!/usr/bin/env bash
# Builds Persona and runs the live-segment benchmark (docs/benchmarks.md,
# "Segments and clusters"): query latency over a million users, the ingest
# cost of 20 live segments, one k-means iteration. Arguments go to the
# benchmark (--help lists them). About two minutes, 6 GB of memory (two engines).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
./build/benchmarks/persona-bench-segments "$@"
