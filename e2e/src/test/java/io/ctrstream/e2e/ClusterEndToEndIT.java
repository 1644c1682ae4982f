package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import io.ctrstream.producer.ProducerCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The job jar on the Flink session cluster, reading Kafka, writing Redis: real processes, started
 * by {@code deploy/stack.sh}, submitted by {@code deploy/submit.sh}, fed by the producer. Failures
 * (TaskManager kills, broker and Redis outages, savepoints) are {@link FaultDrillsIT}'s.
 */
public class ClusterEndToEndIT {
  @ClassRule public static final LocalStack STACK = new LocalStack();

  private static final ObjectMapper JSON = new ObjectMapper();

  private String jobId;

  @After
  public void cancelJob() throws Exception {
    if (jobId != null) {
      STACK.cancel(jobId);
    }
  }

  @Test
  public void avazuThroughKafkaEqualsTheRecomputation() throws Exception {
    JobRun run = JobRun.named("avazu");
    ReferenceCtr ref =
        replayThenRun(
            run,
            Samples.AVAZU_IMPRESSIONS,
            Samples.AVAZU_CLICKS,
            Duration.ofSeconds(60),
            Duration.ofSeconds(15));

    awaitCounter("clicks_unattributed", ref.unattributedClicks);
    awaitCounter("impressions_counted", 8087);
    awaitCounter("clicks_attributed", ref.attributedClicks);
    awaitCounter("heartbeats", 6);
  }

  /**
   * The Avazu sample sent as Avro records (Avro's single-object encoding, the writer schemas of
   * {@code schemas/}): the same numbers as the JSON, nothing dead-lettered.
   */
  @Test
  public void avazuAsAvroSingleObjectEqualsTheRecomputation() throws Exception {
    Path schemas = STACK.root.resolve("schemas");
    avazuAsAvro(
        "avazu-avro",
        List.of("--avro-schema-dir=" + schemas),
        List.of("--avroSchemaDir=" + schemas));
  }

  /**
   * The Avazu sample in the schema-registry wire format, its ids mapped to the schema files by
   * {@code --avroSchemaIds} (no registry): the same numbers again.
   */
  @Test
  public void avazuAsAvroInTheRegistryWireFormatEqualsTheRecomputation() throws Exception {
    Path schemas = STACK.root.resolve("schemas");
    String ids =
        "11="
            + schemas.resolve("impression.avsc")
            + ",12="
            + schemas.resolve("click.avsc")
            + ",13="
            + schemas.resolve("heartbeat.avsc");
    avazuAsAvro(
        "avazu-registry",
        List.of("--avro-schema-dir=" + schemas, "--framing=registry", "--avro-schema-ids=" + ids),
        List.of("--avroSchemaIds=" + ids));
  }

  /**
   * Replays the Avazu sample with {@code --format=avro} and the given producer arguments into a job
   * with {@code --format=avro} and the given flags: Redis equals the recomputation, every
   * impression and attributed click is counted, every heartbeat arrives, nothing is dead-lettered.
   */
  private void avazuAsAvro(String name, List<String> replayArgs, List<String> jobFlags)
      throws Exception {
    List<String> replay = new java.util.ArrayList<>(List.of("--format=avro"));
    replay.addAll(replayArgs);
    List<String> flags = new java.util.ArrayList<>(List.of("--format=avro"));
    flags.addAll(jobFlags);
    ReferenceCtr ref =
        replayThenRun(
            JobRun.named(name),
            Samples.AVAZU_IMPRESSIONS,
            Samples.AVAZU_CLICKS,
            Duration.ofSeconds(60),
            Duration.ofSeconds(15),
            replay,
            flags);
    awaitCounter("impressions_counted", 8087);
    awaitCounter("clicks_attributed", ref.attributedClicks);
    awaitCounter("heartbeats", 6);
    assertThat(STACK.counter(jobId, "dead_letters"), equalTo(0L));
  }

  /**
   * The producer's live stream (no {@code --start}, no jitter) is sent when it is stamped: every
   * impression reaches the broker within 250 ms of its {@code ts} (the record's Kafka timestamp is
   * its send time). Latency figures measured from window ends (deploy/bench.sh) rely on it; the
   * producer once stamped from the moment before it connected, so every event left seconds late.
   */
  @Test
  public void theProducersLiveEventsAreSentWhenTheyAreStamped() throws Exception {
    JobRun run = JobRun.named("live-stamps");
    STACK.createTopics(run.impressions(), run.clicks());
    assertThat(
        ProducerCli.execute(
            "generate",
            "--bootstrap-servers=" + LocalStack.BOOTSTRAP,
            "--impressions-topic=" + run.impressions(),
            "--clicks-topic=" + run.clicks(),
            "--progress-interval=60",
            "--rate=200",
            "--duration=5s",
            "--jitter=0s"),
        equalTo(0));
    List<ConsumerRecord<String, String>> impressions =
        STACK.read(run.impressions(), 1000, Duration.ofMinutes(1));
    assertThat(impressions.size(), equalTo(1000));
    long latest = Long.MIN_VALUE;
    long earliest = Long.MAX_VALUE;
    for (ConsumerRecord<String, String> r : impressions) {
      long sentAfterTs = r.timestamp() - JSON.readTree(r.value()).get("ts").asLong();
      latest = Math.max(latest, sentAfterTs);
      earliest = Math.min(earliest, sentAfterTs);
    }
    String sent = "sent " + earliest + " to " + latest + " ms after their ts";
    assertThat(sent, earliest, greaterThanOrEqualTo(0L));
    assertThat(sent, latest, lessThanOrEqualTo(250L));
  }

  @Test
  public void ipinyouAllRealClicksUnmatchedOnesCountAsUnattributed() throws Exception {
    JobRun run = JobRun.named("ipinyou");
    ReferenceCtr ref =
        replayThenRun(
            run,
            Samples.IPINYOU_IMPRESSIONS,
            Samples.IPINYOU_CLICKS,
            Duration.ofHours(1),
            Duration.ofMinutes(30));

    assertThat(ref.attributedClicks + ref.unattributedClicks, equalTo(9978L));
    awaitCounter("clicks_unattributed", ref.unattributedClicks);
    awaitCounter("clicks_attributed", ref.attributedClicks);
  }

  @Test
  public void malformedRecordsEndInTheDeadLetterTopicAndTheJobKeepsRunning() throws Exception {
    JobRun run = JobRun.named("malformed");
    STACK.createTopics(run.impressions(), run.clicks(), run.deadLetters());
    Path testdata = STACK.root.resolve("testdata");

    // testdata has 3 bad lines of its own; inject 4 + 3 more, one of each reason per topic
    String[][] injected = {
      {run.impressions(), "{\"impr_id\":\"x1\",\"campaign_id\":\"c9\"", "MALFORMED_JSON"},
      {run.impressions(), "{\"campaign_id\":\"c9\",\"ts\":1709294401000}", "MISSING_FIELD"},
      {
        run.impressions(),
        "{\"impr_id\":\"x2\",\"campaign_id\":[1],\"ts\":1709294401000}",
        "INVALID_FIELD"
      },
      {
        run.impressions(),
        "{\"impr_id\":\"x3\",\"campaign_id\":\"c9\",\"ts\":42}",
        "TS_OUT_OF_RANGE"
      },
      {run.clicks(), "", "MALFORMED_JSON"},
      {run.clicks(), "{\"click_id\":\"y1\",\"ts\":1709294401000}", "MISSING_FIELD"},
      {run.clicks(), "{\"click_id\":\"y2\",\"impr_id\":\"i01\",\"ts\":\"later\"}", "INVALID_FIELD"},
    };
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", LocalStack.BOOTSTRAP),
            new StringSerializer(),
            new StringSerializer())) {
      for (String[] bad : injected) {
        producer.send(new ProducerRecord<>(bad[0], bad[1])).get();
      }
    }
    run.replay(testdata.resolve("impressions.jsonl"), testdata.resolve("clicks.jsonl"));
    jobId = STACK.submit(run.name(), run.jobFlags());

    List<ConsumerRecord<String, String>> letters =
        STACK.read(run.deadLetters(), injected.length + 3, Duration.ofMinutes(2));
    Map<String, Integer> byTopicAndReason = new TreeMap<>();
    for (ConsumerRecord<String, String> r : letters) {
      JsonNode d = JSON.readTree(r.value());
      assertThat(r.key(), equalTo(d.get("source").asText()));
      byTopicAndReason.merge(
          d.get("source").asText() + " " + d.get("reason").asText(), 1, Integer::sum);
    }
    Map<String, Integer> expected = new TreeMap<>();
    for (String[] bad : injected) {
      expected.merge(bad[0] + " " + bad[2], 1, Integer::sum);
    }
    expected.merge(run.impressions() + " MISSING_FIELD", 1, Integer::sum); // testdata: no ts
    expected.merge(run.impressions() + " MALFORMED_JSON", 1, Integer::sum); // testdata: not json
    expected.merge(run.clicks() + " INVALID_FIELD", 1, Integer::sum); // testdata: ts "soon"
    assertThat(byTopicAndReason, equalTo(expected));
    awaitCounter("dead_letters", 10);
    assertThat(STACK.jobState(jobId), equalTo("RUNNING"));
    // and the good records of the same topics still give the hand-checked results
    ReferenceCtr ref =
        ReferenceCtr.compute(
            testdata.resolve("impressions.jsonl"),
            testdata.resolve("clicks.jsonl"),
            30_000,
            15_000);
    RedisResults redis = new RedisResults(STACK, run.prefix());
    redis.awaitFinal(ref, Duration.ofMinutes(2));
    redis.assertEquals(ref);
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Replays the files into fresh topics, then starts the job on them, waits until every window is
   * final in Redis and checks every window against the recomputation.
   */
  private ReferenceCtr replayThenRun(
      JobRun run, Path imp, Path clk, Duration window, Duration attribution) throws Exception {
    return replayThenRun(run, imp, clk, window, attribution, List.of(), List.of());
  }

  /** As above, with further producer arguments and job flags (the record format). */
  private ReferenceCtr replayThenRun(
      JobRun run,
      Path imp,
      Path clk,
      Duration window,
      Duration attribution,
      List<String> replayArgs,
      List<String> jobFlags)
      throws Exception {
    STACK.createTopics(run.impressions(), run.clicks(), run.deadLetters());
    run.replay(imp, clk, replayArgs.toArray(String[]::new));
    List<String> flags = new java.util.ArrayList<>(jobFlags);
    flags.add("--windowSize=" + window.getSeconds() + "s");
    flags.add("--attributionWindow=" + attribution.getSeconds() + "s");
    jobId = STACK.submit(run.name(), run.jobFlags(flags.toArray(String[]::new)));
    ReferenceCtr ref = ReferenceCtr.compute(imp, clk, window.toMillis(), attribution.toMillis());
    RedisResults redis = new RedisResults(STACK, run.prefix());
    redis.awaitFinal(ref, Duration.ofMinutes(4));
    redis.assertEquals(ref);
    return ref;
  }

  /**
   * Flink's REST API serves metrics from a cache refreshed every few seconds: wait for the value.
   */
  private void awaitCounter(String name, long expected) {
    long[] last = {-1};
    try {
      Await.until(
          "counter " + name + " = " + expected,
          Duration.ofMinutes(1),
          () -> (last[0] = STACK.counter(jobId, name)) == expected);
    } catch (AssertionError e) {
      throw new AssertionError(
          "counter " + name + ": expected " + expected + " but was " + last[0], e);
    }
  }
}
