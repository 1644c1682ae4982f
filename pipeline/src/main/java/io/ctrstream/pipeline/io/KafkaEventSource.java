package io.ctrstream.pipeline.io;

import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.joda.time.Duration;

/**
 * Reads the impression and click topics with one Kafka consumer. Event time and watermark come from
 * {@link EventTimePolicy}; offsets are committed to the consumer group only when a checkpoint is
 * finalized ({@code commitOffsetsInFinalize}), so a restart resumes from the checkpoint and nothing
 * is lost or read twice into the results.
 */
public class KafkaEventSource extends PTransform<PBegin, PCollection<RawEvent>> {
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
  public PCollection<RawEvent> expand(PBegin begin) {
    Map<String, Object> consumer = new HashMap<>(kafka.clientProperties());
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
    consumer.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    String impressionsTopic = kafka.impressionsTopic();
    return begin
        .apply(
            "ReadKafka",
            KafkaIO.<String, String>read()
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopics(List.of(kafka.impressionsTopic(), kafka.clicksTopic()))
                .withKeyDeserializer(StringDeserializer.class)
                .withValueDeserializer(StringDeserializer.class)
                .withConsumerConfigUpdates(consumer)
                .withTimestampPolicyFactory(EventTimePolicy.factory(maxOutOfOrderness, idlePartitionTimeout, range))
                .commitOffsetsInFinalize())
        .apply(
            "AsRawEvents",
            MapElements.into(TypeDescriptor.of(RawEvent.class))
                .via((KafkaRecord<String, String> r) -> {
                  String payload = r.getKV().getValue() == null ? "" : r.getKV().getValue();
                  return r.getTopic().equals(impressionsTopic)
                      ? RawEvent.impression(r.getTopic(), payload)
                      : RawEvent.click(r.getTopic(), payload);
                }));
  }
}
