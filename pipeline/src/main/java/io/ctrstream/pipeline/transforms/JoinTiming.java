package io.ctrstream.pipeline.transforms;

import java.io.Serializable;
import org.joda.time.Duration;

/**
 * The event-time rules of the impression–click join, all in epoch milliseconds. A timer "fired at
 * {@code t}" means the join's input watermark has passed {@code t}.
 *
 * @param attributionWindowMs the longest attributed click delay, inclusive
 * @param allowedLatenessMs how long after {@code ts + attributionWindow} an event is still accepted
 * @param windowSizeMs the CTR windows' size
 * @param trendSizeMs the trend windows' size, 0 without a trend
 * @param trendPeriodMs the trend windows' period, 0 without a trend
 */
record JoinTiming(
    long attributionWindowMs,
    long allowedLatenessMs,
    long windowSizeMs,
    long trendSizeMs,
    long trendPeriodMs)
    implements Serializable {

  static JoinTiming of(
      Duration attributionWindow,
      Duration allowedLateness,
      Duration windowSize,
      Duration trendSize,
      Duration trendPeriod) {
    return new JoinTiming(
        attributionWindow.getMillis(),
        allowedLateness.getMillis(),
        windowSize.getMillis(),
        trendSize == null ? 0 : trendSize.getMillis(),
        trendPeriod == null ? 0 : trendPeriod.getMillis());
  }

  /** Whether {@code 0 <= clickTs - impressionTs <= attributionWindow}. */
  boolean attributes(long impressionTs, long clickTs) {
    long delay = clickTs - impressionTs;
    return delay >= 0 && delay <= attributionWindowMs;
  }

  /**
   * The event time an impression's count changes are stamped with: {@code ts + attributionWindow +
   * 1 ms}, when the watermark has passed every on-time click it may get. The CTR windows are
   * shifted by as much ({@link CtrWindowing}), so a window's ON_TIME pane fires once the watermark
   * has passed its end plus the attribution window, with every on-time click of its impressions,
   * and the join needs no watermark hold.
   */
  long countedAt(long impressionTs) {
    return impressionTs + attributionWindowMs + 1;
  }

  /** The impression {@code ts} whose {@link #countedAt} is {@code countedAt}. */
  static long impressionTsOf(long countedAt, org.joda.time.Duration attributionWindow) {
    return countedAt - attributionWindow.getMillis() - 1;
  }

  /**
   * When a click's verdict is reported if it is not attributed: once the watermark has passed
   * {@code ts + attributionWindow + 1 ms}, no on-time impression can claim it any more.
   */
  long reportAt(long clickTs) {
    return clickTs + attributionWindowMs + 1;
  }

  /**
   * Whether an event is droppably late once the watermark is known to have passed {@code
   * watermarkPassed}: {@code ts + attributionWindow + allowedLateness < watermark}.
   */
  boolean droppablyLate(long ts, long watermarkPassed) {
    return ts + attributionWindowMs + allowedLatenessMs < watermarkPassed;
  }

  /**
   * When the join forgets an impression: when the last CTR or trend window that counts it expires
   * ({@link CtrWindowing#resultLateness} after its end, minus the 1 ms of the window's last
   * timestamp), so after the impression itself becomes droppably late. Any later copy or click of
   * it is then droppably late, so it cannot be counted twice.
   */
  long impressionExpiry(long impressionTs) {
    long end = Math.floorDiv(impressionTs, windowSizeMs) * windowSizeMs + windowSizeMs;
    if (trendPeriodMs > 0) {
      end = Math.max(end, Math.floorDiv(impressionTs, trendPeriodMs) * trendPeriodMs + trendSizeMs);
    }
    return end + attributionWindowMs + allowedLatenessMs; // end > ts: never before ts + A + L
  }

  /**
   * When the join forgets clicks whose impression never came: when an impression that could claim
   * the latest of them ({@code ts <= clickTs}) becomes droppably late.
   */
  long clicksExpiry(long latestClickTs) {
    return latestClickTs + attributionWindowMs + allowedLatenessMs;
  }
}
