package io.ctrstream.serving.api;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.serving.SeededRedis;
import io.ctrstream.serving.store.ResultStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Who may read what, against a real redis-server seeded with the testdata results ({@link
 * SeededRedis}: campaigns c1 and c2, a device breakdown, the pair campaign_id+device with
 * c1|mobile, c1's trend, one alert for c2): 401 without a valid token on every result route, 403
 * outside the token's campaigns, lists filtered to them, /health open, and the token file read
 * again when it changes.
 */
public class ApiAccessTest {
  @ClassRule public static final SeededRedis REDIS = new SeededRedis();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Every result route, each with a key of c1 where it takes one. */
  static final List<String> RESULT_ROUTES =
      List.of(
          "/ctr/latest",
          "/ctr/previous",
          "/ctr/c1",
          "/ctr/c1/windows",
          "/keys/c1",
          "/keys/c1/windows",
          "/campaigns",
          "/dimensions",
          "/alerts");

  private static final String[] C1 = ApiTokens.newToken("acme", "c1");
  private static final String[] ALL = ApiTokens.newToken("billing", "*");

  private Path tokenFile;
  private ResultStore store;
  private ApiServer server;

  @Before
  public void start() throws Exception {
    tokenFile = tmp.newFile("tokens").toPath();
    Files.writeString(tokenFile, "# clients\n" + C1[1] + "\n\n" + ALL[1] + "\n");
    store = REDIS.store();
    server =
        new ApiServer(
            store, new ApiServer.Settings("127.0.0.1", 0, null, ApiTokens.read(tokenFile), null));
    server.start();
  }

  @After
  public void stop() {
    server.close();
    store.close();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(String path, String token, int status) throws Exception {
    HttpResponse<String> r = get(path, token);
    assertThat(path + " " + r.body(), r.statusCode(), equalTo(status));
    return MAPPER.readTree(r.body());
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(field == null ? n.asText() : n.get(field).asText()));
    return out;
  }

  @Test
  public void everyResultRouteNeedsAValidToken() throws Exception {
    for (String route : RESULT_ROUTES) {
      for (String token : new String[] {null, "not-a-token", C1[0] + "x"}) {
        HttpResponse<String> r = get(route, token);
        assertThat(route + " with " + token, r.statusCode(), equalTo(401));
        assertThat(
            r.headers().firstValue("WWW-Authenticate").orElse(""),
            equalTo("Bearer realm=\"ctrstream\""));
        assertThat(MAPPER.readTree(r.body()).get("error").asText(), equalTo("unauthorized"));
      }
      assertThat(route, get(route, C1[0]).statusCode(), equalTo(200));
      assertThat(route, get(route, ALL[0]).statusCode(), equalTo(200));
    }
    // another scheme is no bearer token
    HttpResponse<String> basic =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/campaigns"))
                .header("Authorization", "Basic " + C1[0])
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(basic.statusCode(), equalTo(401));
  }

  @Test
  public void healthTheDashboardAndTheOpenApiDocumentStayOpen() throws Exception {
    assertThat(get("/health", null).statusCode(), equalTo(200));
    assertThat(get("/", null).statusCode(), equalTo(200));
    assertThat(get("/dashboard.js", null).statusCode(), equalTo(200));
    assertThat(get("/openapi.json", null).statusCode(), equalTo(200));
  }

  @Test
  public void aClientReadsItsCampaignsOnly() throws Exception {
    String t = C1[0];
    assertThat(json("/ctr/c1", t, 200).get("campaign_id").asText(), equalTo("c1"));
    assertThat(json("/ctr/c1/windows", t, 200).get("count").asInt(), equalTo(4));
    // another advertiser's campaign, and one that does not exist, look the same: 403
    for (String path :
        List.of("/ctr/c2", "/ctr/c2/windows", "/keys/c2", "/keys/c2/windows", "/ctr/nope")) {
      JsonNode e = json(path, t, 403);
      assertThat(e.get("error").asText(), equalTo("forbidden"));
      assertThat(e.get("message").asText(), containsString("client 'acme' may not read"));
    }
    // the trend of its campaign
    assertThat(json("/ctr/c1/windows?trend=true", t, 200).get("count").asInt(), equalTo(3));
  }

  @Test
  public void listsAreFilteredToTheClientsCampaigns() throws Exception {
    String t = C1[0];
    assertThat(texts(json("/campaigns", t, 200).get("campaigns"), null), equalTo(List.of("c1")));
    assertThat(
        texts(json("/ctr/latest", t, 200).get("results"), "campaign_id"), equalTo(List.of("c1")));
    assertThat(
        texts(json("/ctr/previous", t, 200).get("results"), "campaign_id"), equalTo(List.of("c1")));
    // the seeded alert is c2's
    assertThat(json("/alerts", t, 200).get("count").asInt(), equalTo(0));
    assertThat(json("/alerts", ALL[0], 200).get("count").asInt(), equalTo(1));
    // campaign and the pair with campaign_id, each with its keys of c1; not device, which sums
    // every advertiser's campaigns
    JsonNode dimensions = json("/dimensions", t, 200).get("dimensions");
    assertThat(texts(dimensions, "dimension"), equalTo(List.of("campaign", "campaign_id+device")));
    assertThat(texts(dimensions.get(0).get("keys"), null), equalTo(List.of("c1")));
    assertThat(texts(dimensions.get(1).get("keys"), null), equalTo(List.of("c1|mobile")));
    assertThat(
        texts(json("/dimensions?trend=true", t, 200).get("dimensions"), "dimension"),
        equalTo(List.of("campaign")));
    assertThat(
        texts(json("/dimensions", ALL[0], 200).get("dimensions"), "dimension"),
        equalTo(List.of("campaign", "campaign_id+device", "device")));
  }

  @Test
  public void breakdownsAcrossCampaignsAreForEveryCampaignsClientsOnly() throws Exception {
    String t = C1[0];
    assertThat(
        json("/ctr/latest?dimension=device", t, 403).get("message").asText(),
        equalTo("client 'acme' may not read the dimension 'device': it sums every campaign"));
    json("/ctr/mobile?dimension=device", t, 403);
    json("/ctr/latest?dimension=device", ALL[0], 200);
    assertThat(
        texts(json("/ctr/latest?dimension=campaign_id%2Bdevice", t, 200).get("results"), "key"),
        equalTo(List.of("c1|mobile")));
    json("/ctr/c1%7Cmobile/windows?dimension=campaign_id%2Bdevice", t, 200);
    json("/ctr/c2%7Cmobile/windows?dimension=campaign_id%2Bdevice", t, 403);
  }

  @Test
  public void theTokenFileIsReadAgainWhenItChanges() throws Exception {
    json("/ctr/c2", C1[0], 403);
    String[] newcomer = ApiTokens.newToken("newcomer", "c2");
    json("/ctr/c2", newcomer[0], 401);

    rewrite(C1[1].replace(" c1", " c1,c2") + "\n" + newcomer[1] + "\n");
    json("/ctr/c2", C1[0], 200);
    json("/ctr/c2", newcomer[0], 200);
    json("/ctr/c1", newcomer[0], 403);
    json("/ctr/c1", ALL[0], 401); // billing's line is gone: its token with it

    // a file that does not parse leaves the tokens as they were
    rewrite("acme sha256:nothex c1\n");
    json("/ctr/c2", newcomer[0], 200);
  }

  /** Writes the token file anew with a modification time no earlier read can have seen. */
  private void rewrite(String text) throws Exception {
    FileTime before = Files.getLastModifiedTime(tokenFile);
    Files.writeString(tokenFile, text);
    Files.setLastModifiedTime(
        tokenFile,
        FileTime.fromMillis(Math.max(before.toMillis() + 1000, System.currentTimeMillis())));
  }

  @Test
  public void theTokenFileMustParse() throws Exception {
    Path bad = tmp.newFile("bad").toPath();
    Files.writeString(bad, "acme " + C1[1].split(" ")[1] + "\n");
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ApiTokens.read(bad));
    assertThat(e.getMessage(), equalTo("line 1: expected NAME sha256:HEX CAMPAIGNS (a list or *)"));
    Files.writeString(bad, C1[1] + "\n" + C1[1] + "\n");
    e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ApiTokens.read(bad));
    assertThat(e.getMessage(), equalTo("line 2: client 'acme' is named twice"));
    Files.writeString(bad, "# nobody\n");
    e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> ApiTokens.read(bad));
    assertThat(e.getMessage(), equalTo("it names no client"));
  }
}
