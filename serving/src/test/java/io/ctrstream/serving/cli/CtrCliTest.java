package io.ctrstream.serving.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.serving.SeededRedis;
import io.ctrstream.serving.api.CtrApi;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.view.ResultJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;
import picocli.CommandLine;

/**
 * {@code ctr} commands against a real redis-server seeded with known results ({@link SeededRedis}).
 */
public class CtrCliTest {
  @ClassRule public static final SeededRedis REDIS = new SeededRedis();

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {}

  private static Run ctr(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--redis-port=" + REDIS.port());
    return ctrRaw(all.toArray(String[]::new));
  }

  private static Run ctrRaw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CtrCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new Run(status, out.toString().replace(System.lineSeparator(), "\n"), err.toString());
  }

  @Test
  public void latestTable() {
    Run r = ctr("latest");
    assertThat(r.err(), r.status(), equalTo(0));
    assertThat(
        r.out(),
        equalTo(
            String.join(
                "\n",
                "campaign  window_start          window_end            impressions  clicks      ctr  timing   pane  final",
                "--------  --------------------  --------------------  -----------  ------  -------  -------  ----  -----",
                "c1        2024-03-01T12:01:00Z  2024-03-01T12:01:30Z            2       1   50.00%  ON_TIME     0  false",
                "c2        2024-03-01T12:01:00Z  2024-03-01T12:01:30Z            1       1  100.00%  ON_TIME     0  false",
                "")));
  }

  @Test
  public void aBreakdownIsReadWithDimension() {
    assertThat(
        ctr("latest", "--dimension", "device").out(),
        equalTo(
            String.join(
                "\n",
                "device   window_start          window_end            impressions  clicks      ctr  timing   pane  final",
                "-------  --------------------  --------------------  -----------  ------  -------  -------  ----  -----",
                "desktop  2024-03-01T12:01:00Z  2024-03-01T12:01:30Z            2       1   50.00%  ON_TIME     0  false",
                "mobile   2024-03-01T12:01:00Z  2024-03-01T12:01:30Z            1       1  100.00%  ON_TIME     0  false",
                "")));
    assertThat(
        ctr("top", "--dimension", "device", "--by", "impressions").out(),
        equalTo(
            String.join(
                "\n",
                "rank  device   window_start          impressions  clicks      ctr  timing",
                "----  -------  --------------------  -----------  ------  -------  -------",
                "   1  desktop  2024-03-01T12:01:00Z            2       1   50.00%  ON_TIME",
                "   2  mobile   2024-03-01T12:01:00Z            1       1  100.00%  ON_TIME",
                "")));
    // mobile's previous window had CTR 0: the relative change is undefined; desktop has no previous
    assertThat(
        ctr("watch", "--once", "--dimension", "device").out(),
        equalTo(
            String.join(
                "\n",
                "device   newest_window         pane     impressions  clicks      ctr  nowcast  complete_window       impressions  clicks      ctr  vs_previous",
                "-------  --------------------  -------  -----------  ------  -------  -------  --------------------  -----------  ------  -------  -----------",
                "desktop  2024-03-01T12:01:00Z  ON_TIME            2       1   50.00%        -  2024-03-01T12:01:00Z            2       1   50.00%          n/a",
                "mobile   2024-03-01T12:01:00Z  ON_TIME            1       1  100.00%        -  2024-03-01T12:01:00Z            1       1  100.00%          n/a",
                "")));
  }

  @Test
  public void serveRefusesAnOpenServerBeyondLoopback() {
    Run r = ctr("serve", "--bind=0.0.0.0", "--port=0");
    assertThat(r.status(), equalTo(2));
    assertThat(
        r.err().lines().findFirst().orElse(""),
        equalTo(
            "--bind=0.0.0.0: without --token-file every route answers anyone; give"
                + " --token-file=FILE, or --insecure-open to serve it open anyway"));
    assertThat(r.err(), org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("\tat ")));
  }

  @Test
  public void serveNamesABadTokenFileOrKeystore() throws Exception {
    java.nio.file.Path bad = java.nio.file.Files.createTempFile("tokens", "");
    java.nio.file.Files.writeString(bad, "acme nohash c1\n");
    Run r = ctr("serve", "--port=0", "--token-file=" + bad);
    assertThat(r.status(), equalTo(2));
    assertThat(
        r.err().lines().findFirst().orElse(""),
        equalTo(
            "--token-file=" + bad + ": line 1: expected NAME sha256:HEX CAMPAIGNS (a list or *)"));
    java.nio.file.Files.delete(bad);
    r = ctr("serve", "--port=0", "--tls-keystore=" + bad);
    assertThat(r.status(), equalTo(2));
    assertThat(
        r.err().lines().findFirst().orElse(""),
        equalTo("--tls-keystore=" + bad + ": cannot be read"));
  }

  @Test
  public void tokenMakesATokenAndItsLine() throws Exception {
    Run r = ctrRaw("token", "acme", "c1,906");
    assertThat(r.err(), r.status(), equalTo(0));
    List<String> lines = r.out().lines().toList();
    assertThat(
        lines.get(0),
        equalTo("token for acme (give it to the client; it is not stored anywhere):"));
    String token = lines.get(1).strip();
    String line = lines.get(3).strip();
    assertThat(line, org.hamcrest.Matchers.matchesPattern("acme sha256:[0-9a-f]{64} c1,906"));
    java.nio.file.Path file = java.nio.file.Files.createTempFile("tokens", "");
    java.nio.file.Files.writeString(file, line + "\n");
    io.ctrstream.serving.api.Access access =
        io.ctrstream.serving.api.ApiTokens.read(file).authenticate("Bearer " + token).orElseThrow();
    assertThat(access.campaigns(), equalTo(java.util.Set.of("c1", "906")));
    java.nio.file.Files.delete(file);
    assertThat(ctrRaw("token", "a b", "c1").status(), equalTo(2));
    assertThat(ctrRaw("token", "acme", "c1,*").status(), equalTo(2));
  }

  @Test
  public void versionIsTheBuilds() {
    Run r = ctr("--version");
    assertThat(r.err(), r.status(), equalTo(0));
    assertThat(r.out(), equalTo("ctrstream ctr " + System.getProperty("ctrstream.version") + "\n"));
  }

  @Test
  public void thePairBreakdownsJsonIsTheApis() throws Exception {
    Run r = ctr("show", "c1|mobile", "--dimension", "campaign_id+device", "--json");
    assertThat(r.err(), r.status(), equalTo(0));
    try (ResultStore store = REDIS.store()) {
      assertThat(
          MAPPER.readTree(r.out()),
          equalTo(
              MAPPER.readTree(
                  ResultJson.write(
                      new CtrApi(store, System::currentTimeMillis)
                          .windows("c1|mobile", "dimension=campaign_id%2Bdevice")))));
    }
    assertThat(
        MAPPER.readTree(r.out()).get("results").get(0).get("key").asText(), equalTo("c1|mobile"));
  }

  @Test
  public void theTrendIsReadWithTrend() {
    assertThat(
        ctr("show", "c1", "--trend", "--from", "2024-03-01T12:00:30Z").out(),
        equalTo(
            String.join(
                "\n",
                "window_start          window_end            impressions  clicks     ctr  nowcast  timing   pane  final  updated_at",
                "--------------------  --------------------  -----------  ------  ------  -------  -------  ----  -----  --------------------",
                "2024-03-01T12:00:30Z  2024-03-01T12:01:30Z            4       2  50.00%        -  ON_TIME     0  false  2024-03-01T12:01:50Z",
                "2024-03-01T12:01:00Z  2024-03-01T12:02:00Z            3       1  33.33%        -  EARLY       0  false  2024-03-01T12:02:20Z",
                "")));
  }

  @Test
  public void dimensionsListsCampaignsAndBreakdowns() {
    assertThat(
        ctr("dimensions").out(),
        equalTo(
            String.join(
                "\n",
                "dimension           keys  first_keys",
                "------------------  ----  ---------------",
                "campaign               2  c1, c2",
                "campaign_id+device     1  c1|mobile",
                "device                 2  desktop, mobile",
                "")));
    assertThat(
        ctr("dimensions", "--trend").out(),
        equalTo(
            String.join(
                "\n",
                "dimension  keys  first_keys",
                "---------  ----  ----------",
                "campaign      1  c1",
                "")));
  }

  @Test
  public void unknownDimensionsAndKeysExit3WithOneLine() {
    Run region = ctr("latest", "--dimension", "region");
    assertThat(region.status(), equalTo(CtrCli.EXIT_NOT_FOUND));
    assertThat(
        region.err(),
        equalTo(
            "ctr: unknown dimension 'region'; known: campaign, campaign_id+device, device"
                + System.lineSeparator()));
    Run key = ctr("show", "c1", "--dimension", "device");
    assertThat(key.status(), equalTo(CtrCli.EXIT_NOT_FOUND));
    assertThat(
        key.err(),
        equalTo(
            "ctr: unknown device 'c1' (ctr latest --dimension device lists the known ones)"
                + System.lineSeparator()));
    Run trend = ctr("latest", "--dimension", "device", "--trend");
    assertThat(trend.status(), equalTo(CtrCli.EXIT_NOT_FOUND));
    assertThat(
        trend.err(),
        equalTo(
            "ctr: unknown dimension 'device' in the trend; known: campaign"
                + System.lineSeparator()));
  }

  @Test
  public void previousTable() {
    Run r = ctr("previous");
    assertThat(
        r.out(),
        equalTo(
            String.join(
                "\n",
                "campaign  window_start          window_end            impressions  clicks     ctr  timing   pane  final",
                "--------  --------------------  --------------------  -----------  ------  ------  -------  ----  -----",
                "c1        2024-03-01T12:00:30Z  2024-03-01T12:01:00Z            2       1  50.00%  ON_TIME     0  true",
                "c2        2024-03-01T12:00:30Z  2024-03-01T12:01:00Z            2       0   0.00%  ON_TIME     0  true",
                "")));
  }

  @Test
  public void showListsWindowsInARange() {
    Run all = ctr("show", "c1");
    assertThat(
        all.out(),
        equalTo(
            String.join(
                "\n",
                "window_start          window_end            impressions  clicks      ctr              nowcast  timing   pane  final  updated_at",
                "--------------------  --------------------  -----------  ------  -------  -------------------  -------  ----  -----  --------------------",
                "2024-03-01T12:00:00Z  2024-03-01T12:00:30Z            3       3  100.00%                    -  LATE        1  true   2024-03-01T12:00:50Z",
                "2024-03-01T12:00:30Z  2024-03-01T12:01:00Z            2       1   50.00%                    -  ON_TIME     0  true   2024-03-01T12:01:20Z",
                "2024-03-01T12:01:00Z  2024-03-01T12:01:30Z            2       1   50.00%                    -  ON_TIME     0  false  2024-03-01T12:01:50Z",
                "2024-03-01T12:01:30Z  2024-03-01T12:02:00Z            1       0    0.00%  0.00% [0.00, 93.89]  EARLY       0  false  2024-03-01T12:02:20Z",
                "")));
    Run range =
        ctr("show", "c1", "--from=2024-03-01T12:00:30Z", "--to=" + (SeededRedis.T0 + 90_000));
    assertThat(
        range.out(),
        equalTo(
            String.join(
                "\n",
                "window_start          window_end            impressions  clicks     ctr  nowcast  timing   pane  final  updated_at",
                "--------------------  --------------------  -----------  ------  ------  -------  -------  ----  -----  --------------------",
                "2024-03-01T12:00:30Z  2024-03-01T12:01:00Z            2       1  50.00%        -  ON_TIME     0  true   2024-03-01T12:01:20Z",
                "2024-03-01T12:01:00Z  2024-03-01T12:01:30Z            2       1  50.00%        -  ON_TIME     0  false  2024-03-01T12:01:50Z",
                "")));
  }

  @Test
  public void topRanksTheNewestCompleteWindows() {
    assertThat(
        ctr("top", "--by", "impressions").out(),
        equalTo(
            String.join(
                "\n",
                "rank  campaign  window_start          impressions  clicks      ctr  timing",
                "----  --------  --------------------  -----------  ------  -------  -------",
                "   1  c1        2024-03-01T12:01:00Z            2       1   50.00%  ON_TIME",
                "   2  c2        2024-03-01T12:01:00Z            1       1  100.00%  ON_TIME",
                "")));
    assertThat(
        ctr("top", "--by", "ctr", "--limit", "1").out().lines().toList().get(2),
        startsWith("   1  c2  "));
    assertThat(
        ctr("top", "--by", "ctr", "--min-impressions", "2").out().lines().count(), equalTo(3L));
  }

  @Test
  public void jsonIsTheApisBody() throws Exception {
    try (ResultStore store = REDIS.store()) {
      CtrApi api = new CtrApi(store, System::currentTimeMillis);
      assertThat(
          MAPPER.readTree(ctr("latest", "--json").out()),
          equalTo(MAPPER.readTree(ResultJson.write(api.latest(null)))));
      assertThat(
          MAPPER.readTree(ctr("previous", "--json").out()),
          equalTo(MAPPER.readTree(ResultJson.write(api.previous(null)))));
      assertThat(
          MAPPER.readTree(ctr("show", "c2", "--json").out()),
          equalTo(MAPPER.readTree(ResultJson.write(api.windows("c2", null)))));
    }
  }

  @Test
  public void watchOnceShowsNewestAndCompleteWindows() {
    Run r = ctr("watch", "--once");
    assertThat(r.err(), r.status(), equalTo(0));
    assertThat(
        r.out(),
        equalTo(
            String.join(
                "\n",
                "campaign  newest_window         pane     impressions  clicks      ctr              nowcast  complete_window       impressions  clicks      ctr  vs_previous",
                "--------  --------------------  -------  -----------  ------  -------  -------------------  --------------------  -----------  ------  -------  -----------",
                "c1        2024-03-01T12:01:30Z  EARLY              1       0    0.00%  0.00% [0.00, 93.89]  2024-03-01T12:01:00Z            2       1   50.00%        +0.0%",
                "c2        2024-03-01T12:01:00Z  ON_TIME            1       1  100.00%                    -  2024-03-01T12:01:00Z            1       1  100.00%          n/a",
                "")));
  }

  @Test
  public void alertsTable() {
    assertThat(
        ctr("alerts").out(),
        equalTo(
            String.join(
                "\n",
                "window_start          dimension  key  kind   severity  status  impressions    ctr  baseline_ctr  change     z  p_value",
                "--------------------  ---------  ---  -----  --------  ------  -----------  -----  ------------  ------  ----  -------",
                "2024-03-01T12:01:00Z  campaign   c2   SPIKE  WARNING   RAISED         1000  8.00%         5.00%  +60.0%  2.72   0.0065",
                "")));
  }

  @Test
  public void unknownCampaignExits3WithAMessage() {
    Run r = ctr("show", "nope");
    assertThat(r.status(), equalTo(CtrCli.EXIT_NOT_FOUND));
    assertThat(
        r.err(),
        equalTo(
            "ctr: unknown campaign 'nope' (ctr latest lists the known ones)"
                + System.lineSeparator()));
    assertThat(r.out(), equalTo(""));
  }

  @Test
  public void unreachableRedisExits1WithOneLine() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    for (String command : new String[] {"latest", "previous", "top", "watch --once", "show c1"}) {
      List<String> args = new ArrayList<>(List.of(command.split(" ")));
      args.add("--redis-port=" + closedPort);
      Run r = ctrRaw(args.toArray(String[]::new));
      assertThat(command, r.status(), equalTo(CtrCli.EXIT_UNAVAILABLE));
      assertThat(
          command,
          r.err(),
          startsWith("ctr: Redis at localhost:" + closedPort + " (prefix 'ctr') did not answer: "));
      assertThat(command, r.err().strip().lines().count(), equalTo(1L));
      assertThat(command, r.err(), not(containsString("Exception")));
    }
  }

  @Test
  public void badFlagsExit2NamingTheFlag() {
    Run from = ctr("show", "c1", "--from=yesterday");
    assertThat(from.status(), equalTo(2));
    assertThat(
        from.err(),
        startsWith(
            "'--from' must be an ISO-8601 instant (2024-03-01T12:00:00Z) or epoch milliseconds"));
    Run by = ctr("top", "--by", "revenue");
    assertThat(by.status(), equalTo(2));
    assertThat(
        by.err(),
        startsWith("Invalid value for option '--by': expected one of [ctr, impressions, clicks]"));
    Run order = ctr("show", "c1", "--from=2024-03-01T12:01:00Z", "--to=2024-03-01T12:00:00Z");
    assertThat(order.status(), equalTo(2));
    assertThat(order.err(), startsWith("--from must be before --to"));
    assertThat(ctr("bogus").status(), equalTo(2));
  }

  @Test
  public void aPasswordFileIsReadAndAnUnreadableOneOrAPasswordFlagIsAUsageError() throws Exception {
    // the seeded Redis takes any client: AUTH with a password it does not have fails, so the file
    // was read
    java.nio.file.Path file = java.nio.file.Files.createTempFile("redis-password", "");
    java.nio.file.Files.writeString(file, "not-the-password\n");
    Run wrong = ctr("latest", "--redis-password-file=" + file);
    assertThat(wrong.status(), equalTo(CtrCli.EXIT_UNAVAILABLE));
    Run missing = ctr("latest", "--redis-password-file=/no/such/file");
    assertThat(missing.status(), equalTo(2));
    assertThat(
        missing.err(),
        startsWith("--redis-password-file=/no/such/file: cannot be read (NoSuchFileException)"));
    Run flag = ctr("latest", "--redis-password=secret");
    assertThat(flag.status(), equalTo(2));
    assertThat(
        flag.err(),
        startsWith(
            "--redis-password: a password is not taken as a flag (ps shows it); "
                + "use --redis-password-file=FILE or env CTR_REDIS_PASSWORD"));
    java.nio.file.Files.delete(file);
  }
}
