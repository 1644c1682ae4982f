package io.ctrstream.pipeline.io;

import io.ctrstream.pipeline.model.DeadLetter;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes dead letters to the dead-letter topic as JSON ({@link OutputFormats#deadLetter}), keyed by
 * their source topic, with an idempotent producer.
 */
public class WriteDeadLettersToKafka extends PTransform<PCollection<DeadLetter>, PDone> {
  private final KafkaSettings kafka;

  public WriteDeadLettersToKafka(KafkaSettings kafka) {
    this.kafka = kafka;
  }

  @Override
  public PDone expand(PCollection<DeadLetter> deadLetters) {
    Map<String, Object> producer = new HashMap<>(kafka.clientProperties());
    producer.put("enable.idempotence", true);
    producer.put("acks", "all");
    return deadLetters
        .apply(
            "AsKafkaRecords",
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((DeadLetter d) -> KV.of(d.source(), OutputFormats.deadLetter(d))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply(
            "WriteDeadLetterTopic",
            KafkaIO.<String, String>write()
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopic(kafka.deadLetterTopic())
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withProducerConfigUpdates(producer));
  }
}
