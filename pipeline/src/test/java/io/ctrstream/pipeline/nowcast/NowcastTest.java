package io.ctrstream.pipeline.nowcast;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.joda.time.Duration;
import org.junit.Test;

public class NowcastTest {
  @Test
  public void wilsonIntervalOfFiveInTen() {
    WilsonInterval w = WilsonInterval.of95(5, 10);
    assertThat(w.lower(), closeTo(0.2366, 1e-4));
    assertThat(w.upper(), closeTo(0.7634, 1e-4));
    assertThat(WilsonInterval.of95(0, 10).lower(), equalTo(0.0));
    assertThat(WilsonInterval.of95(0, 10).upper(), closeTo(0.2775, 1e-4));
  }

  /**
   * A 64 s window starting at 0 (1 s bins) and a delay distribution known from one complete cohort:
   * clicks after 100, 900 and 3000 ms, so F(d) = 1/3 at 250 ms, 2/3 from 1000 to 2828 ms.
   */
  private static ClickDelayModels.Choice knownDelays() {
    ClickDelayModel model = new ClickDelayModel(Duration.standardSeconds(4));
    model.observe(-100_000, -100_000 + 100, 1);
    model.observe(-100_000, -100_000 + 900, 1);
    model.observe(-100_000, -100_000 + 3000, 1);
    return new ClickDelayModels.Choice(model.cdfAt(0).cdf(), NowcastBasis.POOLED, 3);
  }

  @Test
  public void clicksSoFarOverTheImpressionsExpectedClicksShare() {
    ImpressionTimes times =
        ImpressionTimes.empty(0, 64_000)
            .plus(10_000, 100) // 100 impressions in [10 s, 11 s): all older than 4 s at t
            .plus(20_000, 60); // 60 in [20 s, 21 s): 1000 to 1999 ms old at t = 21_999
    // F = 2/3 from 1000 to 2828 ms: effective impressions 100 · 1 + 60 · 2/3 = 140
    Nowcast n = Nowcast.estimate(160, 28, times, 21_999, knownDelays());
    assertThat(n.ctr(), closeTo(28 / 140.0, 1e-12));
    assertThat(n.clicksSeenFraction(), closeTo(140 / 160.0, 1e-12));
    // Wilson 95 % on 28 of 140 (p = 0.2): 0.142155 to 0.273869
    assertThat(n.lower(), closeTo(0.142155, 1e-6));
    assertThat(n.upper(), closeTo(0.273869, 1e-6));
    assertThat(n.basis(), equalTo(NowcastBasis.POOLED));
  }

  @Test
  public void impressionsOfTheBinStillRunningCountUpToTheEventTime() {
    ImpressionTimes times = ImpressionTimes.empty(0, 64_000).plus(20_000, 60);
    // t = 20_499: the bin's impressions are taken as spread over [20_000, 20_499], 0 to 499 ms
    // old. F rises linearly from 0 to 1/3 over 0..250 ms and stays 1/3 to 707 ms. Simpson:
    // (F(499) + 4 F(249.5) + F(0)) / 6 = (1/3 + 4 · 249.5/750 + 0) / 6
    double mean = (1.0 / 3 + 4 * 249.5 / 750) / 6;
    Nowcast n = Nowcast.estimate(60, 3, times, 20_499, knownDelays());
    assertThat(n.clicksSeenFraction(), closeTo(mean, 1e-12));
    assertThat(n.ctr(), closeTo(3 / (60 * mean), 1e-12));
  }

  @Test
  public void withoutADistributionTheNowcastIsTheRawCtrWithoutInterval() {
    ImpressionTimes times = ImpressionTimes.empty(0, 64_000).plus(10_000, 100);
    Nowcast n =
        Nowcast.estimate(
            100, 7, times, 30_000, new ClickDelayModels.Choice(null, NowcastBasis.NONE, 0));
    assertThat(n.ctr(), equalTo(0.07));
    assertThat(n.lower(), nullValue());
    assertThat(n.clicksSeenFraction(), nullValue());
    assertThat(n.basis(), equalTo(NowcastBasis.NONE));
  }

  @Test
  public void aCompletePaneIsItsRawCtr() {
    Nowcast n = Nowcast.complete(10, 5);
    assertThat(n.ctr(), equalTo(0.5));
    assertThat(n.clicksSeenFraction(), equalTo(1.0));
    assertThat(n.lower(), closeTo(0.2366, 1e-4));
    assertThat(n.basis(), equalTo(NowcastBasis.COMPLETE));
  }
}
