#!/usr/bin/env bash
# Runs the engine, net and recommend benchmarks against two builds in turn
# (A, B, A, B, ...) so that both see the same machine, and prints each
# run's figures and the medians side by side. For a change that must not
# slow anything: build the old commit in another work tree, then
#   scripts/bench-compare.sh OLD/build build [--rounds=3] [--events=12000000]
# The programs are found by name in each build directory, wherever that
# build's layout put them. Sizes are the ones of docs/benchmarks.md; the
# recommend step fills --events (default 12,000,000) and measures 25 s.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
[ "$#" -ge 2 ] || { usage >&2; exit 2; }
builds=("$1" "$2")
shift 2
rounds=3
events=12000000
for arg in "$@"; do
  case "$arg" in
    --rounds=*) rounds="${arg#--rounds=}" ;;
    --events=*) events="${arg#--events=}" ;;
    *) echo "bench-compare: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

find_program() {
  local found
  found=$(find "$1" -type f -name "$2" -perm -u+x -not -path '*/CMakeFiles/*' | head -1)
  [ -n "$found" ] || { echo "bench-compare: no $2 in $1: build it first" >&2; exit 1; }
  echo "$found"
}
for b in "${builds[@]}"; do
  for p in personad persona-bench-engine persona-bench-net persona-loadgen; do find_program "$b" "$p" > /dev/null; done
done

out=$(mktemp -d)
source scripts/node.sh
# One node at a time: start it, run the client, stop it.
with_node() {
  local personad="$1"
  shift
  (
    NODE_DATA=""
    start_node "$personad" --shards=2 > /dev/null
    "$@"
  )
}

run_engine() {
  "$(find_program "$1" persona-bench-engine)" --users=1000000 --events=5000000 --shards=2 --batch=500 --window=32 |
    sed -n 's/^RESULT //p'
}
net_client() { "$1" --port="$NODE_PORT" | sed -n 's/^RESULT //p'; }
run_net() {
  with_node "$(find_program "$1" personad)" net_client "$(find_program "$1" persona-bench-net)"
}
recommend_client() {
  local loadgen="$1" dir="$2" shop=(--users=1000000 --items=100000) half
  "$loadgen" --port="$NODE_PORT" "${shop[@]}" --events="$events" --connections=2 --batch=500 --window=8 \
    --seed=42 --quiet --json="$dir/fill.json" > /dev/null
  half=$(/usr/bin/python3 -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["operations"]["ingest"]["events_per_s"]) // 2)' "$dir/fill.json")
  "$loadgen" --port="$NODE_PORT" "${shop[@]}" --seed=43 --events=$((half * 26)) --event-rate="$half" \
    --warmup=5 --duration=25 --mix=ingest=90,recommend=10 --no-catalog --quiet --json="$dir/recommend.json" > /dev/null
  /usr/bin/python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
fill = json.load(open(f"{d}/fill.json"))["operations"]["ingest"]["events_per_s"]
lat = json.load(open(f"{d}/recommend.json"))["operations"]["recommend"]["latency_us"]
print(f"fill_events_per_s={fill:.0f} recommend_p50_us={lat['p50']:.0f} recommend_p99_us={lat['p99']:.0f}")
PY
}
run_recommend() {
  local dir
  dir=$(mktemp -d -p "$out")
  with_node "$(find_program "$1" personad)" recommend_client "$(find_program "$1" persona-loadgen)" "$dir"
}

for ((r = 1; r <= rounds; r++)); do
  for bench in engine net recommend; do
    for i in 0 1; do
      line=$("run_$bench" "${builds[$i]}")
      label=$([ "$i" -eq 0 ] && echo A || echo B)
      echo "round $r $bench $label: $line"
      echo "$bench $label $line" >> "$out/results"
    done
  done
done

echo
echo "A = ${builds[0]}, B = ${builds[1]}; medians of $rounds rounds"
/usr/bin/python3 - "$out/results" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    bench, label, *pairs = line.split()
    for p in pairs:
        k, v = p.split("=")
        runs[(bench, k, label)].append(float(v))
print("| benchmark | figure | A | B | B/A |")
print("| --- | --- | --- | --- | --- |")
for (bench, k, label) in sorted(runs):
    if label != "A":
        continue
    a, b = statistics.median(runs[(bench, k, "A")]), statistics.median(runs.get((bench, k, "B"), [float("nan")]))
    print(f"| {bench} | {k} | {a:,.0f} | {b:,.0f} | {b / a:.3f} |")
PY
rm -rf "$out"
