package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.testing.ReferenceCtr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * Secrets stay secret: Redis requires a password ({@code requirepass}), the job reads it from
 * {@code --redisPasswordFile} on the TaskManager, and a Kafka client secret comes from {@code
 * --kafkaPropertiesFile}. The job writes its results (so it did authenticate), and neither secret
 * appears in the job's configuration on Flink's REST API, in any log of the stack or the
 * submission, or on any process's command line.
 */
public class SecretsEndToEndIT {
  private static final String PASSWORD =
      "redis-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
  private static final String KAFKA_SECRET =
      "kafka-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));

  @ClassRule public static final LocalStack STACK = LocalStack.withRedisPassword(PASSWORD);

  private String jobId;

  @After
  public void cancelJob() throws Exception {
    if (jobId != null) {
      STACK.cancel(jobId);
    }
  }

  @Test
  public void theRedisPasswordAndAKafkaSecretAppearNowhereButInTheirFiles() throws Exception {
    JobRun run = JobRun.named("secrets");
    STACK.createTopics(run.impressions(), run.clicks(), run.deadLetters());
    Path testdata = STACK.root.resolve("testdata");
    run.replay(testdata.resolve("impressions.jsonl"), testdata.resolve("clicks.jsonl"));
    // a secret-typed client setting; the local broker speaks PLAINTEXT, so it is carried but not
    // used
    Path kafkaProperties = STACK.runDir.resolve("kafka-client.properties");
    Files.writeString(kafkaProperties, "ssl.key.password=" + KAFKA_SECRET + "\n");

    jobId =
        STACK.submit(
            run.name(),
            run.jobFlags(
                "--redisPasswordFile=" + STACK.redisPasswordFile,
                "--kafkaPropertiesFile=" + kafkaProperties));
    ReferenceCtr ref =
        ReferenceCtr.compute(
            testdata.resolve("impressions.jsonl"),
            testdata.resolve("clicks.jsonl"),
            30_000,
            15_000);
    RedisResults redis = new RedisResults(STACK, run.prefix());
    redis.awaitFinal(ref, Duration.ofMinutes(2));
    redis.assertEquals(ref);

    String config = STACK.restBody("/jobs/" + jobId + "/config");
    assertThat(
        "the job's configuration on the REST API names the file",
        config,
        containsString("redisPasswordFile"));
    assertThat(leaks(config), empty());
    List<String> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(STACK.runDir)) {
      for (Path f : all.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        boolean secretStore =
            f.equals(STACK.redisPasswordFile)
                || f.equals(kafkaProperties)
                || name.equals("auth.conf");
        if ((name.endsWith(".log") || name.endsWith(".out"))
            && !secretStore
            && !leaks(
                    new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEmpty()) {
          files.add(f.toString());
        }
      }
    }
    assertThat("logs holding a secret", files, empty());
    List<String> commandLines =
        ProcessHandle.allProcesses()
            .map(p -> p.info().commandLine().orElse(""))
            .filter(c -> !leaks(c).isEmpty())
            .toList();
    assertThat("command lines holding a secret", commandLines, empty());
    assertThat(
        "the logs were read",
        Files.exists(STACK.runDir.resolve("flink/log/taskmanager-1.log")),
        equalTo(true));
  }

  private static List<String> leaks(String text) {
    return Stream.of(PASSWORD, KAFKA_SECRET).filter(text::contains).toList();
  }
}
