package io.ctrstream.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.transforms.EventParser;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/** The Kafka watermark: bounded out-of-orderness, idle partitions, corrupt timestamps. */
public class EventTimePolicyTest {
  private static final Instant NOW = Instant.parse("2024-03-01T12:00:00Z");
  private static final Duration OOO = Duration.standardSeconds(5);
  private static final Duration IDLE = Duration.standardSeconds(30);

  private Instant now = NOW;
  private long backlog = 100;

  private final TimestampPolicy.PartitionContext ctx =
      new TimestampPolicy.PartitionContext() {
        @Override
        public long getMessageBacklog() {
          return backlog;
        }

        @Override
        public Instant getBacklogCheckTime() {
          return now;
        }
      };

  private EventTimePolicy policy() {
    return new EventTimePolicy(OOO, IDLE, EventTimeRange.standard(), () -> now, Optional.empty());
  }

  /**
   * A record of the impression topic, parsed as the consumer parses it ({@link
   * ParsedRecordDeserializer}).
   */
  private KafkaRecord<byte[], ParsedRecord> record(String value) {
    ParsedRecord parsed =
        new EventParser(EventTimeRange.standard())
            .parse(
                RawEvent.Kind.IMPRESSION,
                "impressions",
                value.getBytes(StandardCharsets.UTF_8),
                now.getMillis());
    return new KafkaRecord<>(
        "impressions", 0, 0, 0, KafkaTimestampType.CREATE_TIME, null, new byte[0], parsed);
  }

  private static String event(Instant ts) {
    return "{\"impr_id\":\"i\",\"nested\":{\"ts\":1},\"ts\":"
        + ts.getMillis()
        + ",\"campaign_id\":\"c\"}";
  }

  @Test
  public void watermarkTrailsTheNewestEventByTheOutOfOrderness() {
    EventTimePolicy p = policy();
    Instant t = NOW.minus(Duration.standardMinutes(10));
    assertThat(p.getTimestampForRecord(ctx, record(event(t))), equalTo(t));
    assertThat(
        p.getTimestampForRecord(ctx, record(event(t.minus(3_000)))), equalTo(t.minus(3_000)));
    assertThat(p.getWatermark(ctx), equalTo(t.minus(OOO)));
  }

  @Test
  public void anIdlePartitionFollowsTheWallClockEvenIfItNeverHadData() {
    EventTimePolicy p = policy();
    backlog = 0;
    assertThat(p.getWatermark(ctx), equalTo(BoundedWindow.TIMESTAMP_MIN_VALUE));
    now = NOW.plus(IDLE);
    assertThat(p.getWatermark(ctx), equalTo(now.minus(OOO)));
  }

  @Test
  public void aPartitionWithBacklogOrRecentRecordsIsNotIdle() {
    EventTimePolicy p = policy();
    Instant t = NOW.minus(Duration.standardHours(1));
    p.getTimestampForRecord(ctx, record(event(t)));
    now = NOW.plus(IDLE).plus(1);
    assertThat(p.getWatermark(ctx), equalTo(t.minus(OOO))); // backlog 100: still catching up
    backlog = 0;
    p.getTimestampForRecord(ctx, record(event(t.plus(1))));
    assertThat(p.getWatermark(ctx), equalTo(t.plus(1).minus(OOO))); // a record just now
  }

  @Test
  public void corruptTimestampsDoNotMoveTheWatermark() {
    EventTimePolicy p = policy();
    Instant t = NOW.minus(Duration.standardMinutes(1));
    p.getTimestampForRecord(ctx, record(event(t)));
    Instant farFuture = Instant.parse("2100-01-01T00:00:00Z");
    assertThat(p.getTimestampForRecord(ctx, record(event(farFuture))), equalTo(t));
    assertThat(p.getTimestampForRecord(ctx, record("{not json")), equalTo(t));
    assertThat(p.getTimestampForRecord(ctx, record("{\"ts\":\"soon\"}")), equalTo(t));
    assertThat(p.getWatermark(ctx), equalTo(t.minus(OOO)));
  }

  @Test
  public void watermarkNeverGoesBackAndResumesFromTheCheckpoint() {
    Instant resumed = NOW.minus(Duration.standardMinutes(2));
    EventTimePolicy p =
        new EventTimePolicy(OOO, IDLE, EventTimeRange.standard(), () -> now, Optional.of(resumed));
    assertThat(p.getWatermark(ctx), equalTo(resumed));
    p.getTimestampForRecord(ctx, record(event(resumed.minus(60_000))));
    assertThat(p.getWatermark(ctx), equalTo(resumed));
  }

  @Test
  public void aHeartbeatMovesTheWatermarkAndOnlyTheTopLevelTsCounts() {
    EventTimePolicy p = policy();
    Instant t = NOW.minus(Duration.standardMinutes(1));
    assertThat(
        p.getTimestampForRecord(ctx, record("{\"heartbeat\":true,\"ts\":" + t.getMillis() + "}")),
        equalTo(t));
    assertThat(p.getWatermark(ctx), equalTo(t.minus(OOO)));
    Instant later = t.plus(10_000);
    assertThat(
        p.getTimestampForRecord(
            ctx,
            record(
                "{\"a\":[1,{\"ts\":2}],\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":"
                    + later.getMillis()
                    + "}")),
        equalTo(later));
  }
}
