#!/usr/bin/env bash
# Configures and builds Persona in ./build (Release), with ccache as the
# compiler launcher when it is installed. Installs nothing: when a package
# is missing it says which and stops (scripts/setup.sh installs them).
# Usage: scripts/build.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
require_packages build
launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
mkdir -p build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "$@" > build/cmake.log 2>&1 ||
  { cat build/cmake.log; exit 1; }
cmake --build build -j2
