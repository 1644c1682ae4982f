package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.contract.RedisKeys;
import io.ctrstream.contract.ResultRecord;
import io.ctrstream.producer.ProducerCli;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * SPIKE/DROP alerts on the stack: the producer's phase script drives campaign c1 normal → low →
 * high → normal, the job runs on the Flink session cluster, and the alerts it writes to the Redis
 * stream and to the Kafka topic are exactly those the documented rule gives on the windows it wrote
 * (recomputed here from the window counts in Redis, with the z-test written out again): one DROP,
 * one SPIKE and one DROP for c1, at the phase changes, and nothing else. The result topic carries
 * the panes Redis holds, and a device breakdown adds up to the campaign totals.
 */
public class AlertsEndToEndIT {
  @ClassRule public static final LocalStack STACK = new LocalStack();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WINDOW = 30_000;
  private static final long COOLDOWN = 90_000;
  private static final long MIN_IMPRESSIONS = 100;
  private static final double SIGNIFICANCE = 0.001;
  private static final double CRITICAL_Z = 5;
  private static final double CRITICAL_RELATIVE_CHANGE = 0.5;

  private String jobId;

  @After
  public void cancelJob() throws Exception {
    if (jobId != null) {
      STACK.cancel(jobId);
    }
  }

  /** One alert as the test compares them: what it is about and what it says. */
  record Expected(
      String key,
      long windowStart,
      String kind,
      String severity,
      long impressions,
      long clicks,
      long baselineImpressions,
      long baselineClicks) {}

  @Test
  public void phaseChangesOfACampaignRaiseExactlyTheDocumentedAlertsInRedisAndOnTheTopic()
      throws Exception {
    String id = "alerts-" + Long.toHexString(System.nanoTime());
    String impressions = "impressions-" + id;
    String clicks = "clicks-" + id;
    String alerts = "ctr-alerts-" + id;
    String results = "ctr-results-" + id;
    String prefix = "e2e-" + id;
    STACK.createTopics(impressions, clicks, "dead-letters-" + id, alerts, results);

    // 6 minutes of event time, an hour ago, starting on a window boundary: c1 is normal for 2 min,
    // low for 1, high for 1, normal for 2, so every 30 s window lies in one phase
    long start = (System.currentTimeMillis() - 3_600_000) / WINDOW * WINDOW;
    assertThat(
        ProducerCli.execute(
            "generate",
            "--bootstrap-servers=" + LocalStack.BOOTSTRAP,
            "--impressions-topic=" + impressions,
            "--clicks-topic=" + clicks,
            "--progress-interval=60",
            "--seed=7",
            "--max-speed",
            "--rate=200",
            "--campaigns=5",
            "--ctr=0.1",
            "--click-delay-max=10s",
            "--phase=c1:normal=2m,low=1m,high=1m,normal=2m",
            "--duration=6m",
            "--start=" + start,
            "--close-windows-after=1d"),
        equalTo(0));
    jobId =
        STACK.submit(
            id,
            "--impressionsTopic=" + impressions,
            "--clicksTopic=" + clicks,
            "--deadLetterTopic=dead-letters-" + id,
            "--groupId=" + id,
            "--redisKeyPrefix=" + prefix,
            "--windowSize=30s",
            "--attributionWindow=10s",
            "--alertsTopic=" + alerts,
            "--resultsTopic=" + results,
            "--alertCooldown=90s",
            "--minImpressions=" + MIN_IMPRESSIONS,
            "--alertSignificance=" + SIGNIFICANCE,
            "--breakdowns=device");

    // judge every window: the closing heartbeat (--close-windows-after) brings all 12 complete
    // panes
    long lastJudged = start + 330_000;
    Await.until(
        "every campaign's 12 windows complete in Redis",
        Duration.ofMinutes(4),
        () -> {
          Map<String, List<Map<String, String>>> complete = completeWindows(prefix, lastJudged);
          return complete.size() == 5 && complete.values().stream().allMatch(w -> w.size() == 12);
        });
    Map<String, List<Map<String, String>>> windows = completeWindows(prefix, lastJudged);
    List<Expected> expected = recompute(windows);

    // the phase script's changes, and nothing else
    assertThat(
        expected.stream()
            .map(e -> e.key() + " " + (e.windowStart() - start) / 1000 + "s " + e.kind())
            .toList(),
        equalTo(List.of("c1 120s DROP", "c1 180s SPIKE", "c1 240s DROP")));

    List<JsonNode> inRedis = new ArrayList<>();
    Await.until(
        "the recomputed alerts in the Redis stream " + prefix + ":alerts",
        Duration.ofMinutes(1),
        () -> {
          inRedis.clear();
          inRedis.addAll(redisAlerts(prefix, lastJudged));
          return inRedis.size() >= expected.size();
        });
    assertThat(describe(inRedis), equalTo(expected));
    for (JsonNode a : inRedis) {
      System.out.printf(
          "alert: %s %ss %s %s: %s/%s (%.2f %%) vs %s/%s (%.2f %%), z = %.2f, p = %.2g%n",
          a.get("key").asText(),
          (a.get("window_start").asLong() - start) / 1000,
          a.get("kind").asText(),
          a.get("severity").asText(),
          a.get("clicks").asText(),
          a.get("impressions").asText(),
          100 * a.get("ctr").asDouble(),
          a.get("baseline_clicks").asText(),
          a.get("baseline_impressions").asText(),
          100 * a.get("baseline_ctr").asDouble(),
          a.get("z").asDouble(),
          a.get("p_value").asDouble());
    }

    List<JsonNode> onTopic = new ArrayList<>();
    STACK.readUntil(
        alerts,
        records -> {
          onTopic.clear();
          for (ConsumerRecord<String, String> r : records) {
            JsonNode a = json(r.value());
            assertThat(r.key(), equalTo("campaign:" + a.get("key").asText()));
            if (a.get("window_start").asLong() <= lastJudged) {
              onTopic.add(a);
            }
          }
          return onTopic.size() >= expected.size();
        },
        Duration.ofMinutes(1));
    assertThat(describe(onTopic), equalTo(expected));

    for (JsonNode a : inRedis) { // z and p as the formula gives them from the counts
      double z =
          z(
              a.get("clicks").asLong(),
              a.get("impressions").asLong(),
              a.get("baseline_clicks").asLong(),
              a.get("baseline_impressions").asLong());
      assertThat(a.get("z").asDouble(), closeTo(z, 1e-9));
      assertThat(
          a.get("p_value").asDouble(),
          closeTo(2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(z))), 1e-12));
      assertThat(
          a.get("status").asText() + " " + a.get("baseline").asText(), equalTo("RAISED previous"));
    }

    // --resultsTopic: every pane Redis holds for c1 is on the topic too, with the same counts
    Map<String, String> inRedisPanes = new TreeMap<>();
    for (Map<String, String> h : windows.get("c1")) {
      inRedisPanes.put(
          h.get("window_start") + " pane " + h.get("pane_index"),
          h.get("impressions") + "/" + h.get("clicks"));
    }
    Map<String, String> onResultTopic = new TreeMap<>();
    STACK.readUntil(
        results,
        records -> {
          for (ConsumerRecord<String, String> r : records) {
            JsonNode pane = json(r.value());
            String which =
                pane.get("window_start").asText() + " pane " + pane.get("pane_index").asText();
            if (r.key().equals("campaign:c1") && inRedisPanes.containsKey(which)) {
              onResultTopic.put(
                  which, pane.get("impressions").asText() + "/" + pane.get("clicks").asText());
            }
          }
          return onResultTopic.size() == inRedisPanes.size();
        },
        Duration.ofMinutes(1));
    assertThat(onResultTopic, equalTo(inRedisPanes));

    // the device breakdown of the same windows adds up to the campaigns' totals
    try (Jedis jedis = STACK.redis()) {
      for (long w = start; w <= lastJudged; w += WINDOW) {
        long[] campaigns = new long[2];
        for (List<Map<String, String>> perCampaign : windows.values()) {
          for (Map<String, String> h : perCampaign) {
            if (Long.parseLong(h.get("window_start")) == w) {
              campaigns[0] += Long.parseLong(h.get("impressions"));
              campaigns[1] += Long.parseLong(h.get("clicks"));
            }
          }
        }
        long[] devices = new long[2];
        for (String device : jedis.smembers(new RedisKeys(prefix).keys("device"))) {
          Map<String, String> h = jedis.hgetAll(new RedisKeys(prefix).window("device", device, w));
          if (!h.isEmpty()) {
            devices[0] += Long.parseLong(h.get("impressions"));
            devices[1] += Long.parseLong(h.get("clicks"));
          }
        }
        assertThat(
            "window " + (w - start) / 1000 + "s",
            devices[0] + "/" + devices[1],
            equalTo(campaigns[0] + "/" + campaigns[1]));
      }
    }
  }

  /**
   * Per campaign, its complete (not EARLY) window hashes starting at or before {@code last}, oldest
   * first.
   */
  private static Map<String, List<Map<String, String>>> completeWindows(String prefix, long last) {
    Map<String, List<Map<String, String>>> out = new TreeMap<>();
    try (Jedis jedis = STACK.redis()) {
      for (String campaign : jedis.smembers(new RedisKeys(prefix).keys(ResultRecord.CAMPAIGN))) {
        List<Map<String, String>> complete = new ArrayList<>();
        for (String start :
            jedis.zrangeByScore(
                new RedisKeys(prefix).windows(ResultRecord.CAMPAIGN, campaign), 0, last)) {
          Map<String, String> h =
              jedis.hgetAll(
                  new RedisKeys(prefix)
                      .window(ResultRecord.CAMPAIGN, campaign, Long.parseLong(start)));
          if (!h.isEmpty() && !"EARLY".equals(h.get("timing"))) {
            complete.add(h);
          }
        }
        out.put(campaign, complete);
      }
    }
    return out;
  }

  /**
   * The documented rule (docs/alerts.md), written out again: each complete window against the key's
   * complete window before it; significant when both have {@code --minImpressions} and the
   * two-sided p-value of the pooled two-proportion z-test is below {@code --alertSignificance};
   * CRITICAL when |z| >= 5 or |relative change| >= 0.5; a repeat of the same kind for a window
   * starting less than {@code --alertCooldown} after a raised one is suppressed.
   */
  private static List<Expected> recompute(Map<String, List<Map<String, String>>> windows) {
    List<Expected> out = new ArrayList<>();
    windows.forEach(
        (campaign, hashes) -> {
          Map<String, Long> lastRaised = new TreeMap<>();
          for (int i = 1; i < hashes.size(); i++) {
            Map<String, String> now = hashes.get(i);
            Map<String, String> before = hashes.get(i - 1);
            long n1 = Long.parseLong(now.get("impressions"));
            long x1 = Long.parseLong(now.get("clicks"));
            long n0 = Long.parseLong(before.get("impressions"));
            long x0 = Long.parseLong(before.get("clicks"));
            if (n1 < MIN_IMPRESSIONS || n0 < MIN_IMPRESSIONS) {
              continue;
            }
            double z = z(x1, n1, x0, n0);
            double p = 2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(z)));
            if (p >= SIGNIFICANCE) {
              continue;
            }
            String kind = z > 0 ? "SPIKE" : "DROP";
            long windowStart = Long.parseLong(now.get("window_start"));
            Long previous = lastRaised.get(kind);
            if (previous != null && windowStart - previous < COOLDOWN) {
              continue;
            }
            lastRaised.put(kind, windowStart);
            double relative = ((double) x1 / n1 - (double) x0 / n0) / ((double) x0 / n0);
            String severity =
                Math.abs(z) >= CRITICAL_Z || Math.abs(relative) >= CRITICAL_RELATIVE_CHANGE
                    ? "CRITICAL"
                    : "WARNING";
            out.add(new Expected(campaign, windowStart, kind, severity, n1, x1, n0, x0));
          }
        });
    out.sort(
        java.util.Comparator.comparing(Expected::key).thenComparingLong(Expected::windowStart));
    return out;
  }

  /** Pooled two-proportion z statistic (NIST/SEMATECH e-Handbook §7.3.3). */
  private static double z(double x1, double n1, double x0, double n0) {
    double pooled = (x1 + x0) / (n1 + n0);
    return (x1 / n1 - x0 / n0) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  }

  private static List<JsonNode> redisAlerts(String prefix, long last) {
    List<JsonNode> out = new ArrayList<>();
    try (Jedis jedis = STACK.redis()) {
      for (StreamEntry e :
          jedis.xrange(
              new RedisKeys(prefix).alerts(), (StreamEntryID) null, (StreamEntryID) null)) {
        if (Long.parseLong(e.getFields().get("window_start")) <= last) {
          out.add(JSON.valueToTree(e.getFields()));
        }
      }
    }
    return out;
  }

  private static List<Expected> describe(List<JsonNode> alerts) {
    return alerts.stream()
        .map(
            a ->
                new Expected(
                    a.get("key").asText(),
                    a.get("window_start").asLong(),
                    a.get("kind").asText(),
                    a.get("severity").asText(),
                    a.get("impressions").asLong(),
                    a.get("clicks").asLong(),
                    Math.round(a.get("baseline_impressions").asDouble()),
                    Math.round(a.get("baseline_clicks").asDouble())))
        .sorted(
            java.util.Comparator.comparing(Expected::key).thenComparingLong(Expected::windowStart))
        .toList();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not JSON: " + text, e);
    }
  }
}
