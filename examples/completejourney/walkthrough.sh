#!/usr/bin/env bash
# The Complete Journey walk-through (docs/walkthrough-completejourney.md):
# starts a node, ingests the dataset's purchases with persona-cli, sets each
# household's demographics as attributes, defines segments a grocer would
# want, and clusters households on value and frequency (the elbow plot goes
# to build/walkthrough/elbow.svg). Reads the data where it lies: DATA_DIR
# (default ../shared/data/completejourney from the repository's root).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:-$root/../shared/data/completejourney}"
[ -f "$data/transactions_sample.csv" ] || { echo "no transactions_sample.csv in $data; pass the dataset's directory"; exit 2; }
cd "$root"
bash scripts/build.sh > /dev/null
out="$root/build/walkthrough"
mkdir -p "$out"
/usr/bin/python3 examples/completejourney/to_events.py "$data" "$out"
source scripts/node.sh
start_node ./build/net/personad
cli=(./build/tools/cli/persona-cli --port="$NODE_PORT")

echo "== ingest the purchases =="
"${cli[@]}" ingest "$out/events.jsonl" --batch=1000
echo "== set each household's demographics =="
/usr/bin/python3 - "$out/attributes.jsonl" "${cli[@]}" <<'PY'
import json, subprocess, sys
path, cli = sys.argv[1], sys.argv[2:]
n = 0
with open(path) as f:
    for line in f:
        row = json.loads(line)
        subprocess.run(cli + ["set-attrs", row["user"], json.dumps(row["attributes"])], check=True,
                       stdout=subprocess.DEVNULL)
        n += 1
print(f"{n} households have their demographics as attributes")
PY

echo "== segments a grocer would want =="
"${cli[@]}" segments define big_basket_regulars \
  '{"and": [{"field": "rfm.frequency", "op": ">=", "value": 40}, {"field": "rfm.avg_order_value", "op": ">=", "value": 3.5}]}'
"${cli[@]}" segments define lapsing_regulars \
  '{"and": [{"field": "rfm.frequency", "op": ">=", "value": 20}, {"field": "rfm.recency_days", "op": ">=", "value": 30}]}'
"${cli[@]}" segments define families_with_kids \
  '{"and": [{"field": "attributes.kids_count", "op": ">=", "value": 1}, {"field": "counts.purchase", "op": ">=", "value": 10}]}'
"${cli[@]}" segments list
echo "== what families with kids spend, on average =="
"${cli[@]}" query '{"segment": "families_with_kids"}' --limit=3 \
  --agg='[{"field": "rfm.monetary", "fn": "avg"}, {"field": "rfm.frequency", "fn": "avg"}]'

features=rfm.frequency,rfm.monetary,rfm.avg_order_value
echo "== the elbow: inertia for k = 2..8 on $features =="
"${cli[@]}" clusters elbow --k=2..8 --features="$features" --seed=7 --svg="$out/elbow.svg"
echo "== four clusters =="
"${cli[@]}" clusters train --k=4 --features="$features" --seed=7
echo "== one household's profile (value, tags, segments, cluster) =="
"${cli[@]}" get 1 --fields=attributes,rfm,tags,segments,cluster
