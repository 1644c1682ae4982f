#!/usr/bin/env bash
# Benchmark of the job on the local Flink session cluster (deploy/stack.sh), against plain Flink SQL:
#
#  0. preload N synthetic events into fresh topics;
#  1. the same CTR as a plain Flink SQL job (bench/flink-sql: interval LEFT JOIN + tumbling window,
#     embedded, parallelism 2) reads them to the end: events/s from the job running to its last result;
#  2. throughput: the ctrstream job on the cluster consumes them: events/s from its first to its last
#     parsed event (its Beam counters), then the checkpointed state per live impression; one line
#     compares the two;
#  3. latency: a live stream (event time = now) at a fixed rate; per window and campaign, the time from
#     the window's end to its ON_TIME result in Redis (the hash's on_time_at); by design that includes
#     the attribution window and the out-of-orderness bound. The stream goes on for 30 s after the
#     measured --live-seconds (attribution window + out-of-orderness + 10 s): when a stream stops, its
#     watermark waits for the idle-partition timeout, and the last windows would measure that.
#
# It also reports the TaskManager's peak memory (peak RSS from /proc, and peak JVM heap used). It stops
# what it started (the job, and the stack if it was not running before), also on Ctrl-C, unless --keep.
#
#   deploy/bench.sh                      # N = 2,000,000 events, 60 s live at 2,000 impressions/s
#   deploy/bench.sh --events 200000 --live-seconds 30 --live-rate 1000
#   deploy/bench.sh --jfr 30             # also a 30 s flight recording of the TaskManager in phase 2
#   deploy/bench.sh --job-flags "--maxBundleSize=5000"   # extra job flags, for A/B runs
#   deploy/bench.sh --format avro        # the events as Avro records (single-object encoding, schemas/);
#                                        # no Flink SQL job then (its tables read JSON)
#   TASKMANAGER_MEMORY=2048m deploy/bench.sh             # a smaller TaskManager (default 4096m)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
events=2000000 live_seconds=60 live_rate=2000 keep=0 sql=1 jfr=0 job_flags="" format=json
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --live-seconds) live_seconds=$2; shift 2 ;;
    --live-rate) live_rate=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-sql) sql=0; shift ;;
    --jfr) jfr=$2; shift 2 ;;
    --job-flags) job_flags=$2; shift 2 ;;
    --format) format=$2; shift 2 ;;
    *) echo "bench: unknown option $1 (expected --events N, --live-seconds S, --live-rate R, --keep, --no-sql, --jfr S, --job-flags F, --format json|avro)" >&2; exit 2 ;;
  esac
done
case "$format" in
  json) format_args=() ;;
  avro) format_args=(--format=avro --avro-schema-dir="$root/schemas"); job_flags="--format=avro --avroSchemaDir=$root/schemas $job_flags"; sql=0 ;;
  *) echo "bench: --format expects json or avro, got '$format'" >&2; exit 2 ;;
esac
run="${CTR_RUN_DIR:-$root/run/stack}"
rest="http://localhost:${FLINK_REST_PORT:-8081}"
kafka="127.0.0.1:${KAFKA_PORT:-9092}"
redis_port=${REDIS_PORT:-6379}
id="bench-$(date +%s)"
out="$root/run/$id"; mkdir -p "$out"
say() { printf 'bench: %s\n' "$*"; }

# stop what this run started: the job always, the stack if it was not up before (unless --keep)
stack_was_up=0
curl -fsS "$rest/overview" >/dev/null 2>&1 && stack_was_up=1
job=""
cleanup() {
  [ "$keep" = 1 ] && { say "--keep: leaving the job ${job:-(none)} and the stack running"; return; }
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
producer=(java -Xmx1g -cp "producer/target/classes:$(cat producer/target/classpath.txt)" io.ctrstream.producer.ProducerCli)
kafka_tool() { java -Xmx256m -Dlog4j.configuration="file:$run/kafka/tools-log4j.properties" -cp "deploy/services/target/kafka/*" "$@"; }
for t in "impressions-$id" "clicks-$id" "dead-letters-$id" "impressions-$id-live" "clicks-$id-live" "dead-letters-$id-live"; do
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$kafka" --create --topic "$t" --partitions 3 --replication-factor 1 >/dev/null
done

# submit_job SUFFIX: the job on topics *-$id$SUFFIX, its results under the key prefix $id$SUFFIX; prints the job id
submit_job() {
  deploy/submit.sh --impressionsTopic="impressions-$id$1" --clicksTopic="clicks-$id$1" --deadLetterTopic="dead-letters-$id$1" \
    --groupId="$id$1" --redisKeyPrefix="$id$1" --redisPort="$redis_port" --bootstrapServers="$kafka" \
    --windowSize=10s --attributionWindow=15s --allowedLateness=1m $job_flags 2>&1 | tee "$out/submit$1.log" \
    | sed -n 's/.*JobID \([0-9a-f]*\).*/\1/p'
}

# 0. preload: impressions and about 5 % clicks make N events
impressions=$(( events * 100 / 105 ))
say "preloading ~$events events ($impressions impressions) into topics *-$id"
"${producer[@]}" generate --bootstrap-servers="$kafka" --impressions-topic="impressions-$id" --clicks-topic="clicks-$id" \
  --count="$impressions" --max-speed --rate=10000 --ctr=0.05 --seed=1 --progress-interval=10 ${format_args[@]+"${format_args[@]}"} | tee "$out/preload.log" | grep -E 'done|generate:' || true
sent=$(sed -n 's/.*done: sent \([0-9]*\), acked \([0-9]*\).*/\2/p' "$out/preload.log")
[ -n "$sent" ] || { say "the preload failed: $(tail -3 "$out/preload.log")"; exit 1; }

# 1. the same CTR in plain Flink SQL, on the same topics, before the job (not to share the cores)
sql_rate=""
if [ "$sql" = 1 ]; then
  [ -f bench/flink-sql/target/classpath.txt ] || { say "building bench/flink-sql (once)"; mvn -q -B -f bench/flink-sql/pom.xml package >/dev/null; }
  say "Flink SQL job on the same topics (embedded, parallelism 2)"
  java -Xmx3g -cp "bench/flink-sql/target/classes:$(cat bench/flink-sql/target/classpath.txt)" io.ctrstream.bench.FlinkSqlCtr \
    "$kafka" "impressions-$id" "clicks-$id" 10 15 2 "$sent" 2> "$out/flink-sql.log" | tee "$out/flink-sql.txt" \
    || say "the Flink SQL job failed: $(grep -m1 -E 'Exception|Error' "$out/flink-sql.log") (log: $out/flink-sql.log)"
  sql_rate=$(sed -n 's/.* = \([0-9]*\) events\/s.*/\1/p' "$out/flink-sql.txt")
fi

# 2. the ctrstream job
job=$(submit_job "")
[ -n "$job" ] || { say "submit failed: $(cat "$out/submit.log")"; exit 1; }
say "job $job consuming $sent events"

tm_pid=$(cat "$run/flink/taskmanager-1.pid")
tm_id=$(curl -fsS "$rest/taskmanagers" | python3 -c 'import json,sys; print(json.load(sys.stdin)["taskmanagers"][0]["id"])')
if [ "$jfr" -gt 0 ]; then
  jcmd "$tm_pid" JFR.start duration="${jfr}s" filename="$out/taskmanager.jfr" settings=profile >/dev/null
  say "flight recording of the TaskManager for ${jfr}s: $out/taskmanager.jfr (jfr print --events jdk.ExecutionSample)"
fi
python3 - "$rest" "$job" "$sent" "$tm_id" > "$out/throughput.txt" <<'PY'
import json, sys, time, urllib.parse, urllib.request
rest, job, sent, tm = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def get(path):
    return json.load(urllib.request.urlopen(rest + path, timeout=10))
def parsed():
    total = 0
    for v in get("/jobs/%s" % job)["vertices"]:
        base = "/jobs/%s/vertices/%s/subtasks/metrics" % (job, v["id"])
        ids = [m["id"] for m in get(base) if m["id"].endswith(("ctrstream_impressions_parsed", "ctrstream_clicks_parsed", "ctrstream_dead_letters"))]
        for i in ids:
            total += int(get(base + "?get=" + urllib.parse.quote(i) + "&agg=sum")[0]["sum"])
    return total
first = None; heap = 0; deadline = time.time() + 1800
while time.time() < deadline:
    n = parsed()
    now = time.time()
    try:
        heap = max(heap, int(float(get("/taskmanagers/%s/metrics?get=Status.JVM.Memory.Heap.Used" % tm)[0]["value"])))
    except Exception:
        pass
    if n > 0 and first is None:
        first = (now, n)
        checkpoints_before = get("/jobs/%s/checkpoints" % job)["counts"]["completed"]
    if n >= sent:
        break
    time.sleep(1)
if first is None or n < sent:
    print("incomplete: parsed %d of %d" % (n, sent)); sys.exit(1)
seconds = max(now - first[0], 1e-3)
checkpoints = get("/jobs/%s/checkpoints" % job)["counts"]["completed"] - checkpoints_before
print("throughput: %d events in %.1f s = %.0f events/s (first to last parsed event, 1 s resolution; %d checkpoints completed meanwhile)" % (
    n - first[1], seconds, (n - first[1]) / seconds, checkpoints))
print("heap_peak_bytes %d" % heap)
PY
cat "$out/throughput.txt"
rate=$(sed -n 's/.* = \([0-9]*\) events\/s.*/\1/p' "$out/throughput.txt")
if [ -n "$sql_rate" ] && [ -n "$rate" ]; then
  python3 -c "import sys; r, s = int(sys.argv[1]), int(sys.argv[2]); print('bench: ctrstream %d events/s, Flink SQL %d events/s: %.2fx' % (r, s, r / s))" "$rate" "$sql_rate"
fi
# the checkpointed state once a checkpoint has completed after the preload, per impr_id the join
# holds (its counter join_keys_live: keys created minus keys expired)
python3 - "$rest" "$job" <<'PY' | tee "$out/state.txt"
import json, sys, time, urllib.parse, urllib.request
rest, job = sys.argv[1], sys.argv[2]
get = lambda p: json.load(urllib.request.urlopen(rest + p, timeout=10))
def counter(suffix):
    total = 0
    for v in get("/jobs/%s" % job)["vertices"]:
        base = "/jobs/%s/vertices/%s/subtasks/metrics" % (job, v["id"])
        for m in get(base):
            if m["id"].endswith(suffix):
                total += int(float(get(base + "?get=" + urllib.parse.quote(m["id"]) + "&agg=sum")[0]["sum"]))
    return total
start = time.time()
first = get("/jobs/%s/checkpoints" % job)["counts"]["completed"]
while time.time() < start + 90:
    c = get("/jobs/%s/checkpoints" % job)
    if c["counts"]["completed"] > first and c["latest"]["completed"]:
        size = c["latest"]["completed"]["state_size"]
        time.sleep(11)  # Flink's REST metrics are refreshed every 10 s
        keys = counter("ctrstream_join_keys_live")
        print("state: checkpoint %d: %d bytes for %d impr_ids in the join's state = %.0f bytes per live impression" % (
            c["latest"]["completed"]["id"], size, keys, size / max(keys, 1)))
        break
    time.sleep(1)
else:
    print("state: no checkpoint completed within 90 s")
PY
# 3. live: a fresh job on fresh topics, so that the preload's windows (which all expire now that
# event time jumps to the present) do not weigh on the latency of the live windows
curl -fsS -X PATCH "$rest/jobs/$job?mode=cancel" >/dev/null && say "cancelled the throughput job $job"
job=$(submit_job "-live")
[ -n "$job" ] || { say "submit failed: $(cat "$out/submit-live.log")"; exit 1; }
running() { curl -fsS "$rest/jobs/$job" | python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if j["state"]=="RUNNING" and all(v["status"]=="RUNNING" for v in j["vertices"]) else 1)'; }
for _ in $(seq 1 120); do running && break; sleep 0.5; done
live_tail=30 # s the stream goes on after the measured windows, so that none of them waits for the idle timeout
say "live phase: job $job, $live_rate impressions/s for ${live_seconds}s (+${live_tail}s not measured)"
live_start=$(date +%s%3N)
"${producer[@]}" generate --bootstrap-servers="$kafka" --impressions-topic="impressions-$id-live" --clicks-topic="clicks-$id-live" \
  --rate="$live_rate" --duration="$(( live_seconds + live_tail ))s" --ctr=0.05 --seed=2 --jitter=1s --progress-interval=20 ${format_args[@]+"${format_args[@]}"} | tee "$out/live.log" | grep -E 'done' || true
live_end=$(( live_start + live_seconds * 1000 ))
python3 - "$redis_port" "$id-live" "$live_start" "$live_end" "$tm_pid" "$rest" "$tm_id" "$out/latency-windows.txt" <<'PY' | tee "$out/latency.txt"
import json, subprocess, sys, time, urllib.request
port, prefix, start, end, tm_pid, rest, tm = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
def redis(*a):
    return subprocess.run(["redis-cli", "-p", port, "--raw", *a], capture_output=True, text=True, check=True).stdout.split()
# windows wholly inside the live phase, whose on-time result is due by now + attribution window + slack
deadline = time.time() + 120
while True:
    keys = redis("--scan", "--pattern", prefix + ":campaign:*:window:*")
    lat = []; rows = []; missing = 0
    for k in keys:
        ws = int(k.rsplit(":", 1)[1]); we = ws + 10_000
        if ws < start or we > end:
            continue
        v = redis("hmget", k, "on_time_at")
        if v and v[0].isdigit():
            lat.append(int(v[0]) - we); rows.append((we, k.split(":")[2], int(v[0]) - we))
        else:
            missing += 1
    if missing == 0 or time.time() > deadline:
        break
    time.sleep(2)
lat.sort()
with open(sys.argv[8], "w") as f:  # per (window, campaign): window end (s after the live phase began), latency
    for we, campaign, ms in sorted(rows):
        f.write("%.1f %s %.1f\n" % ((we - start) / 1000, campaign, ms / 1000))
pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))]
print("latency: %d (campaign, window) on-time results; window end -> ON_TIME in Redis: p50 %.1f s, p99 %.1f s, max %.1f s (includes the 15 s attribution window + 5 s out-of-orderness the on-time pane waits for)" % (
    len(lat), pct(50) / 1000, pct(99) / 1000, lat[-1] / 1000) if lat else "latency: no windows measured")
if missing:
    print("latency: %d windows had no on-time result within the wait" % missing)
status = open("/proc/%s/status" % tm_pid).read()
hwm = [l for l in status.splitlines() if l.startswith("VmHWM")][0].split()[1]
print("taskmanager peak RSS: %.0f MiB" % (int(hwm) / 1024))
PY
heap=$(sed -n 's/heap_peak_bytes //p' "$out/throughput.txt")
say "taskmanager peak heap used (sampled each second): $(( heap / 1048576 )) MiB; details in $out"
