package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import io.ctrstream.contract.RedisKeys;
import io.ctrstream.contract.ResultRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;
import redis.clients.jedis.Jedis;

/**
 * An idle partition on the cluster: a live stream (event time = now) whose impressions go to
 * partitions 0 and 1 of the impressions topic only, never to partition 2. The job must not wait for
 * partition 2: once it has been idle for {@code --idlePartitionTimeout} its watermark follows the
 * wall clock, so every window reaches its ON_TIME pane within the idle timeout plus the designed
 * delay (attribution window + out-of-orderness bound) plus 4 s of operation: three chained stages
 * (join, CTR windows, latest/Redis) may each hold the watermark until their bundle ends (up to 1.5
 * × {@code --maxBundleTimeMills}, 100 ms by default, 1 s when this was written), plus Flink's 200
 * ms watermark interval and the Redis write; up to 2.7 s was measured. Every impression and click
 * of the window is counted in it, and {@code ctr:latest} never goes backwards meanwhile.
 */
public class IdlePartitionIT {
  @ClassRule public static final LocalStack STACK = new LocalStack();

  private static final long WINDOW = 10_000;
  private static final long ATTRIBUTION = 5_000;
  private static final long OUT_OF_ORDERNESS = 5_000;
  private static final long IDLE = 10_000;
  private static final Duration LIVE = Duration.ofSeconds(60);

  private String jobId;
  private LatestWatcher latest;

  @After
  public void cancelJob() throws Exception {
    if (latest != null) {
      latest.close();
    }
    if (jobId != null) {
      STACK.cancel(jobId);
    }
  }

  @Test
  public void windowsReachTheirOnTimePaneWithAnImpressionsPartitionThatNeverGetsARecord()
      throws Exception {
    JobRun run = JobRun.named("idle");
    STACK.createTopics(run.impressions(), run.clicks(), run.deadLetters());
    jobId =
        STACK.submit(
            run.name(),
            run.jobFlags(
                "--windowSize=10s",
                "--attributionWindow=5s",
                "--maxOutOfOrderness=5s",
                "--idlePartitionTimeout=10s"));

    // 50 impressions/s over 2 campaigns into partitions 0 and 1; every 10th clicked 2 s later
    // (clicks: any partition)
    Map<String, long[]> sent = new TreeMap<>(); // campaign|window start -> {impressions, clicks}
    List<long[]> pendingClicks = new ArrayList<>(); // {due, impression number}
    long start = System.currentTimeMillis();
    latest = new LatestWatcher(STACK, run.prefix());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", LocalStack.BOOTSTRAP, "linger.ms", "5"),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; System.currentTimeMillis() - start < LIVE.toMillis(); i++) {
        long now = System.currentTimeMillis();
        String campaign = "c" + (i % 2);
        String window = campaign + "|" + Math.floorDiv(now, WINDOW) * WINDOW;
        producer.send(
            new ProducerRecord<>(
                run.impressions(),
                i % 2,
                "i" + i,
                "{\"impr_id\":\"i"
                    + i
                    + "\",\"campaign_id\":\""
                    + campaign
                    + "\",\"ts\":"
                    + now
                    + "}"));
        sent.computeIfAbsent(window, k -> new long[2])[0]++;
        if (i % 10 == 0) {
          pendingClicks.add(new long[] {now + 2_000, i, now});
          sent.get(window)[1]++;
        }
        for (var it = pendingClicks.iterator(); it.hasNext(); ) {
          long[] c = it.next();
          if (c[0] <= now) {
            producer.send(
                new ProducerRecord<>(
                    run.clicks(),
                    "i" + c[1],
                    "{\"click_id\":\"k"
                        + c[1]
                        + "\",\"impr_id\":\"i"
                        + c[1]
                        + "\",\"ts\":"
                        + now
                        + "}"));
            it.remove();
          }
        }
        Thread.sleep(20); // the stream's pace (50 events/s), not synchronisation
      }
      // clicks still due are left unsent: their impressions' windows do not count them
      for (long[] c : pendingClicks) {
        String window = "c" + (c[1] % 2) + "|" + Math.floorDiv(c[2], WINDOW) * WINDOW;
        sent.get(window)[1]--;
      }
    }
    long end = System.currentTimeMillis();

    // judge the windows wholly inside the stream (after it stops, all partitions go idle: the same
    // bound)
    long bound = IDLE + ATTRIBUTION + OUT_OF_ORDERNESS + 4_000;
    Map<String, long[]> judged = new TreeMap<>();
    sent.forEach(
        (k, v) -> {
          long windowStart = Long.parseLong(k.substring(k.indexOf('|') + 1));
          if (windowStart >= start && windowStart + WINDOW <= end) {
            judged.put(k, v);
          }
        });
    assertThat("windows to judge", judged.size() >= 8, equalTo(true));
    Map<String, Long> delay = new TreeMap<>();
    Map<String, List<Long>> counted = new TreeMap<>();
    Await.until(
        "an ON_TIME pane for each of the " + judged.size() + " windows",
        Duration.ofMinutes(2),
        () -> {
          try (Jedis jedis = STACK.redis()) {
            for (String k : judged.keySet()) {
              int bar = k.lastIndexOf('|');
              String key =
                  new RedisKeys(run.prefix())
                      .window(
                          ResultRecord.CAMPAIGN,
                          k.substring(0, bar),
                          Long.parseLong(k.substring(bar + 1)));
              List<String> v =
                  jedis.hmget(key, "on_time_at", "impressions", "clicks", "pane_index", "timing");
              if (v.get(0) == null) {
                return false;
              }
              long windowEnd = Long.parseLong(k.substring(k.indexOf('|') + 1)) + WINDOW;
              delay.put(k, Long.parseLong(v.get(0)) - windowEnd);
              counted.put(k, List.of(Long.parseLong(v.get(1)), Long.parseLong(v.get(2))));
            }
            return true;
          }
        });
    List<Long> delays = new ArrayList<>(delay.values());
    Collections.sort(delays);
    System.out.printf(
        "drill idle-partition: impressions partition 2 idle; %d windows; window end -> ON_TIME in Redis: "
            + "min %d ms, median %d ms, max %d ms (bound %d ms = idle %d + attribution %d + out-of-orderness %d + 4000)%n",
        delays.size(),
        delays.get(0),
        delays.get(delays.size() / 2),
        delays.get(delays.size() - 1),
        bound,
        IDLE,
        ATTRIBUTION,
        OUT_OF_ORDERNESS);
    Map<String, List<Long>> expected = new TreeMap<>();
    judged.forEach((k, v) -> expected.put(k, List.of(v[0], v[1])));
    assertThat("impressions and clicks per window", counted, equalTo(expected));
    for (Map.Entry<String, Long> d : delay.entrySet()) {
      assertThat(
          "window " + d.getKey() + ": window end to ON_TIME (ms)",
          d.getValue(),
          lessThanOrEqualTo(bound));
    }
    assertThat(latest.reads() > 0, equalTo(true));
    assertThat("ctr:latest went backwards", latest.regressions(), org.hamcrest.Matchers.empty());
  }
}
