# Sourced by scripts that need a Redis server: start_redis starts
# redis-server on a free loopback port with the given extra arguments, in a
# fresh directory, waits until it answers, and sets REDIS_PID, REDIS_PORT and
# REDIS_DIR. stop_redis stops it and removes the directory.
start_redis() {
  command -v redis-server > /dev/null || { echo "redis-server is missing: run scripts/setup.sh"; return 1; }
  REDIS_DIR="$(mktemp -d)"
  REDIS_PORT=$(/usr/bin/python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --dir "$REDIS_DIR" --daemonize no \
    --logfile "$REDIS_DIR/redis.log" "$@" &
  REDIS_PID=$!
  for _ in $(seq 1 100); do
    redis-cli -p "$REDIS_PORT" ping > /dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "redis-server did not start:"
  cat "$REDIS_DIR/redis.log"
  return 1
}

stop_redis() {
  kill "$REDIS_PID" 2> /dev/null || true
  wait "$REDIS_PID" 2> /dev/null || true
  rm -rf "$REDIS_DIR"
}
