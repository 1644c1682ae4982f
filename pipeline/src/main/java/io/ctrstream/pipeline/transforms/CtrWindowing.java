package io.ctrstream.pipeline.transforms;

import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.Window.ClosingBehavior;
import org.joda.time.Duration;

/**
 * The whole event-time contract of ctrstream, in one place.
 *
 * <h3>Join (per {@code impr_id})</h3>
 *
 * One stateful {@code DoFn} in the global window, keyed by {@code impr_id}, reads impressions and
 * clicks ({@link JoinTiming}). It emits a signed count change as soon as an element changes what is
 * counted, so counts flow on without waiting. An impression is held back from the CTR windows'
 * ON_TIME pane until {@code ts + attributionWindow + 1 ms}: a timer with output timestamp {@code
 * ts} holds the join's output watermark, so the ON_TIME pane of a window includes every click that
 * is on time for its impressions. The join's state for an impression lives exactly as long as the
 * CTR windows that count it accept changes; an event is droppably late when the watermark has
 * passed {@code ts + attributionWindow + allowedLateness} (the rule of the former session join).
 *
 * <h3>CTR windows (per campaign and per breakdown value)</h3>
 *
 * Fixed windows of {@code windowSize} by the impression's {@code ts}. Early (speculative) panes
 * every {@code earlyFiringPeriod} of processing time, an ON_TIME pane when the watermark passes the
 * window, a LATE pane for every late change, and always a final pane when the window expires;
 * accumulating, so every pane carries the full count so far. Because an impression's clicks may
 * come up to {@code attributionWindow} after the window ends, the window is kept for {@code
 * attributionWindow + 1 ms + allowedLateness} after its end: exactly as long as the join may still
 * change one of its impressions.
 *
 * <h3>Trend windows (optional)</h3>
 *
 * Sliding windows of {@code trendWindow} every {@code trendPeriod}, triggered like the CTR windows.
 */
public final class CtrWindowing {
  private CtrWindowing() {}

  /**
   * How long after an impression its on-time clicks may come, plus 1 ms ({@code attributionWindow +
   * 1 ms}): the join holds an impression back from the ON_TIME pane this long ({@link
   * JoinTiming#holdEnd}), and a CTR window accepts changes this long, plus {@code allowedLateness},
   * after its end.
   */
  private static Duration clickHorizon(Duration attributionWindow) {
    return attributionWindow.plus(Duration.millis(1));
  }

  /**
   * Windowing of the count changes that the CTR combine sums: fixed windows of {@code windowSize}.
   */
  public static <T> Window<T> resultWindows(
      Duration windowSize,
      Duration earlyFiringPeriod,
      Duration attributionWindow,
      Duration allowedLateness) {
    return resultPanes(
        Window.<T>into(FixedWindows.of(windowSize)),
        earlyFiringPeriod,
        attributionWindow,
        allowedLateness);
  }

  /**
   * Windowing of the trend: sliding windows of {@code size} starting every {@code period}, with the
   * same triggers, lateness and accumulation as {@link #resultWindows}. Each count change lands in
   * {@code size / period} windows.
   */
  public static <T> Window<T> trendWindows(
      Duration size,
      Duration period,
      Duration earlyFiringPeriod,
      Duration attributionWindow,
      Duration allowedLateness) {
    return resultPanes(
        Window.<T>into(SlidingWindows.of(size).every(period)),
        earlyFiringPeriod,
        attributionWindow,
        allowedLateness);
  }

  private static <T> Window<T> resultPanes(
      Window<T> windows,
      Duration earlyFiringPeriod,
      Duration attributionWindow,
      Duration allowedLateness) {
    return windows
        .triggering(
            AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(
                    AfterProcessingTime.pastFirstElementInPane().plusDelayOf(earlyFiringPeriod))
                .withLateFirings(AfterPane.elementCountAtLeast(1)))
        .withAllowedLateness(
            resultLateness(attributionWindow, allowedLateness), ClosingBehavior.FIRE_ALWAYS)
        .accumulatingFiredPanes();
  }

  /** How long after its end a CTR window still accepts changes. */
  public static Duration resultLateness(Duration attributionWindow, Duration allowedLateness) {
    return clickHorizon(attributionWindow).plus(allowedLateness);
  }
}
