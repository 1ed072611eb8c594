#!/usr/bin/env bash
# Recommendation quality over the wire against a default node, next to the
# offline replay (docs/evaluation.md, "Over the wire"). Each run:
#   1. starts personad with its defaults on a fresh data directory;
#   2. persona-eval --node: sends the training stream (every user's
#      interactions but the last) through `ingest` at full speed, waits
#      until stats says the item model caught up, and asks `recommend`
#      for every held-out user (HR@10, NDCG@10 as persona-eval computes them);
#   3. kills the node with SIGKILL, restarts it on the same directory,
#      waits until caught up, and asks again (persona-eval --no-ingest);
#   4. runs persona-eval --ask=end in-process with the node's profile
#      history (20 recent items, so exclude_seen covers the same items).
# Then prints each strategy's mean over the runs and the wire's difference.
#
# Usage: scripts/eval-wire.sh [--data=ml|cj] [--runs=3]
#   ml: ../shared/data/ml-latest-small (ratings, genres as categories)
#   cj: ../shared/data/completejourney (purchase lines, product categories)
# Needs a build (cmake --build build). Output goes to build/eval-wire/.
set -euo pipefail
cd "$(dirname "$0")/.."

data=ml
runs=3
for arg in "$@"; do
  case "$arg" in
    --data=*) data="${arg#--data=}" ;;
    --runs=*) runs="${arg#--runs=}" ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "eval-wire: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
case "$data" in
  ml) files=(--ratings=../shared/data/ml-latest-small/ratings.csv --items=../shared/data/ml-latest-small/movies.csv) ;;
  cj) files=(--ratings=../shared/data/completejourney/transactions_sample.csv
             --items=../shared/data/completejourney/products.csv) ;;
  *) echo "eval-wire: --data is ml or cj, got '$data'" >&2; exit 2 ;;
esac
personad=./build/net/personad
eval_tool=./build/tools/eval/persona-eval
for bin in "$personad" "$eval_tool"; do
  [ -x "$bin" ] || { echo "eval-wire: $bin is missing; build first (cmake --build build)" >&2; exit 2; }
done

out=build/eval-wire/$data
rm -rf "$out"
mkdir -p "$out"
source scripts/node.sh

for run in $(seq 1 "$runs"); do
  echo "== run $run/$runs: $data over the wire, kill -9, restart; then in-process"
  NODE_DATA="$(mktemp -d)"
  start_node "$personad"
  "$eval_tool" "${files[@]}" --no-baselines --node=127.0.0.1:"$NODE_PORT" > "$out/wire-$run.txt" 2> /dev/null
  kill -KILL "$NODE_PID"
  wait "$NODE_PID" 2> /dev/null || true
  start_node "$personad"
  "$eval_tool" "${files[@]}" --no-baselines --no-ingest --node=127.0.0.1:"$NODE_PORT" > "$out/restart-$run.txt" 2> /dev/null
  kill -TERM "$NODE_PID"
  wait "$NODE_PID" 2> /dev/null || true
  cp "$NODE_LOG" "$out/node-$run.log"
  rm -rf "$NODE_DATA"
  unset NODE_DATA
  "$eval_tool" "${files[@]}" --no-baselines --ask=end --history=20 > "$out/end-$run.txt" 2> /dev/null
  grep '^node' "$out/wire-$run.txt" "$out/restart-$run.txt" | sed 's/^[^:]*://'
done
trap - EXIT

/usr/bin/python3 - "$out" "$runs" <<'PY'
import re, sys
out, runs = sys.argv[1], int(sys.argv[2])
def figures(kind):
    rows = {}
    for run in range(1, runs + 1):
        for line in open(f"{out}/{kind}-{run}.txt"):
            m = re.match(r"\| Persona (\w+)\s+\| ([\d.]+) \|\s+([\d.]+) \|", line)
            if m:
                rows.setdefault(m.group(1), []).append((float(m.group(2)), float(m.group(3))))
    return {k: (sum(h for h, _ in v) / len(v), sum(n for _, n in v) / len(v)) for k, v in rows.items()}
end, wire, restart = figures("end"), figures("wire"), figures("restart")
def rel(a, b):
    return f"{(a / b - 1) * 100:+.1f}%" if b > 0 else "-"
print(f"\nmean of {runs} run(s); HR@10 / NDCG@10")
print("| strategy | --ask=end (in-process) | over the wire | after kill -9 and restart | wire vs end | restart vs end |")
print("| --- | --- | --- | --- | --- | --- |")
for s in ["auto", "item_cf", "mf", "content", "popular"]:
    e, w, r = end[s], wire[s], restart[s]
    print(f"| {s} | {e[0]:.4f} / {e[1]:.4f} | {w[0]:.4f} / {w[1]:.4f} | {r[0]:.4f} / {r[1]:.4f} "
          f"| {rel(w[0], e[0])} / {rel(w[1], e[1])} | {rel(r[0], e[0])} / {rel(r[1], e[1])} |")
PY
