#!/usr/bin/env bash
# Builds Persona and runs the default test suite (ctest). Longer soak tests
# carry the ctest label "soak" and run only with: scripts/test.sh -L soak
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
if [ "$#" -eq 0 ]; then
  set -- -LE soak
fi
ctest -j2 --output-on-failure --timeout 300 "$@"
