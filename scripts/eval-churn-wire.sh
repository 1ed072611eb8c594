#!/usr/bin/env bash
# Churn risk and next purchase over the wire (docs/evaluation.md, "Churn
# and next purchase"): starts a default personad, sends the transaction
# CSV's purchases before the cut through `ingest` at full speed (rows with
# a quantity or amount of 0 or less dropped, as persona-eval --churn
# does), waits until the item model has taken every churn example, then
# asks `predict` of every household at the cut and reports the ROC AUC of
# churn_risk and the MAE of next_purchase_days next to the one-line
# baselines (days since the last basket; median gap minus it).
#
# Usage: scripts/eval-churn-wire.sh [--file=CSV] [--cut=2017-10-01]
#        [--horizon-days=30] [--batch=1000]
# (the default file is the Complete Journey sample in ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."

file=../shared/data/completejourney/transactions_sample.csv
cut=2017-10-01
horizon=30
batch=1000
for arg in "$@"; do
  case "$arg" in
    --file=*) file="${arg#--file=}" ;;
    --cut=*) cut="${arg#--cut=}" ;;
    --horizon-days=*) horizon="${arg#--horizon-days=}" ;;
    --batch=*) batch="${arg#--batch=}" ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "eval-churn-wire: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$file" ] || { echo "eval-churn-wire: no file '$file' (--file=CSV)" >&2; exit 2; }
personad=./build/net/personad
[ -x "$personad" ] || { echo "eval-churn-wire: build personad first (cmake --build build --target personad)" >&2; exit 2; }

source scripts/node.sh
start_node "$personad"
/usr/bin/python3 scripts/eval/churn_wire.py --port="$NODE_PORT" --file="$file" --cut="$cut" \
  --horizon-days="$horizon" --batch="$batch"
