#!/usr/bin/env bash
# Builds Persona (scripts/build.sh) and runs the default test suite (ctest).
# Longer soak tests carry the ctest label "soak" and run only with:
# scripts/test.sh -L soak. Installs nothing: when a package is missing it
# says which and stops (scripts/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
require_packages build test
bash scripts/build.sh
cd build
if [ "$#" -eq 0 ]; then
  set -- -LE soak
fi
ctest -j2 --output-on-failure --timeout 300 "$@"
