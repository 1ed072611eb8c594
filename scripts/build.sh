#!/usr/bin/env bash
# Configures and builds Persona in ./build (Release), installing missing
# Debian packages first. Usage: scripts/build.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" > build/cmake.log 2>&1 || { cat build/cmake.log; exit 1; }
cmake --build build -j2
