package io.ctrstream.serving.api;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.ctrstream.serving.SeededRedis;
import io.ctrstream.serving.store.ResultStore;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link ApiFuzzTest}'s 10,000 seeded hostile requests against a server with tokens, each sent with
 * no token, a wrong one, or the token of a client of campaign c1 only. No answer is a 500 or holds
 * a stack trace, and no answer to c1's client holds another advertiser's numbers: campaign c2, the
 * device breakdown (which sums every campaign) or c2's alert.
 */
public class ApiFuzzWithTokensTest {
  @ClassRule public static final SeededRedis REDIS = new SeededRedis();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final long SEED = 20261207L;
  private static final int REQUESTS = 10_000;
  private static final List<String> WELL_FORMED =
      List.of(
          "/ctr/latest",
          "/ctr/previous",
          "/campaigns",
          "/dimensions",
          "/dimensions?trend=true",
          "/alerts",
          "/alerts?limit=1",
          "/ctr/c1",
          "/ctr/c2",
          "/ctr/c1/windows",
          "/ctr/c2/windows?limit=1",
          "/keys/c1",
          "/keys/c2/windows",
          "/ctr/c1/windows?trend=true",
          "/ctr/latest?dimension=device",
          "/ctr/mobile?dimension=device",
          "/ctr/latest?dimension=campaign_id%2Bdevice",
          "/ctr/c1%7Cmobile/windows?dimension=campaign_id%2Bdevice",
          "/ctr/c2%7Cmobile?dimension=campaign_id%2Bdevice",
          "/health");

  @Test
  public void noFiveHundredAndNoOtherCampaignLeaks() throws Exception {
    String[] acme = ApiTokens.newToken("acme", "c1");
    Path file = tmp.newFile("tokens").toPath();
    Files.writeString(file, acme[1] + "\n");
    Random random = new Random(SEED);
    Map<Integer, Integer> statuses = new TreeMap<>();
    int acmeAnswers = 0;
    try (ResultStore store = REDIS.store();
        ApiServer server =
            new ApiServer(
                store, new ApiServer.Settings("127.0.0.1", 0, null, ApiTokens.read(file), null))) {
      server.start();
      List<String> tokens = java.util.Arrays.asList(null, "wrong", acme[0], acme[0], acme[0]);
      for (int i = 0; i < REQUESTS; i++) {
        String method = ApiFuzzTest.pick(random, List.of("GET", "GET", "GET", "HEAD", "POST"));
        // a third well-formed reads of every route, c2's and the cross-campaign breakdown's
        // among them; the rest hostile
        String target =
            random.nextInt(3) == 0
                ? ApiFuzzTest.pick(random, WELL_FORMED)
                : (random.nextInt(4) == 0 ? "/ctr/c2" : "")
                    + ApiFuzzTest.path(random)
                    + ApiFuzzTest.query(random);
        String token = ApiFuzzTest.pick(random, tokens);
        ApiFuzzTest.Answer a;
        try {
          a = ApiFuzzTest.send(server.port(), method, target, token);
        } catch (SocketTimeoutException e) {
          throw new AssertionError(
              "request " + i + ", " + method + " " + target + ": no answer", e);
        }
        statuses.merge(a.status(), 1, Integer::sum);
        String what = method + " " + target + " (" + token + ") -> " + a.status() + " " + a.body();
        assertThat(
            what,
            a.status(),
            anyOf(
                equalTo(200),
                equalTo(400),
                equalTo(401),
                equalTo(403),
                equalTo(404),
                equalTo(405)));
        assertThat(what, a.body(), not(containsString("\tat ")));
        assertThat(what, a.body(), not(containsString("io.ctrstream")));
        boolean results =
            a.status() == 200 && a.body().startsWith("{") && !target.startsWith("/openapi");
        if (acme[0].equals(token) && results) {
          acmeAnswers++;
          assertThat(what, a.body(), not(containsString("\"c2")));
          assertThat(what, a.body(), not(containsString("\"mobile\"")));
          assertThat(what, a.body(), not(containsString("\"desktop\"")));
        }
      }
    }
    System.out.println(
        "ApiFuzzWithTokensTest: "
            + REQUESTS
            + " requests (seed "
            + SEED
            + "), statuses "
            + statuses
            + ", "
            + acmeAnswers
            + " result answers to c1's client");
    assertThat(statuses.keySet(), hasItems(200, 401, 403, 404));
    assertThat("c1's client got results to check", acmeAnswers > 500, equalTo(true));
  }
}
