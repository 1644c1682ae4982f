package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import io.ctrstream.producer.ProducerCli;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;
import redis.clients.jedis.Jedis;

/**
 * The job jar on the Flink session cluster, reading Kafka, writing Redis: real processes, started by
 * {@code deploy/stack.sh}, submitted by {@code deploy/submit.sh}, fed by the producer.
 */
public class ClusterEndToEndIT {
  @ClassRule public static final LocalStack STACK = new LocalStack();

  static final Path DATA = Paths.get(System.getProperty("ctrstream.root", ".."), "..", "shared", "data")
      .toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  private String jobId;

  @After
  public void cancelJob() throws Exception {
    if (jobId != null) {
      STACK.cancel(jobId);
    }
  }

  /** Topics, consumer group and Redis prefix of one test, so that tests share nothing. */
  private record Run(String name, String impressions, String clicks, String deadLetters, String prefix) {
    static Run named(String name) {
      String id = name + "-" + Long.toHexString(System.nanoTime());
      return new Run(id, "impressions-" + id, "clicks-" + id, "dead-letters-" + id, "e2e-" + id);
    }

    String[] jobFlags(String... more) {
      List<String> flags = new java.util.ArrayList<>(List.of(
          "--impressionsTopic=" + impressions, "--clicksTopic=" + clicks, "--deadLetterTopic=" + deadLetters,
          "--groupId=" + name, "--redisKeyPrefix=" + prefix));
      flags.addAll(List.of(more));
      return flags.toArray(String[]::new);
    }

    /**
     * Replays the files with the producer; returns its output.
     *
     * @throws AssertionError with the producer's output (its last send error) if it exits non-zero
     */
    String replay(Path impressionFile, Path clickFile, String... more) {
      List<String> args = new java.util.ArrayList<>(List.of("replay", "--bootstrap-servers=" + LocalStack.BOOTSTRAP,
          "--impressions-topic=" + impressions, "--clicks-topic=" + clicks,
          "--impressions=" + impressionFile, "--clicks=" + clickFile, "--close-windows-after=1d", "--progress-interval=60"));
      args.addAll(List.of(more));
      java.io.StringWriter output = new java.io.StringWriter();
      int status = ProducerCli.execute(new java.io.PrintWriter(output, true), args.toArray(String[]::new));
      System.out.print(output);
      if (status != 0) {
        throw new AssertionError("the replay exited with " + status + ":\n" + output);
      }
      return output.toString();
    }
  }

  @Test
  public void avazuThroughKafkaEqualsTheRecomputation() throws Exception {
    Run run = Run.named("avazu");
    ReferenceCtr ref = replayThenRun(run, DATA.resolve("avazu-sample/impressions.jsonl.gz"),
        DATA.resolve("avazu-sample/clicks.jsonl.gz"), Duration.ofSeconds(60), Duration.ofSeconds(15));

    awaitCounter("clicks_unattributed", ref.unattributedClicks);
    awaitCounter("impressions_counted", 8087);
    awaitCounter("clicks_attributed", ref.attributedClicks);
    awaitCounter("heartbeats", 6);
  }

  @Test
  public void ipinyouAllRealClicksUnmatchedOnesCountAsUnattributed() throws Exception {
    Run run = Run.named("ipinyou");
    ReferenceCtr ref = replayThenRun(run, DATA.resolve("ipinyou-s2-sample/impressions.jsonl.gz"),
        DATA.resolve("ipinyou-s2-sample/clicks_all.jsonl.gz"), Duration.ofHours(1), Duration.ofMinutes(30));

    assertThat(ref.attributedClicks + ref.unattributedClicks, equalTo(9978L));
    awaitCounter("clicks_unattributed", ref.unattributedClicks);
    awaitCounter("clicks_attributed", ref.attributedClicks);
  }

  @Test
  public void malformedRecordsEndInTheDeadLetterTopicAndTheJobKeepsRunning() throws Exception {
    Run run = Run.named("malformed");
    STACK.createTopics(run.impressions, run.clicks, run.deadLetters);
    Path testdata = STACK.root.resolve("testdata");

    // testdata has 3 bad lines of its own; inject 4 + 3 more, one of each reason per topic
    String[][] injected = {
      {run.impressions, "{\"impr_id\":\"x1\",\"campaign_id\":\"c9\"", "MALFORMED_JSON"},
      {run.impressions, "{\"campaign_id\":\"c9\",\"ts\":1709294401000}", "MISSING_FIELD"},
      {run.impressions, "{\"impr_id\":\"x2\",\"campaign_id\":[1],\"ts\":1709294401000}", "INVALID_FIELD"},
      {run.impressions, "{\"impr_id\":\"x3\",\"campaign_id\":\"c9\",\"ts\":42}", "TS_OUT_OF_RANGE"},
      {run.clicks, "", "MALFORMED_JSON"},
      {run.clicks, "{\"click_id\":\"y1\",\"ts\":1709294401000}", "MISSING_FIELD"},
      {run.clicks, "{\"click_id\":\"y2\",\"impr_id\":\"i01\",\"ts\":\"later\"}", "INVALID_FIELD"},
    };
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", LocalStack.BOOTSTRAP), new StringSerializer(), new StringSerializer())) {
      for (String[] bad : injected) {
        producer.send(new ProducerRecord<>(bad[0], bad[1])).get();
      }
    }
    run.replay(testdata.resolve("impressions.jsonl"), testdata.resolve("clicks.jsonl"));
    jobId = STACK.submit(run.name, run.jobFlags());

    List<ConsumerRecord<String, String>> letters = STACK.read(run.deadLetters, injected.length + 3, Duration.ofMinutes(2));
    Map<String, Integer> byTopicAndReason = new TreeMap<>();
    for (ConsumerRecord<String, String> r : letters) {
      JsonNode d = JSON.readTree(r.value());
      assertThat(r.key(), equalTo(d.get("source").asText()));
      byTopicAndReason.merge(d.get("source").asText() + " " + d.get("reason").asText(), 1, Integer::sum);
    }
    Map<String, Integer> expected = new TreeMap<>();
    for (String[] bad : injected) {
      expected.merge(bad[0] + " " + bad[2], 1, Integer::sum);
    }
    expected.merge(run.impressions + " MISSING_FIELD", 1, Integer::sum); // testdata: no ts
    expected.merge(run.impressions + " MALFORMED_JSON", 1, Integer::sum); // testdata: not json
    expected.merge(run.clicks + " INVALID_FIELD", 1, Integer::sum); // testdata: ts "soon"
    assertThat(byTopicAndReason, equalTo(expected));
    awaitCounter("dead_letters", 10);
    assertThat(STACK.jobState(jobId), equalTo("RUNNING"));
    // and the good records of the same topics still give the hand-checked results
    ReferenceCtr ref = ReferenceCtr.compute(testdata.resolve("impressions.jsonl"), testdata.resolve("clicks.jsonl"), 30_000, 15_000);
    awaitFinalResults(run.prefix, ref, Duration.ofMinutes(2));
    assertRedisEquals(run.prefix, ref);
  }

  @Test
  public void killingTheTaskManagerMidReplayLosesNothingAndCountsNothingTwice() throws Exception {
    Run run = Run.named("failover");
    STACK.createTopics(run.impressions, run.clicks, run.deadLetters);
    Path imp = DATA.resolve("avazu-sample/impressions.jsonl.gz");
    Path clk = DATA.resolve("avazu-sample/clicks.jsonl.gz");
    // a long idle timeout: the replay, not the wall clock, closes the windows (its heartbeats)
    jobId = STACK.submit(run.name, run.jobFlags("--windowSize=60s", "--idlePartitionTimeout=10m"));
    // the replay runs while the job does; a completed checkpoint means every source reader has started
    Await.until("first checkpoint", Duration.ofMinutes(1), () -> STACK.completedCheckpoints(jobId) >= 1);

    CompletableFuture<String> replay = CompletableFuture.supplyAsync(() -> run.replay(imp, clk, "--rate=200"));
    long checkpointsBefore = STACK.completedCheckpoints(jobId);
    Await.until("a checkpoint completed with part of the replay counted", Duration.ofMinutes(2),
        () -> windowCount(run.prefix) >= 100 && STACK.completedCheckpoints(jobId) > checkpointsBefore);
    assertThat("the replay is still running when the TaskManager dies", replay.isDone(), equalTo(false));
    STACK.killTaskManager(1);
    STACK.startTaskManager(1);
    Await.until("the job restarted", Duration.ofMinutes(2), () -> STACK.restarts(jobId) >= 1);
    Await.until("the job is running again", Duration.ofMinutes(2), () -> "RUNNING".equals(STACK.jobState(jobId)));
    replay.get(); // rethrows the replay's failure, with its output

    ReferenceCtr ref = ReferenceCtr.compute(imp, clk, 60_000, 15_000);
    awaitFinalResults(run.prefix, ref, Duration.ofMinutes(3));
    assertRedisEquals(run.prefix, ref);
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Replays the files into fresh topics, then starts the job on them, waits until every window is
   * final in Redis and checks every window against the recomputation.
   */
  private ReferenceCtr replayThenRun(Run run, Path imp, Path clk, Duration window, Duration attribution) throws Exception {
    STACK.createTopics(run.impressions, run.clicks, run.deadLetters);
    run.replay(imp, clk);
    jobId = STACK.submit(run.name, run.jobFlags("--windowSize=" + window.getSeconds() + "s",
        "--attributionWindow=" + attribution.getSeconds() + "s"));
    ReferenceCtr ref = ReferenceCtr.compute(imp, clk, window.toMillis(), attribution.toMillis());
    awaitFinalResults(run.prefix, ref, Duration.ofMinutes(4));
    assertRedisEquals(run.prefix, ref);
    return ref;
  }

  /** Flink's REST API serves metrics from a cache refreshed every few seconds: wait for the value. */
  private void awaitCounter(String name, long expected) {
    long[] last = {-1};
    try {
      Await.until("counter " + name + " = " + expected, Duration.ofMinutes(1), () -> (last[0] = STACK.counter(jobId, name)) == expected);
    } catch (AssertionError e) {
      throw new AssertionError("counter " + name + ": expected " + expected + " but was " + last[0], e);
    }
  }

  private static long windowCount(String prefix) {
    try (Jedis jedis = STACK.redis()) {
      return jedis.keys(prefix + ":campaign:*:window:*").size();
    }
  }

  /** Waits until every (campaign, window) of the reference has a final pane in Redis. */
  private static void awaitFinalResults(String prefix, ReferenceCtr ref, Duration timeout) {
    Await.until(ref.counts.size() + " final windows in Redis under " + prefix, timeout, () -> {
      try (Jedis jedis = STACK.redis()) {
        for (String key : ref.counts.keySet()) {
          if (!"true".equals(jedis.hget(windowKey(prefix, key), "final"))) {
            return false;
          }
        }
        return true;
      }
    });
  }

  private static void assertRedisEquals(String prefix, ReferenceCtr ref) {
    Map<String, List<Long>> actual = new TreeMap<>();
    try (Jedis jedis = STACK.redis()) {
      for (String key : ref.counts.keySet()) {
        List<String> v = jedis.hmget(windowKey(prefix, key), "impressions", "clicks");
        actual.put(key, List.of(Long.parseLong(v.get(0)), Long.parseLong(v.get(1))));
      }
      assertThat((long) jedis.keys(prefix + ":campaign:*:window:*").size(), equalTo((long) ref.counts.size()));
    }
    assertThat(actual, equalTo(ref.counts));
  }

  private static String windowKey(String prefix, String campaignAndWindow) {
    int bar = campaignAndWindow.lastIndexOf('|');
    return prefix + ":campaign:" + campaignAndWindow.substring(0, bar) + ":window:" + campaignAndWindow.substring(bar + 1);
  }
}
