package io.ctrstream.pipeline.transforms;

import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.Window.ClosingBehavior;
import org.joda.time.Duration;

/**
 * The whole event-time contract of ctrstream, in one place.
 *
 * <h3>Join (per {@code impr_id})</h3>
 *
 * Session windows with gap {@code attributionWindow + 1 ms}: an impression at {@code t} and a click
 * at {@code t + d} fall into one session whenever {@code |d| <= attributionWindow}, even when they
 * straddle a fixed-window boundary (Beam merges only overlapping intervals, hence the extra
 * millisecond that makes {@code d == attributionWindow} merge). The {@code EARLIEST} timestamp
 * combiner stamps a session's panes with its earliest event, so that the impression's own
 * {@code ts} can be re-assigned downstream (timestamps may only move forward). The join fires on
 * every element (early and late), so counts flow on without waiting; accumulating panes let each
 * pane see the whole session. Late data is accepted for {@code allowedLateness} after the session.
 *
 * <h3>CTR windows (per campaign and per breakdown value)</h3>
 *
 * Fixed windows of {@code windowSize} by the impression's {@code ts}. Early (speculative) panes
 * every {@code earlyFiringPeriod} of processing time, an ON_TIME pane when the watermark passes
 * the window, a LATE pane for every late change, and always a final pane when the window expires;
 * accumulating, so every pane carries the full count so far. Because an impression's clicks may
 * come up to {@code attributionWindow} after the window ends, the window is kept for {@code
 * attributionWindow + 1 ms + allowedLateness} after its end: exactly as long as the join may
 * still change one of its impressions.
 *
 * <h3>Trend windows (optional)</h3>
 *
 * Sliding windows of {@code trendWindow} every {@code trendPeriod}, triggered like the CTR windows.
 */
public final class CtrWindowing {
  private CtrWindowing() {}

  /** The session gap that groups an impression with every click at most {@code attributionWindow} away. */
  public static Duration sessionGap(Duration attributionWindow) {
    return attributionWindow.plus(Duration.millis(1));
  }

  /** Windowing of both join inputs, keyed by {@code impr_id}. */
  public static <T> Window<T> joinWindows(Duration attributionWindow, Duration allowedLateness) {
    return Window.<T>into(Sessions.withGapDuration(sessionGap(attributionWindow)))
        .triggering(
            AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(AfterPane.elementCountAtLeast(1))
                .withLateFirings(AfterPane.elementCountAtLeast(1)))
        .withAllowedLateness(allowedLateness)
        .withTimestampCombiner(TimestampCombiner.EARLIEST)
        .accumulatingFiredPanes();
  }

  /** Windowing of the count changes that the CTR combine sums: fixed windows of {@code windowSize}. */
  public static <T> Window<T> resultWindows(
      Duration windowSize, Duration earlyFiringPeriod, Duration attributionWindow, Duration allowedLateness) {
    return resultPanes(Window.<T>into(FixedWindows.of(windowSize)), earlyFiringPeriod, attributionWindow, allowedLateness);
  }

  /**
   * Windowing of the trend: sliding windows of {@code size} starting every {@code period}, with the
   * same triggers, lateness and accumulation as {@link #resultWindows}. Each count change lands in
   * {@code size / period} windows.
   */
  public static <T> Window<T> trendWindows(
      Duration size, Duration period, Duration earlyFiringPeriod, Duration attributionWindow, Duration allowedLateness) {
    return resultPanes(Window.<T>into(SlidingWindows.of(size).every(period)), earlyFiringPeriod, attributionWindow,
        allowedLateness);
  }

  private static <T> Window<T> resultPanes(
      Window<T> windows, Duration earlyFiringPeriod, Duration attributionWindow, Duration allowedLateness) {
    return windows
        .triggering(
            AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(earlyFiringPeriod))
                .withLateFirings(AfterPane.elementCountAtLeast(1)))
        .withAllowedLateness(resultLateness(attributionWindow, allowedLateness), ClosingBehavior.FIRE_ALWAYS)
        .accumulatingFiredPanes();
  }

  /** How long after its end a CTR window still accepts changes. */
  public static Duration resultLateness(Duration attributionWindow, Duration allowedLateness) {
    return sessionGap(attributionWindow).plus(allowedLateness);
  }
}
