package io.ctrstream.pipeline.transforms;

import java.io.Serializable;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The event times ctrstream accepts: not before 2000-01-01T00:00:00Z and not more than {@link
 * #maxFutureSkew} after the processing time at which the event is read. Anything outside is treated
 * as a corrupt timestamp: it would otherwise drag a window or the watermark far away.
 */
public final class EventTimeRange implements Serializable {
  /** 2000-01-01T00:00:00Z in epoch milliseconds. */
  public static final long EARLIEST_MILLIS = Instant.parse("2000-01-01T00:00:00Z").getMillis();

  private final long maxFutureSkewMillis;

  /** The default range: up to one day in the future. */
  public static EventTimeRange standard() {
    return new EventTimeRange(Duration.standardDays(1));
  }

  public EventTimeRange(Duration maxFutureSkew) {
    this.maxFutureSkewMillis = maxFutureSkew.getMillis();
  }

  /**
   * @param ts event time, epoch milliseconds
   * @param nowMillis processing time, epoch milliseconds
   * @return {@code null} if {@code ts} is acceptable, else why not
   */
  public String check(long ts, long nowMillis) {
    if (ts < EARLIEST_MILLIS) {
      return "ts " + ts + " is before 2000-01-01T00:00:00Z";
    }
    if (ts > nowMillis + maxFutureSkewMillis) {
      return "ts "
          + ts
          + " ("
          + new Instant(ts)
          + ") is more than "
          + Duration.millis(maxFutureSkewMillis).getStandardHours()
          + "h after the time it was read ("
          + new Instant(nowMillis)
          + ")";
    }
    return null;
  }

  /** Whether {@code ts} is acceptable at processing time {@code nowMillis}. */
  public boolean contains(long ts, long nowMillis) {
    return check(ts, nowMillis) == null;
  }
}
