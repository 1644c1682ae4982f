#!/usr/bin/env bash
# Runs the main job end to end on the embedded default: a local Redis (installed from Debian if
# missing), the pipeline on embedded Flink ([local]) replaying a real ad log into Redis, then the
# per-campaign CTR read back from Redis. Stops the Redis it started.
#
#   deploy/batch.sh                    # Avazu sample, 1-minute windows, 15 s attribution
#   deploy/batch.sh ipinyou              # iPinYou sample (all real clicks), 1 h windows, 30 min attribution
#   RUNNER=DirectRunner deploy/batch.sh  # the same on Beam's DirectRunner
#   REDIS_PORT=6380 deploy/batch.sh      # another Redis port
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/../shared/data"
sample=${1:-avazu}
runner=${RUNNER:-FlinkRunner}
port=${REDIS_PORT:-6379}
run_dir="$root/run"
mkdir -p "$run_dir"

say() { printf 'ctrstream: %s\n' "$*"; }

case "$sample" in
  avazu)
    imp="$data/avazu-sample/impressions.jsonl.gz"; clk="$data/avazu-sample/clicks.jsonl.gz"
    flags="--windowSize=60s --attributionWindow=15s" ;;
  ipinyou)
    imp="$data/ipinyou-s2-sample/impressions.jsonl.gz"; clk="$data/ipinyou-s2-sample/clicks_all.jsonl.gz"
    flags="--windowSize=1h --attributionWindow=30m" ;;
  *) echo "usage: deploy/batch.sh [avazu|ipinyou]" >&2; exit 2 ;;
esac
[ -f "$imp" ] || { echo "ctrstream: the shared samples are not at $data" >&2; exit 1; }

if ! command -v redis-server >/dev/null 2>&1; then
  say "installing redis-server from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
fi

started_redis=""
if redis-cli -p "$port" ping >/dev/null 2>&1; then
  say "using the Redis already answering on 127.0.0.1:$port"
else
  say "starting redis-server on 127.0.0.1:$port"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$run_dir/redis-$port.pid" --logfile "$run_dir/redis-$port.log"
  started_redis="$run_dir/redis-$port.pid"
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
cleanup() {
  if [ -n "$started_redis" ] && [ -f "$started_redis" ]; then
    say "stopping the redis-server it started"
    kill "$(cat "$started_redis")" 2>/dev/null || true
  fi
}
trap cleanup EXIT

say "running the pipeline on $runner over the $sample sample"
mvn -q -B -pl pipeline compile exec:exec -Drunner="$runner" -Dexec.args="--source=files \
  --impressionsFile=$imp --clicksFile=$clk $flags --redisPort=$port \
  --output=$run_dir/$sample-results.jsonl --unattributedOutput=$run_dir/$sample-unattributed.jsonl \
  --deadLetterOutput=$run_dir/$sample-dead-letters.jsonl"

say "newest complete window per campaign (Redis hash ctr:latest), top 15 by impressions:"
redis-cli -p "$port" --raw hgetall ctr:latest | python3 deploy/show_latest.py 15
say "every pane: $run_dir/$sample-results.jsonl; unattributed clicks and dead letters beside it"
