package io.ctrstream.serving.api;

import static io.ctrstream.serving.SeededRedis.T0;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.serving.SeededApi;
import io.ctrstream.serving.SeededRedis;
import io.ctrstream.serving.store.RedisAddress;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.view.ResultJson;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TestRule;

/**
 * The HTTP API against a real redis-server seeded with the testdata results ({@link SeededRedis}).
 */
public class ApiServerTest {
  private static final SeededApi API = new SeededApi();
  @ClassRule public static final TestRule SERVER = API.rule();

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(ApiServer s, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(ApiServer s, String path, String origin)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
            .header("Origin", origin)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode getJson(String path, int expectedStatus) throws Exception {
    HttpResponse<String> r = get(API.server(), path);
    assertThat(path + " " + r.body(), r.statusCode(), equalTo(expectedStatus));
    assertThat(mediaType(r), equalTo("application/json;charset=utf-8"));
    return MAPPER.readTree(r.body());
  }

  /**
   * The Content-Type without optional whitespace (RFC 9110: {@code a/b; charset=x} and {@code
   * a/b;charset=x} are the same).
   */
  private static String mediaType(HttpResponse<String> r) {
    return r.headers()
        .firstValue("Content-Type")
        .orElse("")
        .replace(" ", "")
        .toLowerCase(java.util.Locale.ROOT);
  }

  private static JsonNode json(String text) throws IOException {
    return MAPPER.readTree(text);
  }

  /**
   * A campaign result body as the API writes it, for a window starting {@code startSec} after T0
   * (30 s long).
   */
  static String result(
      String campaign,
      int startSec,
      int impressions,
      int clicks,
      double ctr,
      String timing,
      int pane,
      boolean isFinal,
      boolean withWriteTimes) {
    return result(
        "\"campaign_id\":\"" + campaign + "\"",
        startSec,
        30,
        impressions,
        clicks,
        ctr,
        timing,
        pane,
        isFinal,
        withWriteTimes);
  }

  /**
   * A breakdown value's result body ({@code dimension}, {@code key} in place of {@code
   * campaign_id}), 30 s window.
   */
  static String breakdown(
      String dimension,
      String key,
      int startSec,
      int impressions,
      int clicks,
      double ctr,
      boolean isFinal,
      boolean withWriteTimes) {
    return result(
        "\"dimension\":\"" + dimension + "\",\"key\":\"" + key + "\"",
        startSec,
        30,
        impressions,
        clicks,
        ctr,
        "ON_TIME",
        0,
        isFinal,
        withWriteTimes);
  }

  /**
   * A result body naming its key with {@code identity} (JSON members), for a window starting {@code
   * startSec} after T0, {@code lengthSec} long.
   */
  static String result(
      String identity,
      int startSec,
      int lengthSec,
      int impressions,
      int clicks,
      double ctr,
      String timing,
      int pane,
      boolean isFinal,
      boolean withWriteTimes) {
    long start = T0 + startSec * 1000L;
    long end = start + lengthSec * 1000L;
    String times = "";
    if (withWriteTimes) {
      long written = end + 20_000;
      times =
          ",\"updated_at\":"
              + written
              + ",\"updated_at_iso\":\""
              + java.time.Instant.ofEpochMilli(written)
              + "\"";
      if (!timing.equals("EARLY")) {
        times +=
            ",\"on_time_at\":"
                + written
                + ",\"on_time_at_iso\":\""
                + java.time.Instant.ofEpochMilli(written)
                + "\"";
      }
    }
    return "{"
        + identity
        + ",\"window_start\":"
        + start
        + ",\"window_end\":"
        + end
        + ",\"window_start_iso\":\""
        + java.time.Instant.ofEpochMilli(start)
        + "\",\"window_end_iso\":\""
        + java.time.Instant.ofEpochMilli(end)
        + "\",\"impressions\":"
        + impressions
        + ",\"clicks\":"
        + clicks
        + ",\"ctr\":"
        + ctr
        + ",\"timing\":\""
        + timing
        + "\",\"pane_index\":"
        + pane
        + ",\"final\":"
        + isFinal
        + times
        + "}";
  }

  @Test
  public void latestIsEveryCampaignsNewestCompleteWindow() throws Exception {
    assertThat(
        getJson("/ctr/latest", 200),
        equalTo(
            json(
                "{\"count\":2,\"results\":["
                    + result("c1", 60, 2, 1, 0.5, "ON_TIME", 0, false, false)
                    + ","
                    + result("c2", 60, 1, 1, 1.0, "ON_TIME", 0, false, false)
                    + "]}")));
  }

  @Test
  public void previousIsTheCompleteWindowBefore() throws Exception {
    assertThat(
        getJson("/ctr/previous", 200),
        equalTo(
            json(
                "{\"count\":2,\"results\":["
                    + result("c1", 30, 2, 1, 0.5, "ON_TIME", 0, true, false)
                    + ","
                    + result("c2", 30, 2, 0, 0.0, "ON_TIME", 0, true, false)
                    + "]}")));
  }

  @Test
  public void campaignShowsLatestPreviousChangeAndNewest() throws Exception {
    assertThat(
        getJson("/ctr/c1", 200),
        equalTo(
            json(
                "{\"campaign_id\":\"c1\","
                    + "\"latest\":"
                    + result("c1", 60, 2, 1, 0.5, "ON_TIME", 0, false, false)
                    + ","
                    + "\"previous\":"
                    + result("c1", 30, 2, 1, 0.5, "ON_TIME", 0, true, false)
                    + ","
                    + "\"change\":{\"ctr_delta\":0.0,\"relative_change\":0.0},"
                    + "\"newest\":"
                    + result("c1", 90, 1, 0, 0.0, "EARLY", 0, false, true)
                        .replaceFirst(
                            "}$",
                            ",\"ctr_nowcast\":0.0,\"ctr_nowcast_lower\":0.0,"
                                + "\"ctr_nowcast_upper\":0.9389,\"clicks_seen_fraction\":0.25,"
                                + "\"nowcast_basis\":\"POOLED\"}")
                    + "}")));
    // previous CTR 0: the relative change is undefined, the difference is not
    JsonNode c2 = getJson("/ctr/c2", 200);
    assertThat(c2.get("change"), equalTo(json("{\"ctr_delta\":1.0,\"relative_change\":null}")));
    assertThat(
        c2.get("newest"), equalTo(json(result("c2", 60, 1, 1, 1.0, "ON_TIME", 0, false, true))));
  }

  @Test
  public void windowsInARangeOldestFirstWithIsoOrEpochBounds() throws Exception {
    String expected =
        "{\"campaign_id\":\"c1\",\"count\":2,\"results\":["
            + result("c1", 30, 2, 1, 0.5, "ON_TIME", 0, true, true)
            + ","
            + result("c1", 60, 2, 1, 0.5, "ON_TIME", 0, false, true)
            + "]}";
    // from inclusive, to exclusive (the window starting at 'to' is left out)
    assertThat(
        getJson("/ctr/c1/windows?from=2024-03-01T12:00:30Z&to=2024-03-01T12:01:30Z", 200),
        equalTo(json(expected)));
    assertThat(
        getJson("/ctr/c1/windows?from=" + (T0 + 30_000) + "&to=" + (T0 + 90_000), 200),
        equalTo(json(expected)));
    assertThat(
        getJson("/ctr/c1/windows?from=2024-03-01T13:00:30%2B01:00&to=2024-03-01T12:01:30Z", 200),
        equalTo(json(expected)));
    // no bounds: all four, the EARLY one last; a limit keeps the newest
    JsonNode all = getJson("/ctr/c1/windows", 200);
    assertThat(all.get("count").asInt(), equalTo(4));
    assertThat(
        all.get("results").get(0),
        equalTo(json(result("c1", 0, 3, 3, 1.0, "LATE", 1, true, true))));
    assertThat(all.get("results").get(3).get("timing").asText(), equalTo("EARLY"));
    JsonNode newestTwo = getJson("/ctr/c1/windows?limit=2", 200);
    assertThat(newestTwo.get("results").get(0).get("window_start").asLong(), equalTo(T0 + 60_000));
    assertThat(newestTwo.get("count").asInt(), equalTo(2));
  }

  @Test
  public void dimensionsListTheCampaignsAndEachBreakdownWithTheirKeys() throws Exception {
    assertThat(
        getJson("/dimensions", 200),
        equalTo(
            json(
                "{\"trend\":false,\"dimensions\":["
                    + "{\"dimension\":\"campaign\",\"count\":2,\"keys\":[\"c1\",\"c2\"]},"
                    + "{\"dimension\":\"campaign_id+device\",\"count\":1,\"keys\":[\"c1|mobile\"]},"
                    + "{\"dimension\":\"device\",\"count\":2,\"keys\":[\"desktop\",\"mobile\"]}]}")));
    assertThat(
        getJson("/dimensions?trend=true", 200),
        equalTo(
            json(
                "{\"trend\":true,\"dimensions\":["
                    + "{\"dimension\":\"campaign\",\"count\":1,\"keys\":[\"c1\"]}]}")));
  }

  @Test
  public void aBreakdownTakesTheSameRoutesWithDimension() throws Exception {
    assertThat(
        getJson("/ctr/latest?dimension=device", 200),
        equalTo(
            json(
                "{\"count\":2,\"results\":["
                    + breakdown("device", "desktop", 60, 2, 1, 0.5, false, false)
                    + ","
                    + breakdown("device", "mobile", 60, 1, 1, 1.0, false, false)
                    + "]}")));
    assertThat(
        getJson("/ctr/previous?dimension=device", 200),
        equalTo(
            json(
                "{\"count\":1,\"results\":["
                    + breakdown("device", "mobile", 30, 2, 0, 0.0, true, false)
                    + "]}")));
    assertThat(
        getJson("/ctr/mobile?dimension=device", 200),
        equalTo(
            json(
                "{\"dimension\":\"device\",\"key\":\"mobile\","
                    + "\"latest\":"
                    + breakdown("device", "mobile", 60, 1, 1, 1.0, false, false)
                    + ","
                    + "\"previous\":"
                    + breakdown("device", "mobile", 30, 2, 0, 0.0, true, false)
                    + ","
                    + "\"change\":{\"ctr_delta\":1.0,\"relative_change\":null},"
                    + "\"newest\":"
                    + breakdown("device", "mobile", 60, 1, 1, 1.0, false, true)
                    + "}")));
    // a pair: '+' in the query and '|' (encoded) in the path are taken literally
    assertThat(
        getJson("/ctr/c1%7Cmobile/windows?dimension=campaign_id+device", 200),
        equalTo(
            json(
                "{\"dimension\":\"campaign_id+device\",\"key\":\"c1|mobile\",\"count\":1,\"results\":["
                    + breakdown("campaign_id+device", "c1|mobile", 60, 1, 1, 1.0, false, true)
                    + "]}")));
  }

  @Test
  public void theTrendTakesTheSameRoutesWithTrendTrue() throws Exception {
    String c1 = "\"campaign_id\":\"c1\"";
    assertThat(
        getJson("/ctr/latest?trend=true", 200),
        equalTo(
            json(
                "{\"count\":1,\"results\":["
                    + result(c1, 30, 60, 4, 2, 0.5, "ON_TIME", 0, false, false)
                    + "]}")));
    assertThat(
        getJson("/ctr/c1/windows?trend=true&from=2024-03-01T12:00:30Z", 200),
        equalTo(
            json(
                "{"
                    + c1
                    + ",\"count\":2,\"results\":["
                    + result(c1, 30, 60, 4, 2, 0.5, "ON_TIME", 0, false, true)
                    + ","
                    + result(c1, 60, 60, 3, 1, 1.0 / 3, "EARLY", 0, false, true)
                    + "]}")));
    JsonNode comparison = getJson("/ctr/c1?trend=true", 200);
    assertThat(
        comparison.get("previous"),
        equalTo(json(result(c1, 0, 60, 5, 4, 0.8, "LATE", 1, true, false))));
    assertThat(
        comparison.get("change"),
        equalTo(
            json(
                "{\"ctr_delta\":"
                    + (0.5 - 0.8)
                    + ",\"relative_change\":"
                    + ((0.5 - 0.8) / 0.8)
                    + "}")));
  }

  @Test
  public void unknownDimensionsKeysAndTrendsAre404() throws Exception {
    assertError(
        "/ctr/latest?dimension=region",
        404,
        "not_found",
        "unknown dimension 'region'; known: campaign, campaign_id+device, device");
    assertError("/ctr/c1?dimension=device", 404, "not_found", "unknown device 'c1'");
    assertError(
        "/ctr/c2/windows?trend=true", 404, "not_found", "unknown campaign 'c2' in the trend");
    assertError(
        "/ctr/latest?dimension=device&trend=true",
        404,
        "not_found",
        "unknown dimension 'device' in the trend; known: campaign");
    assertError(
        "/ctr/latest?trend=yes", 400, "bad_request", "'trend' must be true or false, not 'yes'");
  }

  @Test
  public void alertsComeFromTheStreamNewestFirstWithTypedFields() throws Exception {
    JsonNode body = getJson("/alerts?limit=5", 200);
    assertThat(body.get("count").asInt(), equalTo(1));
    JsonNode alert =
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("alerts").get(0).deepCopy());
    assertThat(alert.get("stream_id").asText().matches("\\d+-\\d+"), equalTo(true));
    ((com.fasterxml.jackson.databind.node.ObjectNode) alert).remove("stream_id");
    assertThat(
        alert,
        equalTo(
            json(
                "{\"alert_id\":\"campaign:c2:"
                    + (T0 + 60_000)
                    + ":RAISED\",\"dimension\":\"campaign\","
                    + "\"key\":\"c2\",\"campaign_id\":\"c2\",\"window_start\":"
                    + (T0 + 60_000)
                    + ",\"window_end\":"
                    + (T0 + 90_000)
                    + ",\"window_start_iso\":\"2024-03-01T12:01:00.000Z\",\"window_end_iso\":\"2024-03-01T12:01:30.000Z\","
                    + "\"kind\":\"SPIKE\",\"severity\":\"WARNING\",\"status\":\"RAISED\",\"baseline\":\"previous\","
                    + "\"impressions\":1000,\"clicks\":80,\"ctr\":0.08,\"baseline_impressions\":1000.0,\"baseline_clicks\":50.0,"
                    + "\"baseline_ctr\":0.05,\"z\":2.721095431170472,\"p_value\":0.006506597483637838,\"relative_change\":0.6}")));
    assertError(
        "/alerts?limit=none",
        400,
        "bad_request",
        "'limit' must be a whole number from 1 to 10000, not 'none'");
  }

  @Test
  public void campaignsAreSorted() throws Exception {
    assertThat(
        getJson("/campaigns", 200), equalTo(json("{\"count\":2,\"campaigns\":[\"c1\",\"c2\"]}")));
  }

  @Test
  public void healthGivesTheNewestResultAndItsAge() throws Exception {
    JsonNode h =
        MAPPER.readTree(
            ResultJson.write(
                new CtrApi(API.store(), () -> SeededRedis.NEWEST_WRITE + 2_500).health()));
    assertThat(
        h,
        equalTo(
            json(
                "{\"redis\":{\"host\":\"127.0.0.1\",\"port\":"
                    + API.store().address().port()
                    + ",\"prefix\":\"ctr\","
                    + "\"reachable\":true},\"status\":\"ok\",\"campaigns\":2,\"newest_result_at\":"
                    + SeededRedis.NEWEST_WRITE
                    + ",\"newest_result_at_iso\":\"2024-03-01T12:02:20Z\",\"newest_result_age_ms\":2500}")));
    JsonNode overHttp = getJson("/health", 200);
    assertThat(overHttp.get("newest_result_at").asLong(), equalTo(SeededRedis.NEWEST_WRITE));
    assertThat(overHttp.get("newest_result_age_ms").asLong(), greaterThan(0L));
  }

  @Test
  public void badParametersAre400WithAMessage() throws Exception {
    assertError(
        "/ctr/c1/windows?from=yesterday",
        400,
        "bad_request",
        "'from' must be an ISO-8601 instant (2024-03-01T12:00:00Z) or epoch milliseconds (1709294400000), not 'yesterday'");
    assertError(
        "/ctr/c1/windows?from=2024-03-01T12:01:00Z&to=2024-03-01T12:00:00Z",
        400,
        "bad_request",
        "'from' must be before 'to'");
    assertError(
        "/ctr/c1/windows?limit=0",
        400,
        "bad_request",
        "'limit' must be a whole number from 1 to 10000, not '0'");
    assertError(
        "/ctr/c1/windows?form=1",
        400,
        "bad_request",
        "unknown parameter 'form'; allowed: dimension, from, limit, to, trend");
    assertError("/ctr/c1/windows?to=1&to=2", 400, "bad_request", "parameter 'to' is given twice");
    assertError(
        "/ctr/latest?campaign=c1",
        400,
        "bad_request",
        "unknown parameter 'campaign'; allowed: dimension, trend");
    assertError(
        "/campaigns?limit=1",
        400,
        "bad_request",
        "unknown parameter 'limit': this path takes none");
  }

  @Test
  public void unknownCampaignsAndPathsAre404() throws Exception {
    assertError("/ctr/nope", 404, "not_found", "unknown campaign 'nope'");
    assertError("/ctr/nope/windows", 404, "not_found", "unknown campaign 'nope'");
    assertError(
        "/ctr/c1/clicks", 404, "not_found", "no such path: /ctr/c1/clicks (see /openapi.json)");
    assertError("/admin", 404, "not_found", "no such path: /admin (see /openapi.json)");
  }

  @Test
  public void writesAre405() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + API.server().port() + "/ctr/latest"))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode(), equalTo(405));
    assertThat(r.headers().firstValue("Allow").orElse(null), equalTo("GET"));
    assertThat(MAPPER.readTree(r.body()).get("error").asText(), equalTo("method_not_allowed"));
  }

  @Test
  public void redisDownIs503() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (ResultStore down =
            new ResultStore(new RedisAddress("127.0.0.1", closedPort, null, "ctr"));
        ApiServer downServer = new ApiServer(down, "127.0.0.1", 0, null)) {
      downServer.start();
      for (String path : new String[] {"/ctr/latest", "/ctr/c1", "/ctr/c1/windows", "/campaigns"}) {
        HttpResponse<String> r = get(downServer, path);
        assertThat(path, r.statusCode(), equalTo(503));
        JsonNode body = MAPPER.readTree(r.body());
        assertThat(body.get("error").asText(), equalTo("redis_unavailable"));
        assertThat(
            body.get("message").asText(),
            startsWith("Redis at 127.0.0.1:" + closedPort + " (prefix 'ctr') did not answer: "));
      }
      HttpResponse<String> health = get(downServer, "/health");
      assertThat(health.statusCode(), equalTo(503));
      assertThat(MAPPER.readTree(health.body()).get("status").asText(), equalTo("unavailable"));
      assertThat(
          MAPPER.readTree(health.body()).get("redis").get("reachable").asBoolean(), equalTo(false));
    }
  }

  @Test
  public void metricsCountRequestsByDeclaredRouteAndStatusAndRedisErrors() throws Exception {
    try (ApiServer server = new ApiServer(API.store(), "127.0.0.1", 0, null)) {
      server.start();
      get(server, "/ctr/c1");
      get(server, "/ctr/c2");
      get(server, "/ctr/no-such-campaign");
      get(server, "/nowhere");
      get(server, "/");
      HttpResponse<String> metrics = get(server, "/metrics");
      assertThat(metrics.statusCode(), equalTo(200));
      assertThat(mediaType(metrics), equalTo("text/plain;version=0.0.4;charset=utf-8"));
      String text = metrics.body();
      // the declared route, never the campaign id
      assertThat(
          text,
          containsString(
              "http_server_requests_seconds_count{method=\"GET\",route=\"/ctr/{campaign}\",status=\"200\"} 2"));
      assertThat(
          text,
          containsString(
              "http_server_requests_seconds_count{method=\"GET\",route=\"/ctr/{campaign}\",status=\"404\"} 1"));
      assertThat(
          text,
          containsString(
              "http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"} 1"));
      assertThat(
          text,
          containsString(
              "http_server_requests_seconds_count{method=\"GET\",route=\"static\",status=\"200\"} 1"));
      assertThat(text, containsString("http_server_requests_seconds_bucket{"));
      assertThat(text, not(containsString("c1")));
      assertThat(text, containsString("ctr_redis_errors_total 0"));
      assertThat(text, containsString("jvm_memory_used_bytes{"));
    }
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (ResultStore down =
            new ResultStore(new RedisAddress("127.0.0.1", closedPort, null, "ctr"));
        ApiServer downServer = new ApiServer(down, "127.0.0.1", 0, null)) {
      downServer.start();
      get(downServer, "/ctr/latest");
      get(downServer, "/campaigns");
      assertThat(get(downServer, "/metrics").body(), containsString("ctr_redis_errors_total 2"));
    }
  }

  @Test
  public void corsIsOffUnlessAnOriginIsGiven() throws Exception {
    String origin = "https://dash.example.com";
    assertThat(
        get(API.server(), "/ctr/latest", origin)
            .headers()
            .firstValue("Access-Control-Allow-Origin")
            .orElse(null),
        nullValue());
    try (ApiServer cors = new ApiServer(API.store(), "127.0.0.1", 0, origin)) {
      cors.start();
      assertThat(
          get(cors, "/ctr/latest", origin)
              .headers()
              .firstValue("Access-Control-Allow-Origin")
              .orElse(null),
          equalTo(origin));
      assertThat(
          get(cors, "/ctr/latest", "https://elsewhere.example.com")
              .headers()
              .firstValue("Access-Control-Allow-Origin")
              .orElse(null),
          nullValue());
      HttpResponse<String> preflight =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cors.port() + "/ctr/latest"))
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", origin)
                  .header("Access-Control-Request-Method", "GET")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(preflight.statusCode(), equalTo(200));
      assertThat(
          preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null),
          equalTo(origin));
    }
  }

  /**
   * Both ways: every documented path is a route that answers 200, and every JSON route is
   * documented.
   */
  @Test
  public void openApiDescribesExactlyTheServedJsonPaths() throws Exception {
    JsonNode openapi = getJson("/openapi.json", 200);
    assertThat(openapi.get("openapi").asText(), equalTo("3.0.3"));
    Set<String> documented = new TreeSet<>();
    for (Iterator<String> it = openapi.get("paths").fieldNames(); it.hasNext(); ) {
      documented.add(it.next());
    }
    assertThat(documented, equalTo(new TreeSet<>(API.server().jsonRoutes())));
    for (String path : documented) {
      int status =
          get(API.server(), path.replace("{campaign}", "c1").replace("{key}", "c1")).statusCode();
      assertThat(path, status, equalTo(200));
    }
  }

  @Test
  public void keysRoutesReachAnyKeyEvenOneNamedLikeARoute() throws Exception {
    assertThat(getJson("/keys/c1", 200), equalTo(getJson("/ctr/c1", 200)));
    assertThat(
        getJson("/keys/c1/windows?limit=2", 200), equalTo(getJson("/ctr/c1/windows?limit=2", 200)));
    assertThat(
        getJson("/keys/mobile?dimension=device", 200),
        equalTo(getJson("/ctr/mobile?dimension=device", 200)));
    // /ctr/latest lists every campaign; /keys/latest is the campaign named "latest" (none here)
    assertError("/keys/latest", 404, "not_found", "unknown campaign 'latest'");
    assertError("/keys/previous/windows", 404, "not_found", "unknown campaign 'previous'");
    // a '+' in a path is a '+' (RFC 3986), an escape is decoded (a broken one: ApiFuzzTest)
    assertError("/ctr/summer+sale", 404, "not_found", "unknown campaign 'summer+sale'");
    assertError("/keys/summer%2Bsale%20x", 404, "not_found", "unknown campaign 'summer+sale x'");
  }

  @Test
  public void dashboardAndChartLibraryAreServedFromTheJar() throws Exception {
    HttpResponse<String> page = get(API.server(), "/");
    assertThat(page.statusCode(), equalTo(200));
    assertThat(mediaType(page), equalTo("text/html;charset=utf-8"));
    assertThat(page.headers().firstValue("Cache-Control").orElse(""), equalTo("no-cache"));
    assertThat(page.headers().firstValue("ETag").isPresent(), equalTo(true));
    assertThat(page.body(), containsString("<script src=\"/vendor/chart.umd.js\"></script>"));
    HttpResponse<String> chart = get(API.server(), "/vendor/chart.umd.js");
    assertThat(chart.statusCode(), equalTo(200));
    assertThat(chart.body(), containsString("Chart.js v4.4.1"));
    assertThat(mediaType(chart), equalTo("text/javascript;charset=utf-8"));
    assertThat(
        chart.headers().firstValue("Cache-Control").orElse(""), equalTo("public, max-age=86400"));
    assertThat(get(API.server(), "/dashboard.js").statusCode(), equalTo(200));
  }

  private static void assertError(String path, int status, String error, String messageStart)
      throws Exception {
    JsonNode body = getJson(path, status);
    assertThat(path, body.get("status").asInt(), equalTo(status));
    assertThat(path, body.get("error").asText(), equalTo(error));
    assertThat(path, body.get("message").asText(), startsWith(messageStart));
  }
}
