#!/usr/bin/env bash
# The benchmark suite (docs/benchmarks.md). Builds Persona, then runs and
# tabulates, in one go on this machine:
#   1. the in-process engine benchmark (1M users, 2 shards);
#   2. ingest over TCP at full speed (persona-loadgen, closed loop);
#   3. get_profile latency, then query latency, with ingest running open
#      loop at 50% of the rate measured in 2 (25 s each, the first 5 s a
#      warm-up that is not measured);
#   4. the same event stream applied to Redis 7 (started here on loopback
#      with appendonly yes, appendfsync everysec) through the Redis function
#      scripts/bench/persona_profile.lua, by the same client with the same
#      connections, batches and pipelining;
# and prints the Persona/Redis ratios for events/s and memory per user.
# Results (JSON per step and the table) go to build/bench-suite/.
#
# Usage: scripts/bench-suite.sh [--events=6000000] [--skip-engine]
set -euo pipefail
cd "$(dirname "$0")/.."

events=6000000
skip_engine=0
for arg in "$@"; do
  case "$arg" in
    --events=*) events="${arg#--events=}" ;;
    --skip-engine) skip_engine=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-suite: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

bash scripts/build.sh
out=build/bench-suite
rm -rf "$out"
mkdir -p "$out"
loadgen=./build/tools/loadgen/persona-loadgen
common=(--events="$events" --connections=2 --batch=500 --window=8 --seed=42)

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# Minor page faults of a process so far (field 10 of /proc/PID/stat, after
# the command name, which may hold spaces).
minor_faults() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $8}'; }

if [ "$skip_engine" -eq 0 ]; then
  echo "== 1/4 in-process engine benchmark"
  ./build/benchmarks/persona-bench-engine --users=1000000 --events=5000000 --shards=2 --batch=500 \
    --window=32 | tee "$out/engine.txt"
fi

# The node's memory reserve keeps this much faulted in ahead of use
# (personad --memory-warm-ahead-mb, given explicitly below).
warm_ahead_mb=256

# Waits (up to 20 s) until the node's memory reserve has faulted in the
# memory it keeps ahead. Called before each resident-size reading, so that
# both count the warm-ahead in full and differ by what the run stored
# (the warmer runs at idle priority and falls behind while the cores are
# busy).
wait_warm() {
  local i
  for i in $(seq 1 200); do
    ./build/tools/cli/persona-cli --port="$NODE_PORT" stats 2>/dev/null | /usr/bin/python3 -c "
import json, sys
r = json.load(sys.stdin).get('memory', {}).get('reserve')
sys.exit(0 if r is None or r['warmed_bytes'] >= r['used_bytes'] + ($warm_ahead_mb << 20) else 1)" && return 0
    sleep 0.1
  done
}

echo "== 2/4 Persona: ingest over TCP at full speed"
source scripts/node.sh
start_node ./build/net/personad --shards=2 --memory-warm-ahead-mb="$warm_ahead_mb"
wait_warm
rss_before=$(rss_kb "$NODE_PID")
"$loadgen" --port="$NODE_PORT" "${common[@]}" --quiet --json="$out/persona_ingest.json"
wait_warm
rss_after=$(rss_kb "$NODE_PID")
echo "{\"rss_before_kb\": $rss_before, \"rss_after_kb\": $rss_after}" > "$out/persona_rss.json"
max_rate=$(/usr/bin/python3 -c "import json; print(int(json.load(open('$out/persona_ingest.json'))['operations']['ingest']['events_per_s']))")
half=$((max_rate / 2))

echo "== 3/4 Persona: get_profile, then query, with ingest open loop at $half events/s (50%)"
faults_before=$(minor_faults "$NODE_PID")
"$loadgen" --port="$NODE_PORT" --seed=7 --events=$((half * 26)) --event-rate="$half" --warmup=5 --duration=25 \
  --mix=ingest=90,get_profile=10 --no-catalog --json="$out/persona_get_profile.json"
faults_after=$(minor_faults "$NODE_PID")
echo "{\"minor_faults\": $((faults_after - faults_before))}" > "$out/persona_get_profile_faults.json"
"$loadgen" --port="$NODE_PORT" --seed=8 --events=$((half * 26)) --event-rate="$half" --warmup=5 --duration=25 \
  --mix=ingest=99.8,query=0.2 --no-catalog --json="$out/persona_query.json"
kill -TERM "$NODE_PID"
wait "$NODE_PID" 2>/dev/null || true
trap - EXIT

echo "== 4/4 Redis baseline: the same stream through a Redis function"
source scripts/redis.sh
start_redis --appendonly yes --appendfsync everysec
trap stop_redis EXIT
redis-cli -p "$REDIS_PORT" FUNCTION LOAD REPLACE "$(cat scripts/bench/persona_profile.lua)" >/dev/null
redis_rss_before=$(rss_kb "$REDIS_PID")
"$loadgen" --target=redis --port="$REDIS_PORT" "${common[@]}" --quiet --json="$out/redis_ingest.json"
redis_rss_after=$(rss_kb "$REDIS_PID")
echo "{\"rss_before_kb\": $redis_rss_before, \"rss_after_kb\": $redis_rss_after}" > "$out/redis_rss.json"

/usr/bin/python3 scripts/bench/tabulate.py "$out" | tee "$out/summary.txt"
