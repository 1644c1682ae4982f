package io.ctrstream.pipeline.io;

import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Kafka event time from the records' {@code ts} (epoch milliseconds; parsed once already, by {@link
 * ParsedRecordDeserializer}), with a bounded out-of-orderness watermark per partition: {@code
 * watermark = max ts seen - maxOutOfOrderness}.
 *
 * <p>Modelled on Beam's {@code CustomTimestampPolicyWithLimitedDelay}, with two changes:
 *
 * <ul>
 *   <li>Idle partitions: a partition with no backlog that has read nothing for {@code
 *       idlePartitionTimeout} of processing time advances its watermark to {@code now -
 *       maxOutOfOrderness}, including a partition that never received a record. Beam's policy
 *       leaves such a partition's watermark at the minimum forever, which stalls every window
 *       (https://github.com/apache/beam/issues/20908).
 *   <li>A record whose {@code ts} is missing, malformed or outside {@link EventTimeRange} gets the
 *       partition's current maximum event time instead: it will go to the dead letters, and a
 *       corrupt timestamp must not drag the watermark (a year-2100 ts would make all later data
 *       late).
 * </ul>
 *
 * <p>The watermark never moves backwards.
 */
public class EventTimePolicy extends TimestampPolicy<byte[], ParsedRecord> {
  private final Duration maxOutOfOrderness;
  private final Duration idlePartitionTimeout;
  private final EventTimeRange range;
  private final ClockSource clock;
  private Instant maxEventTime;
  private Instant lastWatermark;
  private Instant lastRecordAt;

  /** Where processing time comes from; the system clock except in tests. */
  public interface ClockSource extends java.io.Serializable {
    Instant now();
  }

  EventTimePolicy(
      Duration maxOutOfOrderness,
      Duration idlePartitionTimeout,
      EventTimeRange range,
      ClockSource clock,
      Optional<Instant> previousWatermark) {
    this.maxOutOfOrderness = maxOutOfOrderness;
    this.idlePartitionTimeout = idlePartitionTimeout;
    this.range = range;
    this.clock = clock;
    this.lastWatermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
    this.maxEventTime = lastWatermark.plus(maxOutOfOrderness);
    if (maxEventTime.isAfter(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      maxEventTime = BoundedWindow.TIMESTAMP_MAX_VALUE;
    }
    this.lastRecordAt = clock.now();
  }

  /**
   * The factory to pass to {@code KafkaIO.Read#withTimestampPolicyFactory}.
   *
   * @param maxOutOfOrderness how far behind the newest {@code ts} of a partition a record may be
   *     and still be on time
   * @param idlePartitionTimeout processing time without records after which a caught-up partition
   *     follows the wall clock
   */
  public static TimestampPolicyFactory<byte[], ParsedRecord> factory(
      Duration maxOutOfOrderness, Duration idlePartitionTimeout, EventTimeRange range) {
    return factory(maxOutOfOrderness, idlePartitionTimeout, range, Instant::now);
  }

  static TimestampPolicyFactory<byte[], ParsedRecord> factory(
      Duration maxOutOfOrderness,
      Duration idlePartitionTimeout,
      EventTimeRange range,
      ClockSource clock) {
    return (TopicPartition tp, Optional<Instant> previousWatermark) ->
        new EventTimePolicy(
            maxOutOfOrderness, idlePartitionTimeout, range, clock, previousWatermark);
  }

  @Override
  public Instant getTimestampForRecord(
      PartitionContext ctx, KafkaRecord<byte[], ParsedRecord> record) {
    Instant now = clock.now();
    lastRecordAt = now;
    Long ts = record.getKV().getValue() == null ? null : record.getKV().getValue().eventTime();
    if (ts == null || !range.contains(ts, now.getMillis())) {
      return maxEventTime.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE) ? maxEventTime : now;
    }
    Instant eventTime = new Instant(ts);
    if (eventTime.isAfter(maxEventTime)) {
      maxEventTime = eventTime;
    }
    return eventTime;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    Instant watermark = maxEventTime.minus(maxOutOfOrderness);
    Instant now = clock.now();
    boolean idle =
        ctx.getMessageBacklog() == 0 && !now.isBefore(lastRecordAt.plus(idlePartitionTimeout));
    if (idle) {
      Instant wallClock = now.minus(maxOutOfOrderness);
      if (wallClock.isAfter(watermark)) {
        watermark = wallClock;
      }
    }
    if (watermark.isAfter(lastWatermark)) {
      lastWatermark = watermark;
    }
    return lastWatermark;
  }
}
