package io.ctrstream.serving;

import static io.ctrstream.pipeline.testing.Events.result;
import static io.ctrstream.pipeline.testing.Events.window;

import io.ctrstream.contract.RedisKeys;
import io.ctrstream.pipeline.io.RedisConnection;
import io.ctrstream.pipeline.io.WriteResultsToRedis;
import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.nowcast.Nowcast;
import io.ctrstream.pipeline.nowcast.NowcastBasis;
import io.ctrstream.pipeline.testing.RedisServer;
import io.ctrstream.pipeline.transforms.TrackLatestAndPrevious;
import io.ctrstream.serving.store.RedisAddress;
import io.ctrstream.serving.store.ResultStore;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import redis.clients.jedis.Jedis;

/**
 * A real {@code redis-server} holding known results, written by the pipeline's own Redis writers
 * ({@code WriteResultsToRedis}, and {@code TrackLatestAndPrevious} for latest/previous), so a
 * change of the key layout breaks these tests. The counts are those of the hand-checked {@code
 * testdata/} replay ({@code testdata/expected/final-results.csv}); windows are 30 s from T0 =
 * 2024-03-01T12:00:00Z:
 *
 * <pre>
 * campaign  window    impressions  clicks  pane
 * c1        12:00:00  3            3       LATE 1, final
 * c1        12:00:30  2            1       ON_TIME 0, final
 * c1        12:01:00  2            1       ON_TIME 0, not final (late data may still come)
 * c1        12:01:30  1            0       EARLY 0 (the window is open; its nowcast {@link #OPEN_NOWCAST})
 * c2        12:00:00  2            2       ON_TIME 0, final
 * c2        12:00:30  2            0       ON_TIME 0, final
 * c2        12:01:00  1            1       ON_TIME 0, not final
 * </pre>
 *
 * <p>So {@code ctr:latest} holds the 12:01:00 windows and {@code ctr:previous} the 12:00:30 ones.
 *
 * <p>A {@code device} breakdown ({@link #DEVICE_RESULTS}: mobile 12:00:30 2/0 and 12:01:00 1/1,
 * desktop 12:01:00 2/1, all ON_TIME), a {@code campaign_id+device} pair (c1|mobile 12:01:00 1/1)
 * and c1's trend ({@link #TREND_RESULTS}, 60 s windows every 30 s under {@code ctr:trend}: 12:00:00
 * 5/4 LATE final, 12:00:30 4/2 ON_TIME, 12:01:00 3/1 EARLY) are written by the same writers. The
 * alert stream holds one alert ({@link #ALERT}), written by the pipeline's alert writer. The write
 * times, the only fields that depend on the clock, are pinned: {@code updated_at} = window end + 20
 * s, and {@code on_time_at} (complete windows) the same.
 */
public final class SeededRedis extends RedisServer {
  /** 2024-03-01T12:00:00Z, the start of the first window. */
  public static final long T0 = 1_709_294_400_000L;

  /** The newest pinned write time: the EARLY window's end (12:02:00) + 20 s. */
  public static final long NEWEST_WRITE = T0 + 140_000;

  /**
   * c1's open window's nowcast: its one impression a quarter way through its expected clicks, no
   * click yet (Wilson's interval on 0 of 0.25 impressions).
   */
  public static final Nowcast OPEN_NOWCAST =
      new Nowcast(0.0, 0.0, 0.9389, 0.25, NowcastBasis.POOLED);

  /** The seeded panes, as in the class comment. */
  public static final List<CtrResult> RESULTS =
      List.of(
          result("c1", window(0), 3, 3, Timing.LATE, 1, true),
          result("c1", window(30), 2, 1, Timing.ON_TIME, 0, true),
          result("c1", window(60), 2, 1, Timing.ON_TIME, 0, false),
          result("c1", window(90), 1, 0, Timing.EARLY, 0, false).withNowcast(OPEN_NOWCAST),
          result("c2", window(0), 2, 2, Timing.ON_TIME, 0, true),
          result("c2", window(30), 2, 0, Timing.ON_TIME, 0, true),
          result("c2", window(60), 1, 1, Timing.ON_TIME, 0, false));

  /**
   * The {@code device} and {@code campaign_id+device} breakdowns' panes, as in the class comment.
   */
  public static final List<CtrResult> DEVICE_RESULTS =
      List.of(
          breakdown("device", "mobile", 30, 30, 2, 0, Timing.ON_TIME, 0, true),
          breakdown("device", "mobile", 60, 30, 1, 1, Timing.ON_TIME, 0, false),
          breakdown("device", "desktop", 60, 30, 2, 1, Timing.ON_TIME, 0, false),
          breakdown("campaign_id+device", "c1|mobile", 60, 30, 1, 1, Timing.ON_TIME, 0, false));

  /** c1's trend panes (60 s windows every 30 s), as in the class comment. */
  public static final List<CtrResult> TREND_RESULTS =
      List.of(
          breakdown("campaign", "c1", 0, 60, 5, 4, Timing.LATE, 1, true),
          breakdown("campaign", "c1", 30, 60, 4, 2, Timing.ON_TIME, 0, false),
          breakdown("campaign", "c1", 60, 60, 3, 1, Timing.EARLY, 0, false));

  /**
   * A SPIKE, WARNING, on c2's 12:01:00 window against the one before (numbers as in the stream).
   */
  public static final Alert ALERT =
      new Alert(
          "campaign",
          "c2",
          T0 + 60_000,
          T0 + 90_000,
          Alert.Kind.SPIKE,
          Alert.Severity.WARNING,
          Alert.Status.RAISED,
          "previous",
          1000,
          80,
          1000,
          50,
          2.721095431170472,
          0.006506597483637838,
          0.6);

  @Override
  protected void before() throws Throwable {
    super.before();
    try {
      seed();
    } catch (Throwable e) {
      after(); // JUnit does not call after() when before() fails: stop the server here
      throw e;
    }
  }

  private void seed() {
    RedisConnection redis =
        new RedisConnection(
            "127.0.0.1", port(), null, new RedisKeys("ctr"), Duration.standardDays(7));
    Pipeline p = Pipeline.create(TestPipeline.testingPipelineOptions());
    List<CtrResult> fixed = new java.util.ArrayList<>(RESULTS);
    fixed.addAll(DEVICE_RESULTS);
    write(p, "Fixed", fixed, redis);
    write(p, "Trend", TREND_RESULTS, redis.withKeys(redis.keys().trend()));
    p.apply("CreateAlerts", Create.of(ALERT).withCoder(Alert.AlertCoder.of()))
        .apply("WriteAlerts", WriteResultsToRedis.alerts(redis, 100));
    p.run().waitUntilFinish();
    pinWriteTimes();
  }

  /**
   * Writes more window panes (with their nowcasts) by the pipeline's writer, prefix {@code ctr}.
   */
  public void writeWindows(List<CtrResult> panes) {
    Pipeline p = Pipeline.create(TestPipeline.testingPipelineOptions());
    p.apply("More", Create.of(panes).withCoder(CtrResult.WithNowcastCoder.of()))
        .apply(
            "MoreWindows",
            WriteResultsToRedis.windows(
                new RedisConnection(
                    "127.0.0.1", port(), null, new RedisKeys("ctr"), Duration.standardDays(7))));
    p.run().waitUntilFinish();
  }

  private static void write(Pipeline p, String name, List<CtrResult> panes, RedisConnection redis) {
    PCollection<CtrResult> results =
        p.apply(name, Create.of(panes).withCoder(CtrResult.WithNowcastCoder.of()));
    results.apply(name + "Windows", WriteResultsToRedis.windows(redis));
    results
        .apply(
            name + "AsTheWindowsGiveThem",
            org.apache.beam.sdk.transforms.MapElements.into(
                    org.apache.beam.sdk.values.TypeDescriptor.of(CtrResult.class))
                .via((CtrResult r) -> r.withNowcast(null)))
        .setCoder(CtrResult.CtrResultCoder.of())
        .apply(name + "Track", new TrackLatestAndPrevious())
        .apply(name + "LatestAndPrevious", WriteResultsToRedis.latestAndPrevious(redis));
  }

  /**
   * A result of {@code dimension}/{@code key} for the window starting {@code startSec} after T0,
   * {@code lengthSec} long.
   */
  private static CtrResult breakdown(
      String dimension,
      String key,
      int startSec,
      int lengthSec,
      long impressions,
      long clicks,
      Timing timing,
      long pane,
      boolean isFinal) {
    org.joda.time.Instant start = new org.joda.time.Instant(T0 + startSec * 1000L);
    return result(
        dimension,
        key,
        new IntervalWindow(start, Duration.standardSeconds(lengthSec)),
        impressions,
        clicks,
        timing,
        pane,
        isFinal);
  }

  /** A store reading this server with prefix {@code ctr}. */
  public ResultStore store() {
    return new ResultStore(new RedisAddress("127.0.0.1", port(), null, "ctr"));
  }

  private void pinWriteTimes() {
    try (Jedis jedis = client()) {
      for (String key : jedis.keys("ctr:*:window:*")) {
        Map<String, String> h = jedis.hgetAll(key);
        String written = Long.toString(Long.parseLong(h.get("window_end")) + 20_000);
        jedis.hset(key, "updated_at", written);
        if (!h.get("timing").equals("EARLY")) {
          jedis.hset(key, "on_time_at", written);
        }
      }
    }
  }
}
