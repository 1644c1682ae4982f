package io.ctrstream.pipeline.options;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class CtrConfigTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static CtrConfig parse(String... args) {
    PipelineOptionsFactory.register(CtrOptions.class);
    return CtrConfig.from(PipelineOptionsFactory.fromArgs(args).as(CtrOptions.class));
  }

  private static String error(String... args) {
    return assertThrows(InvalidFlagException.class, () -> parse(args)).getMessage();
  }

  @Test
  public void defaults() {
    CtrConfig c = parse();
    assertThat(c.fromKafka(), equalTo(true));
    assertThat(c.windowSize(), equalTo(Duration.standardSeconds(30)));
    assertThat(c.attributionWindow(), equalTo(Duration.standardSeconds(15)));
    assertThat(c.earlyFiringPeriod(), equalTo(Duration.standardSeconds(5)));
    assertThat(c.allowedLateness(), equalTo(Duration.standardMinutes(5)));
    assertThat(c.maxOutOfOrderness(), equalTo(Duration.standardSeconds(5)));
    assertThat(c.redis().keys().prefix(), equalTo("ctr"));
    assertThat(c.redis().resultTtl(), equalTo(Duration.standardDays(7)));
    assertThat(c.kafka().impressionsTopic(), equalTo("impressions"));
    assertThat(c.output(), nullValue());
  }

  @Test
  public void readsEveryFlag() {
    CtrConfig c =
        parse(
            "--source=files",
            "--impressionsFile=a.gz",
            "--clicksFile=b.gz",
            "--windowSize=1h",
            "--attributionWindow=30m",
            "--allowedLateness=PT2H",
            "--sink=none",
            "--output=out.csv",
            "--kafkaProperties=security.protocol=SASL_SSL,sasl.mechanism=PLAIN");
    assertThat(c.fromKafka(), equalTo(false));
    assertThat(c.windowSize(), equalTo(Duration.standardHours(1)));
    assertThat(c.attributionWindow(), equalTo(Duration.standardMinutes(30)));
    assertThat(c.allowedLateness(), equalTo(Duration.standardHours(2)));
    assertThat(c.redis(), nullValue());
    assertThat(c.output(), equalTo("out.csv"));
    assertThat(
        c.kafka().clientProperties(),
        equalTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN")));
  }

  @Test
  public void badFlagsAreNamed() {
    assertThat(error("--source=s3"), equalTo("--source=s3: expected kafka or files"));
    assertThat(
        error("--source=files", "--clicksFile=b"),
        equalTo("--impressionsFile: required with --source=files"));
    assertThat(
        error("--windowSize=30"),
        equalTo(
            "--windowSize=30: expected a duration such as 500ms, 30s, 15m, 1h, 7d, 1h30m or PT30S"));
    assertThat(error("--windowSize=0s"), equalTo("--windowSize=0s: must be longer than zero"));
    assertThat(error("--sink=postgres"), equalTo("--sink=postgres: expected redis or none"));
    assertThat(
        error("--redisPort=70000"), equalTo("--redisPort=70000: expected a port from 1 to 65535"));
    assertThat(
        error("--kafkaProperties=acks"),
        equalTo("--kafkaProperties=acks: expected key=value[,key=value...], got 'acks'"));
  }

  @Test
  public void secretsAreNotTakenAsFlagsAndNotEchoed() {
    String redis = error("--redisPassword=hunter2");
    assertThat(redis, containsString("--redisPassword=******: passwords are not taken as flags"));
    assertThat(redis, containsString("--redisPasswordFile"));
    assertThat(redis, not(containsString("hunter2")));
    String kafka =
        error(
            "--kafkaProperties=security.protocol=SASL_SSL,sasl.jaas.config=x required password=\"hunter2\";");
    assertThat(
        kafka,
        containsString(
            "--kafkaProperties=sasl.jaas.config=******: sasl.jaas.config carries a secret"));
    assertThat(kafka, not(containsString("hunter2")));
    assertThat(error("--kafkaProperties=ssl.key.password=hunter2"), not(containsString("hunter2")));
  }

  @Test
  public void theRedisPasswordFileIsOnlyAPath() {
    CtrConfig c = parse("--redisPasswordFile=/run/secrets/redis");
    assertThat(c.redis().passwordFile(), equalTo("/run/secrets/redis"));
    assertThat(c.redis().toString(), not(containsString("hunter2")));
    assertThat(parse().redis().passwordFile(), nullValue());
  }

  @Test
  public void kafkaSecretsComeFromAPropertiesFileAndFlagsAddToIt() throws Exception {
    Path file = tmp.newFile("kafka.properties").toPath();
    Files.writeString(
        file,
        "# client secrets\nsecurity.protocol=SASL_SSL\n"
            + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";\n");
    CtrConfig c =
        parse(
            "--kafkaPropertiesFile=" + file,
            "--kafkaProperties=security.protocol=SASL_PLAINTEXT,sasl.mechanism=PLAIN");
    assertThat(
        c.kafka().clientProperties(),
        equalTo(
            Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";")));
    assertThat(c.kafka().toString(), containsString("sasl.jaas.config=******"));
    assertThat(c.kafka().toString(), not(containsString("hunter2")));
    assertThat(
        error("--kafkaPropertiesFile=/no/such/file"),
        containsString("--kafkaPropertiesFile=/no/such/file: cannot be read"));
  }
}
