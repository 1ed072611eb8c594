#!/usr/bin/env bash
# Builds the tests and personad in build-asan/ under AddressSanitizer (with
# LeakSanitizer) and UndefinedBehaviorSanitizer, without jemalloc, and runs
# the unit and process tests under them: core, actors, net, durability and
# loadgen. Any report fails its test. Installs nothing: a missing package
# stops it (scripts/setup.sh installs them).
# Usage: scripts/sanitize.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
require_packages build

dir=build-asan
targets=(persona_core_tests persona_actor_tests persona_net_tests persona_durability_tests
  persona_loadgen_tests personad persona-loadgen persona-cli)

launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
mkdir -p "$dir"
# RelWithDebInfo: optimised, so that the tests finish in their time, with
# the line numbers a report needs.
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPERSONA_SANITIZE=address,undefined \
  -DPERSONA_WITH_JEMALLOC=OFF "${launcher[@]}" > "$dir/cmake.log" 2>&1 ||
  { cat "$dir/cmake.log"; exit 1; }
cmake --build "$dir" -j2 --target "${targets[@]}"

# A report fails the process, with the stack that led to it; the programs
# the tests start inherit these.
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/tests/sanitizers/ubsan.supp"
cd "$dir"
ctest -j2 --output-on-failure --timeout 600 -LE 'soak|fuzz' -R '^(core|actors|net|durability|loadgen):' "$@"
