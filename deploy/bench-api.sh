#!/usr/bin/env bash
# Load benchmark of the HTTP API: `ctr serve` on the results of the Avazu sample (written to Redis by the
# pipeline itself, deploy/batch.sh, under the key prefix batch-avazu, on first use), loaded at a fixed
# rate from concurrent clients on /ctr/latest and /ctr/{campaign}/windows (ApiLoadBench); prints the
# rate held, errors and latency percentiles per route. Stops what it started (the server, and Redis if
# it was not running).
#
#   deploy/bench-api.sh                                  # 500 requests/s, 50 clients, 60 s (+10 s warm-up)
#   deploy/bench-api.sh --rate 2000 --clients 100 --seconds 30
#   API_PORT=18090 REDIS_PORT=6380 deploy/bench-api.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
port=${API_PORT:-18090}
redis_port=${REDIS_PORT:-6379}
prefix=batch-avazu
say() { printf 'bench-api: %s\n' "$*"; }

redis_was_up=0
redis-cli -p "$redis_port" ping >/dev/null 2>&1 && redis_was_up=1
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  if [ "$redis_was_up" = 0 ]; then REDIS_PORT=$redis_port deploy/stack.sh down >/dev/null 2>&1 && say "stopped the Redis it started"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

REDIS_PORT=$redis_port deploy/stack.sh up --no-kafka --no-flink
if [ -z "$(redis-cli -p "$redis_port" --scan --pattern "$prefix:*" | head -1)" ]; then
  say "no results under $prefix:* yet: running the pipeline over the Avazu sample (deploy/batch.sh, a minute or two)"
  REDIS_PORT=$redis_port deploy/batch.sh avazu > "$root/run/bench-api-batch.log" 2>&1 \
    || { tail -20 "$root/run/bench-api-batch.log" >&2; exit 1; }
fi

serving/ctr --version >/dev/null # builds serving/ if needed
deploy/classpath.sh tools
serving/ctr serve --port="$port" --redis-port="$redis_port" --prefix="$prefix" > "$root/run/bench-api-serve.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$root/run/bench-api-serve.log" >&2; exit 1; }
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { say "the server did not become healthy"; cat "$root/run/bench-api-serve.log" >&2; exit 1; }
say "ctr serve (pid $server) on port $port, reading Redis keys $prefix:*"
java -cp "tools/target/classes:$(cat tools/target/classpath.txt)" io.ctrstream.tools.apibench.ApiLoadBench \
  --base="http://127.0.0.1:$port" "$@"
