package io.ctrstream.pipeline.options;

import java.io.Serializable;
import org.joda.time.Duration;

/**
 * {@link EventTimeOptions}, checked: the event-time contract (docs/semantics.md, "Event time").
 *
 * @param maxOutOfOrderness Kafka watermark delay behind the newest ts of a partition
 * @param idlePartitionTimeout processing time after which a caught-up idle Kafka partition's
 *     watermark follows the wall clock
 * @param attributionWindow longest attributed click delay (inclusive)
 * @param windowSize fixed CTR window length
 * @param earlyFiringPeriod processing time between EARLY panes
 * @param allowedLateness how long late data still revises a window after its on-time result
 */
public record EventTimeConfig(
    Duration maxOutOfOrderness,
    Duration idlePartitionTimeout,
    Duration attributionWindow,
    Duration windowSize,
    Duration earlyFiringPeriod,
    Duration allowedLateness)
    implements Serializable {

  /**
   * Checks the event-time flags.
   *
   * @throws InvalidFlagException naming the first flag whose value is not a duration, or is zero
   *     where a positive one is needed
   */
  public static EventTimeConfig from(EventTimeOptions o) {
    return new EventTimeConfig(
        Durations.parse("maxOutOfOrderness", o.getMaxOutOfOrderness()),
        Durations.parsePositive("idlePartitionTimeout", o.getIdlePartitionTimeout()),
        Durations.parse("attributionWindow", o.getAttributionWindow()),
        Durations.parsePositive("windowSize", o.getWindowSize()),
        Durations.parsePositive("earlyFiringPeriod", o.getEarlyFiringPeriod()),
        Durations.parse("allowedLateness", o.getAllowedLateness()));
  }
}
