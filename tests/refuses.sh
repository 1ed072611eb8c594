#!/bin/sh
# Usage: refuses.sh EXPECTED PROGRAM [ARGS...]
# Passes when PROGRAM, run with ARGS, exits with status 2 and its standard
# error says EXPECTED: how the example and benchmark programs turn down
# arguments they do not take.
expected="$1"
shift
err="$("$@" 2>&1 >/dev/null)"
status=$?
if [ "$status" -ne 2 ]; then
  echo "expected exit status 2, got $status; stderr: $err"
  exit 1
fi
case "$err" in
  *"$expected"*) exit 0 ;;
esac
echo "expected stderr to say: $expected"
echo "it said: $err"
exit 1
