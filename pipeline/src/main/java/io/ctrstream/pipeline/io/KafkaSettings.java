package io.ctrstream.pipeline.io;

import java.io.Serializable;
import java.util.Map;

/**
 * How to reach Kafka.
 *
 * @param bootstrapServers {@code host:port[,host:port…]}
 * @param impressionsTopic topic of impression JSON records
 * @param clicksTopic topic of click JSON records
 * @param deadLetterTopic topic the dead letters are written to
 * @param groupId consumer group whose offsets are committed on checkpoints
 * @param clientProperties further client properties for consumer and producer alike, e.g. {@code
 *     security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.*}
 */
public record KafkaSettings(
    String bootstrapServers,
    String impressionsTopic,
    String clicksTopic,
    String deadLetterTopic,
    String groupId,
    Map<String, String> clientProperties)
    implements Serializable {

  public KafkaSettings {
    clientProperties = Map.copyOf(clientProperties);
  }

  /**
   * Whether a client property carries a secret: {@code sasl.jaas.config} or a key naming a
   * password.
   */
  public static boolean isSecret(String key) {
    return key.equals("sasl.jaas.config")
        || key.toLowerCase(java.util.Locale.ROOT).contains("password");
  }

  /**
   * As the record's, with the values of secret properties masked, so that logging it leaks nothing.
   */
  @Override
  public String toString() {
    Map<String, String> shown = new java.util.TreeMap<>();
    clientProperties.forEach((k, v) -> shown.put(k, isSecret(k) ? "******" : v));
    return "KafkaSettings[bootstrapServers="
        + bootstrapServers
        + ", impressionsTopic="
        + impressionsTopic
        + ", clicksTopic="
        + clicksTopic
        + ", deadLetterTopic="
        + deadLetterTopic
        + ", groupId="
        + groupId
        + ", clientProperties="
        + shown
        + "]";
  }
}
