#!/usr/bin/env bash
# Installs the Debian packages Persona needs to build, test and run its demo
# (tzdata: the Complete Journey walk-through reads New York local times).
# Quick when everything is already there: apt-get runs only for what is missing.
set -euo pipefail

packages=(
  build-essential cmake g++
  libcaf-dev libboost-dev libmsgpack-cxx-dev libeigen3-dev catch2
  libjemalloc-dev nlohmann-json3-dev python3-msgpack
  clang libclang-rt-14-dev
  redis-server
  tzdata
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
