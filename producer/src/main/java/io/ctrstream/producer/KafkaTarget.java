package io.ctrstream.producer;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The Kafka options every producer command shares (a picocli mixin). */
public class KafkaTarget {
  @Option(
      names = "--bootstrap-servers",
      defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--impressions-topic",
      defaultValue = "impressions",
      description = "Topic of impressions (default: ${DEFAULT-VALUE}).")
  String impressionsTopic;

  @Option(
      names = "--clicks-topic",
      defaultValue = "clicks",
      description = "Topic of clicks (default: ${DEFAULT-VALUE}).")
  String clicksTopic;

  @Option(
      names = "--producer-property",
      paramLabel = "KEY=VALUE",
      description =
          "A further Kafka producer property, e.g. security.protocol=SASL_SSL; repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(
      names = "--connect-timeout",
      defaultValue = "15s",
      description = "How long to wait for the broker at start (default: ${DEFAULT-VALUE}).")
  String connectTimeout;

  @Option(
      names = "--progress-interval",
      defaultValue = "5",
      description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  /** {@code --connect-timeout} as a duration. */
  java.time.Duration connectTimeout() {
    return PhaseScript.duration(connectTimeout);
  }
}
