package io.ctrstream.pipeline.options;

import io.ctrstream.contract.avro.AvroSchemaSet;
import io.ctrstream.pipeline.io.KafkaSettings;
import io.ctrstream.pipeline.model.RawEvent.Kind;
import io.ctrstream.pipeline.options.SourceOptions.Format;
import io.ctrstream.pipeline.options.SourceOptions.Source;
import io.ctrstream.pipeline.transforms.AvroReaderSchemas;
import io.ctrstream.pipeline.transforms.InvalidEventException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * {@link SourceOptions}, checked: where events come from.
 *
 * @param kind {@link Source#kafka} or {@link Source#files}
 * @param impressionsFile with files: the impression lines (path or glob)
 * @param clicksFile with files: the click lines
 * @param kafka how to reach Kafka (also used by the Kafka sinks)
 * @param avro with {@code --format=avro}: the writer schemas; {@code null} for JSON
 */
public record SourceConfig(
    Source kind,
    String impressionsFile,
    String clicksFile,
    KafkaSettings kafka,
    AvroSchemaSet avro) {

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
    return new SourceConfig(
        o.getSource(), o.getImpressionsFile(), o.getClicksFile(), kafka, avro(o));
  }

  /**
   * The Avro writer schemas, read where the job is submitted, or {@code null} for JSON.
   *
   * @throws InvalidFlagException naming the flag of a file that is missing, not a schema, or not
   *     readable as what it is given for
   */
  static AvroSchemaSet avro(SourceOptions o) {
    if (o.getFormat() != Format.avro) {
      return null;
    }
    if (o.getSource() != Source.kafka) {
      throw new InvalidFlagException(
          "format", "avro", "needs --source=kafka (files are read as JSON lines)");
    }
    List<Schema> schemas = new ArrayList<>();
    schemas.addAll(schemaFiles("impressionSchema", o.getImpressionSchema(), Kind.IMPRESSION));
    schemas.addAll(schemaFiles("clickSchema", o.getClickSchema(), Kind.CLICK));
    String dir = Flags.blankToNull(o.getAvroSchemaDir());
    if (dir != null) {
      List<Path> files;
      try {
        files = AvroSchemaSet.directory(Paths.get(dir));
      } catch (IllegalArgumentException e) {
        throw new InvalidFlagException("avroSchemaDir", dir, e.getMessage());
      }
      for (Path f : files) {
        schemas.add(eventSchema("avroSchemaDir", dir, f));
      }
    }
    Map<Integer, Path> idFiles;
    try {
      idFiles = AvroSchemaSet.ids(o.getAvroSchemaIds());
    } catch (IllegalArgumentException e) {
      throw new InvalidFlagException("avroSchemaIds", o.getAvroSchemaIds(), e.getMessage());
    }
    Map<Integer, Schema> ids = new LinkedHashMap<>();
    idFiles.forEach((id, f) -> ids.put(id, eventSchema("avroSchemaIds", o.getAvroSchemaIds(), f)));
    AvroSchemaSet set = AvroSchemaSet.of(schemas, ids);
    for (Kind kind : Kind.values()) {
      if (set.schemas().stream().noneMatch(s -> AvroReaderSchemas.problem(kind, s) == null)) {
        throw new InvalidFlagException(
            kind == Kind.IMPRESSION ? "impressionSchema" : "clickSchema",
            "",
            "no writer schema of "
                + (kind == Kind.IMPRESSION ? "impressions" : "clicks")
                + " is given (--impressionSchema, --clickSchema, --avroSchemaDir or --avroSchemaIds)");
      }
    }
    return set;
  }

  /** The schemas of a comma-separated list of files, each readable as {@code kind}. */
  private static List<Schema> schemaFiles(String flag, String value, Kind kind) {
    List<Schema> schemas = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return schemas;
    }
    for (String name : value.split(",")) {
      Path f = Paths.get(name.trim());
      Schema s = parse(flag, value, f);
      InvalidEventException problem = AvroReaderSchemas.problem(kind, s);
      if (problem != null) {
        throw new InvalidFlagException(flag, value, f + ": " + problem.getMessage());
      }
      schemas.add(s);
    }
    return schemas;
  }

  /** A schema file's schema, which must be an impression's, a click's or a heartbeat's. */
  private static Schema eventSchema(String flag, String value, Path f) {
    Schema s = parse(flag, value, f);
    if (!AvroReaderSchemas.isHeartbeat(s)
        && AvroReaderSchemas.problem(Kind.IMPRESSION, s) != null
        && AvroReaderSchemas.problem(Kind.CLICK, s) != null) {
      throw new InvalidFlagException(
          flag,
          value,
          f
              + " is neither an impression's, a click's nor a heartbeat's schema: "
              + AvroReaderSchemas.problem(Kind.IMPRESSION, s).getMessage());
    }
    return s;
  }

  /** Parses a schema file; one that cannot be read or parsed is a bad value of {@code flag}. */
  private static Schema parse(String flag, String value, Path f) {
    try {
      return AvroSchemaSet.parse(f);
    } catch (IllegalArgumentException e) {
      throw new InvalidFlagException(flag, value, e.getMessage());
    }
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
