package io.ctrstream.pipeline.options;

import io.ctrstream.pipeline.io.KafkaSettings;
import io.ctrstream.pipeline.options.SourceOptions.Source;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * {@link SourceOptions}, checked: where events come from.
 *
 * @param kind {@link Source#kafka} or {@link Source#files}
 * @param impressionsFile with files: the impression lines (path or glob)
 * @param clicksFile with files: the click lines
 * @param kafka how to reach Kafka (also used by the Kafka sinks)
 */
public record SourceConfig(
    Source kind, String impressionsFile, String clicksFile, KafkaSettings kafka) {

  /** Whether events come from Kafka (an unbounded, streaming job). */
  public boolean fromKafka() {
    return kind == Source.kafka;
  }

  /**
   * Checks the source flags.
   *
   * @throws InvalidFlagException naming the first flag whose value cannot be used
   */
  public static SourceConfig from(SourceOptions o) {
    if (o.getSource() == Source.files) {
      require("impressionsFile", o.getImpressionsFile(), "required with --source=files");
      require("clicksFile", o.getClicksFile(), "required with --source=files");
    } else {
      if (o.getBootstrapServers() == null
          || !BOOTSTRAP_SERVERS.matcher(o.getBootstrapServers()).matches()) {
        throw new InvalidFlagException(
            "bootstrapServers", o.getBootstrapServers(), "expected host:port[,host:port...]");
      }
      requireTopic("impressionsTopic", o.getImpressionsTopic());
      requireTopic("clicksTopic", o.getClicksTopic());
      if (o.getClicksTopic().equals(o.getImpressionsTopic())) {
        throw new InvalidFlagException(
            "clicksTopic", o.getClicksTopic(), "must differ from --impressionsTopic");
      }
      if (Flags.blankToNull(o.getDeadLetterTopic()) != null) {
        requireTopic("deadLetterTopic", o.getDeadLetterTopic());
      }
      require("groupId", o.getGroupId(), "must not be empty");
    }
    KafkaSettings kafka =
        new KafkaSettings(
            o.getBootstrapServers(),
            o.getImpressionsTopic(),
            o.getClicksTopic(),
            o.getDeadLetterTopic(),
            o.getGroupId(),
            kafkaProperties(o));
    return new SourceConfig(o.getSource(), o.getImpressionsFile(), o.getClicksFile(), kafka);
  }

  /**
   * The Kafka client properties: {@code --kafkaPropertiesFile} (read here, where the job is
   * submitted), then {@code --kafkaProperties} on top.
   *
   * @throws InvalidFlagException if the file cannot be read, or {@code --kafkaProperties} carries a
   *     secret ({@code sasl.jaas.config} or a key with {@code password} in it)
   */
  static Map<String, String> kafkaProperties(SourceOptions o) {
    Map<String, String> props = new LinkedHashMap<>();
    String file = Flags.blankToNull(o.getKafkaPropertiesFile());
    if (file != null) {
      Properties fromFile = new Properties();
      try (Reader in = Files.newBufferedReader(Paths.get(file))) {
        fromFile.load(in);
      } catch (IOException e) {
        throw new InvalidFlagException("kafkaPropertiesFile", file, "cannot be read: " + e);
      }
      fromFile.stringPropertyNames().stream()
          .sorted()
          .forEach(k -> props.put(k, fromFile.getProperty(k).trim()));
    }
    Map<String, String> flags = properties("kafkaProperties", o.getKafkaProperties());
    for (String key : flags.keySet()) {
      if (KafkaSettings.isSecret(key)) {
        throw new InvalidFlagException(
            "kafkaProperties",
            key + "=******",
            key
                + " carries a secret, which flags show to ps, the Flink UI and logs: put it in --kafkaPropertiesFile");
      }
    }
    props.putAll(flags);
    return props;
  }

  /** Parses {@code k=v,k=v}; an entry without {@code =} is an error naming the flag. */
  static Map<String, String> properties(String flag, String value) {
    Map<String, String> props = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return props;
    }
    for (String entry : value.split(",")) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new InvalidFlagException(
            flag, value, "expected key=value[,key=value...], got '" + entry + "'");
      }
      props.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
    }
    return props;
  }

  /** {@code host:port[,host:port...]}; an IPv6 host in brackets. */
  static final Pattern BOOTSTRAP_SERVERS =
      Pattern.compile(
          "(\\[[0-9a-fA-F:.]+\\]|[^\\s:,\\[\\]]+):\\d{1,5}"
              + "(,(\\[[0-9a-fA-F:.]+\\]|[^\\s:,\\[\\]]+):\\d{1,5})*");

  /** What Kafka takes as a topic name. */
  static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /**
   * Checks a topic name.
   *
   * @throws InvalidFlagException if Kafka would refuse it
   */
  static void requireTopic(String flag, String topic) {
    if (topic == null || !TOPIC.matcher(topic).matches()) {
      throw new InvalidFlagException(
          flag, topic, "expected a Kafka topic name (letters, digits, '.', '_', '-')");
    }
  }

  private static void require(String flag, String value, String problem) {
    if (value == null || value.isBlank()) {
      throw new InvalidFlagException(flag, value, problem);
    }
  }
}
