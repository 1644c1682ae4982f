package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * Failure drills on the real stack: a failure is injected while the producer replays a real sample
 * into the job on the session cluster, and afterwards every campaign window in Redis must equal
 * {@link ReferenceCtr} (nothing lost, nothing counted twice) and {@code ctr:latest} must never have
 * gone backwards while it happened. Each drill prints one {@code drill …} line: what was injected,
 * restarts, recovery time and the records tally (the reliability table in docs/operations.md).
 *
 * <p>The job runs with 2 s checkpoints (as every end-to-end test), a long idle timeout (the
 * replay's heartbeats, not the wall clock, close the windows) and a results topic whose panes are
 * printed for the first wrong windows when a drill fails.
 */
public class FaultDrillsIT {
  @ClassRule public static final LocalStack STACK = new LocalStack();

  private static final Duration AVAZU_WINDOW = Duration.ofSeconds(60);
  private static final Duration AVAZU_ATTRIBUTION = Duration.ofSeconds(15);

  private Drill drill;

  @After
  public void cancelJob() throws Exception {
    if (drill != null) {
      drill.cancel();
    }
  }

  @Test
  public void avazuSurvivesThreeTaskManagerKills() throws Exception {
    threeTaskManagerKills(
        "avazu-kill3",
        Samples.AVAZU_IMPRESSIONS,
        Samples.AVAZU_CLICKS,
        AVAZU_WINDOW,
        AVAZU_ATTRIBUTION,
        100);
  }

  @Test
  public void ipinyouSurvivesThreeTaskManagerKills() throws Exception {
    threeTaskManagerKills(
        "ipinyou-kill3",
        Samples.IPINYOU_IMPRESSIONS,
        Samples.IPINYOU_CLICKS,
        Duration.ofHours(1),
        Duration.ofMinutes(30),
        1000);
  }

  /**
   * {@code kill -9} of the only TaskManager, three times during one replay, each after a checkpoint
   * completed since the job last (re)started; the TaskManager is started again at once each time.
   */
  private void threeTaskManagerKills(
      String name, Path imp, Path clk, Duration window, Duration attribution, int rate)
      throws Exception {
    drill = Drill.start(STACK, name, window, attribution);
    long[] recoveryMillis = new long[3];
    try (LatestWatcher latest = new LatestWatcher(STACK, drill.run.prefix())) {
      CompletableFuture<String> replay = drill.replay(imp, clk, rate);
      for (int kill = 1; kill <= 3; kill++) {
        drill.awaitCheckpointWithMoreCounted("kill " + kill);
        assertThat("the replay is still running at kill " + kill, replay.isDone(), equalTo(false));
        recoveryMillis[kill - 1] = drill.killTaskManagerAndAwaitRecovery(1);
      }
      replay.get(); // rethrows the replay's failure, with its output
      drill.finish(
          imp,
          clk,
          latest,
          "TaskManager kill -9 x3, restarted at once",
          "kill to every task running: " + Arrays.toString(recoveryMillis) + " ms");
      // from the job's exception history, not the numRestarts metric the REST endpoint caches
      assertThat(STACK.failures(drill.jobId).size(), greaterThanOrEqualTo(3));
    }
  }

  /**
   * The Kafka broker stopped (SIGTERM) for 20 s in the middle of a replay and started again on the
   * same log directory. The producer's idempotent sends wait for it; the job's consumers reconnect.
   */
  @Test
  public void avazuSurvivesAKafkaBrokerRestart() throws Exception {
    drill = Drill.start(STACK, "avazu-kafka", AVAZU_WINDOW, AVAZU_ATTRIBUTION);
    try (LatestWatcher latest = new LatestWatcher(STACK, drill.run.prefix())) {
      CompletableFuture<String> replay =
          drill.replay(Samples.AVAZU_IMPRESSIONS, Samples.AVAZU_CLICKS, 150);
      drill.awaitCheckpointWithMoreCounted("the broker stop");
      int failuresBefore = STACK.failures(drill.jobId).size();
      long recovery = drill.outageOf("kafka", Duration.ofSeconds(20), replay);
      replay.get();
      drill.finish(
          Samples.AVAZU_IMPRESSIONS,
          Samples.AVAZU_CLICKS,
          latest,
          "Kafka broker stopped 20 s, restarted on its log",
          "broker start to new results in Redis: "
              + recovery
              + " ms; failures "
              + (STACK.failures(drill.jobId).size() - failuresBefore));
    }
  }

  /**
   * Redis stopped (SIGTERM, which writes its append-only file) for 30 s while the job writes to it,
   * then started again from that file. The writers retry a few times and then fail the bundle, so
   * the job restarts from its checkpoint until Redis answers again; the rewrites are idempotent and
   * never let an older pane replace a newer one.
   */
  @Test
  public void avazuSurvivesARedisOutage() throws Exception {
    List<String> causes =
        writerOutage(
            "avazu-redis", List.of(), "redis", Duration.ofSeconds(30), "restarted from its AOF");
    for (String cause : causes) {
      assertThat(
          cause,
          org.hamcrest.Matchers.containsString(
              "Redis at 127.0.0.1:" + LocalStack.REDIS_PORT + " failed"));
    }
  }

  /**
   * A sink's store ({@code service}) stopped for {@code length} in the middle of a replay at 100
   * events/s, after a checkpoint with more counted, then started again: every Redis window exact
   * and {@code ctr:latest} never backwards ({@link Drill#finish}), and the failed writes restarted
   * the job at least once. Returns the failures' messages.
   */
  private List<String> writerOutage(
      String name, List<String> flags, String service, Duration length, String startedAgain)
      throws Exception {
    drill = Drill.start(STACK, name, AVAZU_WINDOW, AVAZU_ATTRIBUTION, flags);
    try (LatestWatcher latest = new LatestWatcher(STACK, drill.run.prefix())) {
      CompletableFuture<String> replay =
          drill.replay(Samples.AVAZU_IMPRESSIONS, Samples.AVAZU_CLICKS, 100);
      drill.awaitCheckpointWithMoreCounted("the " + service + " stop");
      int failuresBefore = STACK.failures(drill.jobId).size();
      long recovery = drill.outageOf(service, length, replay);
      replay.get();
      List<String> failures = STACK.failures(drill.jobId);
      List<String> causes = List.copyOf(failures.subList(failuresBefore, failures.size()));
      drill.finish(
          Samples.AVAZU_IMPRESSIONS,
          Samples.AVAZU_CLICKS,
          latest,
          service + " stopped " + length.getSeconds() + " s, " + startedAgain,
          service
              + " start to new results in Redis: "
              + recovery
              + " ms; failures "
              + causes.size()
              + ", causes "
              + causes.stream().map(LocalStack::rootCause).distinct().toList());
      assertThat("the failed writes restarted the job", causes.isEmpty(), equalTo(false));
      return causes;
    }
  }

  /**
   * The PostgreSQL sink through a restart of PostgreSQL (fast shutdown, 20 s down, started again on
   * its data) in the middle of a live replay: the failed batches fail their bundles, the job
   * restarts from its checkpoint until PostgreSQL answers, and every final row in PostgreSQL, as
   * every Redis window, equals the reference. The tables are created by the submission's {@code
   * --createTable}.
   */
  @Test
  public void avazuIntoPostgresSurvivesAPostgresRestart() throws Exception {
    writerOutage(
        "avazu-postgres",
        STACK.postgresFlags("drill_postgres"),
        "postgres",
        Duration.ofSeconds(20),
        "started again on its data");
    ReferenceCtr ref =
        ReferenceCtr.compute(
            Samples.AVAZU_IMPRESSIONS,
            Samples.AVAZU_CLICKS,
            AVAZU_WINDOW.toMillis(),
            AVAZU_ATTRIBUTION.toMillis());
    Await.until(
        "every final row in PostgreSQL",
        Duration.ofMinutes(2),
        () -> STACK.postgresFinals("drill_postgres_results").size() >= ref.counts.size());
    assertThat(STACK.postgresFinals("drill_postgres_results"), equalTo(ref.counts));
  }

  /**
   * The upgrade procedure: in the middle of a replay the job is stopped with a savepoint ({@code
   * deploy/stop.sh --savepoint}), the job jar is submitted again from it ({@code deploy/submit.sh
   * --fromSavepoint=…}) and the replay goes on into the new job.
   */
  @Test
  public void avazuSurvivesAnUpgradeFromASavepoint() throws Exception {
    drill = Drill.start(STACK, "avazu-savepoint", AVAZU_WINDOW, AVAZU_ATTRIBUTION);
    try (LatestWatcher latest = new LatestWatcher(STACK, drill.run.prefix())) {
      CompletableFuture<String> replay =
          drill.replay(Samples.AVAZU_IMPRESSIONS, Samples.AVAZU_CLICKS, 150);
      drill.awaitCheckpointWithMoreCounted("the savepoint");
      long stopped = System.nanoTime();
      String savepoint = STACK.stopWithSavepoint(drill.jobId);
      assertThat(STACK.jobState(drill.jobId), equalTo("FINISHED"));
      assertThat("the replay is still running when the job stops", replay.isDone(), equalTo(false));
      drill.jobId =
          STACK.submit(drill.run.name() + "-2", drill.jobFlags("--fromSavepoint=" + savepoint));
      long recovery = (System.nanoTime() - stopped) / 1_000_000;
      replay.get();
      drill.finish(
          Samples.AVAZU_IMPRESSIONS,
          Samples.AVAZU_CLICKS,
          latest,
          "stop with savepoint, same jar submitted from it",
          "stop to the new job running: " + recovery + " ms");
    }
  }

  /**
   * 10,000 bad records of 11 kinds sent into both topics while the sample is replayed at full
   * speed: every one ends in the dead-letter topic with its reason, the counter says 10,000, the
   * job never fails, and the good records still give the exact numbers.
   */
  @Test
  public void avazuSurvivesAMalformedFlood() throws Exception {
    // topics that take a 1 MiB record, as a producer with a raised limit may send one
    drill =
        Drill.start(
            STACK,
            "avazu-malformed",
            AVAZU_WINDOW,
            AVAZU_ATTRIBUTION,
            Map.of("max.message.bytes", "4194304"),
            List.of());
    List<BadRecord> bad = BadRecord.flood(10_000, new java.util.Random(7));
    try (LatestWatcher latest = new LatestWatcher(STACK, drill.run.prefix());
        org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
            new org.apache.kafka.clients.producer.KafkaProducer<>(
                Map.of(
                    "bootstrap.servers",
                    LocalStack.BOOTSTRAP,
                    "max.request.size",
                    "4194304",
                    "enable.idempotence",
                    "true"),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      CompletableFuture<String> replay =
          drill.replay(Samples.AVAZU_IMPRESSIONS, Samples.AVAZU_CLICKS, 0);
      for (int i = 0; i < bad.size(); i++) {
        String topic = i % 2 == 0 ? drill.run.impressions() : drill.run.clicks();
        producer.send(
            new org.apache.kafka.clients.producer.ProducerRecord<>(topic, bad.get(i).payload()));
      }
      producer.flush();
      replay.get();
      Map<String, Integer> expected = new java.util.TreeMap<>();
      for (BadRecord b : bad) {
        expected.merge(b.kind() + " " + b.reason(), 1, Integer::sum);
      }
      Map<String, Integer> byKind = new java.util.TreeMap<>();
      List<ConsumerRecord<String, String>> letters =
          STACK.read(drill.run.deadLetters(), bad.size(), Duration.ofMinutes(3));
      ObjectMapper json = new ObjectMapper();
      for (ConsumerRecord<String, String> r : letters) {
        JsonNode letter = json.readTree(r.value());
        byKind.merge(
            BadRecord.kindOf(letter.path("payload").asText())
                + " "
                + letter.path("reason").asText(),
            1,
            Integer::sum);
      }
      // Flink's REST API serves metrics from a cache refreshed every second or so: wait for the
      // value
      long[] counter = {-1};
      try {
        Await.until(
            "counter dead_letters = " + bad.size(),
            Duration.ofMinutes(1),
            () -> (counter[0] = STACK.counter(drill.jobId, "dead_letters")) == bad.size());
      } catch (AssertionError e) {
        throw new AssertionError(
            "counter dead_letters: expected " + bad.size() + " but was " + counter[0], e);
      }
      drill.finish(
          Samples.AVAZU_IMPRESSIONS,
          Samples.AVAZU_CLICKS,
          latest,
          "10,000 bad records of 11 kinds in a full-speed replay",
          "dead letters " + letters.size() + " " + byKind + ", counter dead_letters " + counter[0]);
      assertThat(byKind, equalTo(expected));
      assertThat("failures", STACK.failures(drill.jobId), empty());
    }
  }
}
