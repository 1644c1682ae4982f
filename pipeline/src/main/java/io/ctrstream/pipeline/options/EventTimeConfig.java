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
 * @param idleKeyRetention event time after a key's newest window end during which the stateful
 *     steps that follow keys across windows keep its state; longer than {@code attributionWindow +
 *     allowedLateness}, so that no late pane reaches a key whose state is gone
 */
public record EventTimeConfig(
    Duration maxOutOfOrderness,
    Duration idlePartitionTimeout,
    Duration attributionWindow,
    Duration windowSize,
    Duration earlyFiringPeriod,
    Duration allowedLateness,
    Duration idleKeyRetention)
    implements Serializable {

  /** The default of {@code --idleKeyRetention}. */
  public static final Duration DEFAULT_IDLE_KEY_RETENTION = Duration.standardDays(7);

  /**
   * The same contract with {@link #DEFAULT_IDLE_KEY_RETENTION}.
   *
   * @throws InvalidFlagException as {@link #from}
   */
  public EventTimeConfig(
      Duration maxOutOfOrderness,
      Duration idlePartitionTimeout,
      Duration attributionWindow,
      Duration windowSize,
      Duration earlyFiringPeriod,
      Duration allowedLateness) {
    this(
        maxOutOfOrderness,
        idlePartitionTimeout,
        attributionWindow,
        windowSize,
        earlyFiringPeriod,
        allowedLateness,
        DEFAULT_IDLE_KEY_RETENTION);
  }

  /**
   * @throws InvalidFlagException if {@code idleKeyRetention} is not longer than the attribution
   *     window plus the allowed lateness
   */
  public EventTimeConfig {
    if (!idleKeyRetention.isLongerThan(attributionWindow.plus(allowedLateness))) {
      throw new InvalidFlagException(
          "idleKeyRetention",
          Durations.format(idleKeyRetention),
          "must be longer than --attributionWindow plus --allowedLateness ("
              + Durations.format(attributionWindow.plus(allowedLateness))
              + "), or late panes would reach keys whose state is gone");
    }
  }

  /**
   * Checks the event-time flags.
   *
   * @throws InvalidFlagException naming the first flag whose value is not a duration, or is zero
   *     where a positive one is needed, or {@code idleKeyRetention} if it is too short
   */
  public static EventTimeConfig from(EventTimeOptions o) {
    return new EventTimeConfig(
        Durations.parse("maxOutOfOrderness", o.getMaxOutOfOrderness()),
        Durations.parsePositive("idlePartitionTimeout", o.getIdlePartitionTimeout()),
        Durations.parse("attributionWindow", o.getAttributionWindow()),
        Durations.parsePositive("windowSize", o.getWindowSize()),
        Durations.parsePositive("earlyFiringPeriod", o.getEarlyFiringPeriod()),
        Durations.parse("allowedLateness", o.getAllowedLateness()),
        Durations.parsePositive("idleKeyRetention", o.getIdleKeyRetention()));
  }
}
