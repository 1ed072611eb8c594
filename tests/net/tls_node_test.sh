#!/usr/bin/env bash
# TLS end to end: a throwaway CA and certificates (make_test_certs.sh), a
# TLS node and a node that also requires client certificates; the Python
# probes (tls_clients.py), the Python example and persona-cli over TLS;
# then the start check: a non-loopback bind without TLS and authentication
# exits 2 saying what to add, and starts with --insecure.
# Usage: tls_node_test.sh PERSONAD PERSONA-CLI PYTHON3
set -euo pipefail
personad="$1"
cli="$2"
python="$3"
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
"$here/make_test_certs.sh" "$dir/certs"
c="$dir/certs"

# start NAME ARGS...: starts a node logging to $dir/NAME.log; sets PORT.
start() {
  local name="$1"
  shift
  "$personad" --port=0 --data-dir= --shards=2 "$@" 2> "$dir/$name.log" &
  pids+=($!)
  PORT=""
  for _ in $(seq 1 200); do
    PORT="$(grep -o 'listening on [0-9.]*:[0-9]*' "$dir/$name.log" | head -1 | cut -d: -f2 || true)"
    [ -n "$PORT" ] && grep -q ' ready: ' "$dir/$name.log" && return 0
    sleep 0.05
  done
  echo "personad $name did not start:"
  cat "$dir/$name.log"
  return 1
}

start tls --tls-cert="$c/server.pem" --tls-key="$c/server.key"
tls_port=$PORT
start mtls --tls-cert="$c/server.pem" --tls-key="$c/server.key" --tls-ca="$c/ca.pem" \
  --tls-client-roles=feeder:ingest,query
mtls_port=$PORT

"$python" "$here/tls_clients.py" "$tls_port" "$mtls_port" "$c"
grep -q "plain TCP on a TLS node" "$dir/tls.log"
grep -q "TLS handshake failed" "$dir/mtls.log"

"$python" "$here/../../examples/python/persona_client.py" --port "$tls_port" --tls-ca "$c/ca.pem" > /dev/null
"$python" "$here/../../examples/python/persona_client.py" --port "$mtls_port" --tls-ca "$c/ca.pem" \
  --tls-cert "$c/client-feeder.pem" --tls-key "$c/client-feeder.key" > /dev/null
echo "Python example over TLS: ok"

"$cli" --port="$tls_port" --tls-ca="$c/ca.pem" ping | grep -q pong
"$cli" --port="$tls_port" --tls-ca="$c/ca.pem" stats | grep -q '"tls_handshake_failures": [1-9]'
"$cli" --host=localhost --port="$mtls_port" --tls-ca="$c/ca.pem" --tls-cert="$c/client-feeder.pem" \
  --tls-key="$c/client-feeder.key" get tls-user --fields=counts | grep -q '"purchase": 1'
if "$cli" --port="$tls_port" --tls-ca="$c/other-ca.pem" ping 2> "$dir/err.txt"; then exit 1; fi
grep -q "certificate verify failed" "$dir/err.txt"
if "$cli" --port="$tls_port" ping 2> /dev/null; then exit 1; fi
echo "persona-cli over TLS: ok"

# A node reachable from other machines needs TLS and authentication.
set +e
"$personad" --bind=0.0.0.0 --port=0 --data-dir= 2> "$dir/open.log"
code=$?
set -e
test $code -eq 2 || { echo "expected exit 2 for an open non-loopback node, got $code"; cat "$dir/open.log"; exit 1; }
grep -q -- "--tls-cert and --tls-key" "$dir/open.log"
grep -q -- "--insecure" "$dir/open.log"
start insecure --bind=0.0.0.0 --insecure
grep -q "warning .*started anyway (--insecure)" "$dir/insecure.log"
"$cli" --port="$PORT" ping | grep -q pong
start exposed_tls --bind=0.0.0.0 --tls-cert="$c/server.pem" --tls-key="$c/server.key" --tls-ca="$c/ca.pem"
echo "start check: ok"
