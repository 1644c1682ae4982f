package io.ctrstream.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.options.EventTimeConfig;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/** What the Kafka source hands on, as a runner that encodes it (the DirectRunner) sees it. */
public class KafkaEventSourceTest {
  /**
   * The producer's watermark heartbeats have no key: a batch holding one must encode. With a plain
   * {@code ByteArrayCoder} for the key, the DirectRunner failed on the first heartbeat ("cannot
   * encode a null byte[]").
   */
  @Test
  public void aBatchWithARecordWithoutKeyEncodesAndDecodesUnchanged() throws Exception {
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    Coder<List<TimestampedValue<KafkaRecord<byte[], ParsedRecord>>>> coder =
        pipeline
            .apply(
                new KafkaEventSource(
                    new KafkaSettings(
                        "localhost:9092", "impressions", "clicks", "dead", "group", Map.of()),
                    new EventTimeConfig(
                        Duration.standardSeconds(5),
                        Duration.standardSeconds(30),
                        Duration.standardSeconds(15),
                        Duration.standardSeconds(30),
                        Duration.standardSeconds(5),
                        Duration.standardMinutes(5)),
                    EventTimeRange.standard(),
                    null))
            .getCoder();
    long ts = Instant.parse("2024-03-01T12:00:00Z").getMillis();
    KafkaRecord<byte[], ParsedRecord> heartbeat =
        new KafkaRecord<>(
            "clicks",
            0,
            7,
            ts,
            KafkaTimestampType.CREATE_TIME,
            null,
            null,
            ParsedRecord.heartbeat(ts));
    List<TimestampedValue<KafkaRecord<byte[], ParsedRecord>>> batch =
        List.of(TimestampedValue.of(heartbeat, new Instant(ts)));

    List<TimestampedValue<KafkaRecord<byte[], ParsedRecord>>> decoded =
        CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, batch));

    assertThat(decoded.size(), equalTo(1));
    KafkaRecord<byte[], ParsedRecord> record = decoded.get(0).getValue();
    assertThat(record.getTopic(), equalTo("clicks"));
    assertThat(record.getPartition(), equalTo(0));
    assertThat(record.getOffset(), equalTo(7L));
    assertThat(record.getTimestamp(), equalTo(ts));
    assertThat(record.getKV().getKey(), equalTo(null));
    assertThat(record.getKV().getValue(), equalTo(ParsedRecord.heartbeat(ts)));
    assertThat(decoded.get(0).getTimestamp(), equalTo(new Instant(ts)));
  }
}
