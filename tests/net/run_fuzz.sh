#!/usr/bin/env bash
# Builds the decoder fuzz harness with clang's libFuzzer (Debian's clang and
# libclang-rt-14-dev) and runs it for a bounded time.
# Usage: run_fuzz.sh SOURCE_DIR BUILD_DIR SECONDS
set -euo pipefail
src="$1"
out="$2/fuzz"
seconds="${3:-20}"
mkdir -p "$out/corpus"
clangxx="$(command -v clang++ || command -v clang++-14 || true)"
if [ -z "$clangxx" ]; then
  echo "clang++ is missing: run scripts/setup.sh"; exit 1
fi
"$clangxx" -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -DMSGPACK_DEFAULT_API_VERSION=3 -I"$src" \
  "$src/tests/net/decoder_fuzz.cpp" "$src/net/frame_decoder.cpp" "$src/net/message_walker.cpp" \
  "$src/net/rpc_codec.cpp" \
  "$src/net/msgpack_value.cpp" "$src/net/event_decoder.cpp" \
  "$src/core/util/value.cpp" "$src/core/util/status.cpp" "$src/core/util/utf8.cpp" \
  "$src/core/profile/event.cpp" \
  -o "$out/decoder_fuzz"
# Seeds: a request, a notification, an ingest batch, and one with every
# string a bin.
printf '\x94\x00\x01\xa4ping\x90' > "$out/corpus/ping"
printf '\x93\x02\xa6ingest\x91\x91\x83\xa4user\xa1u\xa4type\xa4view\xa4item\xa1i' > "$out/corpus/notify"
printf '\x93\x02\xc4\x06ingest\x91\x91\x83\xc4\x04user\xc4\x01u\xc4\x04type\xc4\x04view\xc4\x04item\xc4\x01i' \
  > "$out/corpus/notify-bin"
"$out/decoder_fuzz" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 -print_final_stats=1 \
  "$out/corpus" 2>&1 | tail -20
