package io.ctrstream.pipeline.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Where events come from: Kafka topics (unbounded) or JSON-lines files (bounded). Part of {@link
 * CtrOptions}; durations are written as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h}, {@code
 * 7d} or ISO-8601 ({@code PT30S}).
 */
public interface SourceOptions extends PipelineOptions {
  /** Where events come from; the constants are the flag's values. */
  enum Source {
    /** Unbounded: the impressions and clicks topics. */
    kafka,
    /** Bounded: a replay of JSON-lines files. */
    files
  }

  /** How Kafka records are encoded; the constants are the flag's values. */
  enum Format {
    /** UTF-8 JSON objects. */
    json,
    /** Avro binary records, single-object encoded or in the schema-registry wire format. */
    avro
  }

  @Description(
      "Where events come from: kafka (unbounded, the topics below) or files (bounded replay of JSON lines).")
  @Default.Enum("kafka")
  Source getSource();

  void setSource(Source value);

  @Description(
      "With --source=files: impression JSON lines (path or glob; .gz/.bz2 read as compressed).")
  String getImpressionsFile();

  void setImpressionsFile(String value);

  @Description("With --source=files: click JSON lines (path or glob; .gz/.bz2 read as compressed).")
  String getClicksFile();

  void setClicksFile(String value);

  @Description("Kafka bootstrap servers, host:port[,host:port...].")
  @Default.String("localhost:9092")
  String getBootstrapServers();

  void setBootstrapServers(String value);

  @Description("Kafka topic of impressions.")
  @Default.String("impressions")
  String getImpressionsTopic();

  void setImpressionsTopic(String value);

  @Description("Kafka topic of clicks.")
  @Default.String("clicks")
  String getClicksTopic();

  void setClicksTopic(String value);

  @Description(
      "Kafka topic the dead letters are published to (with --source=kafka); empty for none.")
  @Default.String("ctr-dead-letters")
  String getDeadLetterTopic();

  void setDeadLetterTopic(String value);

  @Description("Kafka consumer group; offsets are committed to it when checkpoints complete.")
  @Default.String("ctrstream")
  String getGroupId();

  void setGroupId(String value);

  @Description(
      "Further Kafka client properties, comma-separated key=value, e.g. "
          + "security.protocol=SASL_SSL,sasl.mechanism=PLAIN (for consumer and producer). No secrets: "
          + "sasl.jaas.config and *password* keys belong in --kafkaPropertiesFile.")
  @Default.String("")
  String getKafkaProperties();

  void setKafkaProperties(String value);

  @Description(
      "A Kafka client properties file (java.util.Properties format), read where the job is "
          + "submitted, for settings that carry secrets (sasl.jaas.config, ssl.*.password); --kafkaProperties "
          + "adds to it and wins on a conflict.")
  @Default.String("")
  String getKafkaPropertiesFile();

  void setKafkaPropertiesFile(String value);

  @Description(
      "With --source=kafka: json (UTF-8 JSON objects) or avro (Avro records framed by Avro's "
          + "single-object encoding or the schema-registry wire format; see --impressionSchema).")
  @Default.Enum("json")
  Format getFormat();

  void setFormat(Format value);

  @Description(
      "With --format=avro: the impressions' writer schema file(s) (.avsc, comma-separated: every "
          + "version producers may write), found by their single-object fingerprint.")
  @Default.String("")
  String getImpressionSchema();

  void setImpressionSchema(String value);

  @Description("With --format=avro: the clicks' writer schema file(s), as --impressionSchema.")
  @Default.String("")
  String getClickSchema();

  void setClickSchema(String value);

  @Description(
      "With --format=avro: a directory whose every .avsc file is a writer schema (of impressions, "
          + "clicks or heartbeats), instead of or besides --impressionSchema and --clickSchema.")
  @Default.String("")
  String getAvroSchemaDir();

  void setAvroSchemaDir(String value);

  @Description(
      "With --format=avro: schema-registry ids and the schema files they stand for, "
          + "ID=FILE[,ID=FILE...], for records in the registry wire format (no registry is contacted).")
  @Default.String("")
  String getAvroSchemaIds();

  void setAvroSchemaIds(String value);
}
