# Sourced by scripts that need a running node: start_node PERSONAD [ARGS...]
# starts personad on a free port with a fresh data directory NODE_DATA (or
# the one NODE_DATA already names, so a restarted node finds its data),
# waits until it is ready, sets NODE_PID and NODE_PORT, and arranges a
# graceful stop (SIGTERM) and the removal of NODE_DATA when the calling
# script exits.
start_node() {
  local personad="$1"
  shift
  NODE_LOG="$(mktemp)"
  NODE_DATA="${NODE_DATA:-$(mktemp -d)}"
  "$personad" --port=0 --data-dir="$NODE_DATA" "$@" 2> "$NODE_LOG" &
  NODE_PID=$!
  trap 'kill -TERM $NODE_PID 2>/dev/null || true; wait $NODE_PID 2>/dev/null || true; rm -rf "$NODE_LOG" "$NODE_DATA"' EXIT
  NODE_PORT=""
  for _ in $(seq 1 100); do
    NODE_PORT="$(grep -o 'listening on 127.0.0.1:[0-9]*' "$NODE_LOG" | head -1 | cut -d: -f2 || true)"
    [ -n "$NODE_PORT" ] && grep -q ' ready: ' "$NODE_LOG" && return 0
    sleep 0.05
  done
  echo "personad did not start:"
  cat "$NODE_LOG"
  return 1
}
