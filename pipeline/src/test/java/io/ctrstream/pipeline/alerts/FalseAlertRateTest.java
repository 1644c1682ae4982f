package io.ctrstream.pipeline.alerts;

import static io.ctrstream.pipeline.testing.Events.result;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import io.ctrstream.pipeline.RunSummary;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.nowcast.Nowcast;
import io.ctrstream.pipeline.nowcast.NowcastBasis;
import io.ctrstream.pipeline.testing.Events;
import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;

/**
 * The false-alert rate at a stable CTR: a seeded synthetic run of {@value #WINDOWS} complete
 * windows of one campaign, each with {@value #IMPRESSIONS} impressions and Binomial(n, 5 %) clicks,
 * through {@link DetectAnomalies} at significance {@value #ALPHA} (no cooldown, so nothing is
 * hidden). Every alert is a false alert; their share of the judged windows must not exceed the
 * configured significance level. The measured rates are printed.
 */
public class FalseAlertRateTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  static final int WINDOWS = 3_000;
  static final int IMPRESSIONS = 2_000;
  static final double CTR = 0.05;
  static final double ALPHA = 0.01;

  private double falseAlertRate(String baseline) {
    BinomialDistribution clicks =
        new BinomialDistribution(new Well19937c(20261121L), IMPRESSIONS, CTR);
    // one window per step, in order, as complete panes arrive in a stream
    TestStream.Builder<CtrResult> results =
        TestStream.create(CtrResult.CtrResultCoder.of()).advanceWatermarkTo(Events.T0);
    for (int i = 0; i < WINDOWS; i++) {
      IntervalWindow w = Events.window(30 * i);
      results =
          results.addElements(
              TimestampedValue.of(
                  result("c1", w, IMPRESSIONS, clicks.sample(), Timing.ON_TIME, 0, true),
                  w.maxTimestamp()));
    }
    AlertSettings settings =
        new AlertSettings(
            baseline, 0.3, ALPHA, 6, 1, 100, Duration.ZERO, Set.of("campaign"), false);
    p.apply(results.advanceWatermarkToInfinity()).apply(new DetectAnomalies(settings));
    PipelineResult run = p.run();
    run.waitUntilFinish();
    long alerts =
        RunSummary.of(run).get("alerts_raised")
            + RunSummary.of(run).get("alerts_suppressed_cooldown");
    long tested = RunSummary.of(run).get("alert_panes_tested");
    assertThat("every window but the first is judged", tested, equalTo(WINDOWS - 1L));
    double rate = (double) alerts / tested;
    System.out.printf(
        Locale.ROOT,
        "false-alert rate, baseline %s, significance %.3f: %d of %d windows = %.4f%n",
        baseline,
        ALPHA,
        alerts,
        tested,
        rate);
    return rate;
  }

  @Test
  public void previousWindowBaselineStaysAtOrBelowTheSignificanceLevel() {
    assertThat(falseAlertRate(AlertSettings.PREVIOUS), lessThanOrEqualTo(ALPHA));
  }

  @Test
  public void ewmaBaselineStaysAtOrBelowTheSignificanceLevel() {
    assertThat(falseAlertRate(AlertSettings.EWMA), lessThanOrEqualTo(ALPHA));
  }

  /**
   * With {@code --alertOnNowcast}: each window is first tested open, half way through its clicks
   * (an EARLY pane whose nowcast rests on pooled delays: clicks so far ~ Binomial(n, 5 % · 1/2)
   * against n/2 effective impressions), then complete (the clicks still to come added). Each test
   * must stay at or below the significance level; a window is looked at twice, so its false-alert
   * rate may reach, and must not exceed, twice that (Bonferroni).
   */
  @Test
  public void openWindowsTestedOnTheirNowcastStayAtOrBelowTheSignificanceLevelPerTest() {
    Well19937c random = new Well19937c(20261201L);
    double seen = 0.5;
    TestStream.Builder<CtrResult> results =
        TestStream.create(CtrResult.WithNowcastCoder.of()).advanceWatermarkTo(Events.T0);
    for (int i = 0; i < WINDOWS; i++) {
      IntervalWindow w = Events.window(30 * i);
      int early = new BinomialDistribution(random, IMPRESSIONS, CTR * seen).sample();
      int later =
          new BinomialDistribution(random, IMPRESSIONS - early, CTR * (1 - seen) / (1 - CTR * seen))
              .sample();
      double effective = IMPRESSIONS * seen;
      Nowcast nowcast = new Nowcast(early / effective, 0.0, 1.0, seen, NowcastBasis.POOLED);
      results =
          results
              .addElements(
                  TimestampedValue.of(
                      result("c1", w, IMPRESSIONS, early, Timing.EARLY, 0, false)
                          .withNowcast(nowcast),
                      w.maxTimestamp()))
              .addElements(
                  TimestampedValue.of(
                      result("c1", w, IMPRESSIONS, early + later, Timing.ON_TIME, 1, true)
                          .withNowcast(Nowcast.complete(IMPRESSIONS, early + later)),
                      w.maxTimestamp()));
    }
    AlertSettings settings =
        new AlertSettings(
            AlertSettings.PREVIOUS, 0.3, ALPHA, 6, 1, 100, Duration.ZERO, Set.of("campaign"), true);
    p.apply(results.advanceWatermarkToInfinity()).apply(new DetectAnomalies(settings));
    PipelineResult run = p.run();
    run.waitUntilFinish();
    RunSummary summary = RunSummary.of(run);
    long openTested = summary.get("alert_open_panes_tested");
    long raisedOpen = summary.get("alerts_raised_open_window");
    long windows = summary.get("alert_panes_tested") - openTested;
    long raised = summary.get("alerts_raised");
    assertThat(
        "every window but the first is judged open and complete",
        openTested,
        equalTo(WINDOWS - 1L));
    assertThat(windows, equalTo(WINDOWS - 1L));
    double perOpenTest = (double) raisedOpen / openTested;
    double perWindow = (double) raised / windows;
    System.out.printf(
        Locale.ROOT,
        "false-alert rate, open windows on their nowcast (half the clicks in), significance %.3f:"
            + " %d of %d open tests = %.4f; %d of %d windows (open or complete) = %.4f%n",
        ALPHA,
        raisedOpen,
        openTested,
        perOpenTest,
        raised,
        windows,
        perWindow);
    assertThat(perOpenTest, lessThanOrEqualTo(ALPHA));
    assertThat(perWindow, lessThanOrEqualTo(2 * ALPHA));
  }
}
