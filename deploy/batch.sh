#!/usr/bin/env bash
# A bounded replay of a real ad log from files: Redis from deploy/stack.sh, the pipeline on embedded
# Flink ([local]) writing to it, then the per-campaign CTR read back from Redis. Stops the Redis it
# started.
#
#   deploy/batch.sh                      # Avazu sample, 1-minute windows, 15 s attribution
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

# Redis from deploy/stack.sh (installed from Debian if missing); stopped again only if this started it
already=$(deploy/stack.sh status 2>/dev/null | grep -c ' running ' || true)
REDIS_PORT=$port deploy/stack.sh up --no-kafka --no-flink
cleanup() {
  if [ "$already" -eq 0 ]; then REDIS_PORT=$port deploy/stack.sh down; fi
}
trap cleanup EXIT

# its own key prefix, cleared first: the stack's Redis persists, and other runs write under ctr:*
prefix="batch-$sample"
redis-cli -p "$port" --scan --pattern "$prefix:*" | xargs -r redis-cli -p "$port" del >/dev/null
say "running the pipeline on $runner over the $sample sample (Redis keys $prefix:*)"
mvn -q -B -pl pipeline -am compile exec:exec -Drunner="$runner" -Dexec.args="--source=files \
  --impressionsFile=$imp --clicksFile=$clk $flags --redisPort=$port --redisKeyPrefix=$prefix \
  --output=$run_dir/$sample-results.jsonl --unattributedOutput=$run_dir/$sample-unattributed.jsonl \
  --deadLetterOutput=$run_dir/$sample-dead-letters.jsonl"

serving/ctr watch --once --redis-port="$port" --prefix="$prefix" --limit=15
say "every pane: $run_dir/$sample-results.jsonl; unattributed clicks and dead letters beside it"
