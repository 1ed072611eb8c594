#!/usr/bin/env bash
# The recommendation benchmark (docs/benchmarks.md, "Recommendations").
# Starts personad (2 shards, WAL on), then with persona-loadgen over TCP:
#   1. fills it: a simulated shop of 1,000,000 shoppers and 100,000 items,
#      --events at full speed (closed loop), which also measures the
#      node's ingest rate with the item model running;
#   2. recommend (strategy auto, k=10) for users already seen, with ingest
#      running open loop at 50% of the rate of step 1 (--duration seconds,
#      the first 5 a warm-up that is not measured);
# and reads the item model's figures (items, versions, lag) from stats.
# Results go to build/bench-recommend/.
#
# Usage: scripts/bench-recommend.sh [--events=12000000] [--duration=25]
set -euo pipefail
cd "$(dirname "$0")/.."

events=12000000
duration=25
for arg in "$@"; do
  case "$arg" in
    --events=*) events="${arg#--events=}" ;;
    --duration=*) duration="${arg#--duration=}" ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-recommend: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

bash scripts/build.sh
out=build/bench-recommend
rm -rf "$out"
mkdir -p "$out"
loadgen=./build/tools/loadgen/persona-loadgen
cli=./build/tools/cli/persona-cli
shop=(--users=1000000 --items=100000)

source scripts/node.sh
start_node ./build/net/personad --shards=2

echo "== 1/2 fill: ${events} events of 1,000,000 shoppers over 100,000 items, full speed"
"$loadgen" --port="$NODE_PORT" "${shop[@]}" --events="$events" --connections=2 --batch=500 --window=8 \
  --seed=42 --quiet --json="$out/fill.json"
max_rate=$(/usr/bin/python3 -c "import json; print(int(json.load(open('$out/fill.json'))['operations']['ingest']['events_per_s']))")
half=$((max_rate / 2))
"$cli" --port="$NODE_PORT" stats > "$out/stats_filled.json"

echo "== 2/2 recommend with ingest open loop at $half events/s (50%)"
"$loadgen" --port="$NODE_PORT" "${shop[@]}" --seed=43 --events=$((half * (duration + 1))) --event-rate="$half" \
  --warmup=5 --duration="$duration" --mix=ingest=90,recommend=10 --no-catalog --json="$out/recommend.json"
"$cli" --port="$NODE_PORT" stats > "$out/stats_after.json"

/usr/bin/python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
fill = json.load(open(f"{out}/fill.json"))["operations"]["ingest"]
run = json.load(open(f"{out}/recommend.json"))["operations"]
stats = json.load(open(f"{out}/stats_after.json"))
model = stats["item_model"]
rec = run["recommend"]
print()
print("| figure | value |")
print("| --- | --- |")
print(f"| users in the node | {stats['users']:,} |")
print(f"| items in the item model | {model['items']:,} |")
print(f"| ingest, full speed, item model on | {fill['events_per_s']:,.0f} events/s |")
print(f"| ingest during the run (50%) | {run['ingest']['events_per_s']:,.0f} events/s |")
print(f"| recommend calls measured | {rec['ok']:,} ({rec['errors']} errors) |")
lat = rec["latency_us"]
print(f"| recommend p50 / p99 / p99.9 | {lat['p50'] / 1000:.2f} / {lat['p99'] / 1000:.2f} / {lat['p999'] / 1000:.2f} ms |")
print(f"| item model lag (last version) | {model['lag_ms']:.0f} ms |")
print(f"| signals learnt / waiting / dropped at the end | {model['learnt']:,} / {model['waiting_signals']:,} / {model['dropped_signals']:,} |")
PY
