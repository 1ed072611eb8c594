# Sourced by the scripts: the Debian packages Persona needs, by purpose, and
# require_packages GROUP..., which fails naming the missing ones. Only
# scripts/setup.sh installs them; every other script checks and stops.
#   build: compile the libraries, programs and tests
#   test:  the default test suite (the Python example, openssl for test
#          certificates, Neovim's Python client, libFuzzer on clang, the
#          Redis baseline function)
#   lint:  scripts/lint.sh
#   walkthrough: the Complete Journey walk-through reads New York local times
declare -A persona_packages=(
  [build]="build-essential cmake g++ libcaf-dev libboost-dev libmsgpack-cxx-dev libeigen3-dev catch2
           libjemalloc-dev nlohmann-json3-dev libssl-dev"
  [test]="openssl python3-msgpack python3-pynvim clang libclang-rt-14-dev redis-server"
  [lint]="clang-format clang-tidy"
  [walkthrough]="tzdata"
)

# Prints the packages of the given groups that are not installed, one a line.
missing_packages() {
  local group p
  for group in "$@"; do
    for p in ${persona_packages[$group]}; do
      if ! dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed"; then
        echo "$p"
      fi
    done
  done
}

# Returns 0 when every package of the given groups is installed; otherwise
# says which are missing and returns 1. Without dpkg-query (not Debian) it
# checks nothing and leaves CMake to name what it cannot find.
require_packages() {
  command -v dpkg-query > /dev/null || return 0
  local missing
  missing="$(missing_packages "$@" | tr '\n' ' ')"
  if [ -n "$missing" ]; then
    echo "missing Debian packages: ${missing% }" >&2
    echo "run scripts/setup.sh (it installs them), then this again" >&2
    return 1
  fi
}
