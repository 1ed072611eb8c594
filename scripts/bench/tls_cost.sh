#!/usr/bin/env bash
# What TLS costs a node over loopback, measured in one run: a plain node and
# a TLS node (same settings, --shards=2, memory only) side by side, and
# persona-loadgen alternating between them ROUNDS times (the same seed for
# both in a round): closed-loop ingest (events/s), then an open-loop mix at
# a fixed rate (RATE events/s, default 100000, 10% of the requests
# get_profile) for get_profile's p50/p99 under load. Prints one line per
# run and the medians (docs/benchmarks.md, "TLS"). Builds nothing.
# Usage: [RATE=N] scripts/bench/tls_cost.sh [BUILD_DIR=build] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
rounds="${2:-3}"
rate="${RATE:-100000}"
personad="$build/net/personad"
loadgen="$build/tools/loadgen/persona-loadgen"
dir="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
tests/net/make_test_certs.sh "$dir/certs"

start() {  # NAME ARGS...: sets PORT
  local name="$1"
  shift
  "$personad" --port=0 --data-dir= --shards=2 "$@" 2> "$dir/$name.log" &
  pids+=($!)
  for _ in $(seq 1 200); do
    PORT="$(grep -o 'listening on [0-9.]*:[0-9]*' "$dir/$name.log" | head -1 | cut -d: -f2 || true)"
    [ -n "$PORT" ] && grep -q ' ready: ' "$dir/$name.log" && return 0
    sleep 0.05
  done
  cat "$dir/$name.log"
  return 1
}
start plain
plain_port=$PORT
start tls --tls-cert="$dir/certs/server.pem" --tls-key="$dir/certs/server.key"
tls_port=$PORT

run() {  # KIND PORT SEED
  local tls=()
  [ "$1" = tls ] && tls=(--tls-ca="$dir/certs/ca.pem")
  "$loadgen" --port="$2" "${tls[@]}" --seed="$3" --users=50000 --events=1000000 --quiet \
    --json="$dir/ingest.json" > /dev/null 2>&1
  "$loadgen" --port="$2" "${tls[@]}" --seed="$3" --users=50000 --no-catalog --quiet --event-rate="$rate" \
    --duration=8 --warmup=2 --mix=ingest=90,get_profile=10 --json="$dir/mix.json" > /dev/null 2>&1
  /usr/bin/python3 - "$1" "$dir/ingest.json" "$dir/mix.json" <<'PY' | tee -a "$dir/results"
import json, sys
ingest = json.load(open(sys.argv[2]))["operations"]["ingest"]
get = json.load(open(sys.argv[3]))["operations"]["get_profile"]
print("%s %.0f %.0f %.0f %d" % (sys.argv[1], ingest["events_per_s"], get["latency_us"]["p50"],
                                get["latency_us"]["p99"], get["errors"] + ingest["errors"]))
PY
}

echo "kind ingest_events_per_s get_profile_p50_us get_profile_p99_us errors"
for round in $(seq 1 "$rounds"); do
  run plain "$plain_port" "$round"
  run tls "$tls_port" "$round"
done
/usr/bin/python3 - "$dir/results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for kind in ("plain", "tls"):
    r = [x for x in rows if x[0] == kind]
    med = lambda i: statistics.median(float(x[i]) for x in r)
    print("median %-5s ingest %9.0f events/s (%s)  get_profile p50 %6.0f us  p99 %6.0f us (%s)" % (
        kind, med(1), ", ".join(x[1] for x in r), med(2), med(3), ", ".join(x[3] for x in r)))
PY
