package io.ctrstream.pipeline.testing;

import io.ctrstream.pipeline.io.KafkaSettings;
import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.options.CtrConfig;
import io.ctrstream.pipeline.options.EventTimeConfig;
import io.ctrstream.pipeline.options.SinkConfig;
import io.ctrstream.pipeline.options.SourceConfig;
import io.ctrstream.pipeline.options.SourceOptions;
import java.util.Map;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;

/** Test events on a timeline starting at {@link #T0}, and the expected results. */
public final class Events {
  /** Start of the test timeline, on a 30 s window boundary. */
  public static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

  public static final Duration WINDOW = Duration.standardSeconds(30);
  public static final Duration ATTRIBUTION = Duration.standardSeconds(15);
  public static final Duration EARLY_PERIOD = Duration.standardSeconds(5);
  public static final Duration LATENESS = Duration.standardMinutes(1);

  private Events() {}

  /**
   * The settings of the timeline tests: 30 s windows, 15 s attribution, 5 s early panes, 1 min
   * lateness.
   */
  public static CtrConfig config() {
    return new CtrConfig(
        new SourceConfig(
            SourceOptions.Source.files,
            "impressions",
            "clicks",
            new KafkaSettings("localhost:9092", "impressions", "clicks", "", "test", Map.of()),
            null),
        new EventTimeConfig(
            Duration.standardSeconds(5),
            Duration.standardSeconds(30),
            ATTRIBUTION,
            WINDOW,
            EARLY_PERIOD,
            LATENESS),
        java.util.List.of(),
        null,
        null,
        SinkConfig.NONE);
  }

  /** {@code T0 + millis}. */
  public static Instant at(long millis) {
    return T0.plus(Duration.millis(millis));
  }

  /** Seconds after T0 as epoch milliseconds. */
  public static long sec(double seconds) {
    return T0.getMillis() + Math.round(seconds * 1000);
  }

  /**
   * A watermark past the end of {@code w} and of the join sessions of its impressions: its ON_TIME
   * pane fires.
   */
  public static Instant onTime(IntervalWindow w) {
    return w.end().plus(ATTRIBUTION).plus(Duration.standardSeconds(1));
  }

  /**
   * A watermark past the expiry of {@code w}: its final pane fires and later data for it is
   * droppable.
   */
  public static Instant expired(IntervalWindow w) {
    return w.end()
        .plus(io.ctrstream.pipeline.transforms.CtrWindowing.resultLateness(ATTRIBUTION, LATENESS))
        .plus(Duration.standardSeconds(1));
  }

  /** An impression's JSON, stamped with its event time. */
  public static TimestampedValue<RawEvent> impression(String imprId, String campaign, long ts) {
    return TimestampedValue.of(
        RawEvent.impression(
            "impressions",
            "{\"impr_id\":\""
                + imprId
                + "\",\"user_id\":\"u-"
                + imprId
                + "\",\"campaign_id\":\""
                + campaign
                + "\",\"ts\":"
                + ts
                + ",\"device\":\"mobile\"}"),
        new Instant(ts));
  }

  /** A click's JSON, stamped with its event time. */
  public static TimestampedValue<RawEvent> click(String clickId, String imprId, long ts) {
    return TimestampedValue.of(
        RawEvent.click(
            "clicks",
            "{\"click_id\":\""
                + clickId
                + "\",\"impr_id\":\""
                + imprId
                + "\",\"user_id\":\"u-"
                + imprId
                + "\",\"ts\":"
                + ts
                + "}"),
        new Instant(ts));
  }

  /** The fixed window starting {@code startSeconds} after T0. */
  public static IntervalWindow window(int startSeconds) {
    Instant start = T0.plus(Duration.standardSeconds(startSeconds));
    return new IntervalWindow(start, start.plus(WINDOW));
  }

  /**
   * The Beam window that holds the results of the CTR window {@code w}: {@code w} shifted by the
   * attribution window + 1 ms, the time its impressions' count changes are stamped with ({@link
   * io.ctrstream.pipeline.transforms.CtrWindowing}). The results themselves name {@code w}.
   */
  public static IntervalWindow panesOf(IntervalWindow w) {
    Duration shift = ATTRIBUTION.plus(Duration.millis(1));
    return new IntervalWindow(w.start().plus(shift), w.end().plus(shift));
  }

  /** An expected campaign result. */
  public static CtrResult result(
      String campaign,
      IntervalWindow w,
      long impressions,
      long clicks,
      Timing timing,
      long paneIndex,
      boolean isFinal) {
    return result(CtrResult.CAMPAIGN, campaign, w, impressions, clicks, timing, paneIndex, isFinal);
  }

  /** An expected result of any dimension (a breakdown value such as device {@code mobile}). */
  public static CtrResult result(
      String dimension,
      String key,
      IntervalWindow w,
      long impressions,
      long clicks,
      Timing timing,
      long paneIndex,
      boolean isFinal) {
    return new CtrResult(
        dimension,
        key,
        w.start().getMillis(),
        w.end().getMillis(),
        new CtrCounts(impressions, clicks),
        timing,
        paneIndex,
        isFinal);
  }
}
