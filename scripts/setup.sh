#!/usr/bin/env bash
# Installs the Debian packages Persona needs to build, test, lint and run
# its demo (scripts/packages.sh lists them and says why). The only script
# that installs anything: it runs apt-get update once, then installs only
# what is missing, and does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh

mapfile -t missing < <(missing_packages build test lint walkthrough)
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
