package io.ctrstream.pipeline.io;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes elements to a Kafka topic as string key and JSON value, with an idempotent producer
 * ({@code acks=all}): dead letters (keyed by source topic), result panes and alerts.
 *
 * @param <T> the element type
 */
public class WriteToKafka<T> extends PTransform<PCollection<T>, PDone> {
  private final KafkaSettings kafka;
  private final String topic;
  private final SerializableFunction<T, String> key;
  private final SerializableFunction<T, String> json;

  /**
   * @param topic the topic to write to
   * @param key the record key of an element (records of one key keep their order in a partition)
   * @param json the record value
   */
  public WriteToKafka(
      KafkaSettings kafka,
      String topic,
      SerializableFunction<T, String> key,
      SerializableFunction<T, String> json) {
    this.kafka = kafka;
    this.topic = topic;
    this.key = key;
    this.json = json;
  }

  @Override
  public PDone expand(PCollection<T> elements) {
    Map<String, Object> producer = new HashMap<>(kafka.clientProperties());
    producer.put("enable.idempotence", true);
    producer.put("acks", "all");
    return elements
        .apply(
            "AsKafkaRecords",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((T e) -> KV.of(key.apply(e), json.apply(e))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply(
            "WriteTopic",
            KafkaIO.<String, String>write()
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopic(topic)
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withProducerConfigUpdates(producer));
  }
}
