#!/usr/bin/env bash
# Benchmark of the job on the local Flink session cluster (deploy/stack.sh), in two phases:
#
#  1. throughput: preload N synthetic events into fresh topics, start the job, and time how fast it
#     consumes them (events/s from its first to its last parsed event, read from its Beam counters);
#  2. latency: feed a live stream (event time = now) at a fixed rate and measure, per window and
#     campaign, the time from the window's end to its ON_TIME result in Redis (the hash's
#     on_time_at); by design that includes the attribution window and the out-of-orderness bound.
#
# It also reports the TaskManager's peak memory (peak RSS from /proc, and peak JVM heap used). The
# preload's event times are spaced at 10,000 impressions/s; keyed state then holds about
# rate x (attribution window + allowed lateness) events, so the TaskManager gets 8 GiB here
# (TASKMANAGER_MEMORY), or use STATE_BACKEND=rocksdb.
#
#   deploy/bench.sh                      # N = 2,000,000 events, 60 s live at 2,000 impressions/s
#   deploy/bench.sh --events 200000 --live-seconds 30 --live-rate 1000
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
events=2000000 live_seconds=60 live_rate=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --live-seconds) live_seconds=$2; shift 2 ;;
    --live-rate) live_rate=$2; shift 2 ;;
    *) echo "bench: unknown option $1 (expected --events N, --live-seconds S, --live-rate R)" >&2; exit 2 ;;
  esac
done
run="${CTR_RUN_DIR:-$root/run/stack}"
rest="http://localhost:${FLINK_REST_PORT:-8081}"
kafka="127.0.0.1:${KAFKA_PORT:-9092}"
redis_port=${REDIS_PORT:-6379}
id="bench-$(date +%s)"
out="$root/run/$id"; mkdir -p "$out"
say() { printf 'bench: %s\n' "$*"; }

# state on the heap grows with the event rate times (attribution window + allowed lateness): give
# the TaskManager room unless the stack is already running (or use STATE_BACKEND=rocksdb)
export TASKMANAGER_MEMORY=${TASKMANAGER_MEMORY:-8192m}
deploy/stack.sh up
mvn -q -B -pl producer -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null
producer=(java -Xmx1g -cp "producer/target/classes:$(cat producer/target/classpath.txt)" io.ctrstream.producer.ProducerCli)
kafka_tool() { java -Xmx256m -Dlog4j.configuration="file:$run/kafka/tools-log4j.properties" -cp "deploy/services/target/kafka/*" "$@"; }
for t in "impressions-$id" "clicks-$id" "dead-letters-$id"; do
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$kafka" --create --topic "$t" --partitions 3 --replication-factor 1 >/dev/null
done

# 1. preload: impressions and about 5 % clicks make N events
impressions=$(( events * 100 / 105 ))
say "preloading ~$events events ($impressions impressions) into topics *-$id"
"${producer[@]}" generate --bootstrap-servers="$kafka" --impressions-topic="impressions-$id" --clicks-topic="clicks-$id" \
  --count="$impressions" --max-speed --rate=10000 --ctr=0.05 --seed=1 --progress-interval=10 | tee "$out/preload.log" | grep -E 'done|generate:' || true
sent=$(sed -n 's/.*done: sent \([0-9]*\), acked \([0-9]*\).*/\2/p' "$out/preload.log")
[ -n "$sent" ] || { say "the preload failed: $(tail -3 "$out/preload.log")"; exit 1; }

job=$(deploy/submit.sh --impressionsTopic="impressions-$id" --clicksTopic="clicks-$id" --deadLetterTopic="dead-letters-$id" \
  --groupId="$id" --redisKeyPrefix="$id" --redisPort="$redis_port" --bootstrapServers="$kafka" \
  --windowSize=10s --attributionWindow=15s --allowedLateness=1m 2>&1 | tee "$out/submit.log" | sed -n 's/.*JobID \([0-9a-f]*\).*/\1/p')
[ -n "$job" ] || { say "submit failed: $(cat "$out/submit.log")"; exit 1; }
say "job $job consuming $sent events"

tm_pid=$(cat "$run/flink/taskmanager-1.pid")
tm_id=$(curl -fsS "$rest/taskmanagers" | python3 -c 'import json,sys; print(json.load(sys.stdin)["taskmanagers"][0]["id"])')
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
    if n >= sent:
        break
    time.sleep(1)
if first is None or n < sent:
    print("incomplete: parsed %d of %d" % (n, sent)); sys.exit(1)
seconds = max(now - first[0], 1e-3)
print("throughput: %d events in %.1f s = %.0f events/s (first to last parsed event, 1 s resolution)" % (n - first[1], seconds, (n - first[1]) / seconds))
print("heap_peak_bytes %d" % heap)
PY
cat "$out/throughput.txt"

# 2. live: event time = now, so a window's on-time result can be timed against the wall clock
say "live phase: $live_rate impressions/s for ${live_seconds}s"
live_start=$(date +%s%3N)
"${producer[@]}" generate --bootstrap-servers="$kafka" --impressions-topic="impressions-$id" --clicks-topic="clicks-$id" \
  --rate="$live_rate" --duration="${live_seconds}s" --ctr=0.05 --seed=2 --jitter=1s --progress-interval=20 | tee "$out/live.log" | grep -E 'done' || true
live_end=$(date +%s%3N)
python3 - "$redis_port" "$id" "$live_start" "$live_end" "$tm_pid" "$rest" "$tm_id" <<'PY' | tee "$out/latency.txt"
import json, subprocess, sys, time, urllib.request
port, prefix, start, end, tm_pid, rest, tm = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
def redis(*a):
    return subprocess.run(["redis-cli", "-p", port, "--raw", *a], capture_output=True, text=True, check=True).stdout.split()
# windows wholly inside the live phase, whose on-time result is due by now + attribution window + slack
deadline = time.time() + 120
while True:
    keys = redis("--scan", "--pattern", prefix + ":campaign:*:window:*")
    lat = []; missing = 0
    for k in keys:
        ws = int(k.rsplit(":", 1)[1]); we = ws + 10_000
        if ws < start or we > end:
            continue
        v = redis("hmget", k, "on_time_at")
        if v and v[0].isdigit():
            lat.append(int(v[0]) - we)
        else:
            missing += 1
    if missing == 0 or time.time() > deadline:
        break
    time.sleep(2)
lat.sort()
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
say "taskmanager peak heap used (sampled each second): $(( heap / 1048576 )) MiB"
curl -fsS -X PATCH "$rest/jobs/$job?mode=cancel" >/dev/null && say "cancelled job $job; details in $out"
