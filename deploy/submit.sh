#!/usr/bin/env bash
# Submits the job jar, unchanged, to a Flink session cluster with Flink's own CLI (`flink run -d`),
# detached, streaming from Kafka with checkpointing on. Every argument is a ctrstream/Beam flag and
# overrides the defaults below.
#
#   deploy/submit.sh                                   # local stack (deploy/stack.sh up)
#   deploy/submit.sh --windowSize=60s --allowedLateness=10m
#   FLINK_REST=flink.example.com:8081 deploy/submit.sh --bootstrapServers=kafka:9092 \
#     --kafkaPropertiesFile=/etc/ctrstream/kafka-client.properties \
#     --redisHost=redis.example.com --redisPasswordFile=/run/secrets/redis-password
#   (secrets live in files, never in flags: flags show in ps, the Flink UI and logs)
#   deploy/submit.sh --fromSavepoint=PATH <the job's flags>   # go on from a savepoint (deploy/stop.sh --savepoint)
#
# --fromSavepoint=PATH and --allowNonRestoredState are this script's (Flink's `run -s PATH` and `-n`),
# not the job's: an upgrade that drops a stateful step needs --allowNonRestoredState.
# Environment: FLINK_REST (default localhost:8081), CHECKPOINT_INTERVAL_MS (10000), CTR_RUN_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
run=${CTR_RUN_DIR:-$root/run/stack}
rest=${FLINK_REST:-localhost:${FLINK_REST_PORT:-8081}}
flink_jars="$root/deploy/services/target/flink"

restore=() job_flags=()
for arg in "$@"; do
  case "$arg" in
    --fromSavepoint=*) [ -n "${arg#*=}" ] || { echo "submit: --fromSavepoint needs a path" >&2; exit 2; }
                       restore+=(-s "${arg#*=}") ;;
    --allowNonRestoredState) restore+=(-n) ;;
    *) job_flags+=("$arg") ;;
  esac
done

# `|| true`: on a fresh clone there is no jar yet, and under pipefail the failing ls would end the script
job_jar() { ls "$root"/pipeline/target/ctrstream-pipeline-*-job.jar 2>/dev/null | head -1 || true; }
jar=$(job_jar)
if [ -z "$jar" ] || [ -n "$(find "$root/pipeline/src" "$root/pipeline/pom.xml" -newer "$jar" -type f | head -1)" ]; then
  echo "submit: building the job jar"
  mvn -q -B -f "$root/pom.xml" -pl pipeline -am package -DskipTests
  jar=$(job_jar)
fi
[ -d "$flink_jars" ] || mvn -q -B -f "$root/deploy/services/pom.xml" -Pflink package >/dev/null

conf="$run/flink/conf"
if [ ! -f "$conf/flink-conf.yaml" ]; then
  # a remote cluster: the CLI needs only a configuration directory
  conf=$(mktemp -d); printf 'rest.client.max-content-length: 209715200\n' > "$conf/flink-conf.yaml"
fi
mkdir -p "$run/flink/log"
echo "submit: $(basename "$jar") to http://$rest (detached)${restore:+, from savepoint ${restore[1]}}"
FLINK_CONF_DIR="$conf" java -Xmx512m -Dlog.file="$run/flink/log/client.log" \
  -Dlog4j.configurationFile="file:$root/deploy/flink-log4j.properties" \
  -cp "$flink_jars/*" org.apache.flink.client.cli.CliFrontend run -d -m "$rest" ${restore[@]+"${restore[@]}"} "$jar" \
  --runner=FlinkRunner --streaming=true --attachedMode=false --source=kafka \
  --checkpointingInterval="${CHECKPOINT_INTERVAL_MS:-10000}" ${job_flags[@]+"${job_flags[@]}"}
