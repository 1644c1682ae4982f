package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * Prometheus on the local stack ({@code deploy/stack.sh up --prometheus}) while the job runs on the
 * cluster and {@code ctr serve} answers: Prometheus' HTTP API finds the job's parsed-events counter
 * (Flink's Prometheus reporter), its consumer lag (the source's watermark lag) and serving's
 * request counter ({@code /metrics}), and has loaded every alert rule of {@code
 * deploy/prometheus/}.
 */
public class PrometheusEndToEndIT {
  @ClassRule public static final LocalStack STACK = LocalStack.withPrometheus();

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private String jobId;
  private Process serve;

  @After
  public void stop() throws Exception {
    if (serve != null) {
      serve.destroy();
      serve.waitFor();
    }
    if (jobId != null) {
      STACK.cancel(jobId);
    }
  }

  @Test
  public void prometheusScrapesTheJobAndTheApiAndLoadsTheAlertRules() throws Exception {
    JobRun run = JobRun.named("prometheus");
    STACK.createTopics(run.impressions(), run.clicks(), run.deadLetters());
    Path testdata = STACK.root.resolve("testdata");
    run.replay(testdata.resolve("impressions.jsonl"), testdata.resolve("clicks.jsonl"));
    jobId = STACK.submit(run.name(), run.jobFlags());
    ReferenceCtr ref =
        ReferenceCtr.compute(
            testdata.resolve("impressions.jsonl"),
            testdata.resolve("clicks.jsonl"),
            30_000,
            15_000);
    RedisResults redis = new RedisResults(STACK, run.prefix());
    redis.awaitFinal(ref, Duration.ofMinutes(2));
    redis.assertEquals(ref);

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = STACK.runDir.resolve("serve-prometheus.log");
    serve =
        new ProcessBuilder(
                STACK.root.resolve("serving/ctr").toString(),
                "serve",
                "--redis-host=127.0.0.1",
                "--redis-port=" + LocalStack.REDIS_PORT,
                "--prefix=" + run.prefix(),
                "--port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    String api = "http://127.0.0.1:" + port;
    Await.until(
        "ctr serve answers /health", Duration.ofMinutes(2), () -> status(api + "/health") == 200);
    for (int i = 0; i < 3; i++) {
      assertThat(status(api + "/ctr/latest"), equalTo(200));
    }
    Files.writeString(
        STACK.prometheusTargets().resolve("serve-e2e.json"),
        "[{\"targets\": [\"127.0.0.1:" + port + "\"]}]\n");

    Await.until(
        "the job's parsed impressions in Prometheus",
        Duration.ofMinutes(2),
        () -> value("sum(flink_taskmanager_job_task_operator_ctrstream_impressions_parsed)") > 0);
    Await.until(
        "the job's consumer lag in Prometheus",
        Duration.ofMinutes(2),
        () ->
            count(
                    "flink_taskmanager_job_task_operator_watermarkLag"
                        + "{operator_name=~\"Source:_ReadEvents.*\"}")
                > 0);
    // exactly the three requests made before Prometheus knew the server (and its own scrapes)
    Await.until(
        "serving's request counter in Prometheus",
        Duration.ofMinutes(2),
        () ->
            value(
                    "sum(http_server_requests_seconds_count"
                        + "{job=\"ctr-serve\",route=\"/ctr/latest\",status=\"200\"})")
                == 3);
    JsonNode rules = get("/api/v1/rules");
    int loaded = 0;
    for (JsonNode group : rules.get("data").get("groups")) {
      loaded += group.get("rules").size();
    }
    assertThat(loaded, equalTo(alertsInRulesFile()));
    assertThat(loaded, greaterThan(0));
  }

  private int alertsInRulesFile() throws IOException {
    Matcher m =
        Pattern.compile("(?m)^\\s*- alert: ")
            .matcher(
                Files.readString(STACK.root.resolve("deploy/prometheus/ctrstream-alerts.yml")));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private int status(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + LocalStack.PROMETHEUS_PORT + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private JsonNode query(String promql) {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .get("data")
        .get("result");
  }

  /** The query's single value; -1 while it has none. */
  private double value(String promql) {
    JsonNode result = query(promql);
    return result.isEmpty() ? -1 : result.get(0).get("value").get(1).asDouble();
  }

  private int count(String promql) {
    return query(promql).size();
  }
}
