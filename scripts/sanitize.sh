#!/usr/bin/env bash
# Builds the tests and personad with sanitizers, without jemalloc, and runs
# the unit and process tests under them; any report fails the test.
#   address (default): AddressSanitizer and UndefinedBehaviorSanitizer, in
#     build-asan/: the core, actors, net, durability and loadgen tests.
#   thread: ThreadSanitizer, in build-tsan/: the actors and net tests.
# Installs nothing: a missing package stops it (scripts/setup.sh installs).
# Usage: scripts/sanitize.sh [address|thread] [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
require_packages build

kind="${1:-address}"
[ "$#" -gt 0 ] && shift
case "$kind" in
  address)
    sanitizers=address,undefined
    dir=build-asan
    targets=(persona_core_tests persona_actor_tests persona_net_tests persona_durability_tests
      persona_loadgen_tests personad persona-loadgen)
    tests='^(core|actors|net|durability|loadgen):'
    ;;
  thread)
    sanitizers=thread
    dir=build-tsan
    targets=(persona_actor_tests persona_net_tests personad)
    tests='^(actors|net):'
    ;;
  *)
    echo "usage: scripts/sanitize.sh [address|thread] [extra ctest args]" >&2
    exit 2
    ;;
esac

launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
mkdir -p "$dir"
# RelWithDebInfo: optimised as the tests need to finish in time, with the
# line numbers a report needs.
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPERSONA_SANITIZE="$sanitizers" \
  -DPERSONA_WITH_JEMALLOC=OFF "${launcher[@]}" > "$dir/cmake.log" 2>&1 ||
  { cat "$dir/cmake.log"; exit 1; }
cmake --build "$dir" -j2 --target "${targets[@]}"

# A report fails the process, with the stack that led to it.
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/tests/sanitizers/ubsan.supp"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
cd "$dir"
ctest -j2 --output-on-failure --timeout 600 -LE 'soak|fuzz' -R "$tests" "$@"
