#!/usr/bin/env bash
# The local stack as plain processes (no Docker): Redis, a single-node Kafka broker in KRaft mode and
# a Flink 1.19 standalone session cluster, and with --postgres a PostgreSQL server, all bound to
# localhost, all under one run directory.
#
#   deploy/stack.sh up [--taskmanagers N] [--no-kafka] [--no-flink] [--postgres] [--tls] [--prometheus] [--ha]
#                                                        start what is not running yet (safe to repeat)
#                                                        --ha: ZooKeeper and a second (standby) JobManager, with
#                                                        JobManager failover (high-availability.type: zookeeper)
#                                                        --tls: Redis and PostgreSQL on TLS only, with a CA and
#                                                        certificates made for the run ($CTR_RUN_DIR/tls/ca.crt)
#                                                        --prometheus: Debian's Prometheus, scraping the Flink
#                                                        processes and `ctr serve`, with deploy/prometheus/ alerts
#   deploy/stack.sh down                                 stop exactly what `up` started
#   deploy/stack.sh status                               what runs, with pids and ports
#   deploy/stack.sh kill-taskmanager N                   kill -9 TaskManager N (failure drills)
#   deploy/stack.sh kill-jobmanager N                    kill -9 JobManager N (1 or 2, with --ha)
#   deploy/stack.sh start-jobmanager N                   start JobManager N again
#   deploy/stack.sh start-taskmanager N                  start TaskManager N again
#   deploy/stack.sh stop redis|kafka|postgres|zookeeper  stop one service (SIGTERM: Redis writes its AOF)
#   deploy/stack.sh start redis|kafka|postgres|zookeeper start it (again, on its old storage)
#   deploy/stack.sh consume TOPIC [MAX]                  print up to MAX (10) records of a topic from the beginning
#
# A port it needs that a process it did not start already holds is an error naming the port and
# that process, not a service to use. Service jars come from Maven Central via
# deploy/services/pom.xml; redis-server from Debian.
# Environment: CTR_RUN_DIR (default <repo>/run/stack), REDIS_PORT (6379), REDIS_PASSWORD_FILE (Redis
# requires the password in that file; give the job --redisPasswordFile=<the same file>), KAFKA_PORT (9092),
# KAFKA_CONTROLLER_PORT (9093), FLINK_REST_PORT (8081), FLINK_RPC_PORT (6123), TOPIC_PARTITIONS (3),
# TASKMANAGER_MEMORY (4096m), TASK_SLOTS (2), STATE_BACKEND (hashmap: state on the heap, the default from
# 3 GiB of TaskManager up; rocksdb: on disk, the default below that, where the heap cannot hold the
# join's state at speed; docs/architecture.md),
# STATE_CHANGELOG (false; true: Flink's changelog state backend over the chosen one, checkpoints of the
# changes only, the whole state every STATE_CHANGELOG_MATERIALIZE, default 10min),
# TASKMANAGER_JVM_OPTS (further JVM flags of the TaskManagers; default -XX:+UseParallelGC, empty for G1),
# POSTGRES_PORT (5432), FLINK_PROMETHEUS_PORT (9249: the JobManager's metrics, TaskManager N's at 9249+N),
# PROMETHEUS_PORT (9090), CTR_HTTP_PORT (8090: the `ctr serve` Prometheus scrapes), ZOOKEEPER_PORT (2181);
# with --ha the second JobManager's REST and RPC ports are FLINK_REST_PORT + 1 and FLINK_RPC_PORT + 1,
# its metrics FLINK_PROMETHEUS_PORT - 1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
run=${CTR_RUN_DIR:-$root/run/stack}
services="$root/deploy/services"
redis_port=${REDIS_PORT:-6379}
kafka_port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
rest_port=${FLINK_REST_PORT:-8081}
rpc_port=${FLINK_RPC_PORT:-6123}
postgres_port=${POSTGRES_PORT:-5432}
flink_prom_port=${FLINK_PROMETHEUS_PORT:-9249}
prometheus_port=${PROMETHEUS_PORT:-9090}
zookeeper_port=${ZOOKEEPER_PORT:-2181}
partitions=${TOPIC_PARTITIONS:-3}
topics=(impressions clicks ctr-dead-letters ctr-alerts ctr-results)

say() { printf 'stack: %s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# processes: one pid file per process; "alive" means the pid runs the command we started

alive() { # pidfile pattern
  [ -f "$1" ] || return 1
  local pid; pid=$(cat "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

stop() { # name pidfile pattern
  if alive "$2" "$3"; then
    local pid; pid=$(cat "$2")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    say "stopped $1 (pid $pid)"
  fi
  rm -f "$2"
}

wait_for() { # description seconds command...
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what not ready after ${seconds}s (logs: $run)"
    sleep 0.5
  done
}

java_bin() { command -v java || die "java not found"; }

# ---------------------------------------------------------------------------------------------
# ports: one this script needs, held by a process it did not start, stops it with one line

port_owner() { # port -> "pid N (command)" of its listener, empty if unknown
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/pid \2 (\1)/p' | head -n 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_after_kill() { # port name: wait until the killed process' listening port is closed
  local port=$1
  for _ in $(seq 1 300); do port_in_use "$port" || return 0; sleep 0.1; done
  die "$2's port $port is still open 30 s after it was killed"
}

require_free_port() { # port service variable
  port_in_use "$1" || return 0
  local owner; owner=$(port_owner "$1")
  die "port $1 ($2) is taken by ${owner:-a process} that this script did not start: stop it, or set $3 to another port"
}

# ---------------------------------------------------------------------------------------------
# jars

jars() { # kafka|flink|zookeeper
  local dir="$services/target/$1"
  # again when the pom changed since (a jar added to it)
  if [ ! -d "$dir" ] || [ -z "$(ls "$dir" 2>/dev/null)" ] || [ "$services/pom.xml" -nt "$dir" ]; then
    # stdout of this function is the directory (callers capture it): messages go to stderr
    say "resolving the $1 jars from Maven Central (once)" >&2
    mvn -q -B -f "$services/pom.xml" -P"$1" package >&2 || die "could not resolve the $1 jars"
    touch "$dir"
  fi
  echo "$dir"
}

# ---------------------------------------------------------------------------------------------
# TLS: a CA of the run and a certificate for 127.0.0.1/localhost signed by it (openssl), made once.
# The CA's key stays in the run directory; clients trust ca.crt (--redisCaFile, sslrootcert).

tls_dir() { echo "$run/tls"; }

tls_certs() {
  local dir; dir=$(tls_dir)
  [ -s "$dir/server.crt" ] && [ -s "$dir/client.p12" ] && return 0
  command -v openssl >/dev/null 2>&1 || die "--tls needs openssl (Debian package openssl)"
  mkdir -p "$dir"
  (
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
      -subj "/CN=ctrstream local stack CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
      -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' > "$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
      -days 30 -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
    # a client certificate of the same CA, as a PKCS12 keystore with its password in a file
    # (--redisClientKeystore, --redisClientKeystorePasswordFile)
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=ctrstream job" \
      -keyout "$dir/client.key" -out "$dir/client.csr" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' > "$dir/client.ext"
    openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
      -days 30 -extfile "$dir/client.ext" -out "$dir/client.crt" 2>/dev/null
    head -c 18 /dev/urandom | base64 | tr -d '/+=\n' > "$dir/client.p12.password"
    openssl pkcs12 -export -inkey "$dir/client.key" -in "$dir/client.crt" -certfile "$dir/ca.crt" \
      -passout "file:$dir/client.p12.password" -out "$dir/client.p12"
  ) || die "could not make the TLS certificates in $dir"
  chmod 644 "$dir/ca.crt" "$dir/server.crt"
  say "tls: CA and certificates for 127.0.0.1 in $dir (clients trust $dir/ca.crt; a client certificate: $dir/client.p12)"
}

# ---------------------------------------------------------------------------------------------
# Redis

redis_up() {
  local dir="$run/redis"; mkdir -p "$dir"
  if ! command -v redis-server >/dev/null 2>&1; then
    say "installing redis-server from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq redis-server >/dev/null || die "could not install redis-server"
  fi
  if alive "$dir/redis.pid" redis-server; then say "redis already running (pid $(cat "$dir/redis.pid"))"; return; fi
  require_free_port "$redis_port" redis REDIS_PORT
  local conf=()
  if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then
    [ -r "$REDIS_PASSWORD_FILE" ] || die "REDIS_PASSWORD_FILE=$REDIS_PASSWORD_FILE is not a readable file"
    # requirepass in a config file only this user reads, not on the command line where ps shows it
    (umask 077; printf 'requirepass "%s"\n' "$(tr -d '\r\n' < "$REDIS_PASSWORD_FILE")" > "$dir/auth.conf")
    conf=("$dir/auth.conf")
  fi
  # with TLS (up --tls, remembered for restarts): its TLS port only, the plain one closed
  local ports=(--port "$redis_port") cli=() mode=""
  if [ "${with_tls:-0}" = 1 ] || [ -f "$dir/tls" ]; then
    tls_certs; touch "$dir/tls"
    local t; t=$(tls_dir)
    ports=(--port 0 --tls-port "$redis_port" --tls-cert-file "$t/server.crt" --tls-key-file "$t/server.key"
      --tls-ca-cert-file "$t/ca.crt" --tls-auth-clients optional)
    cli=(--tls --cacert "$t/ca.crt"); mode=" (TLS only)"
  fi
  redis-server ${conf[@]+"${conf[@]}"} "${ports[@]}" --bind 127.0.0.1 --dir "$dir" --appendonly yes --save "" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  # PONG, not just an answer: while it loads its append-only file Redis answers "LOADING" (exit 0);
  # redis-cli takes the password from REDISCLI_AUTH, not from its command line
  redis_ready() {
    [ "$(REDISCLI_AUTH="$([ -z "${REDIS_PASSWORD_FILE:-}" ] || tr -d '\r\n' < "$REDIS_PASSWORD_FILE")" \
      redis-cli ${cli[@]+"${cli[@]}"} -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ]
  }
  wait_for "redis" 60 redis_ready
  say "redis up on 127.0.0.1:$redis_port$mode (pid $(cat "$dir/redis.pid"))"
}

# ---------------------------------------------------------------------------------------------
# Kafka (KRaft, one node acting as broker and controller)

kafka_cp() { echo "$(jars kafka)/*"; }

kafka_tool() { # class args...
  local class=$1; shift
  "$(java_bin)" -Xmx256m -Dlog4j.configuration="file:$run/kafka/tools-log4j.properties" -cp "$(kafka_cp)" "$class" "$@"
}

kafka_up() {
  local dir="$run/kafka"; mkdir -p "$dir/data"
  if alive "$dir/kafka.pid" kafka.Kafka; then say "kafka already running (pid $(cat "$dir/kafka.pid"))"; return; fi
  require_free_port "$kafka_port" kafka KAFKA_PORT
  require_free_port "$controller_port" "kafka controller" KAFKA_CONTROLLER_PORT
  cat > "$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=$partitions
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
  cat > "$dir/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$dir/kafka.log
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  printf 'log4j.rootLogger=ERROR, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stderr.layout.ConversionPattern=%%p %%m%%n\n' > "$dir/tools-log4j.properties"
  if [ ! -f "$dir/data/meta.properties" ]; then
    local cluster_id; cluster_id=$(kafka_tool kafka.tools.StorageTool random-uuid)
    kafka_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" >/dev/null
    say "kafka storage formatted (cluster id $cluster_id)"
  fi
  nohup "$(java_bin)" -Xms512m -Xmx1g -XX:+UseG1GC -Dlog4j.configuration="file:$dir/log4j.properties" \
    -cp "$(kafka_cp)" kafka.Kafka "$dir/server.properties" > "$dir/kafka.out" 2>&1 &
  echo $! > "$dir/kafka.pid"
  wait_for "kafka" 90 kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$kafka_port" --list
  for t in "${topics[@]}"; do
    kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$kafka_port" --create \
      --if-not-exists --topic "$t" --partitions "$partitions" --replication-factor 1 >/dev/null
  done
  say "kafka up on 127.0.0.1:$kafka_port (pid $(cat "$dir/kafka.pid")), topics: ${topics[*]} ($partitions partitions)"
}

# ---------------------------------------------------------------------------------------------
# Flink standalone session cluster

# The state backend: STATE_BACKEND if set, else rocksdb for a TaskManager under 3 GiB (the heap holds
# about 1 KB per live impression, and a 2 GiB TaskManager's 1.1 GiB of task heap then spends its time
# in garbage collection; docs/architecture.md, "Runner settings"), else hashmap.
state_backend() {
  if [ -n "${STATE_BACKEND:-}" ]; then echo "$STATE_BACKEND"; return; fi
  local mem=${TASKMANAGER_MEMORY:-4096m} mib=4096
  if [[ ${mem,,} =~ ^([0-9]+)(g|gb)$ ]]; then mib=$(( BASH_REMATCH[1] * 1024 ));
  elif [[ ${mem,,} =~ ^([0-9]+)(m|mb)$ ]]; then mib=${BASH_REMATCH[1]}; fi
  [ "$mib" -lt 3072 ] && echo rocksdb || echo hashmap
}

flink_conf() {
  local backend; backend=$(state_backend)
  local dir="$run/flink"; mkdir -p "$dir/conf" "$dir/log" "$dir/checkpoints" "$dir/savepoints" "$dir/tmp"
  cat > "$dir/conf/flink-conf.yaml" <<EOF
jobmanager.rpc.address: localhost
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: localhost
taskmanager.bind-host: localhost
taskmanager.host: localhost
rest.address: localhost
rest.bind-address: localhost
rest.port: $rest_port
jobmanager.memory.process.size: 1024m
taskmanager.memory.process.size: ${TASKMANAGER_MEMORY:-4096m}
taskmanager.numberOfTaskSlots: ${TASK_SLOTS:-2}
parallelism.default: 2
state.backend.type: $backend
state.backend.incremental: true
# STATE_CHANGELOG=true: checkpoints write the state's changes since the last one instead of all of
# it, and the whole state only at each materialization (every 10 min); opt-in
state.backend.changelog.enabled: ${STATE_CHANGELOG:-false}
state.backend.changelog.storage: filesystem
state.backend.changelog.periodic-materialize.interval: ${STATE_CHANGELOG_MATERIALIZE:-10min}
dstl.dfs.base-path: file://$dir/changelog
# managed memory is RocksDB's (and batch jobs'); with state on the heap it would only shrink the heap
taskmanager.memory.managed.fraction: $([ "$backend" = rocksdb ] && echo 0.4 || echo 0.05)
state.checkpoints.dir: file://$dir/checkpoints
state.savepoints.dir: file://$dir/savepoints
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
# A TaskManager that died is noticed after 2 failed heartbeat RPCs (heartbeat.rpc-failure-threshold),
# so 2 s apart instead of Flink's 10 s; an unresponsive one after 20 s instead of 50 s (a full GC of
# a 2-4 GiB heap takes well under that). kill -9 to every task running again: 21-29 s before.
heartbeat.interval: 2000
heartbeat.timeout: 20000
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 1000
restart-strategy.fixed-delay.delay: 2 s
metrics.fetcher.update-interval: 1000
# every process serves its metrics to Prometheus (the port is set per process: FLINK_PROMETHEUS_PORT)
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
rest.server.max-content-length: 209715200
rest.client.max-content-length: 209715200
io.tmp.dirs: $dir/tmp
web.upload.dir: $dir/tmp
EOF
  # up --ha (remembered for restarts): the leader is elected in ZooKeeper, and the job graphs and
  # the pointers to their latest checkpoints survive a JobManager in the storage directory
  if [ -e "$dir/ha" ]; then
    cat >> "$dir/conf/flink-conf.yaml" <<EOF
high-availability.type: zookeeper
high-availability.zookeeper.quorum: 127.0.0.1:$zookeeper_port
high-availability.zookeeper.path.root: /flink
high-availability.cluster-id: /ctrstream
high-availability.storageDir: file://$dir/ha-storage
# a killed leader's ZooKeeper session, and with it its leadership, ends after 30 s (Flink: 60 s);
# a ZooKeeper restart shorter than that keeps the sessions, and the leaders keep leading meanwhile
# instead of suspending every job on the lost connection; ZooKeeper calls are retried meanwhile
high-availability.zookeeper.client.session-timeout: 30000
high-availability.zookeeper.client.connection-timeout: 5000
high-availability.zookeeper.client.tolerate-suspended-connections: true
high-availability.zookeeper.client.retry-wait: 2000
high-availability.zookeeper.client.max-retry-attempts: 10
EOF
  fi
  cp "$root/deploy/flink-log4j.properties" "$dir/conf/log4j.properties"
}

flink_cp() { echo "$(jars flink)/*"; }

# Flink's own scripts compute the JVM memory flags with BashJavaUtils; so do we.
bash_java_utils() { # GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS -> two lines: jvm args, dynamic configs
  "$(java_bin)" -cp "$(flink_cp)" -Dlog.file="$run/flink/log/bash-java-utils.log" \
    -Dlog4j2.configurationFile="file:$run/flink/conf/log4j.properties" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$run/flink/conf" 2>&1 \
    | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://' | tail -n 2
}

flink_start() { # name main-class utils-command prometheus-port [-D key=value ...]
  local dir="$run/flink" name=$1 main=$2 utils=$3 prom=$4; shift 4
  local params jvm dynamic
  params=$(bash_java_utils "$utils")
  [ "$(echo "$params" | wc -l)" -eq 2 ] || die "BashJavaUtils gave no memory settings for $name: $params"
  jvm=$(echo "$params" | head -n 1); dynamic=$(echo "$params" | tail -n 1)
  # The parallel collector: the join's state lives about a window and a half, so each impression's
  # objects are copied out of the young generation, where G1's young pauses cost more than the
  # parallel collector's (docs/architecture.md, "The figures behind each design choice").
  case "$name" in taskmanager-*) jvm="$jvm ${TASKMANAGER_JVM_OPTS--XX:+UseParallelGC}" ;; esac
  # shellcheck disable=SC2086 # jvm and dynamic are lists of flags
  nohup "$(java_bin)" $jvm -Dlog.file="$dir/log/$name.log" \
    -Dlog4j.configuration="file:$dir/conf/log4j.properties" \
    -Dlog4j.configurationFile="file:$dir/conf/log4j.properties" \
    -cp "$(flink_cp)" "$main" --configDir "$dir/conf" $dynamic -D metrics.reporter.prom.port="$prom" "$@" \
    > "$dir/log/$name.out" 2>&1 &
  echo $! > "$dir/$name.pid"
}

rest() { curl -fsS --max-time 5 "http://localhost:$rest_port$1"; }

taskmanagers_registered() { rest /overview | grep -o '"taskmanagers":[0-9]*' | cut -d: -f2; }

start_taskmanager() { # N
  local dir="$run/flink" name="taskmanager-$1"
  if alive "$dir/$name.pid" TaskManagerRunner; then say "$name already running (pid $(cat "$dir/$name.pid"))"; return; fi
  require_free_port $((flink_prom_port + $1)) "$name metrics" FLINK_PROMETHEUS_PORT
  flink_start "$name" org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS \
    $((flink_prom_port + $1))
  say "$name started (pid $(cat "$dir/$name.pid")), metrics at http://localhost:$((flink_prom_port + $1))/metrics"
  prometheus_targets
}

jobmanager_pid() { # N: JobManager 1's pid file keeps its name from before --ha
  if [ "$1" = 1 ]; then echo "$run/flink/jobmanager.pid"; else echo "$run/flink/jobmanager-$1.pid"; fi
}

start_jobmanager() { # N (1, or 2 with --ha): REST on FLINK_REST_PORT + N - 1
  local dir="$run/flink" n=$1 pid; pid=$(jobmanager_pid "$1")
  local rest=$((rest_port + n - 1)) rpc=$((rpc_port + n - 1)) prom=$((flink_prom_port - n + 1))
  if alive "$pid" StandaloneSessionClusterEntrypoint; then
    say "flink jobmanager $n already running (pid $(cat "$pid"))"; return
  fi
  require_free_port "$rest" "flink rest" FLINK_REST_PORT
  require_free_port "$rpc" "flink rpc" FLINK_RPC_PORT
  require_free_port "$prom" "flink jobmanager metrics" FLINK_PROMETHEUS_PORT
  flink_start "$(basename "$pid" .pid)" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    GET_JM_RESOURCE_PARAMS "$prom" -D rest.port="$rest" -D jobmanager.rpc.port="$rpc"
  local up; up() { curl -fsS --max-time 5 "http://localhost:$rest/config" >/dev/null; }
  wait_for "flink jobmanager $n" 90 up
  say "flink jobmanager $n up, UI at http://localhost:$rest (pid $(cat "$pid")), state backend $(state_backend)"
  prometheus_targets
}

flink_up() { # taskmanagers
  local dir="$run/flink" n=$1
  flink_conf
  start_jobmanager 1
  wait_for "flink jobmanager 1 to lead" 90 rest /overview
  # the standby: it takes over the jobs, from their latest checkpoints, when the leader is lost
  [ ! -e "$dir/ha" ] || start_jobmanager 2
  for i in $(seq 1 "$n"); do start_taskmanager "$i"; done
  local registered_enough
  registered_enough() { [ "$(taskmanagers_registered)" -ge "$n" ]; }
  wait_for "$n flink taskmanager(s)" 90 registered_enough
  say "flink: $(taskmanagers_registered) taskmanager(s) registered"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL: Debian's server binaries, a cluster of its own (user ctrstream, database ctrstream,
# password login over TCP with a generated password in <dir>/password, readable by this user only).
# The server refuses to run as root, so as root it runs as the postgres OS user; its directory is
# $run/postgres if that user can reach it, else one under /tmp named after the run directory;
# $run/postgres.properties names the job's flags (jdbcUrl, jdbcUser, jdbcPasswordFile) either way.

pg_bin() { # the newest installed server's bin directory; installs Debian's postgresql if there is none
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ]; then
    say "installing postgresql from Debian" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; } >&2 || die "could not install postgresql"
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  [ -x "$bin/postgres" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
  echo "$bin"
}

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_dir() {
  mkdir -p "$run"
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$run"; then
    echo "$run/postgres"
  else
    echo "/tmp/ctrstream-postgres-$(printf '%s' "$run" | cksum | cut -d' ' -f1)"
  fi
}

pg_running() { [ -f "$1/data/postmaster.pid" ] && as_pg "$2/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

postgres_up() {
  local bin dir; bin=$(pg_bin); dir=$(pg_dir)
  if pg_running "$dir" "$bin"; then say "postgres already running ($dir)"; return; fi
  require_free_port "$postgres_port" postgres POSTGRES_PORT
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
  if [ ! -s "$dir/password" ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$dir/password")
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    local pwfile="$dir/.initdb-password"
    (umask 077; cp "$dir/password" "$pwfile")
    [ "$(id -u)" -ne 0 ] || chown postgres: "$pwfile"
    as_pg "$bin/initdb" -D "$dir/data" -U ctrstream --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 > "$dir/initdb.log" 2>&1 \
      || { rm -f "$pwfile"; die "initdb failed (log: $dir/initdb.log)"; }
    rm -f "$pwfile"
    say "postgres cluster created in $dir/data"
  fi
  # with TLS (up --tls, remembered for restarts): ssl on, and TCP clients must use it (hostssl)
  local ssl_opts="" url_tls=""
  if [ "${with_tls:-0}" = 1 ] || [ -f "$dir/tls" ]; then
    tls_certs; touch "$dir/tls"
    local t; t=$(tls_dir)
    cp "$t/server.crt" "$t/server.key" "$t/ca.crt" "$dir/"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/server.crt" "$dir/server.key" "$dir/ca.crt"
    chmod 600 "$dir/server.key"
    if ! grep -q '^hostssl' "$dir/data/pg_hba.conf"; then
      sed -i 's/^host\([[:space:]]\)/hostssl\1/' "$dir/data/pg_hba.conf"
    fi
    ssl_opts="-c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key -c ssl_ca_file=$dir/ca.crt"
    url_tls="?sslmode=verify-full&sslrootcert=$t/ca.crt"
  elif [ -f "$dir/data/pg_hba.conf" ]; then
    sed -i 's/^hostssl\([[:space:]]\)/host\1/' "$dir/data/pg_hba.conf"
  fi
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $postgres_port -k $dir -c listen_addresses=127.0.0.1 $ssl_opts" start >/dev/null \
    || die "postgres did not start (log: $dir/postgres.log)"
  if ! as_pg "$bin/psql" -h "$dir" -p "$postgres_port" -U ctrstream -d postgres -Atqc \
      "SELECT 1 FROM pg_database WHERE datname = 'ctrstream'" | grep -q 1; then
    as_pg "$bin/createdb" -h "$dir" -p "$postgres_port" -U ctrstream ctrstream
  fi
  # the job's flags, for scripts and tests: the cluster's directory depends on who can reach what
  printf 'jdbcUrl=jdbc:postgresql://127.0.0.1:%s/ctrstream%s\njdbcUser=ctrstream\njdbcPasswordFile=%s\n' \
    "$postgres_port" "$url_tls" "$dir/password" > "$run/postgres.properties"
  say "postgres up on 127.0.0.1:$postgres_port: --jdbcUrl=jdbc:postgresql://127.0.0.1:$postgres_port/ctrstream$url_tls --jdbcUser=ctrstream --jdbcPasswordFile=$dir/password"
}

postgres_down() {
  local bin dir; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); dir=$(pg_dir)
  [ -n "$bin" ] || return 0
  if pg_running "$dir" "$bin"; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    say "stopped postgres ($dir)"
  fi
}

# ---------------------------------------------------------------------------------------------
# ZooKeeper (up --ha): one server from Maven Central's jars, for the JobManagers' leader election

zookeeper_ok() { # srvr names the server's mode only once it serves requests (ruok answers before)
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$zookeeper_port" || return 1
  printf 'srvr' >&3; reply=$(timeout 2 cat <&3 || true); exec 3>&-
  [[ "$reply" == *"Mode: "* ]]
}

zookeeper_up() {
  local dir="$run/zookeeper"; mkdir -p "$dir/data"
  if alive "$dir/zookeeper.pid" QuorumPeerMain; then say "zookeeper already running (pid $(cat "$dir/zookeeper.pid"))"; return; fi
  require_free_port "$zookeeper_port" zookeeper ZOOKEEPER_PORT
  cat > "$dir/zoo.cfg" <<EOF
tickTime=2000
dataDir=$dir/data
clientPort=$zookeeper_port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr
EOF
  cat > "$dir/logback.xml" <<EOF
<configuration>
  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{ISO8601} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="out"/></root>
</configuration>
EOF
  nohup "$(java_bin)" -Xmx256m -Dlogback.configurationFile="$dir/logback.xml" -cp "$(jars zookeeper)/*" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" > "$dir/zookeeper.log" 2>&1 &
  echo $! > "$dir/zookeeper.pid"
  wait_for zookeeper 60 zookeeper_ok
  say "zookeeper up on 127.0.0.1:$zookeeper_port (pid $(cat "$dir/zookeeper.pid"))"
}

# ---------------------------------------------------------------------------------------------
# Prometheus (Debian's): scrapes the JobManager and every TaskManager this stack started (their
# list is rewritten when one starts) and `ctr serve` on CTR_HTTP_PORT; each further file
# $run/prometheus/targets/serve-*.json adds a `ctr serve` to scrape. Evaluates the alert rules of
# deploy/prometheus/; no Alertmanager (firing alerts show at /alerts).

prometheus_dir() { echo "$run/prometheus"; }

prometheus_targets() { # the Flink processes' metrics ports, for file-based discovery
  local dir; dir=$(prometheus_dir)
  [ -d "$dir/targets" ] || return 0
  local list="\"localhost:$flink_prom_port\"" f n
  [ ! -e "$run/flink/jobmanager-2.pid" ] || list="$list, \"localhost:$((flink_prom_port - 1))\""
  for f in "$run"/flink/taskmanager-*.pid; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .pid); n=${n#taskmanager-}
    list="$list, \"localhost:$((flink_prom_port + n))\""
  done
  printf '[{"targets": [%s]}]\n' "$list" > "$dir/targets/flink.json.tmp"
  mv "$dir/targets/flink.json.tmp" "$dir/targets/flink.json"
}

prometheus_up() {
  local dir; dir=$(prometheus_dir)
  command -v prometheus >/dev/null 2>&1 || die "--prometheus needs Prometheus (Debian package prometheus)"
  mkdir -p "$dir/targets" "$dir/data"
  if alive "$dir/prometheus.pid" prometheus; then
    say "prometheus already running (pid $(cat "$dir/prometheus.pid"))"; prometheus_targets; return
  fi
  require_free_port "$prometheus_port" prometheus PROMETHEUS_PORT
  prometheus_targets
  printf '[{"targets": ["localhost:%s"]}]\n' "${CTR_HTTP_PORT:-8090}" > "$dir/targets/serve-default.json"
  cat > "$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:
  - $root/deploy/prometheus/ctrstream-alerts.yml
scrape_configs:
  - job_name: flink
    file_sd_configs: [{files: ["$dir/targets/flink.json"]}]
  - job_name: ctr-serve
    file_sd_configs: [{files: ["$dir/targets/serve-*.json"]}]
EOF
  nohup prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$prometheus_port" --storage.tsdb.retention.time=2d \
    > "$dir/prometheus.log" 2>&1 &
  echo $! > "$dir/prometheus.pid"
  wait_for prometheus 60 curl -fsS --max-time 2 "http://127.0.0.1:$prometheus_port/-/ready"
  say "prometheus up at http://localhost:$prometheus_port (pid $(cat "$dir/prometheus.pid")), alerts at /alerts"
}

# ---------------------------------------------------------------------------------------------

status() {
  local line
  line() { if alive "$2" "$3"; then printf '  %-16s running  pid %-8s %s\n' "$1" "$(cat "$2")" "$4"; else printf '  %-16s stopped\n' "$1"; fi; }
  echo "run directory: $run"
  line redis "$run/redis/redis.pid" redis-server "127.0.0.1:$redis_port"
  line kafka "$run/kafka/kafka.pid" kafka.Kafka "127.0.0.1:$kafka_port"
  local pgdir; pgdir=$(pg_dir)
  if [ -f "$pgdir/data/postmaster.pid" ] && kill -0 "$(head -n 1 "$pgdir/data/postmaster.pid")" 2>/dev/null; then
    printf '  %-16s running  pid %-8s %s\n' postgres "$(head -n 1 "$pgdir/data/postmaster.pid")" "127.0.0.1:$postgres_port"
  else
    printf '  %-16s stopped\n' postgres
  fi
  line zookeeper "$run/zookeeper/zookeeper.pid" QuorumPeerMain "127.0.0.1:$zookeeper_port"
  line flink-jobmanager "$run/flink/jobmanager.pid" StandaloneSessionClusterEntrypoint "http://localhost:$rest_port"
  [ ! -e "$run/flink/ha" ] || line flink-jobmanager-2 "$run/flink/jobmanager-2.pid" StandaloneSessionClusterEntrypoint \
    "http://localhost:$((rest_port + 1))"
  for f in "$run"/flink/taskmanager-*.pid; do
    [ -e "$f" ] || continue
    line "$(basename "$f" .pid)" "$f" TaskManagerRunner ""
  done
  line prometheus "$(prometheus_dir)/prometheus.pid" prometheus "http://localhost:$prometheus_port"
  if rest /jobs/overview >/dev/null 2>&1; then
    echo "flink jobs:"; rest /jobs/overview | tr '{' '\n' | grep -o '"name":"[^"]*","state":"[^"]*"' | sed 's/^/  /' || true
  fi
}

down() {
  for f in "$run"/flink/taskmanager-*.pid; do
    [ -e "$f" ] || continue
    stop "$(basename "$f" .pid)" "$f" TaskManagerRunner
  done
  stop flink-jobmanager "$run/flink/jobmanager.pid" StandaloneSessionClusterEntrypoint
  stop flink-jobmanager-2 "$run/flink/jobmanager-2.pid" StandaloneSessionClusterEntrypoint
  stop zookeeper "$run/zookeeper/zookeeper.pid" QuorumPeerMain
  stop prometheus "$(prometheus_dir)/prometheus.pid" prometheus
  stop kafka "$run/kafka/kafka.pid" kafka.Kafka
  stop redis "$run/redis/redis.pid" redis-server
  postgres_down
  # TLS is a choice of this `up`; the next one starts plain unless it says --tls again
  rm -f "$run/redis/tls" "$(pg_dir)/tls" "$run/flink/ha"
  # and so is high availability: the next cluster must not recover the jobs this one still held
  rm -rf "$run/zookeeper/data" "$run/flink/ha-storage"
}

cmd=${1:-}; shift || true
case "$cmd" in
  up)
    taskmanagers=1; with_flink=1; with_kafka=1; with_postgres=0; with_tls=0; with_prometheus=0; with_ha=0
    while [ $# -gt 0 ]; do
      case "$1" in
        --taskmanagers) taskmanagers=${2:?--taskmanagers needs a number}; shift 2 ;;
        --taskmanagers=*) taskmanagers=${1#*=}; shift ;;
        --no-flink) with_flink=0; shift ;;
        --no-kafka) with_kafka=0; shift ;;
        --postgres) with_postgres=1; shift ;;
        --tls) with_tls=1; shift ;;
        --prometheus) with_prometheus=1; shift ;;
        --ha) with_ha=1; shift ;;
        *) die "unknown option for up: $1 (expected --taskmanagers N, --no-kafka, --no-flink, --postgres, --tls, --prometheus or --ha)" ;;
      esac
    done
    [[ "$taskmanagers" =~ ^[1-9][0-9]*$ ]] || die "--taskmanagers expects a positive number, got '$taskmanagers'"
    mkdir -p "$run"
    redis_up
    [ $with_kafka -eq 0 ] || kafka_up
    [ $with_postgres -eq 0 ] || postgres_up
    [ $with_prometheus -eq 0 ] || prometheus_up
    if [ $with_ha -eq 1 ]; then
      alive "$run/flink/jobmanager.pid" StandaloneSessionClusterEntrypoint && [ ! -e "$run/flink/ha" ] \
        && die "--ha: a JobManager without high availability runs; deploy/stack.sh down first"
      zookeeper_up; mkdir -p "$run/flink"; touch "$run/flink/ha"
    fi
    [ $with_flink -eq 0 ] || flink_up "$taskmanagers"
    ;;
  down) down ;;
  status) status ;;
  kill-taskmanager)
    f="$run/flink/taskmanager-${1:?which taskmanager}.pid"
    alive "$f" TaskManagerRunner || die "taskmanager-$1 is not running"
    kill -9 "$(cat "$f")"
    # gone, not only signalled: a start-taskmanager right after must not find it still tearing down
    for _ in $(seq 1 100); do alive "$f" TaskManagerRunner || break; sleep 0.1; done
    alive "$f" TaskManagerRunner && die "taskmanager-$1 (pid $(cat "$f")) still runs 10 s after kill -9"
    # a dying JVM frees its memory before it closes its sockets: its metrics port, too, must be free
    free_after_kill $((flink_prom_port + $1)) "taskmanager-$1"
    say "killed taskmanager-$1 (pid $(cat "$f"))" ;;
  start-taskmanager) start_taskmanager "${1:?which taskmanager}" ;;
  kill-jobmanager)
    f=$(jobmanager_pid "${1:?which jobmanager}")
    alive "$f" StandaloneSessionClusterEntrypoint || die "jobmanager $1 is not running"
    pid=$(cat "$f"); kill -9 "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && die "jobmanager $1 (pid $pid) still runs 10 s after kill -9"
    free_after_kill $((flink_prom_port - $1 + 1)) "jobmanager $1"
    free_after_kill $((rest_port + $1 - 1)) "jobmanager $1"
    say "killed jobmanager $1 (pid $pid)" ;;
  start-jobmanager)
    [ "${1:?which jobmanager}" = 1 ] || [ -e "$run/flink/ha" ] || die "jobmanager $1 exists only with up --ha"
    start_jobmanager "$1" ;;
  stop)
    case "${1:-}" in
      redis) stop redis "$run/redis/redis.pid" redis-server ;;
      kafka) stop kafka "$run/kafka/kafka.pid" kafka.Kafka ;;
      postgres) postgres_down ;;
      zookeeper) stop zookeeper "$run/zookeeper/zookeeper.pid" QuorumPeerMain ;;
      *) die "stop: which service? redis, kafka, postgres or zookeeper (taskmanagers: kill-taskmanager N)" ;;
    esac ;;
  start)
    case "${1:-}" in
      redis) redis_up ;;
      kafka) kafka_up ;;
      postgres) postgres_up ;;
      zookeeper) zookeeper_up ;;
      *) die "start: which service? redis, kafka, postgres or zookeeper (taskmanagers: start-taskmanager N)" ;;
    esac ;;
  consume) # consume TOPIC [MAX]: print a topic's records from the beginning (key and value), then exit
    kafka_tool kafka.tools.ConsoleConsumer --bootstrap-server "127.0.0.1:$kafka_port" --topic "${1:?which topic}" \
      --from-beginning --max-messages "${2:-10}" --timeout-ms 10000 --property print.key=true 2>/dev/null || true ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; [ -z "$cmd" ] || exit 2 ;;
esac
