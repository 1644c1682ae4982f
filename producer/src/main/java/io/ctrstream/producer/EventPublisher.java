package io.ctrstream.producer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends events to the impression and click topics with an idempotent producer ({@code
 * enable.idempotence=true}, {@code acks=all}), keyed by {@code impr_id} so that an impression and
 * its clicks share a partition. Counts what was acknowledged and what failed.
 */
public final class EventPublisher implements AutoCloseable {
  /** Which topic an event goes to. */
  public enum Stream {
    IMPRESSIONS,
    CLICKS
  }

  private final KafkaProducer<String, byte[]> producer;
  private final ValueEncoder encoder;
  private final String impressionsTopic;
  private final String clicksTopic;
  private final AtomicLong impressionsAcked = new AtomicLong();
  private final AtomicLong clicksAcked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> lastError = new AtomicReference<>();

  private EventPublisher(
      KafkaProducer<String, byte[]> producer, KafkaTarget target, ValueEncoder encoder) {
    this.producer = producer;
    this.encoder = encoder;
    this.impressionsTopic = target.impressionsTopic;
    this.clicksTopic = target.clicksTopic;
  }

  /**
   * Connects to the broker; record values are written by {@code encoder} (the {@code --format}).
   *
   * @throws KafkaUnavailableException if the cluster does not answer within {@code timeout}, or
   *     does not know one of the two topics within the producer's {@code max.block.ms} (60 s by
   *     default)
   */
  static EventPublisher connect(KafkaTarget target, Duration timeout, ValueEncoder encoder) {
    Map<String, Object> admin = new HashMap<>(target.properties);
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers);
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin client = Admin.create(admin)) {
      client.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaUnavailableException(target.bootstrapServers, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(target.bootstrapServers, timeout);
    }
    Map<String, Object> config = new HashMap<>(target.properties);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config);
    // Learn both topics' partitions before the first send: a topic that does not exist (the stack's
    // broker does not create topics on demand) or whose creation has not yet reached the broker is
    // one clear error here, not a send that blocks for max.block.ms and then fails.
    for (String topic : new String[] {target.impressionsTopic, target.clicksTopic}) {
      try {
        producer.partitionsFor(topic);
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        producer.close(Duration.ZERO);
        throw new KafkaUnavailableException(
            "topic "
                + topic
                + " is not known to the broker at "
                + target.bootstrapServers
                + " (does it exist? deploy/stack.sh up creates impressions and clicks): "
                + e.getMessage());
      }
    }
    return new EventPublisher(producer, target, encoder);
  }

  /**
   * Sends one record asynchronously. Its Kafka timestamp is the send time, not the event's {@code
   * ts} (the job reads event time from the JSON): a broker deletes records whose timestamp is older
   * than its retention, so a replay of last year's log stamped with event time would be deleted as
   * soon as it was written.
   *
   * @param key the {@code impr_id}, or {@code null} for a record that has none (it goes to a
   *     partition of the producer's choosing)
   */
  public void send(Stream stream, String key, String json) {
    String topic = stream == Stream.IMPRESSIONS ? impressionsTopic : clicksTopic;
    AtomicLong acked = stream == Stream.IMPRESSIONS ? impressionsAcked : clicksAcked;
    producer.send(
        new ProducerRecord<>(topic, key, encoder.event(stream, json)),
        (metadata, error) -> {
          if (error == null) {
            acked.incrementAndGet();
          } else {
            failed.incrementAndGet();
            lastError.set(error);
          }
        });
  }

  /**
   * Sends a watermark heartbeat ({@code {"heartbeat":true,"ts":...}}, or its Avro record) to every
   * partition of both topics: the job's watermark moves to {@code ts} (minus its out-of-orderness)
   * on each of them.
   */
  public void sendHeartbeats(long ts) {
    byte[] value = encoder.heartbeat(ts);
    for (String topic : new String[] {impressionsTopic, clicksTopic}) {
      for (org.apache.kafka.common.PartitionInfo p : producer.partitionsFor(topic)) {
        producer.send(
            new ProducerRecord<>(topic, p.partition(), null, value),
            (metadata, error) -> {
              if (error != null) {
                failed.incrementAndGet();
                lastError.set(error);
              }
            });
      }
    }
  }

  public long impressionsAcked() {
    return impressionsAcked.get();
  }

  public long clicksAcked() {
    return clicksAcked.get();
  }

  public long acked() {
    return impressionsAcked.get() + clicksAcked.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Events that could not be encoded in the chosen format and were sent as they are. */
  public long sentAsIs() {
    return encoder.sentAsIs();
  }

  /** The last send error, or {@code null}. */
  public Exception lastError() {
    return lastError.get();
  }

  /** Waits for every record sent so far to be acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }

  /**
   * The broker did not answer, or does not know a topic: a user error, reported without a stack
   * trace.
   */
  public static final class KafkaUnavailableException extends RuntimeException {
    KafkaUnavailableException(String servers, Duration timeout) {
      super(
          "no Kafka broker answered at "
              + servers
              + " within "
              + timeout.toSeconds()
              + " s (is it running? deploy/stack.sh up starts one)");
    }

    KafkaUnavailableException(String message) {
      super(message);
    }
  }
}
