package io.ctrstream.pipeline.options;

import io.ctrstream.contract.RedisKeys;
import io.ctrstream.pipeline.io.PostgresConnection;
import io.ctrstream.pipeline.io.PostgresTables;
import io.ctrstream.pipeline.io.RedisConnection;
import io.ctrstream.pipeline.options.SinkOptions.Sink;
import java.util.Locale;

/**
 * {@link SinkOptions}, checked: where the outputs go.
 *
 * @param redis where results go in Redis, or {@code null} for {@code --sink=none}
 * @param postgres where results and alerts also go in PostgreSQL, or {@code null} for none
 * @param resultsTopic with a Kafka source: the topic of every result pane, or {@code null}
 * @param alertsTopic with a Kafka source: the topic of alerts, or {@code null}
 * @param output result file, or {@code null}
 * @param deadLetterOutput dead-letter file, or {@code null}
 * @param unattributedOutput unattributed-click file, or {@code null}
 */
public record SinkConfig(
    RedisConnection redis,
    PostgresConnection postgres,
    String resultsTopic,
    String alertsTopic,
    String output,
    String deadLetterOutput,
    String unattributedOutput) {

  /** No sink at all (tests that read the PCollections). */
  public static final SinkConfig NONE = new SinkConfig(null, null, null, null, null, null, null);

  /**
   * Checks the sink flags.
   *
   * @param fromKafka whether the source is Kafka: the topic sinks exist only then
   * @throws InvalidFlagException naming the first flag whose value cannot be used
   */
  public static SinkConfig from(SinkOptions o, boolean fromKafka) {
    if (o.getRedisPort() < 1 || o.getRedisPort() > 65535) {
      throw new InvalidFlagException(
          "redisPort", Integer.toString(o.getRedisPort()), "expected a port from 1 to 65535");
    }
    if (o.getRedisKeyPrefix() == null || o.getRedisKeyPrefix().isBlank()) {
      throw new InvalidFlagException("redisKeyPrefix", o.getRedisKeyPrefix(), "must not be empty");
    }
    RedisConnection redis =
        o.getSink() == Sink.redis
            ? new RedisConnection(
                o.getRedisHost(),
                o.getRedisPort(),
                Flags.passwordFile(
                    "redisPassword",
                    o.getRedisPassword(),
                    "redisPasswordFile",
                    o.getRedisPasswordFile(),
                    RedisConnection.PASSWORD_ENV),
                new RedisKeys(o.getRedisKeyPrefix()),
                Durations.parsePositive("resultTtl", o.getResultTtl()),
                redisTls(o))
            : null;
    if (fromKafka) {
      for (String[] topic :
          new String[][] {
            {"resultsTopic", o.getResultsTopic()}, {"alertsTopic", o.getAlertsTopic()}
          }) {
        if (Flags.blankToNull(topic[1]) != null) {
          SourceConfig.requireTopic(topic[0], topic[1]);
        }
      }
    }
    return new SinkConfig(
        redis,
        postgres(o),
        fromKafka ? Flags.blankToNull(o.getResultsTopic()) : null,
        fromKafka ? Flags.blankToNull(o.getAlertsTopic()) : null,
        Flags.blankToNull(o.getOutput()),
        Flags.blankToNull(o.getDeadLetterOutput()),
        Flags.blankToNull(o.getUnattributedOutput()));
  }

  /**
   * Where PostgreSQL is, or {@code null} without {@code --jdbcUrl}.
   *
   * @throws InvalidFlagException for a URL that is not PostgreSQL's or carries a password, a table
   *     name that is not a plain identifier, a password flag, or {@code --createTable} without a
   *     URL
   */
  static PostgresConnection postgres(SinkOptions o) {
    String url = Flags.blankToNull(o.getJdbcUrl());
    if (url == null) {
      if (o.getCreateTable()) {
        throw new InvalidFlagException("createTable", "true", "needs --jdbcUrl");
      }
      return null;
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new InvalidFlagException(
          "jdbcUrl", url, "expected jdbc:postgresql://host[:port]/database (PostgreSQL only)");
    }
    if (url.toLowerCase(Locale.ROOT).contains("password=")) {
      throw new InvalidFlagException(
          "jdbcUrl",
          url.replaceAll("(?i)(password=)[^&]*", "$1******"),
          "carries a password, which flags show to ps, the Flink UI and logs: use --jdbcPasswordFile=PATH "
              + "or the environment variable "
              + PostgresConnection.PASSWORD_ENV);
    }
    requireTableName("resultsTable", o.getResultsTable());
    requireTableName("alertsTable", o.getAlertsTable());
    if (o.getResultsTable().equals(o.getAlertsTable())) {
      throw new InvalidFlagException(
          "alertsTable", o.getAlertsTable(), "must differ from --resultsTable");
    }
    return new PostgresConnection(
        url,
        Flags.blankToNull(o.getJdbcUser()),
        Flags.passwordFile(
            "jdbcPassword",
            o.getJdbcPassword(),
            "jdbcPasswordFile",
            o.getJdbcPasswordFile(),
            PostgresConnection.PASSWORD_ENV),
        o.getResultsTable(),
        o.getAlertsTable());
  }

  private static void requireTableName(String flag, String table) {
    if (table == null || !PostgresTables.TABLE_NAME.matcher(table).matches()) {
      throw new InvalidFlagException(
          flag, table, "expected a lower-case identifier, optionally schema.table");
    }
  }

  /**
   * The TLS setup of {@code --redisTls} and its files, or null without it.
   *
   * @throws InvalidFlagException naming a TLS file flag given without {@code --redisTls}, or a
   *     keystore password file without a keystore
   */
  private static RedisConnection.Tls redisTls(SinkOptions o) {
    String ca = Flags.blankToNull(o.getRedisCaFile());
    String keystore = Flags.blankToNull(o.getRedisClientKeystore());
    String password = Flags.blankToNull(o.getRedisClientKeystorePasswordFile());
    if (!o.getRedisTls()) {
      if (ca != null) {
        throw new InvalidFlagException("redisCaFile", ca, "needs --redisTls");
      }
      if (keystore != null) {
        throw new InvalidFlagException("redisClientKeystore", keystore, "needs --redisTls");
      }
    }
    if (password != null && keystore == null) {
      throw new InvalidFlagException(
          "redisClientKeystorePasswordFile", password, "needs --redisClientKeystore");
    }
    return o.getRedisTls() ? new RedisConnection.Tls(ca, keystore, password) : null;
  }
}
