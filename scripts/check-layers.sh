#!/usr/bin/env bash
# Prints the include graph between core/'s folders and fails when a file
# includes a folder above its own, or when core/ includes CAF or Asio.
# The layers, bottom first (core/README.md says what each holds):
#   util < os < profile < model < query < store < storage
# A folder may include itself and any folder below it.
set -euo pipefail
cd "$(dirname "$0")/.."

layers=(util os profile model query store storage)
declare -A rank
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done

declare -A edges
bad=0
while IFS= read -r file; do
  from=$(cut -d/ -f2 <<<"$file")
  if [ -z "${rank[$from]+x}" ]; then
    echo "check-layers: $file is in core/$from/, which is not a layer; add it to the list above" >&2
    bad=1
    continue
  fi
  while IFS= read -r inc; do
    [ -n "$inc" ] || continue
    case "$inc" in
      caf/* | boost/asio*)
        echo "check-layers: $file includes <$inc>: core/ stays free of CAF and Asio" >&2
        bad=1
        continue
        ;;
      core/*) ;;
      *) continue ;;
    esac
    to=$(cut -d/ -f2 <<<"$inc")
    if [ -z "${rank[$to]+x}" ]; then
      echo "check-layers: $file includes $inc, which is in no layer of core/" >&2
      bad=1
      continue
    fi
    edges["$from -> $to"]=$(( ${edges["$from -> $to"]:-0} + 1 ))
    if (( rank[$to] > rank[$from] )); then
      echo "check-layers: $file includes $inc: core/$from may include only folders below it (${layers[*]:0:${rank[$from]}+1})" >&2
      bad=1
    fi
  done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/p' "$file")
done < <(find core -mindepth 2 -name '*.hpp' -o -mindepth 2 -name '*.cpp' | sort)

if [ -n "$(find core -maxdepth 1 -name '*.[ch]pp' -print -quit)" ]; then
  echo "check-layers: core/ has files outside its layer folders: $(find core -maxdepth 1 -name '*.[ch]pp' | tr '\n' ' ')" >&2
  bad=1
fi

echo "include graph of core/ (folder -> folder: includes):"
for from in "${layers[@]}"; do
  for to in "${layers[@]}"; do
    n=${edges["$from -> $to"]:-0}
    if [ "$from" != "$to" ] && [ "$n" -gt 0 ]; then printf '  %-8s -> %-8s %3d\n' "$from" "$to" "$n"; fi
  done
done
if [ "$bad" -ne 0 ]; then
  echo "check-layers: FAILED: move the file down, or the code it needs up (core/README.md)" >&2
  exit 1
fi
echo "check-layers: every include points down"
