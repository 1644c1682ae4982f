#!/usr/bin/env bash
# Soak benchmark: does the job's state stay bounded over a long run? The job runs on the local stack
# (deploy/stack.sh) against a live stream with campaign churn (new campaign ids every minute) and a
# high-cardinality breakdown (site_id), with a short --idleKeyRetention, so that every stateful step
# both gains and drops keys all the time. Every minute it samples:
#
#   events    impressions + clicks parsed so far
#   join      impr_ids in the join's state (join_keys_live)
#   tracked   keys in latest/previous (tracked_keys_live), alert  keys in the alert step (alert_keys_live)
#   ckpt_mib  the latest completed checkpoint's full size
#   heap_mib  the TaskManager's live heap: what a full garbage collection leaves (jcmd GC.class_histogram)
#
# and writes them to run/soak-<ts>/samples.tsv and the screen; at the end, over the second half of the
# run, each one's range and least-squares trend: state that levels off has a flat trend.
#
#   deploy/soak.sh                                  # 60 min at 5,000 events/s, 3,000 sites, churn 1m, retention 10m
#   deploy/soak.sh --minutes 10 --rate 2000 --sites 500 --retention 6m
#
# Stops what it started (the job, the producer, and the stack if it was not running) at the end or on Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

minutes=60; rate=5000; sites=3000; churn=1m; retention=10m
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --sites) sites=$2; shift 2 ;;
    --churn) churn=$2; shift 2 ;;
    --retention) retention=$2; shift 2 ;;
    *) echo "soak: unknown option $1 (expected --minutes N, --rate EVENTS_PER_S, --sites N, --churn DURATION, --retention DURATION)" >&2; exit 2 ;;
  esac
done
for n in "$minutes" "$rate" "$sites"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "soak: --minutes, --rate and --sites expect positive numbers, got '$n'" >&2; exit 2; }
done

run="${CTR_RUN_DIR:-$root/run/stack}"
rest="http://localhost:${FLINK_REST_PORT:-8081}"
kafka="127.0.0.1:${KAFKA_PORT:-9092}"
tm_metrics="http://localhost:$(( ${FLINK_PROMETHEUS_PORT:-9249} + 1 ))/metrics"
jm_metrics="http://localhost:${FLINK_PROMETHEUS_PORT:-9249}/metrics"
id="soak-$(date +%s)"
out="$root/run/$id"; mkdir -p "$out"
say() { printf 'soak: %s\n' "$*"; }

stack_was_up=0
curl -fsS "$rest/overview" >/dev/null 2>&1 && stack_was_up=1
job=""; producer_pid=""
cleanup() {
  [ -z "$producer_pid" ] || kill "$producer_pid" 2>/dev/null || true
  if [ -n "$job" ]; then
    curl -fsS -X PATCH "$rest/jobs/$job?mode=cancel" >/dev/null 2>&1 && say "cancelled job $job"
  fi
  if [ "$stack_was_up" = 0 ]; then
    deploy/stack.sh down >/dev/null 2>&1 && say "stopped the stack it started"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

deploy/stack.sh up
deploy/classpath.sh producer
kafka_tool() { java -Xmx256m -Dlog4j.configuration="file:$run/kafka/tools-log4j.properties" -cp "deploy/services/target/kafka/*" "$@"; }
for t in "impressions-$id" "clicks-$id" "dead-letters-$id"; do
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$kafka" --create --topic "$t" --partitions 3 --replication-factor 1 >/dev/null
done

job=$(deploy/submit.sh --impressionsTopic="impressions-$id" --clicksTopic="clicks-$id" --deadLetterTopic="dead-letters-$id" \
  --groupId="$id" --redisKeyPrefix="$id" --bootstrapServers="$kafka" --breakdowns=site_id \
  --idleKeyRetention="$retention" 2>&1 | tee "$out/submit.log" | sed -n 's/.*JobID \([0-9a-f]*\).*/\1/p')
[ -n "$job" ] || { say "the job was not submitted: $(tail -3 "$out/submit.log")"; exit 1; }
say "job $job; results under the Redis prefix $id; samples in $out/samples.tsv"

# events/s = impressions/s * (1 + ctr)
ctr=0.075
impressions_rate=$(python3 -c "print(round($rate / (1 + $ctr)))")
java -Xmx1g -cp "producer/target/classes:$(cat producer/target/classpath.txt)" io.ctrstream.producer.ProducerCli generate \
  --bootstrap-servers="$kafka" --impressions-topic="impressions-$id" --clicks-topic="clicks-$id" \
  --rate="$impressions_rate" --ctr="$ctr" --campaigns=20 --campaign-churn="$churn" --sites="$sites" \
  --duration="$((minutes + 1))m" --progress-interval=60 > "$out/producer.log" 2>&1 &
producer_pid=$!

tm_pid=$(cat "$run/flink/taskmanager-1.pid")
# sum of a metric over its series (a job counter over its subtasks) from a Prometheus endpoint;
# NA if the endpoint does not answer in three tries (a busy TaskManager can take its time)
metric() {
  local text
  for _ in 1 2 3; do
    if text=$(curl -fsS --max-time 20 "$1"); then
      awk -v m="$2" '$1 ~ "^"m"[{ ]" || $1 == m { s += $NF } END { printf "%d", s }' <<< "$text"
      return
    fi
  done
  printf NA
}
heap_after_gc() { # the live objects' bytes, which the histogram counts after a full collection
  jcmd "$tm_pid" GC.class_histogram | awk '/^Total/ { printf "%d", $3 / 1048576 }'
}
c=flink_taskmanager_job_task_operator_ctrstream_
printf 'minute\tevents\tjoin\ttracked\talert\tckpt_mib\theap_mib\n' | tee "$out/samples.tsv"
# a sample at every full minute of wall time since the start, however long the sampling takes
start=$SECONDS
for minute in $(seq 1 "$minutes"); do
  wait_s=$((start + 60 * minute - SECONDS))
  [ "$wait_s" -le 0 ] || sleep "$wait_s" # the sampling period, not a wait for a condition
  kill -0 "$producer_pid" 2>/dev/null || { say "the producer stopped early: $(tail -3 "$out/producer.log")"; exit 1; }
  state=$(curl -fsS "$rest/jobs/$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
  [ "$state" = RUNNING ] || { say "the job is $state"; exit 1; }
  impressions=$(metric "$tm_metrics" "${c}impressions_parsed"); clicks=$(metric "$tm_metrics" "${c}clicks_parsed")
  events=NA; [ "$impressions" = NA ] || [ "$clicks" = NA ] || events=$((impressions + clicks))
  ckpt=$(metric "$jm_metrics" flink_jobmanager_job_lastCheckpointFullSize)
  [ "$ckpt" = NA ] || ckpt=$((ckpt / 1048576))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$minute" "$events" "$(metric "$tm_metrics" "${c}join_keys_live")" \
    "$(metric "$tm_metrics" "${c}tracked_keys_live")" "$(metric "$tm_metrics" "${c}alert_keys_live")" \
    "$ckpt" "$(heap_after_gc)" | tee -a "$out/samples.tsv"
done

python3 - "$out/samples.tsv" <<'PY' | tee "$out/summary.txt"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
half = rows[len(rows) // 2:]
counted = [r for r in rows if r["events"] != "NA"]
rate = (float(counted[-1]["events"]) - float(counted[0]["events"])) / max(
    1, 60 * (float(counted[-1]["minute"]) - float(counted[0]["minute"])))
print("soak: %d minutes, %.0f events/s parsed" % (len(rows), rate))
# bounded state levels off: over the second half, its least-squares trend is flat
for k in ["join", "tracked", "alert", "ckpt_mib", "heap_mib"]:
    known = [r for r in half if r[k] != "NA"]  # a sample the endpoint did not answer
    xs = [float(r["minute"]) for r in known]
    ys = [float(r[k]) for r in known]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    print("soak: %-8s second half: min %9.0f, max %9.0f, mean %9.0f, trend %+.1f %% of the mean per 10 min"
          % (k, min(ys), max(ys), my, 100 * 10 * slope / my if my else 0.0))
PY
