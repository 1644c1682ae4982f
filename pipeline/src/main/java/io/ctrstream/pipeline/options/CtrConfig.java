package io.ctrstream.pipeline.options;

import io.ctrstream.contract.RedisKeys;
import io.ctrstream.pipeline.alerts.AlertSettings;
import io.ctrstream.pipeline.io.KafkaSettings;
import io.ctrstream.pipeline.io.PostgresConnection;
import io.ctrstream.pipeline.io.PostgresTables;
import io.ctrstream.pipeline.io.RedisConnection;
import io.ctrstream.pipeline.model.Breakdown;
import io.ctrstream.pipeline.model.CtrResult;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CtrOptions} checked and converted once, at start-up: typed durations and settings that the
 * transforms take in their constructors.
 *
 * @param source {@code kafka} or {@code files}
 * @param impressionsFile with files: the impression lines
 * @param clicksFile with files: the click lines
 * @param kafka with kafka: how to reach it
 * @param maxOutOfOrderness Kafka watermark delay behind the newest ts
 * @param idlePartitionTimeout when an idle Kafka partition starts to follow the wall clock
 * @param attributionWindow longest attributed click delay (inclusive)
 * @param windowSize fixed window length
 * @param earlyFiringPeriod processing time between early panes
 * @param allowedLateness how long late data is accepted after a window's on-time result
 * @param redis where results go in Redis, or {@code null} for {@code --sink=none}
 * @param postgres where results and alerts also go in PostgreSQL, or {@code null} for none
 * @param output result file, or {@code null}
 * @param deadLetterOutput dead-letter file, or {@code null}
 * @param unattributedOutput unattributed-click file, or {@code null}
 * @param breakdowns further dimensions CTR is computed per (besides campaign)
 * @param trend sliding windows of the trend, or {@code null} for none
 * @param alerts how alerts are decided, or {@code null} for none
 * @param alertsTopic with kafka: the alerts topic, or {@code null}
 * @param resultsTopic with kafka: the results topic, or {@code null}
 */
public record CtrConfig(
    String source,
    String impressionsFile,
    String clicksFile,
    KafkaSettings kafka,
    Duration maxOutOfOrderness,
    Duration idlePartitionTimeout,
    Duration attributionWindow,
    Duration windowSize,
    Duration earlyFiringPeriod,
    Duration allowedLateness,
    RedisConnection redis,
    PostgresConnection postgres,
    String output,
    String deadLetterOutput,
    String unattributedOutput,
    List<Breakdown> breakdowns,
    Trend trend,
    AlertSettings alerts,
    String alertsTopic,
    String resultsTopic) {
  private static final Logger LOG = LoggerFactory.getLogger(CtrConfig.class);

  /**
   * Sliding trend windows.
   *
   * @param size window length
   * @param period how often a window starts; divides {@code size}
   */
  public record Trend(Duration size, Duration period) implements java.io.Serializable {}

  public static final String SOURCE_KAFKA = "kafka";
  public static final String SOURCE_FILES = "files";

  public boolean fromKafka() {
    return SOURCE_KAFKA.equals(source);
  }

  /**
   * Validates every flag.
   *
   * @throws InvalidFlagException naming the first flag whose value cannot be used
   */
  public static CtrConfig from(CtrOptions o) {
    String source = o.getSource() == null ? "" : o.getSource().trim();
    if (!source.equals(SOURCE_KAFKA) && !source.equals(SOURCE_FILES)) {
      throw new InvalidFlagException("source", o.getSource(), "expected kafka or files");
    }
    if (source.equals(SOURCE_FILES)) {
      require("impressionsFile", o.getImpressionsFile(), "required with --source=files");
      require("clicksFile", o.getClicksFile(), "required with --source=files");
    }
    String sink = o.getSink() == null ? "" : o.getSink().trim();
    if (!sink.equals("redis") && !sink.equals("none")) {
      throw new InvalidFlagException("sink", o.getSink(), "expected redis or none");
    }
    if (o.getRedisPort() < 1 || o.getRedisPort() > 65535) {
      throw new InvalidFlagException(
          "redisPort", Integer.toString(o.getRedisPort()), "expected a port from 1 to 65535");
    }
    require("redisKeyPrefix", o.getRedisKeyPrefix(), "must not be empty");
    Duration ttl = Durations.parsePositive("resultTtl", o.getResultTtl());
    RedisConnection redis =
        sink.equals("redis")
            ? new RedisConnection(
                o.getRedisHost(),
                o.getRedisPort(),
                redisPasswordFile(o),
                new RedisKeys(o.getRedisKeyPrefix()),
                ttl)
            : null;
    KafkaSettings kafka =
        new KafkaSettings(
            o.getBootstrapServers(),
            o.getImpressionsTopic(),
            o.getClicksTopic(),
            o.getDeadLetterTopic(),
            o.getGroupId(),
            kafkaProperties(o));
    return new CtrConfig(
        source,
        o.getImpressionsFile(),
        o.getClicksFile(),
        kafka,
        Durations.parse("maxOutOfOrderness", o.getMaxOutOfOrderness()),
        Durations.parsePositive("idlePartitionTimeout", o.getIdlePartitionTimeout()),
        Durations.parse("attributionWindow", o.getAttributionWindow()),
        Durations.parsePositive("windowSize", o.getWindowSize()),
        Durations.parsePositive("earlyFiringPeriod", o.getEarlyFiringPeriod()),
        Durations.parse("allowedLateness", o.getAllowedLateness()),
        redis,
        postgres(o),
        blankToNull(o.getOutput()),
        blankToNull(o.getDeadLetterOutput()),
        blankToNull(o.getUnattributedOutput()),
        breakdowns(o.getBreakdowns()),
        trend(o),
        o.getAlerts() ? alerts(o, breakdowns(o.getBreakdowns())) : null,
        source.equals(SOURCE_KAFKA) ? blankToNull(o.getAlertsTopic()) : null,
        source.equals(SOURCE_KAFKA) ? blankToNull(o.getResultsTopic()) : null);
  }

  static List<Breakdown> breakdowns(String value) {
    List<Breakdown> out = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return out;
    }
    for (String spec : value.split(",")) {
      Breakdown b;
      try {
        b = Breakdown.parse(spec);
      } catch (IllegalArgumentException e) {
        throw new InvalidFlagException("breakdowns", value, e.getMessage());
      }
      if (out.contains(b)) {
        throw new InvalidFlagException("breakdowns", value, "'" + b.name() + "' is given twice");
      }
      out.add(b);
    }
    return out;
  }

  private static Trend trend(CtrOptions o) {
    if (o.getTrendWindow() == null || o.getTrendWindow().isBlank()) {
      return null;
    }
    Duration size = Durations.parsePositive("trendWindow", o.getTrendWindow());
    Duration period = Durations.parsePositive("trendPeriod", o.getTrendPeriod());
    if (size.getMillis() % period.getMillis() != 0) {
      throw new InvalidFlagException(
          "trendPeriod", o.getTrendPeriod(), "must divide --trendWindow=" + o.getTrendWindow());
    }
    return new Trend(size, period);
  }

  private static AlertSettings alerts(CtrOptions o, List<Breakdown> breakdowns) {
    String baseline = o.getBaseline() == null ? "" : o.getBaseline().trim();
    if (!baseline.equals(AlertSettings.PREVIOUS) && !baseline.equals(AlertSettings.EWMA)) {
      throw new InvalidFlagException("baseline", o.getBaseline(), "expected previous or ewma");
    }
    double alpha = number("ewmaAlpha", o.getEwmaAlpha());
    if (!(alpha > 0 && alpha <= 1)) {
      throw new InvalidFlagException("ewmaAlpha", o.getEwmaAlpha(), "expected a number in (0, 1]");
    }
    double significance = number("alertSignificance", o.getAlertSignificance());
    if (!(significance > 0 && significance < 1)) {
      throw new InvalidFlagException(
          "alertSignificance", o.getAlertSignificance(), "expected a number in (0, 1), e.g. 0.001");
    }
    double criticalZ = number("criticalZ", o.getCriticalZ());
    if (!(criticalZ > 0)) {
      throw new InvalidFlagException("criticalZ", o.getCriticalZ(), "expected a positive number");
    }
    double criticalChange = number("criticalRelativeChange", o.getCriticalRelativeChange());
    if (!(criticalChange > 0)) {
      throw new InvalidFlagException(
          "criticalRelativeChange",
          o.getCriticalRelativeChange(),
          "expected a positive fraction, e.g. 0.5");
    }
    double minImpressions = number("minImpressions", o.getMinImpressions());
    if (!(minImpressions >= 1) || minImpressions != Math.floor(minImpressions)) {
      throw new InvalidFlagException(
          "minImpressions", o.getMinImpressions(), "expected a whole number of at least 1");
    }
    Set<String> dimensions = new LinkedHashSet<>();
    for (String d : o.getAlertDimensions().split(",")) {
      String name = d.trim();
      if (!name.equals(CtrResult.CAMPAIGN)
          && breakdowns.stream().noneMatch(b -> b.name().equals(name))) {
        throw new InvalidFlagException(
            "alertDimensions",
            o.getAlertDimensions(),
            "'" + name + "' is neither campaign nor one of --breakdowns");
      }
      dimensions.add(name);
    }
    return new AlertSettings(
        baseline,
        alpha,
        significance,
        criticalZ,
        criticalChange,
        (long) minImpressions,
        Durations.parse("alertCooldown", o.getAlertCooldown()),
        Set.copyOf(dimensions));
  }

  private static double number(String flag, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw new InvalidFlagException(flag, value, "expected a number");
    }
  }

  /** The Redis password file, or {@code null}; a password given as a flag is refused. */
  static String redisPasswordFile(CtrOptions o) {
    return passwordFile(
        "redisPassword",
        o.getRedisPassword(),
        "redisPasswordFile",
        o.getRedisPasswordFile(),
        RedisConnection.PASSWORD_ENV);
  }

  /**
   * Where PostgreSQL is, or {@code null} without {@code --jdbcUrl}.
   *
   * @throws InvalidFlagException for a URL that is not PostgreSQL's or carries a password, a table
   *     name that is not a plain identifier, a password flag, or {@code --createTable} without a
   *     URL
   */
  static PostgresConnection postgres(CtrOptions o) {
    String url = blankToNull(o.getJdbcUrl());
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
    if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      throw new InvalidFlagException(
          "jdbcUrl",
          url.replaceAll("(?i)(password=)[^&]*", "$1******"),
          "carries a password, which flags show to ps, the Flink UI and logs: use --jdbcPasswordFile=PATH "
              + "or the environment variable "
              + PostgresConnection.PASSWORD_ENV);
    }
    for (String[] table :
        new String[][] {
          {"resultsTable", o.getResultsTable()}, {"alertsTable", o.getAlertsTable()}
        }) {
      if (table[1] == null || !PostgresTables.TABLE_NAME.matcher(table[1]).matches()) {
        throw new InvalidFlagException(
            table[0], table[1], "expected a lower-case identifier, optionally schema.table");
      }
    }
    if (o.getResultsTable().equals(o.getAlertsTable())) {
      throw new InvalidFlagException(
          "alertsTable", o.getAlertsTable(), "must differ from --resultsTable");
    }
    return new PostgresConnection(
        url,
        blankToNull(o.getJdbcUser()),
        passwordFile(
            "jdbcPassword",
            o.getJdbcPassword(),
            "jdbcPasswordFile",
            o.getJdbcPasswordFile(),
            PostgresConnection.PASSWORD_ENV),
        o.getResultsTable(),
        o.getAlertsTable());
  }

  /**
   * A password file flag's value, or {@code null}; the password itself given as a flag is refused.
   * The file is read by the workers; here it is only checked where it can be (the same host when
   * run locally).
   */
  private static String passwordFile(
      String passwordFlag, String password, String fileFlag, String file, String env) {
    if (password != null && !password.isEmpty()) {
      throw new InvalidFlagException(
          passwordFlag,
          "******",
          "passwords are not taken as flags (ps, the Flink UI and logs show flags): use --"
              + fileFlag
              + "=PATH or the TaskManagers' environment variable "
              + env);
    }
    String path = blankToNull(file);
    if (path != null && !Files.isReadable(Paths.get(path))) {
      LOG.warn(
          "ctrstream: --{} {} is not readable here; each TaskManager reads it when it connects",
          fileFlag,
          path);
    }
    return path;
  }

  /**
   * The Kafka client properties: {@code --kafkaPropertiesFile} (read here, where the job is
   * submitted), then {@code --kafkaProperties} on top.
   *
   * @throws InvalidFlagException if the file cannot be read, or {@code --kafkaProperties} carries a
   *     secret ({@code sasl.jaas.config} or a key with {@code password} in it)
   */
  static Map<String, String> kafkaProperties(CtrOptions o) {
    Map<String, String> props = new LinkedHashMap<>();
    String file = blankToNull(o.getKafkaPropertiesFile());
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

  private static void require(String flag, String value, String problem) {
    if (value == null || value.isBlank()) {
      throw new InvalidFlagException(flag, value, problem);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
