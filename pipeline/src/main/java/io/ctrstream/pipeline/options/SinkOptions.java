package io.ctrstream.pipeline.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Where results, alerts, dead letters and unattributed clicks go: Redis, PostgreSQL, Kafka topics,
 * files. Part of {@link CtrOptions}; durations are written as {@code 500ms}, {@code 30s}, {@code
 * 15m}, {@code 1h}, {@code 7d} or ISO-8601 ({@code PT30S}).
 */
public interface SinkOptions extends PipelineOptions {
  /** The result sink besides files and topics; the constants are the flag's values. */
  enum Sink {
    redis,
    none
  }

  @Description("Result sink: redis or none.")
  @Default.Enum("redis")
  Sink getSink();

  void setSink(Sink value);

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

  @Description(
      "Connect to Redis over TLS (its tls-port), checking that its certificate is signed by a "
          + "trusted CA (--redisCaFile) and names --redisHost.")
  @Default.Boolean(false)
  boolean getRedisTls();

  void setRedisTls(boolean value);

  @Description(
      "With --redisTls: PEM file of the CA certificates to trust, read by each TaskManager when it "
          + "connects (so it must exist on every TaskManager host); default: the JVM's trust store.")
  String getRedisCaFile();

  void setRedisCaFile(String value);

  @Description(
      "With --redisTls: a PKCS12 keystore with a client certificate, for a Redis that asks for one "
          + "(tls-auth-clients), read by each TaskManager when it connects.")
  String getRedisClientKeystore();

  void setRedisClientKeystore(String value);

  @Description(
      "File holding the password of --redisClientKeystore, read by each TaskManager when it "
          + "connects.")
  String getRedisClientKeystorePasswordFile();

  void setRedisClientKeystorePasswordFile(String value);

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
      "With --source=kafka: publish every result pane (JSON) to this topic; empty for none.")
  @Default.String("")
  String getResultsTopic();

  void setResultsTopic(String value);

  @Description("With --source=kafka: publish alerts (JSON) to this topic; empty for none.")
  @Default.String("ctr-alerts")
  String getAlertsTopic();

  void setAlertsTopic(String value);

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
}
