#!/bin/sh
# Usage: propensity_shops.sh PERSONA_EVAL
# Passes when persona-eval measures the propensity model on two small
# simulated shops in turn: a row for each seed with an AUC above chance
# (the model learnt), then the lowest and mean AUC over the two.
out="$("$1" --propensity --propensity-seeds=4,5 --propensity-days=3 --propensity-users=5000 2>/dev/null)"
status=$?
if [ "$status" -ne 0 ]; then
  echo "persona-eval exited with $status; it printed: $out"
  exit 1
fi
fail() {
  echo "$1"
  echo "persona-eval printed: $out"
  exit 1
}
for seed in 4 5; do
  auc="$(echo "$out" | awk -F'|' -v s="$seed" '$2+0 == s && $2 ~ /[0-9]/ { gsub(/ /, "", $7); print $7 }')"
  [ -n "$auc" ] || fail "no row for seed $seed"
  awk -v a="$auc" 'BEGIN { exit !(a > 0.6 && a <= 1) }' || fail "seed $seed: AUC $auc is not above 0.6"
done
summary="$(echo "$out" | grep '^AUC over 2 shops: lowest ')" || fail "no summary over the two shops"
low="$(echo "$summary" | sed 's/.*lowest \([0-9.]*\),.*/\1/')"
mean="$(echo "$summary" | sed 's/.*mean \([0-9.]*\).*/\1/')"
awk -v l="$low" -v m="$mean" 'BEGIN { exit !(l > 0.6 && m >= l) }' || fail "lowest $low and mean $mean do not add up"
exit 0
