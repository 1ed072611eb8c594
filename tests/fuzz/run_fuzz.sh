#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/CMakeLists.txt) with clang in a
# build of their own, BUILD_DIR/fuzz (Debian's clang and libclang-rt-14-dev),
# and runs each for a bounded time with a bound on memory: one allocation
# past -malloc_limit_mb, or a resident size past -rss_limit_mb, is a
# failure like a crash.
# Usage: run_fuzz.sh SOURCE_DIR BUILD_DIR SECONDS [TARGET...]
#   SECONDS 0 only builds. No TARGET: every harness, SECONDS each.
#   PERSONA_FUZZ_NO_BUILD=1 runs what was built (the ctests build once first).
# Crashing inputs are kept in BUILD_DIR/fuzz/artifacts/; the corpus grows in
# BUILD_DIR/fuzz/corpus/TARGET/.
set -euo pipefail
src="$1"
out="$2/fuzz"
seconds="${3:-20}"
shift 3 || shift $#
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(decoder_fuzz wal_record_fuzz profile_image_fuzz snapshot_fuzz value_fuzz condition_fuzz params_fuzz
           aggregate_fuzz)
fi
clangxx="$(command -v clang++ || command -v clang++-14 || true)"
if [ -z "$clangxx" ]; then
  echo "clang++ is missing: run scripts/setup.sh"; exit 1
fi
if [ "${PERSONA_FUZZ_NO_BUILD:-0}" != 1 ]; then
  launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  cmake -S "$src" -B "$out/build" -DCMAKE_CXX_COMPILER="$clangxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPERSONA_FUZZ=ON -DBUILD_TESTING=OFF -DPERSONA_SANITIZE=fuzzer-no-link,address,undefined \
    "${launcher[@]}" >/dev/null
  cmake --build "$out/build" -j2 --target "${targets[@]}" | grep -E "error|warning" || true
  for t in "${targets[@]}"; do
    [ -x "$out/build/tests/fuzz/$t" ] || { echo "$t did not build"; exit 1; }
  done
fi
[ "$seconds" -gt 0 ] || exit 0

# Seeds of the network decoder: a request, a notification, an ingest batch,
# and one with every string a bin.
mkdir -p "$out/corpus/decoder_fuzz" "$out/artifacts"
printf '\x94\x00\x01\xa4ping\x90' > "$out/corpus/decoder_fuzz/ping"
printf '\x93\x02\xa6ingest\x91\x91\x83\xa4user\xa1u\xa4type\xa4view\xa4item\xa1i' \
  > "$out/corpus/decoder_fuzz/notify"
printf '\x93\x02\xc4\x06ingest\x91\x91\x83\xc4\x04user\xc4\x01u\xc4\x04type\xc4\x04view\xc4\x04item\xc4\x01i' \
  > "$out/corpus/decoder_fuzz/notify-bin"

status=0
for t in "${targets[@]}"; do
  mkdir -p "$out/corpus/$t"
  echo "== $t: ${seconds} s"
  if ! "$out/build/tests/fuzz/$t" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
      -malloc_limit_mb=512 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$out/artifacts/$t-" "$out/corpus/$t" > "$out/$t.log" 2>&1; then
    status=1
  fi
  tail -20 "$out/$t.log"
done
exit $status
