#!/usr/bin/env bash
# persona-cli against a real node: ingest a CSV file with one bad row (exit 3,
# the rejection summarised), then read the profile and query it; define a
# segment, list it, page through its members, and watch a user enter it;
# train clusters; recommend, similar items and users, predict.
set -euo pipefail
personad="$1"
cli="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cat > "$dir/events.csv" <<'CSV'
user,type,item,price,ts,category
alice,view,sku-1,10.0,1767225600000,shoes
alice,purchase,sku-1,10.0,1767225660000,shoes
bob,teleport,sku-2,,1767225600000,
CSV
cat > "$dir/check.sh" <<CHECK
set -euo pipefail
set +e
"$cli" --port=\$1 ingest "$dir/events.csv" > "$dir/out.txt"
code=\$?
set -e
test \$code -eq 3 || { echo "expected exit 3 for rejections, got \$code"; exit 1; }
grep -q "2 accepted, 1 rejected" "$dir/out.txt"
grep -q "bad_type" "$dir/out.txt"
"$cli" --port=\$1 get alice --fields=rfm | grep -q '"monetary": 10.0'
"$cli" --port=\$1 query '{"tag": "active"}' --limit=5 | grep -q '"count": 1'
if "$cli" --port=\$1 get nobody 2> "$dir/err.txt"; then exit 1; fi
grep -q "error: not_found" "$dir/err.txt"
"$cli" --port=\$1 segments define buyers '{"field": "counts.purchase", "op": ">=", "value": 1}' | grep -q "buyers: 1 members"
"$cli" --port=\$1 segments list | grep -q "^buyers  *1 "
"$cli" --port=\$1 segments members buyers --all --limit=1 | grep -qx alice
"$cli" --port=\$1 subscribe buyers --count=1 > "$dir/events.jsonl" 2> /dev/null &
watcher=\$!
sleep 0.5
echo '{"user": "carol", "type": "purchase", "item": "sku-9", "price": 3}' > "$dir/carol.jsonl"
"$cli" --port=\$1 ingest "$dir/carol.jsonl" > /dev/null
wait \$watcher
grep -q '"user":"carol"' "$dir/events.jsonl"
grep -q '"entered":true' "$dir/events.jsonl"
"$cli" --port=\$1 segments drop buyers | grep -q dropped
"$cli" --port=\$1 clusters train --k=2 --features=counts.view,counts.purchase --seed=1 > "$dir/clusters.txt"
grep -q "counts.purchase" "$dir/clusters.txt"
grep -q "users clustered" "$dir/clusters.txt"
"$cli" --port=\$1 clusters elbow --k=1..2 --features=counts.view,counts.purchase --svg="$dir/elbow.svg" > /dev/null
grep -q "<polyline" "$dir/elbow.svg"
"$cli" --port \$1 clusters elbow --k 1..2 --features counts.view,counts.purchase --svg "$dir/elbow2.svg" > /dev/null
grep -q "<svg" "$dir/elbow2.svg"
printf '%s\n' '{"user": "dave", "type": "view", "item": "sku-1"}' '{"user": "dave", "type": "view", "item": "sku-2"}' > "$dir/dave.jsonl"
"$cli" --port=\$1 ingest "$dir/dave.jsonl" > /dev/null
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  "$cli" --port=\$1 similar-items sku-1 > "$dir/similar.txt" 2> /dev/null && grep -q "sku-2" "$dir/similar.txt" && break
  sleep 0.3
done
grep -q "^  1  sku-2" "$dir/similar.txt"
"$cli" --port=\$1 recommend alice --strategy=item_cf > "$dir/rec.txt"
grep -q "strategy: item_cf" "$dir/rec.txt"
grep -q "sku-2 .*often chosen with sku-1" "$dir/rec.txt"
"$cli" --port=\$1 recommend nobody --k=2 | grep -q "strategy: popular"
"$cli" --port=\$1 similar-users alice --k=3 | grep -q "dave"
"$cli" --port=\$1 predict alice | grep -q '"churn_risk"'
if "$cli" --port=\$1 recommend alice --strategy=best 2> "$dir/err2.txt"; then exit 1; fi
grep -q "error: bad_request: options.strategy must be one of" "$dir/err2.txt"
CHECK
"$(dirname "$0")/../../net/run_with_node.sh" "$personad" bash "$dir/check.sh" "{port}"
