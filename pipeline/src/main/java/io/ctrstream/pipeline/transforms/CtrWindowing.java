package io.ctrstream.pipeline.transforms;

import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.Window.ClosingBehavior;
import org.joda.time.Duration;

/**
 * The whole event-time contract of ctrstream, in one place.
 *
 * <h3>Join (per {@code impr_id})</h3>
 *
 * One stateful {@code DoFn} in the global window, keyed by shards of {@code impr_id}s, reads
 * impressions and clicks ({@link JoinTiming}). It emits a signed count change as soon as an element
 * changes what is counted, so counts flow on without waiting. Each change is stamped with its
 * impression's {@code ts + attributionWindow + 1 ms} ({@link JoinTiming#countedAt}), the event time
 * by which every on-time click of that impression is in. The join's state for an impression lives
 * exactly as long as the CTR windows that count it accept changes; an event is droppably late when
 * the watermark has passed {@code ts + attributionWindow + allowedLateness}, the time after which
 * no CTR window that counts it accepts a change.
 *
 * <h3>CTR windows (per campaign and per breakdown value)</h3>
 *
 * Fixed windows of {@code windowSize} by the impression's {@code ts}. Because the changes are
 * stamped {@code attributionWindow + 1 ms} after their impression, the windows are Beam's fixed
 * windows shifted by as much: an impression window {@code [start, end)} is the Beam window {@code
 * [start + attributionWindow + 1 ms, end + attributionWindow + 1 ms)} ({@link #impressionWindow}
 * turns it back). So its ON_TIME pane fires when the watermark passes {@code end +
 * attributionWindow}, with every on-time click of its impressions, without a watermark hold in the
 * join (a timer with an output timestamp per impression, which cost a sorted insert and removal per
 * impression on Flink). Early (speculative) panes every {@code earlyFiringPeriod} of processing
 * time, a LATE pane for every late change, and always a final pane when the window expires, {@code
 * allowedLateness} after its ON_TIME pane; accumulating, so every pane carries the full count so
 * far.
 *
 * <h3>Trend windows (optional)</h3>
 *
 * Sliding windows of {@code trendWindow} every {@code trendPeriod}, shifted and triggered like the
 * CTR windows.
 */
public final class CtrWindowing {
  private CtrWindowing() {}

  /**
   * How long after an impression its on-time clicks may come, plus 1 ms ({@code attributionWindow +
   * 1 ms}): how far the CTR windows are shifted ({@link JoinTiming#countedAt}).
   */
  private static Duration clickHorizon(Duration attributionWindow) {
    return attributionWindow.plus(Duration.millis(1));
  }

  /** The offset of windows started every {@code period} and shifted by the click horizon. */
  private static Duration shift(Duration attributionWindow, Duration period) {
    return Duration.millis(clickHorizon(attributionWindow).getMillis() % period.getMillis());
  }

  /**
   * Windowing of the count changes that the CTR combine sums: fixed windows of {@code windowSize}
   * in impression time, shifted by the click horizon.
   */
  public static <T> Window<T> resultWindows(
      Duration windowSize,
      Duration earlyFiringPeriod,
      Duration attributionWindow,
      Duration allowedLateness) {
    return resultPanes(
        Window.<T>into(
            FixedWindows.of(windowSize).withOffset(shift(attributionWindow, windowSize))),
        earlyFiringPeriod,
        allowedLateness);
  }

  /**
   * Windowing of the trend: sliding windows of {@code size} starting every {@code period} in
   * impression time, shifted like {@link #resultWindows}, with the same triggers, lateness and
   * accumulation. Each count change lands in {@code size / period} windows.
   */
  public static <T> Window<T> trendWindows(
      Duration size,
      Duration period,
      Duration earlyFiringPeriod,
      Duration attributionWindow,
      Duration allowedLateness) {
    return resultPanes(
        Window.<T>into(
            SlidingWindows.of(size).every(period).withOffset(shift(attributionWindow, period))),
        earlyFiringPeriod,
        allowedLateness);
  }

  private static <T> Window<T> resultPanes(
      Window<T> windows, Duration earlyFiringPeriod, Duration allowedLateness) {
    return windows
        .triggering(
            AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(
                    AfterProcessingTime.pastFirstElementInPane().plusDelayOf(earlyFiringPeriod))
                .withLateFirings(AfterPane.elementCountAtLeast(1)))
        .withAllowedLateness(allowedLateness, ClosingBehavior.FIRE_ALWAYS)
        .accumulatingFiredPanes();
  }

  /**
   * The impression-time window {@code [start, end)} that a shifted Beam window of {@link
   * #resultWindows} or {@link #trendWindows} counts.
   */
  public static IntervalWindow impressionWindow(
      IntervalWindow shifted, Duration attributionWindow) {
    Duration horizon = clickHorizon(attributionWindow);
    return new IntervalWindow(shifted.start().minus(horizon), shifted.end().minus(horizon));
  }

  /**
   * How long after its end (in impression time) a CTR window still accepts changes: {@code
   * attributionWindow + 1 ms + allowedLateness}.
   */
  public static Duration resultLateness(Duration attributionWindow, Duration allowedLateness) {
    return clickHorizon(attributionWindow).plus(allowedLateness);
  }
}
