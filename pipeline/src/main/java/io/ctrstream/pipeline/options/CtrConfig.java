package io.ctrstream.pipeline.options;

import io.ctrstream.pipeline.io.KafkaSettings;
import io.ctrstream.pipeline.io.RedisConnection;
import io.ctrstream.pipeline.io.RedisKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import org.joda.time.Duration;

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
 * @param output result file, or {@code null}
 * @param deadLetterOutput dead-letter file, or {@code null}
 * @param unattributedOutput unattributed-click file, or {@code null}
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
    String output,
    String deadLetterOutput,
    String unattributedOutput) {

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
      throw new InvalidFlagException("redisPort", Integer.toString(o.getRedisPort()), "expected a port from 1 to 65535");
    }
    require("redisKeyPrefix", o.getRedisKeyPrefix(), "must not be empty");
    Duration ttl = Durations.parsePositive("resultTtl", o.getResultTtl());
    RedisConnection redis =
        sink.equals("redis")
            ? new RedisConnection(o.getRedisHost(), o.getRedisPort(), o.getRedisPassword(),
                new RedisKeys(o.getRedisKeyPrefix()), ttl)
            : null;
    KafkaSettings kafka =
        new KafkaSettings(
            o.getBootstrapServers(),
            o.getImpressionsTopic(),
            o.getClicksTopic(),
            o.getDeadLetterTopic(),
            o.getGroupId(),
            properties("kafkaProperties", o.getKafkaProperties()));
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
        blankToNull(o.getOutput()),
        blankToNull(o.getDeadLetterOutput()),
        blankToNull(o.getUnattributedOutput()));
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
        throw new InvalidFlagException(flag, value, "expected key=value[,key=value...], got '" + entry + "'");
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
