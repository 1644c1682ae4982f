package io.ctrstream.pipeline.io;

import static io.ctrstream.pipeline.testing.Events.result;
import static io.ctrstream.pipeline.testing.Events.window;
import static org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing.LATE;
import static org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing.ON_TIME;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.contract.RedisKeys;
import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.LatestAndPrevious;
import io.ctrstream.pipeline.testing.RedisServer;
import io.ctrstream.pipeline.testing.SampleAlerts;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.joda.time.Duration;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** The Redis key layout, against a real redis-server. */
public class WriteResultsToRedisTest {
  @ClassRule public static final RedisServer REDIS = new RedisServer();

  private static final IntervalWindow W0 = window(0);
  private static final IntervalWindow W30 = window(30);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RedisConnection redis() {
    return new RedisConnection(
        "127.0.0.1", REDIS.port(), null, new RedisKeys("ctr"), Duration.standardDays(7));
  }

  @Before
  public void flush() {
    REDIS.flush();
  }

  private void write(List<CtrResult> results) {
    Pipeline pipeline = Pipeline.create(TestPipeline.testingPipelineOptions());
    pipeline
        .apply(Create.of(results).withCoder(CtrResult.CtrResultCoder.of()))
        .apply(WriteResultsToRedis.windows(redis()));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void windowHashIndexAndCampaignSet() {
    write(
        List.of(
            result("906", W0, 135, 23, ON_TIME, 2, false),
            result("906", W30, 140, 0, LATE, 3, true),
            result("1722", W0, 4, 1, ON_TIME, 0, false)));

    try (Jedis jedis = REDIS.client()) {
      Map<String, String> hash = jedis.hgetAll("ctr:campaign:906:window:" + W0.start().getMillis());
      assertThat(
          hash.remove("on_time_at"),
          equalTo(hash.remove("updated_at"))); // the ON_TIME pane's write
      assertThat(
          hash,
          equalTo(
              Map.ofEntries(
                  Map.entry("dimension", "campaign"),
                  Map.entry("key", "906"),
                  Map.entry("campaign_id", "906"),
                  Map.entry("impressions", "135"),
                  Map.entry("clicks", "23"),
                  Map.entry("ctr", Double.toString(23 / 135.0)),
                  Map.entry("window_start", Long.toString(W0.start().getMillis())),
                  Map.entry("window_end", Long.toString(W0.end().getMillis())),
                  Map.entry("window_start_iso", "2024-03-01T12:00:00.000Z"),
                  Map.entry("window_end_iso", "2024-03-01T12:00:30.000Z"),
                  Map.entry("timing", "ON_TIME"),
                  Map.entry("pane_index", "2"),
                  Map.entry("final", "false"))));
      Map<String, String> zeroClicks =
          jedis.hgetAll("ctr:campaign:906:window:" + W30.start().getMillis());
      assertThat(zeroClicks.get("ctr"), equalTo("0.0"));
      assertThat(zeroClicks.get("final"), equalTo("true"));
      assertThat(zeroClicks.containsKey("on_time_at"), equalTo(false)); // a LATE pane only
      assertThat(
          jedis.zrangeByScore("ctr:campaign:906:windows", 0, Double.MAX_VALUE),
          equalTo(
              List.of(
                  Long.toString(W0.start().getMillis()), Long.toString(W30.start().getMillis()))));
      assertThat(jedis.smembers("ctr:campaigns"), equalTo(Set.of("906", "1722")));
      assertThat(jedis.smembers("ctr:dimensions"), equalTo(Set.of("campaign")));
      long week = Duration.standardDays(7).getStandardSeconds();
      assertThat(
          jedis.ttl("ctr:campaign:906:window:" + W0.start().getMillis()),
          allOf(greaterThan(0L), lessThanOrEqualTo(week)));
      assertThat(
          jedis.ttl("ctr:campaign:906:windows"), allOf(greaterThan(0L), lessThanOrEqualTo(week)));
    }
  }

  @Test
  public void replayingPanesRewritesTheSameValues() {
    List<CtrResult> panes = List.of(result("906", W0, 10, 2, ON_TIME, 0, false));
    write(panes);
    Map<String, String> first;
    try (Jedis jedis = REDIS.client()) {
      first = jedis.hgetAll("ctr:campaign:906:window:" + W0.start().getMillis());
    }
    write(panes);
    try (Jedis jedis = REDIS.client()) {
      Map<String, String> second =
          jedis.hgetAll("ctr:campaign:906:window:" + W0.start().getMillis());
      for (String writeTime :
          new String[] {"updated_at", "on_time_at"}) { // times of the writes themselves
        first.remove(writeTime);
        second.remove(writeTime);
      }
      assertThat(second, equalTo(first));
      assertThat(jedis.zcard("ctr:campaign:906:windows"), equalTo(1L));
    }
  }

  @Test
  public void anOlderPaneWrittenLateNeverReplacesANewerOne() {
    write(List.of(result("906", W0, 12, 3, LATE, 2, true)));
    write(
        List.of(
            result("906", W0, 10, 2, ON_TIME, 1, false))); // e.g. a replayed bundle, after pane 2
    try (Jedis jedis = REDIS.client()) {
      Map<String, String> hash = jedis.hgetAll("ctr:campaign:906:window:" + W0.start().getMillis());
      assertThat(
          hash.get("pane_index")
              + " "
              + hash.get("timing")
              + " "
              + hash.get("impressions")
              + " "
              + hash.get("clicks")
              + " "
              + hash.get("final"),
          equalTo("2 LATE 12 3 true"));
      assertThat(
          hash.containsKey("on_time_at"), equalTo(false)); // the refused ON_TIME write left nothing
    }
    try (Jedis jedis = REDIS.client()) {
      jedis.scriptFlush(); // as after a Redis restart: the next connection loads the scripts again
    }
    write(List.of(result("906", W0, 13, 3, LATE, 3, true)));
    try (Jedis jedis = REDIS.client()) {
      assertThat(
          jedis.hget("ctr:campaign:906:window:" + W0.start().getMillis(), "impressions"),
          equalTo("13"));
    }
  }

  @Test
  public void anOlderLatestAndPreviousWrittenLateNeverReplacesANewerPair() throws Exception {
    writeLatest(
        new LatestAndPrevious(
            result("906", W30, 140, 7, ON_TIME, 0, false),
            result("906", W0, 135, 23, ON_TIME, 0, false)));
    writeLatest(
        new LatestAndPrevious(
            result("906", W0, 135, 23, ON_TIME, 0, false), null)); // the first state, written last
    assertThat(latestAndPrevious("906"), equalTo("W30 pane 0 / W0 pane 0"));
    writeLatest(
        new LatestAndPrevious(
            result("906", W30, 140, 7, ON_TIME, 0, false),
            result("906", W0, 136, 23, LATE, 1, true)));
    assertThat(latestAndPrevious("906"), equalTo("W30 pane 0 / W0 pane 1"));
    writeLatest(
        new LatestAndPrevious(
            result("906", W30, 140, 7, ON_TIME, 0, false),
            result("906", W0, 135, 23, ON_TIME, 0, false)));
    assertThat(latestAndPrevious("906"), equalTo("W30 pane 0 / W0 pane 1"));
    writeLatest(
        new LatestAndPrevious(
            result("906", W30, 141, 8, LATE, 1, true), result("906", W0, 136, 23, LATE, 1, true)));
    assertThat(latestAndPrevious("906"), equalTo("W30 pane 1 / W0 pane 1"));
  }

  @Test
  public void aKeyWhoseStateExpiredKeepsItsStoredLatestAsPrevious() throws Exception {
    writeLatest(
        new LatestAndPrevious(
            result("906", W30, 140, 7, ON_TIME, 0, true),
            result("906", W0, 135, 23, ON_TIME, 0, true)));
    // back after --idleKeyRetention: the job no longer knows W30, Redis does
    writeLatest(new LatestAndPrevious(result("906", window(900), 10, 1, ON_TIME, 0, true), null));
    assertThat(latestAndPrevious("906"), equalTo("W900 pane 0 / W30 pane 0"));
    // a replay of that write changes nothing
    writeLatest(new LatestAndPrevious(result("906", window(900), 10, 1, ON_TIME, 0, true), null));
    assertThat(latestAndPrevious("906"), equalTo("W900 pane 0 / W30 pane 0"));
  }

  private void writeLatest(LatestAndPrevious lp) {
    Pipeline pipeline = Pipeline.create(TestPipeline.testingPipelineOptions());
    pipeline
        .apply(Create.of(lp).withCoder(LatestAndPrevious.LatestAndPreviousCoder.of()))
        .apply(WriteResultsToRedis.latestAndPrevious(redis()));
    pipeline.run().waitUntilFinish();
  }

  /**
   * "W30 pane 0 / W0 pane 1": the stored latest and previous windows of a campaign and their panes.
   */
  private String latestAndPrevious(String campaign) throws Exception {
    try (Jedis jedis = REDIS.client()) {
      JsonNode l = MAPPER.readTree(jedis.hget("ctr:latest", campaign));
      JsonNode p = MAPPER.readTree(jedis.hget("ctr:previous", campaign));
      return describe(l) + " / " + describe(p);
    }
  }

  private static String describe(JsonNode r) {
    long seconds = (r.get("window_start").asLong() - W0.start().getMillis()) / 1000;
    return "W" + seconds + " pane " + r.get("pane_index").asLong();
  }

  @Test
  public void latestAndPreviousHoldJsonPerCampaign() throws Exception {
    CtrResult latest = result("906", W30, 140, 7, ON_TIME, 0, false);
    CtrResult previous = result("906", W0, 135, 23, LATE, 1, true);
    Pipeline pipeline = Pipeline.create(TestPipeline.testingPipelineOptions());
    pipeline
        .apply(
            Create.of(
                    new LatestAndPrevious(latest, previous),
                    new LatestAndPrevious(result("7", W0, 1, 0, ON_TIME, 0, true), null))
                .withCoder(LatestAndPrevious.LatestAndPreviousCoder.of()))
        .apply(WriteResultsToRedis.latestAndPrevious(redis()));
    pipeline.run().waitUntilFinish();

    try (Jedis jedis = REDIS.client()) {
      JsonNode l = MAPPER.readTree(jedis.hget("ctr:latest", "906"));
      assertThat(l.get("window_start").asLong(), equalTo(W30.start().getMillis()));
      assertThat(l.get("window_start_iso").asText(), equalTo("2024-03-01T12:00:30.000Z"));
      assertThat(l.get("impressions").asLong(), equalTo(140L));
      assertThat(l.get("clicks").asLong(), equalTo(7L));
      assertThat(l.get("ctr").asDouble(), equalTo(0.05));
      assertThat(l.get("timing").asText(), equalTo("ON_TIME"));
      JsonNode prev = MAPPER.readTree(jedis.hget("ctr:previous", "906"));
      assertThat(prev.get("window_start").asLong(), equalTo(W0.start().getMillis()));
      assertThat(prev.get("final").asBoolean(), equalTo(true));
      assertThat(jedis.hkeys("ctr:latest"), equalTo(Set.of("906", "7")));
      assertThat(jedis.hkeys("ctr:previous"), equalTo(Set.of("906")));
    }
  }

  @Test
  public void alertsGoToTheStreamAndTheLatestAlertHash() {
    Alert raised =
        SampleAlerts.criticalDrop(W30.start().getMillis(), W30.end().getMillis(), -2.0 / 3);
    Pipeline pipeline = Pipeline.create(TestPipeline.testingPipelineOptions());
    pipeline
        .apply(Create.of(raised).withCoder(Alert.AlertCoder.of()))
        .apply(WriteResultsToRedis.alerts(redis(), 100));
    pipeline.run().waitUntilFinish();

    try (Jedis jedis = REDIS.client()) {
      List<StreamEntry> entries =
          jedis.xrange("ctr:alerts", (StreamEntryID) null, (StreamEntryID) null);
      assertThat(entries.size(), equalTo(1));
      Map<String, String> f = entries.get(0).getFields();
      assertThat(f.get("alert_id"), equalTo("campaign:906:" + W30.start().getMillis() + ":RAISED"));
      assertThat(f.get("campaign_id"), equalTo("906"));
      assertThat(
          f.get("kind") + " " + f.get("severity") + " " + f.get("status"),
          equalTo("DROP CRITICAL RAISED"));
      assertThat(f.get("window_start_iso"), equalTo("2024-03-01T12:00:30.000Z"));
      assertThat(
          f.get("ctr") + " " + f.get("baseline_ctr") + " " + f.get("z"),
          equalTo("0.02 0.06 -5.25"));
      assertThat(Double.parseDouble(f.get("relative_change")), equalTo(-2.0 / 3));
      assertThat(
          jedis.hget("ctr:alerts:latest", "campaign:906"),
          org.hamcrest.Matchers.containsString("\"status\":\"RAISED\""));
    }
  }
}
