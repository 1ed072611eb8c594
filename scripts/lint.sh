#!/usr/bin/env bash
# Checks how the code reads; any finding fails it.
#   format: clang-format (.clang-format) in check mode over every tracked
#           .cpp and .hpp file; `clang-format -i FILE` fixes what it finds.
#   tidy:   clang-tidy (.clang-tidy: bugprone-*, performance-*) over every
#           .cpp file in the given folders (core/ when none is named) and
#           the project headers they include, with the compile commands of
#           BUILD_DIR (default build; configured here when it has none),
#           LINT_JOBS (default 2) files at a time.
# Installs nothing: a missing package stops it (scripts/setup.sh installs).
# Usage: scripts/lint.sh [all|format|tidy] [FOLDER...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
require_packages lint

what="${1:-all}"
[ "$#" -gt 0 ] && shift
case "$what" in
  all | format | tidy) ;;
  *)
    echo "usage: scripts/lint.sh [all|format|tidy] [FOLDER...]" >&2
    exit 2
    ;;
esac
folders=("${@%/}")
[ "${#folders[@]}" -gt 0 ] || folders=(core)
build="${BUILD_DIR:-build}"
jobs="${LINT_JOBS:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

check_format() {
  local start=$SECONDS
  mapfile -t sources < <(git ls-files -- '*.cpp' '*.hpp')
  if clang-format --dry-run --Werror "${sources[@]}" 2> "$work/format.log"; then
    echo "lint: clang-format: ${#sources[@]} files as .clang-format wants them ($((SECONDS - start)) s)"
    return 0
  fi
  head -60 "$work/format.log" >&2
  local differ
  differ="$(grep -oE '^[^:]+:[0-9]+:[0-9]+: error:' "$work/format.log" | cut -d: -f1 | sort -u)"
  echo "lint: clang-format: files that differ from .clang-format: $(wc -l <<< "$differ") (clang-format -i fixes them)" >&2
  sed 's/^/  /' <<< "$differ" >&2
  return 1
}

check_tidy() {
  local start=$SECONDS
  if [ ! -f "$build/compile_commands.json" ]; then
    require_packages build
    echo "lint: configuring $build for its compile commands"
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release > "$work/cmake.log" 2>&1 ||
      { cat "$work/cmake.log" >&2; return 1; }
  fi
  mapfile -t files < <(git ls-files -- "${folders[@]/%//*.cpp}")
  if [ "${#files[@]}" -eq 0 ]; then
    echo "lint: clang-tidy: no .cpp file in ${folders[*]}" >&2
    return 1
  fi
  # One log per file, so that parallel runs do not interleave their lines.
  local failed=0
  printf '%s\n' "${files[@]}" |
    xargs -P "$jobs" -I{} sh -c 'clang-tidy -p "$1" --quiet "$2" > "$3/tidy-$(echo "$2" | tr / _).log" 2>&1' \
      sh "$build" {} "$work" || failed=1
  # A header's finding shows once, however many files include it.
  local findings
  findings="$(cat "$work"/tidy-*.log | grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' |
    sed "s|^$PWD/||" | sort -u || true)"
  if [ -n "$findings" ] || [ "$failed" -ne 0 ]; then
    if [ -n "$findings" ]; then
      echo "$findings" >&2
      echo "lint: clang-tidy: findings in ${folders[*]}: $(wc -l <<< "$findings") (.clang-tidy; $((SECONDS - start)) s)" >&2
    else
      cat "$work"/tidy-*.log >&2
      echo "lint: clang-tidy failed on ${folders[*]}" >&2
    fi
    return 1
  fi
  echo "lint: clang-tidy: ${#files[@]} files of ${folders[*]} without a finding ($((SECONDS - start)) s)"
}

status=0
if [ "$what" = all ] || [ "$what" = format ]; then
  check_format || status=1
fi
if [ "$what" = all ] || [ "$what" = tidy ]; then
  check_tidy || status=1
fi
exit "$status"
