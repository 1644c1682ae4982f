package io.ctrstream.pipeline.options;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class CtrConfigTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static CtrConfig parse(String... args) {
    PipelineOptionsFactory.register(CtrOptions.class);
    TypedFlags.check(args, CtrOptions.class); // as CtrPipeline.main does before Beam parses
    return CtrConfig.from(PipelineOptionsFactory.fromArgs(args).as(CtrOptions.class));
  }

  private static String error(String... args) {
    return assertThrows(InvalidFlagException.class, () -> parse(args)).getMessage();
  }

  @Test
  public void defaults() {
    CtrConfig c = parse();
    assertThat(c.fromKafka(), equalTo(true));
    assertThat(c.eventTime().windowSize(), equalTo(Duration.standardSeconds(30)));
    assertThat(c.eventTime().attributionWindow(), equalTo(Duration.standardSeconds(15)));
    assertThat(c.eventTime().earlyFiringPeriod(), equalTo(Duration.standardSeconds(5)));
    assertThat(c.eventTime().allowedLateness(), equalTo(Duration.standardMinutes(5)));
    assertThat(c.eventTime().maxOutOfOrderness(), equalTo(Duration.standardSeconds(5)));
    assertThat(c.sinks().redis().keys().prefix(), equalTo("ctr"));
    assertThat(c.sinks().redis().resultTtl(), equalTo(Duration.standardDays(7)));
    assertThat(c.source().kafka().impressionsTopic(), equalTo("impressions"));
    assertThat(c.sinks().output(), nullValue());
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
    assertThat(c.eventTime().windowSize(), equalTo(Duration.standardHours(1)));
    assertThat(c.eventTime().attributionWindow(), equalTo(Duration.standardMinutes(30)));
    assertThat(c.eventTime().allowedLateness(), equalTo(Duration.standardHours(2)));
    assertThat(c.sinks().redis(), nullValue());
    assertThat(c.sinks().output(), equalTo("out.csv"));
    assertThat(
        c.source().kafka().clientProperties(),
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

  /** Flags any value of which is accepted here (hosts, paths read elsewhere, a user name). */
  private static final Set<String> FREE_FORM =
      Set.of(
          "redisHost",
          "redisPasswordFile",
          "jdbcUser",
          "jdbcPasswordFile",
          "output",
          "deadLetterOutput",
          "unattributedOutput");

  /**
   * For every other flag: the arguments with a bad value of it (after any it needs to matter) and
   * the one line that must name it.
   */
  private static final Map<String, List<String>> BAD =
      Map.ofEntries(
          bad("--source=s3", "expected kafka or files"),
          bad("--source=files --clicksFile=b --impressionsFile=", "required with --source=files"),
          bad("--source=files --impressionsFile=a --clicksFile=", "required with --source=files"),
          bad("--bootstrapServers=localhost", "expected host:port[,host:port...]"),
          bad("--impressionsTopic=a/b", "expected a Kafka topic name"),
          bad("--clicksTopic=impressions", "must differ from --impressionsTopic"),
          bad("--deadLetterTopic=dead letters", "expected a Kafka topic name"),
          bad("--groupId=", "must not be empty"),
          bad("--kafkaProperties=acks", "expected key=value[,key=value...], got 'acks'"),
          bad("--format=protobuf", "expected json or avro"),
          bad("--format=avro --impressionSchema=/no/such.avsc", "cannot be read"),
          bad(
              "--format=avro --impressionSchema=../schemas/impression.avsc"
                  + " --clickSchema=../schemas/impression.avsc",
              "cannot be read as a click"),
          bad("--format=avro --avroSchemaDir=/no/such/dir", "is not a readable directory"),
          bad("--format=avro --avroSchemaIds=one=../schemas/click.avsc", "expected ID=FILE"),
          bad("--kafkaPropertiesFile=/no/such/file", "cannot be read"),
          bad("--maxOutOfOrderness=5", "expected a duration such as"),
          bad("--idlePartitionTimeout=0s", "must be longer than zero"),
          bad("--attributionWindow=15", "expected a duration such as"),
          bad("--windowSize=0s", "must be longer than zero"),
          bad("--earlyFiringPeriod=often", "expected a duration such as"),
          bad("--allowedLateness=5 minutes", "expected a duration such as"),
          bad(
              "--idleKeyRetention=5m",
              "must be longer than --attributionWindow plus --allowedLateness (5m15s)"),
          bad("--breakdowns=device,device", "'device' is given twice"),
          bad("--trendWindow=15", "expected a duration such as"),
          bad("--trendWindow=15m --trendPeriod=7m", "must divide --trendWindow=15m"),
          bad("--alerts=maybe", "expected true or false"),
          bad("--alertOnNowcast=maybe", "expected true or false"),
          bad("--baseline=median", "expected previous or ewma"),
          bad("--ewmaAlpha=1.5", "expected a number in (0, 1]"),
          bad("--alertSignificance=abc", "expected a number"),
          bad("--criticalZ=-1", "expected a positive number"),
          bad("--criticalRelativeChange=0", "expected a positive fraction, e.g. 0.5"),
          bad("--minImpressions=1.5", "expected a whole number"),
          bad("--alertCooldown=soon", "expected a duration such as"),
          bad("--alertDimensions=device", "'device' is neither campaign nor one of --breakdowns"),
          bad("--sink=postgres", "expected redis or none"),
          bad("--redisPort=x", "expected a whole number"),
          bad("--redisPassword=hunter2", "passwords are not taken as flags"),
          bad("--redisKeyPrefix=", "must not be empty"),
          bad("--redisTls=maybe", "expected true or false"),
          bad("--redisCaFile=ca.pem", "needs --redisTls"),
          bad("--redisClientKeystore=client.p12", "needs --redisTls"),
          bad(
              "--redisTls --redisClientKeystorePasswordFile=password",
              "needs --redisClientKeystore"),
          bad("--resultTtl=0s", "must be longer than zero"),
          bad("--jdbcUrl=jdbc:mysql://db/ctr", "expected jdbc:postgresql://host[:port]/database"),
          bad("--jdbcUrl=jdbc:postgresql://db/ctr --jdbcPassword=hunter2", "passwords are not"),
          bad("--createTable", "needs --jdbcUrl"),
          bad("--jdbcUrl=jdbc:postgresql://db/ctr --resultsTable=Results", "lower-case identifier"),
          bad("--jdbcUrl=jdbc:postgresql://db/ctr --alertsTable=a;b", "lower-case identifier"),
          bad("--resultsTopic=results!", "expected a Kafka topic name"),
          bad("--alertsTopic=alerts!", "expected a Kafka topic name"));

  private static Map.Entry<String, List<String>> bad(String args, String problem) {
    List<String> list = List.of(args.split(" (?=--)"));
    String last = list.get(list.size() - 1);
    String flag = last.substring(2, last.contains("=") ? last.indexOf('=') : last.length());
    return Map.entry(flag, List.of(args, problem));
  }

  /** The option interfaces, one per concern, that {@link CtrOptions} combines. */
  private static final List<Class<?>> CONCERNS =
      List.of(
          SourceOptions.class,
          EventTimeOptions.class,
          BreakdownOptions.class,
          AlertOptions.class,
          SinkOptions.class);

  /** The flags an option interface declares itself. */
  private static Set<String> declaredFlags(Class<?> concern) {
    Set<String> flags = new TreeSet<>();
    for (java.lang.reflect.Method m : concern.getDeclaredMethods()) {
      if (m.getName().startsWith("get")) {
        flags.add(java.beans.Introspector.decapitalize(m.getName().substring(3)));
      }
    }
    return flags;
  }

  @Test
  public void everyBadValueOfEveryFlagIsOneLineNamingTheFlag() {
    Set<String> flags = new TreeSet<>();
    CONCERNS.forEach(c -> flags.addAll(declaredFlags(c)));
    Set<String> covered = new TreeSet<>(BAD.keySet());
    covered.addAll(FREE_FORM);
    assertThat("every flag has a bad value here, or is free-form", covered, equalTo(flags));
    for (Map.Entry<String, List<String>> e : BAD.entrySet()) {
      String[] args = e.getValue().get(0).split(" (?=--)");
      String message = error(args);
      assertThat(e.getValue().get(0), message, startsWith("--" + e.getKey()));
      assertThat(message, containsString(e.getValue().get(1)));
      assertThat(message, not(containsString("\n")));
    }
  }

  @Test
  public void idleKeyRetentionIsSevenDaysUnlessGiven() {
    assertThat(parse().eventTime().idleKeyRetention(), equalTo(Duration.standardDays(7)));
    assertThat(
        parse("--idleKeyRetention=2h").eventTime().idleKeyRetention(),
        equalTo(Duration.standardHours(2)));
    assertThat(
        error("--idleKeyRetention=0s"), equalTo("--idleKeyRetention=0s: must be longer than zero"));
  }

  @Test
  public void avroFlags() {
    assertThat(parse().source().avro(), nullValue());
    CtrConfig dir = parse("--format=avro", "--avroSchemaDir=../schemas");
    assertThat(dir.source().avro().schemas().size(), equalTo(3));
    CtrConfig files =
        parse(
            "--format=avro",
            "--impressionSchema=../schemas/impression.avsc",
            "--clickSchema=../schemas/click.avsc",
            "--avroSchemaIds=1=../schemas/impression.avsc,2=../schemas/click.avsc");
    assertThat(files.source().avro().byId(2).getName(), equalTo("Click"));
    assertThat(
        error("--format=avro", "--impressionSchema=../schemas/impression.avsc"),
        equalTo(
            "--clickSchema=: no writer schema of clicks is given (--impressionSchema, --clickSchema,"
                + " --avroSchemaDir or --avroSchemaIds)"));
    assertThat(
        error(
            "--source=files",
            "--impressionsFile=a",
            "--clicksFile=b",
            "--format=avro",
            "--avroSchemaDir=../schemas"),
        equalTo("--format=avro: needs --source=kafka (files are read as JSON lines)"));
  }

  @Test
  public void helpListsTheFlagsGroupedByConcern() {
    Map<String, String> sections =
        io.ctrstream.pipeline.testing.JobHelp.sections(
            io.ctrstream.pipeline.testing.JobHelp.text());
    for (Class<?> concern : CONCERNS) {
      String section = sections.get(concern.getName());
      assertThat(concern.getName(), section, org.hamcrest.Matchers.notNullValue());
      for (String flag : declaredFlags(concern)) {
        assertThat(concern.getName(), section, containsString("--" + flag + "="));
      }
    }
    assertThat(sections.get(AlertOptions.class.getName()), containsString("--ewmaAlpha=<double>"));
    assertThat(
        sections.get(SourceOptions.class.getName()), containsString("--source=<kafka | files>"));
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
    assertThat(parse().sinks().postgres(), nullValue());
    CtrConfig c =
        parse(
            "--jdbcUrl=jdbc:postgresql://db:5432/ctr",
            "--jdbcUser=writer",
            "--jdbcPasswordFile=/run/secrets/pg",
            "--resultsTable=reports.ctr_windows");
    assertThat(c.sinks().postgres().url(), equalTo("jdbc:postgresql://db:5432/ctr"));
    assertThat(c.sinks().postgres().user(), equalTo("writer"));
    assertThat(c.sinks().postgres().passwordFile(), equalTo("/run/secrets/pg"));
    assertThat(c.sinks().postgres().resultsTable(), equalTo("reports.ctr_windows"));
    assertThat(c.sinks().postgres().alertsTable(), equalTo("ctr_alerts"));
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
    assertThat(c.sinks().redis().passwordFile(), equalTo("/run/secrets/redis"));
    assertThat(c.sinks().redis().toString(), not(containsString("hunter2")));
    assertThat(parse().sinks().redis().passwordFile(), nullValue());
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
        c.source().kafka().clientProperties(),
        equalTo(
            Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";")));
    assertThat(c.source().kafka().toString(), containsString("sasl.jaas.config=******"));
    assertThat(c.source().kafka().toString(), not(containsString("hunter2")));
    assertThat(
        error("--kafkaPropertiesFile=/no/such/file"),
        containsString("--kafkaPropertiesFile=/no/such/file: cannot be read"));
  }
}
