package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import io.ctrstream.pipeline.testing.PostgresServer;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The job on the cluster with Redis and PostgreSQL on TLS only ({@code deploy/stack.sh up --tls}:
 * the plain Redis port closed, PostgreSQL's TCP clients held to {@code hostssl}): it reaches both
 * over TLS, checking their certificates against the run's CA and their host name ({@code --redisTls
 * --redisCaFile}, {@code sslmode=verify-full}; the job presents a client certificate of the same CA
 * too), and every window in Redis and every final row in PostgreSQL equals {@link ReferenceCtr};
 * {@code ctr latest --redis-tls} reads them back.
 */
public class TlsEndToEndIT {
  @ClassRule public static final LocalStack STACK = LocalStack.withTls();

  private String jobId;

  @After
  public void cancelJob() throws Exception {
    if (jobId != null) {
      STACK.cancel(jobId);
    }
  }

  @Test
  public void plainConnectionsAreRefused() throws Exception {
    // Redis listens for TLS only on its port: a plain client's PING gets no answer it can read
    assertThrows(
        JedisConnectionException.class,
        () -> {
          try (Jedis plain = new Jedis("127.0.0.1", LocalStack.REDIS_PORT, 2_000)) {
            plain.ping();
          }
        });
    // PostgreSQL refuses a TCP client that does not use TLS
    Properties flags = PostgresServer.stackFlags(STACK.runDir);
    String url = flags.getProperty("jdbcUrl");
    assertThat(url, containsString("sslmode=verify-full"));
    Properties props = new Properties();
    props.setProperty("user", flags.getProperty("jdbcUser"));
    props.setProperty(
        "password",
        java.nio.file.Files.readString(Path.of(flags.getProperty("jdbcPasswordFile"))).strip());
    props.setProperty("sslmode", "disable");
    SQLException refused =
        assertThrows(
            SQLException.class,
            () -> DriverManager.getConnection(url.substring(0, url.indexOf('?')), props).close());
    assertThat(refused.getMessage(), containsString("no encryption"));
  }

  @Test
  public void theTestdataIsExactInRedisAndPostgresOverTls() throws Exception {
    JobRun run = JobRun.named("tls");
    STACK.createTopics(run.impressions(), run.clicks(), run.deadLetters());
    Path testdata = STACK.root.resolve("testdata");
    run.replay(testdata.resolve("impressions.jsonl"), testdata.resolve("clicks.jsonl"));
    List<String> flags = new ArrayList<>(STACK.postgresFlags("tls"));
    flags.add("--redisTls");
    flags.add("--redisCaFile=" + STACK.tlsCa);
    // and a client certificate of the same CA, which Redis checks when one is presented
    flags.add("--redisClientKeystore=" + STACK.tlsCa.resolveSibling("client.p12"));
    flags.add(
        "--redisClientKeystorePasswordFile=" + STACK.tlsCa.resolveSibling("client.p12.password"));
    jobId = STACK.submit(run.name(), run.jobFlags(flags.toArray(String[]::new)));

    ReferenceCtr ref =
        ReferenceCtr.compute(
            testdata.resolve("impressions.jsonl"),
            testdata.resolve("clicks.jsonl"),
            30_000,
            15_000);
    RedisResults redis = new RedisResults(STACK, run.prefix());
    redis.awaitFinal(ref, Duration.ofMinutes(2));
    redis.assertEquals(ref);
    // the readers over TLS too: ctr latest, as an operator runs it
    String latest =
        STACK.script(
            "ctr-latest-tls",
            "serving/ctr",
            "latest",
            "--json",
            "--redis-host=127.0.0.1",
            "--redis-port=" + LocalStack.REDIS_PORT,
            "--redis-tls",
            "--redis-ca-file=" + STACK.tlsCa,
            "--prefix=" + run.prefix());
    java.util.Set<String> campaigns = new java.util.TreeSet<>();
    ref.counts.keySet().forEach(k -> campaigns.add(k.substring(0, k.lastIndexOf('|'))));
    com.fasterxml.jackson.databind.JsonNode answer =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(latest.substring(latest.indexOf('{')));
    java.util.Set<String> read = new java.util.TreeSet<>();
    answer.get("results").forEach(r -> read.add(r.get("campaign_id").asText()));
    assertThat(read, equalTo(campaigns));
    Await.until(
        "every final row in PostgreSQL",
        Duration.ofMinutes(2),
        () -> STACK.postgresFinals("tls_results").size() >= ref.counts.size());
    assertThat(STACK.postgresFinals("tls_results"), equalTo(ref.counts));
  }
}
