#!/usr/bin/env bash
# Checks the benchmark suite's Redis baseline does the profile updates it
# claims: starts redis-server on a free loopback port, loads
# scripts/bench/persona_profile.lua, sends a simulated stream with
# persona-loadgen --target=redis, then recomputes counts, monetary value and
# recent items of every user from the same stream (--dump) and compares.
# Usage: redis_baseline.sh PERSONA_LOADGEN SOURCE_DIR
set -euo pipefail
loadgen="$1"
src="$2"
source "$src/scripts/redis.sh"
start_redis --appendonly no
trap stop_redis EXIT
port="$REDIS_PORT"
dir="$REDIS_DIR"
redis-cli -p "$port" FUNCTION LOAD REPLACE "$(cat "$src/scripts/bench/persona_profile.lua")" >/dev/null
flags=(--users=2000 --items=1000 --events=30000 --seed=5)
"$loadgen" --target=redis --port="$port" "${flags[@]}" --batch=100 --quiet
"$loadgen" "${flags[@]}" --dump="$dir/events.jsonl" >/dev/null
/usr/bin/python3 - "$dir/events.jsonl" "$port" <<'PY'
import json, subprocess, sys
from collections import defaultdict
events = [json.loads(line) for line in open(sys.argv[1])]
port = sys.argv[2]
counts = defaultdict(lambda: defaultdict(int))
money = defaultdict(float)
recent = defaultdict(list)
for e in events:
    u = e["user"]
    counts[u][e["type"]] += 1
    if e["type"] == "purchase":
        money[u] += e["price"] * e["quantity"]
    elif e["type"] == "refund":
        money[u] -= e["price"] * e["quantity"]
    if "item" in e:
        recent[u].insert(0, e["item"])
def redis(*args):
    return subprocess.run(["redis-cli", "-p", port, *args], capture_output=True, text=True, check=True).stdout.split("\n")[:-1]
bad = 0
users = sorted(counts)
for u in users[:: max(1, len(users) // 200)]:
    h = redis("HGETALL", "p:" + u)
    got = dict(zip(h[::2], h[1::2]))
    for t, n in counts[u].items():
        if int(got.get(t, 0)) != n:
            print(f"{u}: {t} {got.get(t)} in Redis, {n} in the stream"); bad += 1
    if abs(float(got.get("monetary", 0)) - money[u]) > 1e-3 * max(1, abs(money[u])):
        print(f"{u}: monetary {got.get('monetary')} in Redis, {money[u]:.2f} in the stream"); bad += 1
    if redis("LRANGE", "p:" + u + ":r", "0", "-1") != recent[u][:50]:
        print(f"{u}: recent items differ"); bad += 1
    if len(redis("ZRANGE", "p:" + u + ":ac", "0", "-1")) > 16:
        print(f"{u}: more than 16 category affinities kept"); bad += 1
print(f"checked {len(users[:: max(1, len(users) // 200)])} users of {len(users)}: {bad} differences")
sys.exit(1 if bad else 0)
PY
