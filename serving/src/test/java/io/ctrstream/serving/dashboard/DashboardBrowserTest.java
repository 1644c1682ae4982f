package io.ctrstream.serving.dashboard;

import static io.ctrstream.pipeline.testing.Events.result;
import static io.ctrstream.pipeline.testing.Events.window;
import static io.ctrstream.serving.SeededRedis.T0;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;

import io.ctrstream.pipeline.nowcast.Nowcast;
import io.ctrstream.pipeline.nowcast.NowcastBasis;
import io.ctrstream.serving.SeededApi;
import io.ctrstream.serving.SeededRedis;
import io.ctrstream.serving.api.ApiServer;
import io.ctrstream.serving.api.ApiTokens;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TestRule;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver};
 * {@code .ci/run} installs them), served by {@link ApiServer} from a redis-server seeded with known
 * results ({@link SeededRedis}). Screenshots go to {@code serving/target/screenshots/}; the first
 * also to {@code docs/dashboard.png}.
 */
public class DashboardBrowserTest {
  private static final SeededApi API = new SeededApi();
  @ClassRule public static final TestRule SERVER = API.rule();

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static ChromeDriver browser;

  @BeforeClass
  public static void start() throws Exception {
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder()
                .usingDriverExecutable(executable("chromedriver", "chromium-driver"))
                .build(),
            new ChromeOptions()
                .setBinary(executable("chromium", "chromium"))
                .addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1400,1000",
                    "--no-first-run",
                    "--disable-background-networking"));
  }

  @AfterClass
  public static void stop() {
    if (browser != null) {
      browser.quit();
    }
  }

  private static File executable(String name, String debianPackage) {
    File f = new File("/usr/bin/" + name);
    if (!f.canExecute()) {
      throw new IllegalStateException(
          "/usr/bin/"
              + name
              + " is missing: apt-get install -y "
              + debianPackage
              + " (.ci/run installs it)");
    }
    return f;
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, WAIT);
  }

  /**
   * Chooses {@code value} in the select {@code id}, found again if a refresh re-rendered it between
   * finding and choosing (the page refreshes by itself).
   */
  private static void select(String id, String value) {
    waiting()
        .ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              new Select(d.findElement(By.id(id))).selectByValue(value);
              return true;
            });
  }

  /**
   * The table's rows, cells joined by a space, read in one script (the page re-renders the table on
   * every refresh).
   */
  @SuppressWarnings("unchecked")
  private static List<String> tableRows(String table) {
    return (List<String>)
        script(
            "return [...document.querySelectorAll('#"
                + table
                + " tbody tr')]"
                + ".map(tr => [...tr.cells].map(td => td.textContent).join(' '))");
  }

  private static Object script(String js) {
    return ((JavascriptExecutor) browser).executeScript(js);
  }

  @Test
  public void showsTheSeededNumbersAndChartsTheBusiestCampaign() throws Exception {
    browser.get("http://127.0.0.1:" + API.server().port() + "/?refresh=2");
    // the chart has drawn c1 (most impressions in its latest window): 3 complete windows and 1
    // early pane
    waiting().until(ExpectedConditions.attributeToBe(By.id("chart"), "data-points", "4"));
    assertThat(browser.findElement(By.id("chart")).getAttribute("data-campaign"), equalTo("c1"));
    assertThat(browser.findElement(By.id("chart")).getAttribute("data-early-points"), equalTo("1"));
    // complete windows, early panes, the trend, alerts (none on c1)
    // ... and the band of c1's open window's nowcast: from its lower to its upper bound, over the
    // window's length
    assertThat(
        script("return Chart.getChart('chart').data.datasets.map(d => d.data.length)"),
        equalTo(List.of(3L, 1L, 3L, 0L, 2L, 2L)));
    assertThat(
        script(
            "const d = Chart.getChart('chart').data.datasets;"
                + " return [d[4].data[0].y, d[5].data[0].y, d[5].data[1].x - d[5].data[0].x, d[5].fill]"),
        equalTo(List.of(0L, 0.9389, 30_000L, "-1")));
    // early panes are drawn differently: their own dataset, triangles on a dashed line
    assertThat(
        script(
            "const d = Chart.getChart('chart').data.datasets[1]; return [d.pointStyle, d.borderDash.length > 0]"),
        equalTo(List.of("triangle", true)));
    // final windows filled, the complete-but-not-final one hollow
    assertThat(
        script("return Chart.getChart('chart').data.datasets[0].pointBackgroundColor"),
        equalTo(List.of("#0969da", "#0969da", "#ffffff")));
    // the trend next to them: c1's 60 s windows every 30 s (5/4, 4/2, 3/1), each at the start of
    // the
    // 30 s window it ends with
    assertThat(
        script(
            "return Chart.getChart('chart').data.datasets[2].data.map(p => [p.x - "
                + T0
                + ", p.clicks, p.impressions])"),
        equalTo(
            List.of(List.of(30_000L, 4L, 5L), List.of(60_000L, 2L, 4L), List.of(90_000L, 1L, 3L))));
    long drawnPixels =
        (Long)
            script(
                "const c = document.getElementById('chart');"
                    + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + "let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;");
    assertThat(drawnPixels, greaterThan(1_000L));

    assertThat(
        tableRows("latest"),
        equalTo(
            List.of(
                "c1 2024-03-01T12:01:00Z 2 1 50.00% ON_TIME 2 1 50.00% +0.0%",
                "c2 2024-03-01T12:01:00Z 1 1 100.00% ON_TIME 2 0 0.00% n/a")));
    assertThat(
        browser.findElement(By.id("status")).getText(),
        startsWith("Redis 127.0.0.1:" + API.store().address().port() + " · 2 campaigns"));
    // the alerts panel: the seeded SPIKE, with its severity, the CTR before and after, and z
    assertThat(
        tableRows("alerts"),
        equalTo(List.of("2024-03-01T12:01:00Z c2 SPIKE · WARNING 5.00% → 8.00% 2.72")));
    screenshot("dashboard.png");
    // the docs show this view: written here so that it is always what the dashboard draws
    Path docs = Path.of(System.getProperty("ctrstream.root", ".."), "docs");
    if (Files.isDirectory(docs)) {
      Files.copy(
          Path.of(System.getProperty("ctrstream.screenshots", "target/screenshots"))
              .resolve("dashboard.png"),
          docs.resolve("dashboard.png"),
          StandardCopyOption.REPLACE_EXISTING);
    }

    // the filter narrows the table and moves the chart to the one campaign left, where the alert
    // is drawn at its window and the CTR it judged
    browser.findElement(By.id("filter")).sendKeys("c2");
    waiting().until(ExpectedConditions.attributeToBe(By.id("chart"), "data-campaign", "c2"));
    waiting().until(d -> tableRows("latest").size() == 1);
    assertThat(
        tableRows("latest"),
        equalTo(List.of("c2 2024-03-01T12:01:00Z 1 1 100.00% ON_TIME 2 0 0.00% n/a")));
    assertThat(browser.findElement(By.id("chart")).getAttribute("data-points"), equalTo("3"));
    assertThat(browser.findElement(By.id("chart")).getAttribute("data-early-points"), equalTo("0"));
    assertThat(browser.findElement(By.id("chart")).getAttribute("data-trend-points"), equalTo("0"));
    assertThat(browser.findElement(By.id("chart")).getAttribute("data-alert-points"), equalTo("1"));
    assertThat(
        script(
            "const p = Chart.getChart('chart').data.datasets[3].data[0]; return [p.x - "
                + T0
                + ", p.y, p.before]"),
        equalTo(List.of(60_000L, 0.08, 0.05)));
    screenshot("dashboard-alert.png");

    // it refreshes by itself
    int refreshes =
        Integer.parseInt(browser.findElement(By.tagName("body")).getAttribute("data-refreshes"));
    waiting()
        .until(
            d ->
                Integer.parseInt(d.findElement(By.tagName("body")).getAttribute("data-refreshes"))
                    > refreshes + 1);

    // the dimension picker: the device breakdown's values, naturally sorted, the busiest charted
    browser.findElement(By.id("filter")).sendKeys(Keys.BACK_SPACE, Keys.BACK_SPACE);
    select("dimension", "device");
    waiting().until(ExpectedConditions.attributeToBe(By.id("chart"), "data-dimension", "device"));
    assertThat(
        script("return [...document.getElementById('dimension').options].map(o => o.value)"),
        equalTo(List.of("campaign", "campaign_id+device", "device")));
    waiting().until(d -> tableRows("latest").size() == 2);
    assertThat(browser.findElement(By.id("key-header")).getText(), equalTo("device"));
    assertThat(
        tableRows("latest"),
        equalTo(
            List.of(
                "desktop 2024-03-01T12:01:00Z 2 1 50.00% ON_TIME    n/a",
                "mobile 2024-03-01T12:01:00Z 1 1 100.00% ON_TIME 2 0 0.00% n/a")));
    assertThat(browser.findElement(By.id("chart")).getAttribute("data-key"), equalTo("desktop"));
    assertThat(browser.findElement(By.id("chart")).getAttribute("data-points"), equalTo("1"));
    select("key", "mobile");
    waiting().until(ExpectedConditions.attributeToBe(By.id("chart"), "data-key", "mobile"));
    assertThat(browser.findElement(By.id("chart")).getAttribute("data-points"), equalTo("2"));
    screenshot("dashboard-device.png");
    // An open window is drawn at its nowcast with its band, the raw CTR in its tooltip: campaign
    // c9's window 12:01:30, 400 impressions and 6 clicks so far (raw 1.50 %), a quarter of the
    // expected clicks in, nowcast 6.00 % [2.80 %, 12.40 %]
    API.redis()
        .writeWindows(
            List.of(
                result("c9", window(90), 400, 6, Timing.EARLY, 2, false)
                    .withNowcast(new Nowcast(0.06, 0.028, 0.124, 0.25, NowcastBasis.CAMPAIGN))));
    browser.get("http://127.0.0.1:" + API.server().port() + "/?refresh=2&campaign=c9");
    waiting().until(ExpectedConditions.attributeToBe(By.id("chart"), "data-key", "c9"));
    waiting().until(ExpectedConditions.attributeToBe(By.id("chart"), "data-early-points", "1"));
    assertThat(
        script(
            "const d = Chart.getChart('chart').data.datasets;"
                + " return [d[1].data[0].y, d[1].data[0].raw, d[4].data[0].y, d[5].data[0].y]"),
        equalTo(List.of(0.06, 0.015, 0.028, 0.124)));
    assertThat(
        script("return tooltip(Chart.getChart('chart').data.datasets[1].data[0])"),
        equalTo(
            "EARLY nowcast 6.00% (95 %: 2.80% to 12.40%, campaign click delays), raw 1.50%"
                + " (6 clicks / 400 impressions), 25% of the expected clicks in"));
    screenshot("dashboard-nowcast.png");
    // ids sort naturally everywhere (table, pickers): 112 before 1092, c2 before c10
    assertThat(
        script("return ['1092', 'c10', '112', 'c2', '122'].sort(natural)"),
        equalTo(List.of("112", "122", "1092", "c2", "c10")));
  }

  /**
   * With tokens on, the dashboard asks for one, keeps it for the session, and shows only the
   * token's campaigns; a wrong token is asked for again.
   */
  @Test
  public void asksForATokenAndShowsItsCampaignsOnly() throws Exception {
    String[] acme = ApiTokens.newToken("acme", "c2");
    Path tokens = Files.createTempFile("tokens", "");
    Files.writeString(tokens, acme[1] + "\n");
    try (ApiServer server =
        new ApiServer(
            API.store(),
            new ApiServer.Settings("127.0.0.1", 0, null, ApiTokens.read(tokens), null))) {
      server.start();
      browser.get("http://127.0.0.1:" + server.port() + "/?refresh=2");
      waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
      browser.findElement(By.id("token")).sendKeys("wrong");
      browser.findElement(By.id("sign-in")).click();
      waiting().until(ExpectedConditions.textToBe(By.id("login-error"), "that token is not valid"));
      browser.findElement(By.id("token")).sendKeys(acme[0]);
      browser.findElement(By.id("sign-in")).click();
      waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("login")));
      waiting().until(ExpectedConditions.attributeToBe(By.id("chart"), "data-campaign", "c2"));
      waiting().until(d -> tableRows("latest").size() == 1);
      assertThat(
          tableRows("latest"),
          equalTo(List.of("c2 2024-03-01T12:01:00Z 1 1 100.00% ON_TIME 2 0 0.00% n/a")));
      // the dimension picker offers campaign only: device sums every advertiser's campaigns
      assertThat(
          script("return [...document.querySelectorAll('#dimension option')].map(o => o.value)"),
          equalTo(List.of("campaign")));
      assertThat(script("return sessionStorage.getItem('ctrstream.token')"), equalTo(acme[0]));
      screenshot("dashboard-token.png");
      script("sessionStorage.clear()");
    } finally {
      Files.deleteIfExists(tokens);
    }
  }

  private static void screenshot(String name) throws Exception {
    Path dir = Path.of(System.getProperty("ctrstream.screenshots", "target/screenshots"));
    Files.createDirectories(dir);
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        dir.resolve(name),
        StandardCopyOption.REPLACE_EXISTING);
  }
}
