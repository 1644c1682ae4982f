#!/usr/bin/env bash
# The main job end to end on one machine: Kafka and Redis from deploy/stack.sh, the pipeline on
# embedded Flink ([local]) reading Kafka, the producer feeding it, the HTTP API and dashboard
# (serving/ctr serve, http://localhost:8090/) and a live table of per-campaign CTR read back from
# Redis (serving/ctr watch), until Ctrl-C; then it stops what it started.
#
#   deploy/run.sh                      # synthetic stream (campaign c1 cycles normal -> low -> high CTR)
#   deploy/run.sh --replay avazu       # the real Avazu sample instead, rebased to now, 60x speed
#   deploy/run.sh --replay ipinyou     # the real iPinYou sample (all clicks), rebased, 600x speed
#   deploy/run.sh --cluster            # run the job on the local Flink session cluster (UI :8081)
#   deploy/run.sh --rate 500           # generator: impressions per second
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
demo="$root/run/demo"
mkdir -p "$demo"
replay="" cluster=0 rate=200
while [ $# -gt 0 ]; do
  case "$1" in
    --replay) replay=${2:?--replay needs avazu or ipinyou}; shift 2 ;;
    --cluster) cluster=1; shift ;;
    --rate) rate=${2:?--rate needs a number}; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run: unknown option $1 (see deploy/run.sh --help)" >&2; exit 2 ;;
  esac
done
case "$replay" in ""|avazu|ipinyou) ;; *) echo "run: --replay expects avazu or ipinyou, got '$replay'" >&2; exit 2 ;; esac

say() { printf 'run: %s\n' "$*"; }

# what was running before, so that only what this script starts is stopped
already=$(deploy/stack.sh status 2>/dev/null | grep -c ' running ' || true)
if [ $cluster -eq 1 ]; then deploy/stack.sh up; else deploy/stack.sh up --no-flink; fi

say "building (first time: a few minutes)"
deploy/classpath.sh pipeline,producer,serving
pipeline_cp="pipeline/target/classes:$(cat pipeline/target/classpath.txt)"
producer_cp="producer/target/classes:$(cat producer/target/classpath.txt)"

group="demo-$(date +%s)"
job_flags=(--source=kafka --groupId="$group" --windowSize=10s --earlyFiringPeriod=2s --attributionWindow=15s
  --allowedLateness=1m --redisPort="${REDIS_PORT:-6379}" --bootstrapServers="127.0.0.1:${KAFKA_PORT:-9092}"
  "--kafkaProperties=auto.offset.reset=latest" --redisKeyPrefix=demo --breakdowns=device,region
  --trendWindow=1m --trendPeriod=10s)
# the demo writes under its own key prefix, so it never touches real results under ctr:*
redis-cli -p "${REDIS_PORT:-6379}" --scan --pattern 'demo:*' | xargs -r redis-cli -p "${REDIS_PORT:-6379}" del >/dev/null

pids=() job=""
cleanup() {
  trap - EXIT INT TERM
  trap '' PIPE # keep cleaning up even if our output went to a pipe that Ctrl-C closed
  echo
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "$job" ]; then
    curl -fsS -X PATCH "http://localhost:${FLINK_REST_PORT:-8081}/jobs/$job?mode=cancel" >/dev/null && say "cancelled job $job"
  fi
  if [ "$already" -eq 0 ]; then deploy/stack.sh down; else say "leaving the stack running (it was up before)"; fi
  [ -f "$demo/producer.log" ] && grep 'done:' "$demo/producer.log" | tail -1 || true
}
trap cleanup EXIT INT TERM

if [ $cluster -eq 1 ]; then
  job=$(deploy/submit.sh "${job_flags[@]}" | tee "$demo/pipeline.log" | sed -n 's/.*JobID \([0-9a-f]*\).*/\1/p')
  say "job $job on the local Flink cluster: http://localhost:${FLINK_REST_PORT:-8081}"
else
  say "starting the pipeline on embedded Flink (log: $demo/pipeline.log)"
  java -Xmx3g -cp "$pipeline_cp" io.ctrstream.pipeline.CtrPipeline --runner=FlinkRunner "${job_flags[@]}" \
    > "$demo/pipeline.log" 2>&1 &
  pids+=($!)
fi

# wait until the job's Kafka consumer is assigned before producing (it starts at the latest offsets)
for _ in $(seq 1 120); do
  grep -q 'is reading from topics' "$demo/pipeline.log" "run/stack/flink/log/"taskmanager-*.log 2>/dev/null && break
  if [ $cluster -eq 0 ] && ! kill -0 "${pids[0]}" 2>/dev/null; then say "the pipeline stopped:"; tail -20 "$demo/pipeline.log"; exit 1; fi
  sleep 1
done

case "$replay" in
  avazu) producer_args=(replay --impressions=../shared/data/avazu-sample/impressions.jsonl.gz
           --clicks=../shared/data/avazu-sample/clicks.jsonl.gz --rebase-time --speedup=60) ;;
  ipinyou) producer_args=(replay --impressions=../shared/data/ipinyou-s2-sample/impressions.jsonl.gz
           --clicks=../shared/data/ipinyou-s2-sample/clicks_all.jsonl.gz --rebase-time --speedup=600) ;;
  *) producer_args=(generate --rate="$rate" --campaigns=8 --ctr=0.08 --jitter=1s --duplicates=0.01
           --malformed=0.001 --orphans=0.01 --phase=c1:normal=1m,low=1m,high=1m) ;;
esac
say "feeding Kafka: ${producer_args[*]} (log: $demo/producer.log)"
java -cp "$producer_cp" io.ctrstream.producer.ProducerCli "${producer_args[@]}" \
  --bootstrap-servers="127.0.0.1:${KAFKA_PORT:-9092}" > "$demo/producer.log" 2>&1 &
pids+=($!)

read_flags=(--redis-port="${REDIS_PORT:-6379}" --prefix=demo)
serving/ctr serve "${read_flags[@]}" --port="${CTR_HTTP_PORT:-8090}" > "$demo/serve.log" 2>&1 &
pids+=($!)
serving/ctr watch "${read_flags[@]}" --tail="$demo/producer.log" --tail="$demo/serve.log"
