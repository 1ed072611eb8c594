#!/usr/bin/env bash
# Builds Persona and runs the in-process demo: a simulated shop feeds the
# engine, then one profile, a segment and the figures are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/examples/persona-demo "$@"
