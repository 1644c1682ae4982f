package io.ctrstream.pipeline.io;

import io.ctrstream.contract.avro.AvroSchemaSet;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.options.EventTimeConfig;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaReadSource;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Duration;

/**
 * Reads the impression and click topics with one Kafka consumer, each record parsed once in the
 * consumer ({@link ParsedRecordDeserializer}): bytes in, batches of Kafka records carrying {@link
 * ParsedRecord}s out, each record with its event time ({@link BatchingSource}; {@link
 * #PARSED_RECORD} takes the parsed record out of a Kafka record). They are not unwrapped here: each
 * {@code DoFn} between the source and the join's shuffle holds the watermark back on Flink
 * (docs/architecture.md, "Reading"), so the pipeline's first {@code DoFn} unbatches, splits and
 * keys them in one step. Event time and watermark come from {@link EventTimePolicy}; offsets are
 * committed to the consumer group only when a checkpoint is finalized ({@code
 * commitOffsetsInFinalize}), so a restart resumes from the checkpoint and nothing is lost or read
 * twice into the results.
 *
 * <p>The source is {@code KafkaIO.Read}'s own ({@link KafkaReadSource}), read in batches of up to
 * {@value #MAX_BATCH} records ({@link BatchingSource} says why).
 */
public class KafkaEventSource
    extends PTransform<
        PBegin, PCollection<List<TimestampedValue<KafkaRecord<byte[], ParsedRecord>>>>> {
  /** The {@link ParsedRecord} of a record this source reads. */
  public static final SerializableFunction<KafkaRecord<byte[], ParsedRecord>, ParsedRecord>
      PARSED_RECORD = r -> r.getKV().getValue();

  /**
   * The consumer fetches in batches, at most {@value #FETCH_MAX_WAIT_MS} ms apart below the job's
   * capacity ({@code fetch.min.bytes} 1 MiB, {@code fetch.max.wait.ms} 100; Kafka's defaults are 1
   * byte and 500 ms), so that the reader runs dry between batches. This is what lets the watermark
   * through at moderate rates: Beam's Flink runner forwards a watermark past a {@code DoFn} chained
   * to the source only between bundles, and a bundle finished by time ({@code
   * --maxBundleTimeMills}) releases the watermark only if no record arrives first; with a record
   * every few milliseconds (Kafka's defaults) one always does, and the watermark then advances only
   * every {@code --maxBundleSize} records. A property given in {@code --kafkaProperties} wins.
   */
  static final int FETCH_MIN_BYTES = 1 << 20;

  static final int FETCH_MAX_WAIT_MS = 100;

  /**
   * The most records in one element. A batch also ends when KafkaIO's reader has no record at hand
   * (its {@code advance()} waits at most 20 ms for the consumer's next poll), so at live rates a
   * batch holds what one fetch brought; at full speed batches are full. Bigger batches save nothing
   * more: the per-batch cost is already a negligible share of the CPU.
   */
  static final int MAX_BATCH = 1000;

  private final KafkaSettings kafka;
  private final Duration maxOutOfOrderness;
  private final Duration idlePartitionTimeout;
  private final EventTimeRange range;
  private final String avroSchemas;

  /**
   * @param kafka brokers, topics, consumer group and client properties
   * @param eventTime the watermark's out-of-orderness bound and idle-partition timeout
   * @param range the event times accepted; others are dead letters
   * @param avroSchemas with {@code --format=avro}: the writer schemas ({@link
   *     AvroSchemaSet#toJson}); {@code null} for JSON records
   */
  public KafkaEventSource(
      KafkaSettings kafka,
      EventTimeConfig eventTime,
      EventTimeRange range,
      AvroSchemaSet avroSchemas) {
    this.avroSchemas = avroSchemas == null ? null : avroSchemas.toJson();
    this.kafka = kafka;
    this.maxOutOfOrderness = eventTime.maxOutOfOrderness();
    this.idlePartitionTimeout = eventTime.idlePartitionTimeout();
    this.range = range;
  }

  @Override
  public PCollection<List<TimestampedValue<KafkaRecord<byte[], ParsedRecord>>>> expand(
      PBegin begin) {
    Map<String, Object> consumer = new HashMap<>(kafka.clientProperties());
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
    consumer.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_MIN_BYTES);
    consumer.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
    consumer.put(ParsedRecordDeserializer.IMPRESSIONS_TOPIC, kafka.impressionsTopic());
    if (avroSchemas != null) {
      consumer.put(ParsedRecordDeserializer.AVRO_SCHEMAS, avroSchemas);
    }
    KafkaIO.Read<byte[], ParsedRecord> read =
        KafkaIO.<byte[], ParsedRecord>read()
            .withBootstrapServers(kafka.bootstrapServers())
            .withTopics(List.of(kafka.impressionsTopic(), kafka.clicksTopic()))
            // a record may have no key (the producer's watermark heartbeats): a nullable coder, for
            // runners that encode the source's output (the DirectRunner does, to check
            // immutability)
            .withKeyDeserializerAndCoder(
                ByteArrayDeserializer.class, NullableCoder.of(ByteArrayCoder.of()))
            .withValueDeserializerAndCoder(
                ParsedRecordDeserializer.class, ParsedRecord.ParsedRecordCoder.of())
            .withConsumerConfigUpdates(consumer)
            .withTimestampPolicyFactory(
                EventTimePolicy.factory(maxOutOfOrderness, idlePartitionTimeout, range))
            .commitOffsetsInFinalize();
    return begin.apply(
        "ReadKafkaBatches", Read.from(new BatchingSource<>(KafkaReadSource.of(read), MAX_BATCH)));
  }
}
