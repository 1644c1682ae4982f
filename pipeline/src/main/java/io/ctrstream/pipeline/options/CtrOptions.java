package io.ctrstream.pipeline.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * Every ctrstream flag. Durations are written as {@code 500ms}, {@code 30s}, {@code 15m}, {@code
 * 1h}, {@code 7d} or ISO-8601 ({@code PT30S}); {@link CtrConfig#from} validates all of them and
 * names the flag of any bad value. Runner flags ({@code --runner}, {@code --flinkMaster}, {@code
 * --checkpointingInterval}, {@code --fasterCopy}, …) are Beam's own.
 */
public interface CtrOptions extends PipelineOptions, StreamingOptions {

  // ---- source ----
  @Description(
      "Where events come from: kafka (unbounded, the topics below) or files (bounded replay of JSON lines).")
  @Default.String("kafka")
  String getSource();

  void setSource(String value);

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
      "How far behind the newest ts of a Kafka partition an event may arrive and still be on time.")
  @Default.String("5s")
  String getMaxOutOfOrderness();

  void setMaxOutOfOrderness(String value);

  @Description(
      "Processing time without records after which a caught-up Kafka partition's watermark follows the wall clock.")
  @Default.String("30s")
  String getIdlePartitionTimeout();

  void setIdlePartitionTimeout(String value);

  // ---- semantics ----
  @Description(
      "Attribution window: a click counts iff 0 <= click.ts - impression.ts <= this (inclusive).")
  @Default.String("15s")
  String getAttributionWindow();

  void setAttributionWindow(String value);

  @Description("Length of the fixed event-time CTR windows, assigned by the impression's ts.")
  @Default.String("30s")
  String getWindowSize();

  void setWindowSize(String value);

  @Description("Processing time between speculative (EARLY) panes of a window.")
  @Default.String("5s")
  String getEarlyFiringPeriod();

  void setEarlyFiringPeriod(String value);

  @Description(
      "How long after its on-time result (window end + attribution window) late data still revises a window.")
  @Default.String("5m")
  String getAllowedLateness();

  void setAllowedLateness(String value);

  // ---- sinks ----
  @Description("Result sink: redis or none.")
  @Default.String("redis")
  String getSink();

  void setSink(String value);

  @Description("Redis host.")
  @Default.String("localhost")
  String getRedisHost();

  void setRedisHost(String value);

  @Description("Redis port.")
  @Default.Integer(6379)
  int getRedisPort();

  void setRedisPort(int value);

  @Description(
      "Not accepted: a password given as a flag shows in ps, the Flink UI and logs. Use "
          + "--redisPasswordFile or the TaskManagers' environment variable CTR_REDIS_PASSWORD.")
  @Default.String("")
  String getRedisPassword();

  void setRedisPassword(String value);

  @Description(
      "File holding the Redis password (AUTH), read by each TaskManager when it connects, so the "
          + "password never enters the job's flags or graph; it must exist on every TaskManager host. Without it "
          + "the TaskManagers' environment variable CTR_REDIS_PASSWORD is used, if set.")
  @Default.String("")
  String getRedisPasswordFile();

  void setRedisPasswordFile(String value);

  @Description("Prefix of every Redis key ctrstream writes.")
  @Default.String("ctr")
  String getRedisKeyPrefix();

  void setRedisKeyPrefix(String value);

  @Description("How long a window's Redis hash and index live after their last write.")
  @Default.String("7d")
  String getResultTtl();

  void setResultTtl(String value);

  @Description(
      "Also upsert every result pane and alert into PostgreSQL at this JDBC URL, e.g. "
          + "jdbc:postgresql://localhost:5432/ctrstream; empty for none. No password in it: see --jdbcPasswordFile.")
  @Default.String("")
  String getJdbcUrl();

  void setJdbcUrl(String value);

  @Description("PostgreSQL user; empty for the driver's default (the OS user).")
  @Default.String("")
  String getJdbcUser();

  void setJdbcUser(String value);

  @Description(
      "Not accepted: a password given as a flag shows in ps, the Flink UI and logs. Use "
          + "--jdbcPasswordFile or the TaskManagers' environment variable CTR_JDBC_PASSWORD.")
  @Default.String("")
  String getJdbcPassword();

  void setJdbcPassword(String value);

  @Description(
      "File holding the PostgreSQL password, read by each TaskManager when it connects (and by the "
          + "submitter for --createTable); it must exist on every TaskManager host. Without it the "
          + "environment variable CTR_JDBC_PASSWORD is used, if set.")
  @Default.String("")
  String getJdbcPasswordFile();

  void setJdbcPasswordFile(String value);

  @Description(
      "With --jdbcUrl: create the results and alerts tables where they do not exist, when the job is submitted.")
  @Default.Boolean(false)
  boolean getCreateTable();

  void setCreateTable(boolean value);

  @Description(
      "With --jdbcUrl: the table of result panes (an identifier, optionally schema.table).")
  @Default.String("ctr_results")
  String getResultsTable();

  void setResultsTable(String value);

  @Description("With --jdbcUrl: the table of alerts (an identifier, optionally schema.table).")
  @Default.String("ctr_alerts")
  String getAlertsTable();

  void setAlertsTable(String value);

  @Description(
      "Also write every result pane to this file: JSON lines, or CSV if the name ends in .csv.")
  String getOutput();

  void setOutput(String value);

  @Description("Write dead letters (JSON lines: source, reason, detail, payload) to this file.")
  String getDeadLetterOutput();

  void setDeadLetterOutput(String value);

  @Description("Write unattributed clicks (JSON lines with the reason) to this file.")
  String getUnattributedOutput();

  void setUnattributedOutput(String value);

  // ---- breakdowns, trend, alerts ----
  @Description(
      "Also compute CTR per these impression fields: comma-separated, a field (device) or a pair "
          + "(campaign_id+device). Impressions without the field count under 'unknown'.")
  @Default.String("")
  String getBreakdowns();

  void setBreakdowns(String value);

  @Description("Also compute a trend: sliding windows of this length (e.g. 15m); empty for none.")
  @Default.String("")
  String getTrendWindow();

  void setTrendWindow(String value);

  @Description("How often a trend window starts (the slide), e.g. 1m; divides --trendWindow.")
  @Default.String("1m")
  String getTrendPeriod();

  void setTrendPeriod(String value);

  @Description(
      "Raise SPIKE/DROP alerts when a window's CTR differs significantly from its baseline.")
  @Default.Boolean(true)
  boolean getAlerts();

  void setAlerts(boolean value);

  @Description(
      "Alert baseline: previous (the complete window before) or ewma (moving average of earlier windows).")
  @Default.String("previous")
  String getBaseline();

  void setBaseline(String value);

  @Description("EWMA weight of the newest window, in (0, 1].")
  @Default.String("0.3")
  String getEwmaAlpha();

  void setEwmaAlpha(String value);

  @Description(
      "Two-sided significance level of the alerts' two-proportion z-test (0.001: |z| >= 3.29).")
  @Default.String("0.001")
  String getAlertSignificance();

  void setAlertSignificance(String value);

  @Description("|z| from which a significant change is CRITICAL.")
  @Default.String("5")
  String getCriticalZ();

  void setCriticalZ(String value);

  @Description(
      "|relative change| (a fraction: 0.5 = 50%) from which a significant change is CRITICAL.")
  @Default.String("0.5")
  String getCriticalRelativeChange();

  void setCriticalRelativeChange(String value);

  @Description("Alerts need at least this many impressions in the window and in its baseline.")
  @Default.String("100")
  String getMinImpressions();

  void setMinImpressions(String value);

  @Description(
      "After an alert, the same kind for the same key is suppressed for windows starting within this event time.")
  @Default.String("5m")
  String getAlertCooldown();

  void setAlertCooldown(String value);

  @Description(
      "Which dimensions are watched for alerts: comma-separated, campaign and/or breakdown names.")
  @Default.String("campaign")
  String getAlertDimensions();

  void setAlertDimensions(String value);

  @Description("With --source=kafka: publish alerts (JSON) to this topic; empty for none.")
  @Default.String("ctr-alerts")
  String getAlertsTopic();

  void setAlertsTopic(String value);

  @Description(
      "With --source=kafka: publish every result pane (JSON) to this topic; empty for none.")
  @Default.String("")
  String getResultsTopic();

  void setResultsTopic(String value);
}
