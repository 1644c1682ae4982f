package io.ctrstream.pipeline.io;

import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Duration;

/**
 * Reads the impression and click topics with one Kafka consumer, each record parsed once in the
 * consumer ({@link ParsedRecordDeserializer}): bytes in, {@link ParsedRecord}s out. Event time and watermark come from
 * {@link EventTimePolicy}; offsets are committed to the consumer group only when a checkpoint is
 * finalized ({@code commitOffsetsInFinalize}), so a restart resumes from the checkpoint and nothing
 * is lost or read twice into the results.
 */
public class KafkaEventSource extends PTransform<PBegin, PCollection<ParsedRecord>> {
  private final KafkaSettings kafka;
  private final Duration maxOutOfOrderness;
  private final Duration idlePartitionTimeout;
  private final EventTimeRange range;

  public KafkaEventSource(
      KafkaSettings kafka, Duration maxOutOfOrderness, Duration idlePartitionTimeout, EventTimeRange range) {
    this.kafka = kafka;
    this.maxOutOfOrderness = maxOutOfOrderness;
    this.idlePartitionTimeout = idlePartitionTimeout;
    this.range = range;
  }

  @Override
  public PCollection<ParsedRecord> expand(PBegin begin) {
    Map<String, Object> consumer = new HashMap<>(kafka.clientProperties());
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
    consumer.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer.put(ParsedRecordDeserializer.IMPRESSIONS_TOPIC, kafka.impressionsTopic());
    return begin
        .apply(
            "ReadKafka",
            KafkaIO.<byte[], ParsedRecord>read()
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopics(List.of(kafka.impressionsTopic(), kafka.clicksTopic()))
                .withKeyDeserializer(ByteArrayDeserializer.class)
                .withValueDeserializerAndCoder(ParsedRecordDeserializer.class, ParsedRecord.ParsedRecordCoder.of())
                .withConsumerConfigUpdates(consumer)
                .withTimestampPolicyFactory(EventTimePolicy.factory(maxOutOfOrderness, idlePartitionTimeout, range))
                .commitOffsetsInFinalize()
                .withoutMetadata())
        .apply("Values", Values.create())
        .setCoder(ParsedRecord.ParsedRecordCoder.of());
  }
}
