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
  public void postgresFlags() {
    assertThat(parse().postgres(), nullValue());
    CtrConfig c =
        parse(
            "--jdbcUrl=jdbc:postgresql://db:5432/ctr",
            "--jdbcUser=writer",
            "--jdbcPasswordFile=/run/secrets/pg",
            "--resultsTable=reports.ctr_windows");
    assertThat(c.postgres().url(), equalTo("jdbc:postgresql://db:5432/ctr"));
    assertThat(c.postgres().user(), equalTo("writer"));
    assertThat(c.postgres().passwordFile(), equalTo("/run/secrets/pg"));
    assertThat(c.postgres().resultsTable(), equalTo("reports.ctr_windows"));
    assertThat(c.postgres().alertsTable(), equalTo("ctr_alerts"));
  }

  @Test
  public void badPostgresFlagsAreNamed() {
    assertThat(
        error("--jdbcUrl=jdbc:mysql://db/ctr"),
        equalTo(
            "--jdbcUrl=jdbc:mysql://db/ctr: expected jdbc:postgresql://host[:port]/database (PostgreSQL only)"));
    assertThat(error("--createTable"), equalTo("--createTable=true: needs --jdbcUrl"));
    assertThat(
        error("--jdbcUrl=jdbc:postgresql://db/ctr", "--resultsTable=ctr-results"),
        equalTo(
            "--resultsTable=ctr-results: expected a lower-case identifier, optionally schema.table"));
    assertThat(
        error("--jdbcUrl=jdbc:postgresql://db/ctr", "--alertsTable=x; DROP TABLE y"),
        equalTo(
            "--alertsTable=x; DROP TABLE y: expected a lower-case identifier, optionally schema.table"));
    assertThat(
        error("--jdbcUrl=jdbc:postgresql://db/ctr", "--alertsTable=ctr_results"),
        equalTo("--alertsTable=ctr_results: must differ from --resultsTable"));
  }

  @Test
  public void postgresPasswordsAreNotTakenAsFlagsAndNotEchoed() {
    String flag = error("--jdbcUrl=jdbc:postgresql://db/ctr", "--jdbcPassword=hunter2");
    assertThat(flag, containsString("--jdbcPassword=******: passwords are not taken as flags"));
    assertThat(flag, containsString("--jdbcPasswordFile"));
    assertThat(flag, containsString("CTR_JDBC_PASSWORD"));
    assertThat(flag, not(containsString("hunter2")));
    String url = error("--jdbcUrl=jdbc:postgresql://db/ctr?user=u&password=hunter2&ssl=true");
    assertThat(
        url,
        containsString(
            "--jdbcUrl=jdbc:postgresql://db/ctr?user=u&password=******&ssl=true: carries a password"));
    assertThat(url, not(containsString("hunter2")));
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
