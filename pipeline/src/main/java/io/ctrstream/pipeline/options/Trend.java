package io.ctrstream.pipeline.options;

import java.io.Serializable;
import org.joda.time.Duration;

/**
 * The sliding trend windows ({@code --trendWindow}, {@code --trendPeriod}).
 *
 * @param size window length
 * @param period how often a window starts; divides {@code size}
 */
public record Trend(Duration size, Duration period) implements Serializable {

  /**
   * The trend the flags ask for, or {@code null} without {@code --trendWindow}.
   *
   * @throws InvalidFlagException for a bad duration or a period that does not divide the size
   */
  public static Trend from(BreakdownOptions o) {
    if (o.getTrendWindow() == null || o.getTrendWindow().isBlank()) {
      return null;
    }
    Duration size = Durations.parsePositive("trendWindow", o.getTrendWindow());
    Duration period = Durations.parsePositive("trendPeriod", o.getTrendPeriod());
    if (size.getMillis() % period.getMillis() != 0) {
      throw new InvalidFlagException(
          "trendPeriod", o.getTrendPeriod(), "must divide --trendWindow=" + o.getTrendWindow());
    }
    return new Trend(size, period);
  }
}
