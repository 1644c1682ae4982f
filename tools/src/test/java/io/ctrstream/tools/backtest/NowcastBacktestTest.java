package io.ctrstream.tools.backtest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The backtest on a recorded stream whose answer is known: one campaign, an impression every 10 ms
 * for 10 minutes, every 10th clicked after 0.5 to 3.5 s; 10 s windows, 4 s attribution window.
 */
public class NowcastBacktestTest {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  private static final long T0 = 1_709_294_400_000L; // 2024-03-01T12:00:00Z

  @Test
  public void theNowcastIsUnbiasedWhereTheRawCtrReadsLowAndBothEndAtTheFinalCtr() throws Exception {
    List<String> impressions = new ArrayList<>();
    List<String> clicks = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      long ts = T0 + 10L * i;
      impressions.add("{\"impr_id\":\"i" + i + "\",\"campaign_id\":\"c\",\"ts\":" + ts + "}");
      if (i % 10 == 0) {
        long delay = 500 + (i / 10 % 7) * 500;
        clicks.add(
            "{\"click_id\":\"k" + i + "\",\"impr_id\":\"i" + i + "\",\"ts\":" + (ts + delay) + "}");
      }
    }
    clicks.add("{\"click_id\":\"orphan\",\"impr_id\":\"nope\",\"ts\":" + T0 + "}");
    impressions.add("not json");
    Path imp = temp.getRoot().toPath().resolve("impressions.jsonl");
    Path clk = temp.getRoot().toPath().resolve("clicks.jsonl");
    Files.write(imp, impressions, StandardCharsets.UTF_8);
    Files.write(clk, clicks, StandardCharsets.UTF_8);

    NowcastBacktest backtest =
        new NowcastBacktest(Duration.standardSeconds(10), Duration.standardSeconds(4), true, 500);
    backtest.read(imp, clk);
    NowcastBacktest.Result result = backtest.run();

    assertThat(result.impressions(), equalTo(60_000));
    assertThat(result.clicks(), equalTo(6_000));
    assertThat(result.unattributed(), equalTo(1L));
    assertThat(result.deadLetters(), equalTo(1L));
    assertThat(result.windows(), equalTo(60));
    // the first window's 25 % checkpoint (2.5 s) has no impression older than 4 s yet; the
    // second's (12.5 s) has: 59 windows with a distribution
    assertThat(result.withModel().size(), equalTo(59));
    // half way through a window the raw CTR misses about 2/5 of the clicks so far; the nowcast
    // none on average
    double[] raw = result.errors(1, NowcastBacktest.Estimate.RAW);
    double[] now = result.errors(1, NowcastBacktest.Estimate.NOWCAST);
    assertThat(mean(raw), lessThan(-0.2));
    assertThat(Math.abs(mean(now)), lessThan(0.03));
    assertThat(
        NowcastBacktest.Result.medianAbs(now), lessThan(NowcastBacktest.Result.medianAbs(raw) / 3));
    // the bounds: with F in hindsight the nowcast is as unbiased; at window end every impression
    // is in, so the CTR of the impressions so far with all their clicks is the final CTR, exactly
    assertThat(
        Math.abs(mean(result.errors(1, NowcastBacktest.Estimate.NOWCAST_HINDSIGHT_F))),
        lessThan(0.03));
    for (double e : result.errors(3, NowcastBacktest.Estimate.ALL_CLICKS_SO_FAR)) {
      assertThat(e, closeTo(0, 0));
    }
    // at window end + attribution window both are the final CTR, exactly
    for (double e : result.errors(4, NowcastBacktest.Estimate.RAW)) {
      assertThat(e, closeTo(0, 0));
    }
    for (double e : result.errors(4, NowcastBacktest.Estimate.NOWCAST)) {
      assertThat(e, closeTo(0, 0));
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    result.print(new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8).lines().count(), equalTo(12L));
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
