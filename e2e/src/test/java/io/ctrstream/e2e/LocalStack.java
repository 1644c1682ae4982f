package io.ctrstream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.pipeline.testing.PostgresServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.rules.ExternalResource;
import redis.clients.jedis.Jedis;

/**
 * The real local stack ({@code deploy/stack.sh}) on test-only ports, in {@code e2e/target/stack}:
 * Redis, a KRaft Kafka broker, PostgreSQL and a Flink session cluster with one TaskManager of 2
 * slots (or as {@link #withTaskManagers} says). Jobs are submitted with {@code deploy/submit.sh},
 * exactly as a user does.
 */
public class LocalStack extends ExternalResource {
  static final int REDIS_PORT = 16379;
  static final int KAFKA_PORT = 19092;
  static final int REST_PORT = 18081;
  static final int POSTGRES_PORT = 15432;
  static final int PROMETHEUS_PORT = 19090;
  static final int FLINK_PROMETHEUS_PORT = 19249;
  static final int ZOOKEEPER_PORT = 12181;
  static final String BOOTSTRAP = "127.0.0.1:" + KAFKA_PORT;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

  final Path root =
      Paths.get(System.getProperty("ctrstream.root", "..")).toAbsolutePath().normalize();
  final Path runDir = root.resolve("e2e/target/stack");

  /** Where the Redis password is kept when Redis requires one (mode 600). */
  final Path redisPasswordFile = runDir.resolve("redis-password");

  private final HttpClient http = HttpClient.newHttpClient();
  private final String redisPassword;
  private final int taskManagers;
  private final int slotsPerTaskManager;
  private final boolean tls;
  private final boolean prometheus;
  private final boolean ha;

  /** The REST port of the JobManager the tests talk to: the second one's after a failover. */
  private volatile int restPort = REST_PORT;

  /** The CA certificate of a TLS stack ({@link #withTls}): what its clients trust. */
  final Path tlsCa = runDir.resolve("tls/ca.crt");

  /** The stack with one TaskManager of 2 slots and a Redis that takes any client. */
  public LocalStack() {
    this(null, 1, 2, false, false, false);
  }

  private LocalStack(
      String redisPassword,
      int taskManagers,
      int slotsPerTaskManager,
      boolean tls,
      boolean prometheus,
      boolean ha) {
    this.redisPassword = redisPassword;
    this.taskManagers = taskManagers;
    this.slotsPerTaskManager = slotsPerTaskManager;
    this.tls = tls;
    this.prometheus = prometheus;
    this.ha = ha;
  }

  /**
   * The stack with JobManager failover ({@code deploy/stack.sh up --ha}): ZooKeeper, JobManager 1
   * leading and JobManager 2 standing by.
   */
  static LocalStack withHa() {
    return new LocalStack(null, 1, 2, false, false, true);
  }

  /** {@code kill -9} of JobManager {@code n}; the tests then talk to the other one's REST API. */
  void killJobManager(int n) throws IOException {
    script("kill-jobmanager-" + n, "deploy/stack.sh", "kill-jobmanager", Integer.toString(n));
    restPort = REST_PORT + (n == 1 ? 1 : 0);
  }

  /** Starts JobManager {@code n} again (it stands by). */
  void startJobManager(int n) throws IOException {
    script("start-jobmanager-" + n, "deploy/stack.sh", "start-jobmanager", Integer.toString(n));
  }

  /**
   * The stack with Prometheus ({@code deploy/stack.sh up --prometheus}) on {@link
   * #PROMETHEUS_PORT}, scraping the Flink processes and any {@code ctr serve} named in {@link
   * #prometheusTargets}.
   */
  static LocalStack withPrometheus() {
    return new LocalStack(null, 1, 2, false, true, false);
  }

  /** Where a file {@code serve-<name>.json} adds a {@code ctr serve} for Prometheus to scrape. */
  Path prometheusTargets() {
    return runDir.resolve("prometheus/targets");
  }

  /**
   * The stack with Redis and PostgreSQL on TLS only ({@code deploy/stack.sh up --tls}): their plain
   * ports closed, certificates of the run's own CA ({@link #tlsCa}).
   */
  static LocalStack withTls() {
    return new LocalStack(null, 1, 2, true, false, false);
  }

  /** The stack with a Redis that requires {@code password} (from {@link #redisPasswordFile}). */
  static LocalStack withRedisPassword(String password) {
    return new LocalStack(password, 1, 2, false, false, false);
  }

  /** The stack with {@code n} TaskManagers of {@code slots} slots each. */
  static LocalStack withTaskManagers(int n, int slots) {
    return new LocalStack(null, n, slots, false, false, false);
  }

  @Override
  protected void before() throws Throwable {
    Files.createDirectories(runDir);
    Files.deleteIfExists(redisPasswordFile);
    if (redisPassword != null) {
      Files.createFile(
          redisPasswordFile,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(redisPasswordFile, redisPassword + "\n");
    }
    List<String> up =
        new ArrayList<>(
            List.of(
                "deploy/stack.sh",
                "up",
                "--taskmanagers",
                Integer.toString(taskManagers),
                "--postgres"));
    if (tls) {
      up.add("--tls");
    }
    if (prometheus) {
      up.add("--prometheus");
    }
    if (ha) {
      up.add("--ha");
    }
    script("stack-up", up.toArray(String[]::new));
  }

  @Override
  protected void after() {
    try {
      script("stack-down", "deploy/stack.sh", "down");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("CTR_RUN_DIR", runDir.toString());
    env.put("REDIS_PORT", Integer.toString(REDIS_PORT));
    env.put("KAFKA_PORT", Integer.toString(KAFKA_PORT));
    env.put("KAFKA_CONTROLLER_PORT", "19093");
    env.put("FLINK_REST_PORT", Integer.toString(REST_PORT));
    env.put("FLINK_RPC_PORT", "16123");
    env.put("POSTGRES_PORT", Integer.toString(POSTGRES_PORT));
    env.put("PROMETHEUS_PORT", Integer.toString(PROMETHEUS_PORT));
    env.put("FLINK_PROMETHEUS_PORT", Integer.toString(FLINK_PROMETHEUS_PORT));
    env.put("CTR_HTTP_PORT", "18090");
    env.put("ZOOKEEPER_PORT", Integer.toString(ZOOKEEPER_PORT));
    env.put("FLINK_REST", "localhost:" + REST_PORT);
    env.put("CHECKPOINT_INTERVAL_MS", "2000");
    env.put("TASK_SLOTS", Integer.toString(slotsPerTaskManager));
    if (redisPassword != null) {
      env.put("REDIS_PASSWORD_FILE", redisPasswordFile.toString());
    }
    return env;
  }

  /**
   * The job flags that write results and alerts to the stack's PostgreSQL, into tables of their own
   * ({@code <tables>_results}, {@code <tables>_alerts}), created at submission.
   */
  List<String> postgresFlags(String tables) throws IOException {
    List<String> flags =
        new ArrayList<>(PostgresServer.jobFlags(PostgresServer.stackFlags(runDir)));
    flags.add("--resultsTable=" + tables + "_results");
    flags.add("--alertsTable=" + tables + "_alerts");
    flags.add("--createTable");
    return flags;
  }

  /**
   * The final rows of the campaign results in {@code table} of the stack's PostgreSQL, as {@link
   * PostgresServer#finalCampaignCounts} gives them (comparable with {@code ReferenceCtr.counts}).
   */
  java.util.Map<String, List<Long>> postgresFinals(String table) {
    try (Connection c = postgres()) {
      return PostgresServer.finalCampaignCounts(c, table);
    } catch (IOException | SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A connection to the stack's PostgreSQL; the caller closes it. */
  Connection postgres() throws IOException, SQLException {
    return PostgresServer.connect(PostgresServer.stackFlags(runDir));
  }

  /** Runs a script of the repository; returns its output; throws with the output if it fails. */
  String script(String logName, String... command) throws IOException {
    Path log = runDir.resolve(logName + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env());
    Process p = pb.start();
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish in 10 minutes: " + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    String out = Files.readString(log);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + out);
    }
    return out;
  }

  /**
   * Submits the job jar with {@code deploy/submit.sh} and the given flags; returns the Flink job
   * id.
   */
  String submit(String name, String... flags) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "deploy/submit.sh",
                "--bootstrapServers=" + BOOTSTRAP,
                "--redisHost=127.0.0.1",
                "--redisPort=" + REDIS_PORT));
    command.addAll(List.of(flags));
    String out = script("submit-" + name, command.toArray(String[]::new));
    Matcher m = JOB_ID.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no job id in the output of submit.sh:\n" + out);
    }
    String jobId = m.group(1);
    Await.until(
        "job " + jobId + " running",
        Duration.ofMinutes(2),
        () -> "RUNNING".equals(jobState(jobId)));
    return jobId;
  }

  /** Cancels a job and waits until its slots are free again. */
  void cancel(String jobId) throws IOException, InterruptedException {
    http.send(
        HttpRequest.newBuilder(rest("/jobs/" + jobId + "?mode=cancel"))
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.discarding());
    Await.until(
        "job " + jobId + " cancelled",
        Duration.ofMinutes(1),
        () -> "CANCELED".equals(jobState(jobId)));
  }

  String jobState(String jobId) {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /**
   * When the job last went into RESTARTING, epoch ms (0: never), from its details ({@code
   * /jobs/<id>}, the execution graph's own state timestamps): unlike {@link #restarts}, which the
   * REST endpoint's metric fetcher caches, it cannot lag behind the job.
   */
  long lastRestartingAt(String jobId) {
    return get("/jobs/" + jobId).path("timestamps").path("RESTARTING").asLong(0);
  }

  /**
   * The job's failures, oldest first, from Flink's exception history ({@code
   * /jobs/<id>/exceptions}): each one's stack trace.
   */
  List<String> failures(String jobId) {
    List<String> failures = new ArrayList<>();
    for (JsonNode entry :
        get("/jobs/" + jobId + "/exceptions?maxExceptions=1000")
            .path("exceptionHistory")
            .path("entries")) {
      failures.add(0, entry.path("stacktrace").asText(entry.path("exceptionName").asText()));
    }
    return failures;
  }

  /**
   * The innermost cause of a stack trace: its last {@code Caused by:} line, else its first line.
   */
  static String rootCause(String stackTrace) {
    String cause = stackTrace.lines().findFirst().orElse("");
    for (String line : stackTrace.lines().toList()) {
      if (line.startsWith("Caused by: ")) {
        cause = line.substring("Caused by: ".length());
      }
    }
    return cause;
  }

  /** Whether the job runs with every task of every operator running (not only the job's state). */
  boolean allTasksRunning(String jobId) {
    JsonNode job = get("/jobs/" + jobId);
    if (!"RUNNING".equals(job.path("state").asText())) {
      return false;
    }
    for (JsonNode vertex : job.path("vertices")) {
      JsonNode counts = vertex.path("tasks");
      if (counts.path("RUNNING").asInt() != vertex.path("parallelism").asInt()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The TaskManagers of the cluster with the slots each has free: {@code resource id -> free
   * slots}.
   */
  Map<String, Integer> freeSlots() {
    Map<String, Integer> free = new java.util.TreeMap<>();
    for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
      free.put(tm.path("id").asText(), tm.path("freeSlots").asInt());
    }
    return free;
  }

  /** Completed checkpoints of a job. */
  long completedCheckpoints(String jobId) {
    return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
  }

  /**
   * How often the job was restarted after a failure: Flink's {@code numRestarts}, which counts one
   * per failover region restarted (a lost TaskManager restarts two here: the job's and that of
   * Beam's {@code Impulse} source). It did not always count the restarts of the Redis outage drill
   * (0 after 5 failures in one run), so {@link #failures} is the surer count. While the job
   * restarts the REST API may not report the metric for a moment: this waits for it.
   */
  long restarts(String jobId) {
    long[] value = {-1};
    Await.until(
        "numRestarts of job " + jobId + " reported",
        Duration.ofSeconds(30),
        () -> {
          JsonNode metrics = get("/jobs/" + jobId + "/metrics?get=numRestarts");
          if (metrics.size() == 0) {
            return false;
          }
          value[0] = metrics.get(0).path("value").asLong();
          return true;
        });
    return value[0];
  }

  /**
   * What a failed recovery leaves to go on, for the assertion's message: the kill and start
   * scripts' output, the job's state, the TaskManagers registered, and the JobManager's log lines
   * about TaskManagers, heartbeats, restarts and the job's state changes (the last 60). The Flink
   * logs are also copied to {@code e2e/target/failed-recovery-<n>-<ms>/}, since the next test
   * class's stack replaces them.
   */
  String recoveryReport(String jobId, int taskManager) {
    StringBuilder report = new StringBuilder();
    Path logs = runDir.resolve("flink/log");
    try {
      for (String script :
          List.of("kill-taskmanager-" + taskManager, "start-taskmanager-" + taskManager)) {
        Path log = runDir.resolve(script + ".log");
        report.append(script).append(": ");
        report.append(Files.exists(log) ? Files.readString(log).strip() : "(no output)");
        report.append('\n');
      }
      report.append("job state: ").append(jobState(jobId));
      report.append(", last RESTARTING at ");
      report.append(Instant.ofEpochMilli(lastRestartingAt(jobId)));
      report.append(", numRestarts (metric) ").append(restarts(jobId));
      report.append(", failures in the exception history ").append(failures(jobId).size());
      report.append('\n');
      report.append("taskmanagers registered:");
      for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
        report.append(
            String.format(
                " %s (%d slots, %d free, last heartbeat %s)",
                tm.path("id").asText(),
                tm.path("slotsNumber").asInt(),
                tm.path("freeSlots").asInt(),
                Instant.ofEpochMilli(tm.path("timeSinceLastHeartbeat").asLong())));
      }
      report.append('\n');
      Path kept =
          root.resolve(
              "e2e/target/failed-recovery-" + taskManager + "-" + System.currentTimeMillis());
      Files.createDirectories(kept);
      try (var files = Files.list(logs)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.copy(f, kept.resolve(f.getFileName()));
        }
      }
      report.append("flink logs kept in ").append(kept).append('\n');
      Pattern about =
          Pattern.compile(
              "TaskManager|TaskExecutor|[Hh]eartbeat|[Rr]estart|switched from state|Exception");
      List<String> lines = new ArrayList<>();
      boolean sinceSubmission = false; // the log goes on across the stacks of earlier test classes
      for (String line : Files.readAllLines(logs.resolve("jobmanager.log"))) {
        sinceSubmission |= line.contains(jobId);
        if (sinceSubmission && !line.startsWith("\t") && about.matcher(line).find()) {
          lines.add(line);
        }
      }
      report.append("jobmanager.log since the job's submission, the last lines about");
      report.append(" TaskManagers and restarts (no stack traces):\n");
      report.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
    } catch (IOException | RuntimeException e) {
      report.append("(the rest of the report failed: ").append(e).append(')');
    }
    return report.toString();
  }

  /** A ctrstream Beam counter of a running job, summed over every operator and subtask. */
  long counter(String jobId, String name) {
    long sum = 0;
    for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
      String base =
          "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
      for (JsonNode metric : get(base)) {
        String id = metric.path("id").asText();
        // Beam's Flink runner names user counters <step>.<namespace>_<name>
        if (id.endsWith(".ctrstream_" + name)) {
          JsonNode value =
              get(base + "?get=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&agg=sum");
          sum += value.get(0).path("sum").asLong();
        }
      }
    }
    return sum;
  }

  void killTaskManager(int n) throws IOException {
    script("kill-taskmanager-" + n, "deploy/stack.sh", "kill-taskmanager", Integer.toString(n));
  }

  void startTaskManager(int n) throws IOException {
    script("start-taskmanager-" + n, "deploy/stack.sh", "start-taskmanager", Integer.toString(n));
  }

  /**
   * Stops a service of the stack ({@code redis} or {@code kafka}) the way an operator would
   * (SIGTERM).
   */
  void stopService(String service) throws IOException {
    script("stop-" + service, "deploy/stack.sh", "stop", service);
  }

  /**
   * Starts a stopped service again on its old storage (Redis' append-only file, Kafka's log
   * directory).
   */
  void startService(String service) throws IOException {
    script("start-" + service, "deploy/stack.sh", "start", service);
  }

  /**
   * Stops a job with a savepoint ({@code deploy/stop.sh --savepoint}); returns the savepoint's
   * path.
   */
  String stopWithSavepoint(String jobId) throws IOException {
    String out = script("stop-" + jobId, "deploy/stop.sh", "--savepoint", jobId).strip();
    return out.substring(out.lastIndexOf('\n') + 1);
  }

  Jedis redis() {
    Jedis jedis =
        tls
            ? new Jedis(
                new redis.clients.jedis.HostAndPort("127.0.0.1", REDIS_PORT),
                redis.clients.jedis.DefaultJedisClientConfig.builder()
                    .ssl(true)
                    .sslSocketFactory(
                        new io.ctrstream.contract.TlsClient(tlsCa, null, null).socketFactory())
                    .sslParameters(io.ctrstream.contract.TlsClient.verifyingHostName())
                    .build())
            : new Jedis("127.0.0.1", REDIS_PORT);
    if (redisPassword != null) {
      jedis.auth(redisPassword);
    }
    return jedis;
  }

  /** A REST API answer's body as text. */
  String restBody(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(rest(path)).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void createTopics(String... names) throws Exception {
    createTopics(Map.of(), names);
  }

  /**
   * Creates topics of 3 partitions with the given topic configs (e.g. {@code max.message.bytes}).
   */
  void createTopics(Map<String, String> configs, String... names) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", BOOTSTRAP))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        topics.add(new NewTopic(name, 3, (short) 1).configs(configs));
      }
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
      // created on the controller is not yet served by the broker: wait until every partition has a
      // leader, and that leader answers for the partition's log. A producer's first batch sent
      // before that gets NOT_LEADER_OR_FOLLOWER, its next batch is taken, and the retried first one
      // is then refused for good as out of sequence (seen once in CI; AutoMQ issue 584 describes
      // it)
      Await.until(
          "topics " + String.join(", ", names) + " have leaders",
          Duration.ofSeconds(30),
          () -> everyPartitionHasALeader(admin, names));
      Await.until(
          "the leaders of " + String.join(", ", names) + " serve their partitions",
          Duration.ofSeconds(30),
          () -> everyPartitionIsServed(admin, names));
    }
  }

  private static boolean everyPartitionIsServed(Admin admin, String... topics) {
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    for (String topic : topics) {
      for (int p = 0; p < 3; p++) {
        partitions.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
    }
    try {
      admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "listOffsets: " + e.getMessage(), e); // not yet: Await polls again
    }
  }

  private static boolean everyPartitionHasALeader(Admin admin, String... topics) {
    try {
      return admin
          .describeTopics(List.of(topics))
          .allTopicNames()
          .get(10, TimeUnit.SECONDS)
          .values()
          .stream()
          .allMatch(
              t ->
                  !t.partitions().isEmpty()
                      && t.partitions().stream()
                          .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "describeTopics: " + e.getMessage(), e); // not yet: Await polls again
    }
  }

  /** Reads a topic from the beginning until {@code count} records have come, or the timeout. */
  List<ConsumerRecord<String, String>> read(String topic, int count, Duration timeout) {
    return readUntil(topic, records -> records.size() >= count, timeout);
  }

  /**
   * Reads a topic from the beginning until {@code done} holds for the records read so far, or the
   * timeout.
   */
  List<ConsumerRecord<String, String>> readUntil(
      String topic,
      java.util.function.Predicate<List<ConsumerRecord<String, String>>> done,
      Duration timeout) {
    Properties p = new Properties();
    p.put("bootstrap.servers", BOOTSTRAP);
    p.put("group.id", "e2e-reader-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(records) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    return records;
  }

  private URI rest(String path) {
    return URI.create("http://localhost:" + restPort + path);
  }

  private JsonNode get(String path) {
    try {
      return JSON.readTree(restBody(path));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
