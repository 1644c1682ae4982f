package io.ctrstream.pipeline.alerts;

import static io.ctrstream.pipeline.testing.Events.T0;
import static io.ctrstream.pipeline.testing.Events.result;
import static io.ctrstream.pipeline.testing.Events.window;
import static org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing.LATE;
import static org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing.ON_TIME;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.RunSummary;
import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.nowcast.Nowcast;
import io.ctrstream.pipeline.nowcast.NowcastBasis;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;

/**
 * SPIKE/DROP alerts on complete panes, one timeline per situation. Settings: significance 0.01 (|z|
 * ≥ 2.5758), CRITICAL from |z| ≥ 6.5 or |relative change| ≥ 1.0, at least 100 impressions, 30 s
 * windows. The z values were computed independently (Python, the formula in {@link
 * TwoProportionZStatistic}'s Javadoc).
 */
public class DetectAnomaliesTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static AlertSettings settings(String baseline, Duration cooldown) {
    return new AlertSettings(
        baseline, 0.3, 0.01, 6.5, 1.0, 100, cooldown, Set.of("campaign"), false);
  }

  private static TimestampedValue<CtrResult> pane(
      String campaign, int startSec, long impressions, long clicks, Timing timing, int paneIndex) {
    CtrResult r =
        result(campaign, window(startSec), impressions, clicks, timing, paneIndex, timing == LATE);
    return TimestampedValue.of(r, window(startSec).maxTimestamp());
  }

  private static TimestampedValue<CtrResult> onTime(
      String campaign, int startSec, long impressions, long clicks) {
    return pane(campaign, startSec, impressions, clicks, ON_TIME, 0);
  }

  private static TestStream.Builder<CtrResult> stream() {
    return TestStream.create(CtrResult.CtrResultCoder.of()).advanceWatermarkTo(T0);
  }

  /** {@code campaign window_start_sec kind severity status}. */
  private static PCollection<String> summaries(PCollection<Alert> alerts) {
    return alerts.apply(
        MapElements.into(TypeDescriptors.strings())
            .via(
                (Alert a) ->
                    a.key()
                        + " "
                        + (a.windowStart() - T0.getMillis()) / 1000
                        + " "
                        + a.kind()
                        + " "
                        + a.severity()
                        + " "
                        + a.status()));
  }

  @Test
  public void aClearSpikeAndAClearDropRaiseOneAlertEach() {
    TestStream<CtrResult> results =
        stream()
            .addElements(onTime("c1", 0, 1000, 50))
            .addElements(onTime("c1", 30, 1000, 45)) // z = -0.53 against 50/1000: noise
            .addElements(
                onTime("c1", 60, 1000, 120)) // z = 6.10, +167 %: CRITICAL by relative change
            .addElements(onTime("c1", 90, 1000, 40)) // z = -6.59, -67 %: CRITICAL by z
            .advanceWatermarkToInfinity();

    PCollection<Alert> alerts =
        p.apply(results)
            .apply(new DetectAnomalies(settings(AlertSettings.PREVIOUS, Duration.ZERO)));

    PAssert.that(summaries(alerts))
        .containsInAnyOrder("c1 60 SPIKE CRITICAL RAISED", "c1 90 DROP CRITICAL RAISED");
    PAssert.that(alerts)
        .satisfies(
            all -> {
              for (Alert a : all) {
                if (a.kind() == Alert.Kind.SPIKE) {
                  assertThat(a.z(), closeTo(6.095597114826154, 1e-9));
                  assertThat(a.pValue(), closeTo(1.0902969620225074e-09, 1e-15));
                  assertThat(a.relativeChange(), closeTo(1.6666666666666665, 1e-12));
                  assertThat(a.baselineImpressions(), equalTo(1000.0));
                  assertThat(a.baselineClicks(), equalTo(45.0));
                  assertThat(a.impressions() + "/" + a.clicks(), equalTo("1000/120"));
                } else {
                  assertThat(a.z(), closeTo(-6.593804733957869, 1e-9));
                  assertThat(a.baselineClicks(), equalTo(120.0));
                }
              }
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void theSameChangeOnTinyVolumeRaisesNothing() {
    TestStream<CtrResult> results =
        stream()
            .addElements(onTime("small", 0, 80, 8), onTime("large", 0, 1000, 100))
            // both triple their CTR; 80 impressions (z = 3.16) are below --minImpressions=100
            .addElements(onTime("small", 30, 80, 24), onTime("large", 30, 1000, 300))
            .advanceWatermarkToInfinity();

    PCollection<Alert> alerts =
        p.apply(results)
            .apply(new DetectAnomalies(settings(AlertSettings.PREVIOUS, Duration.ZERO)));

    PAssert.that(summaries(alerts)).containsInAnyOrder("large 30 SPIKE CRITICAL RAISED");
    p.run().waitUntilFinish();
  }

  @Test
  public void noiseAtAStableCtrRaisesNothing() {
    TestStream<CtrResult> results =
        stream()
            .addElements(onTime("c1", 0, 1000, 50))
            .addElements(onTime("c1", 30, 1000, 47))
            .addElements(onTime("c1", 60, 1000, 53))
            .addElements(onTime("c1", 90, 1000, 49))
            .advanceWatermarkToInfinity();

    PAssert.that(
            p.apply(results)
                .apply(new DetectAnomalies(settings(AlertSettings.PREVIOUS, Duration.ZERO))))
        .empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void cooldownSuppressesARepeatOfTheSameKind() {
    TestStream<CtrResult> results =
        stream()
            .addElements(onTime("c1", 0, 1000, 50))
            .addElements(onTime("c1", 30, 1000, 130)) // SPIKE
            .addElements(
                onTime(
                    "c1", 60, 1000,
                    50)) // DROP (z = -6.25, -62 %: WARNING): another kind, not suppressed
            .addElements(
                onTime("c1", 90, 1000, 130)) // SPIKE again, 60 s after the first: suppressed
            .addElements(
                onTime("c1", 120, 1000, 50)) // DROP again, 60 s after the first: suppressed
            .addElements(onTime("c1", 150, 1000, 50))
            .addElements(onTime("c1", 180, 1000, 130)) // SPIKE 150 s after the first: cooldown over
            .advanceWatermarkToInfinity();

    PCollection<Alert> alerts =
        p.apply(results)
            .apply(
                new DetectAnomalies(settings(AlertSettings.PREVIOUS, Duration.standardMinutes(2))));

    PAssert.that(summaries(alerts))
        .containsInAnyOrder(
            "c1 30 SPIKE CRITICAL RAISED",
            "c1 60 DROP WARNING RAISED",
            "c1 180 SPIKE CRITICAL RAISED");
    PipelineResult run = p.run();
    run.waitUntilFinish();
    assertThat(RunSummary.of(run).get("alerts_suppressed_cooldown"), equalTo(2L));
    assertThat(RunSummary.of(run).get("alerts_raised"), equalTo(3L));
  }

  @Test
  public void aLatePaneThatChangesTheVerdictCorrectsItAndOneThatDoesNotIsSilent() {
    TestStream<CtrResult> results =
        stream()
            .addElements(
                onTime("retracted", 0, 1000, 50),
                onTime("corrected", 0, 1000, 50),
                onTime("same", 0, 1000, 50))
            // z = 2.72, +60 %: WARNING for all three
            .addElements(
                onTime("retracted", 30, 1000, 80),
                onTime("corrected", 30, 1000, 80),
                onTime("same", 30, 1000, 80))
            .advanceWatermarkTo(T0.plus(Duration.standardMinutes(2)))
            .addElements(
                pane(
                    "retracted",
                    30,
                    1400,
                    80,
                    LATE,
                    1), // late impressions: z = 0.76, no longer significant
                pane("corrected", 30, 1000, 130, LATE, 1), // late clicks: +160 %, CRITICAL
                pane("same", 30, 1000, 81, LATE, 1)) // still WARNING: nothing new
            .advanceWatermarkToInfinity();

    PCollection<Alert> alerts =
        p.apply(results)
            .apply(new DetectAnomalies(settings(AlertSettings.PREVIOUS, Duration.ZERO)));

    PAssert.that(summaries(alerts))
        .containsInAnyOrder(
            "retracted 30 SPIKE WARNING RAISED",
            "retracted 30 SPIKE NONE RETRACTED",
            "corrected 30 SPIKE WARNING RAISED",
            "corrected 30 SPIKE CRITICAL CORRECTED",
            "same 30 SPIKE WARNING RAISED");
    p.run().waitUntilFinish();
  }

  @Test
  public void anIdleKeysBaselineIsDroppedAfterTheRetentionAndBuiltAnew() {
    TestStream<CtrResult> results =
        stream()
            .addElements(onTime("kept", 0, 1000, 50), onTime("idle", 0, 1000, 50))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(500)))
            .addElements(onTime("kept", 540, 1000, 50)) // "kept" stays until 570 s + 10 min
            // past 30 s + 10 min: "idle"'s baseline goes
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(700)))
            // the same +140 % for both: only "kept" has a baseline left to be judged against
            .addElements(onTime("kept", 1200, 1000, 120), onTime("idle", 1200, 1000, 120))
            .advanceWatermarkToInfinity();

    PCollection<Alert> alerts =
        p.apply(results)
            .apply(
                new DetectAnomalies(settings(AlertSettings.PREVIOUS, Duration.ZERO))
                    .withIdleKeyRetention(Duration.standardMinutes(10)));

    PAssert.that(summaries(alerts)).containsInAnyOrder("kept 1200 SPIKE CRITICAL RAISED");
    PipelineResult run = p.run();
    run.waitUntilFinish();
    // "idle" once mid-stream; both at the end, when the watermark passes every expiry
    assertThat(RunSummary.of(run).get("alert_keys_expired"), equalTo(3L));
    assertThat(RunSummary.of(run).get("alert_keys_live"), equalTo(0L));
  }

  @Test
  public void ewmaBaselineAveragesEarlierWindows() {
    TestStream<CtrResult> results =
        stream()
            .addElements(onTime("c1", 0, 1000, 50))
            .addElements(onTime("c1", 30, 1000, 50))
            .addElements(onTime("c1", 60, 1000, 50))
            .addElements(
                onTime("c1", 90, 1000, 90)) // against EWMA 50/1000: z = 3.51, +80 %: WARNING
            .advanceWatermarkToInfinity();

    PCollection<Alert> alerts =
        p.apply(results).apply(new DetectAnomalies(settings(AlertSettings.EWMA, Duration.ZERO)));

    PAssert.that(summaries(alerts)).containsInAnyOrder("c1 90 SPIKE WARNING RAISED");
    PAssert.that(alerts)
        .satisfies(
            all -> {
              Alert a = all.iterator().next();
              assertThat(a.baseline(), equalTo("ewma"));
              assertThat(a.z(), closeTo(3.505536546997458, 1e-9));
              assertThat(a.pValue(), closeTo(0.000455687934645397, 1e-12));
              return null;
            });
    p.run().waitUntilFinish();
  }

  /** An open window's pane, half of its expected clicks in, with its nowcast. */
  private static TimestampedValue<CtrResult> open(
      String campaign, int startSec, long impressions, long clicks) {
    double effective = impressions * 0.5;
    CtrResult r =
        result(campaign, window(startSec), impressions, clicks, Timing.EARLY, 0, false)
            .withNowcast(new Nowcast(clicks / effective, 0.0, 1.0, 0.5, NowcastBasis.POOLED));
    return TimestampedValue.of(r, window(startSec).maxTimestamp());
  }

  @Test
  public void withAlertOnNowcastADropIsFlaggedWhileTheWindowIsOpenAndANormalOpenWindowIsNot() {
    TestStream<CtrResult> results =
        TestStream.create(CtrResult.WithNowcastCoder.of())
            .advanceWatermarkTo(T0)
            .addElements(onTimeWithNowcast("c1", 0, 1000, 50))
            // open, raw 2.5 % (z = -2.94 if it were judged raw), nowcast 25 / 500 = 5 %: z = 0
            .addElements(open("c1", 30, 1000, 25))
            .addElements(onTimeWithNowcast("c1", 30, 1000, 50))
            // open, nowcast 5 / 500 = 1 %: z = -3.89, -80 %: a DROP, WARNING, before the window
            // closes; its complete pane (12 / 1000, z = -4.90, -76 %) leaves the verdict as it was
            .addElements(open("c1", 60, 1000, 5))
            .addElements(onTimeWithNowcast("c1", 60, 1000, 12))
            .advanceWatermarkToInfinity();
    AlertSettings s =
        new AlertSettings(
            AlertSettings.PREVIOUS,
            0.3,
            0.01,
            6.5,
            1.0,
            100,
            Duration.ZERO,
            Set.of("campaign"),
            true);

    PCollection<Alert> alerts = p.apply(results).apply(new DetectAnomalies(s));

    PAssert.that(summaries(alerts)).containsInAnyOrder("c1 60 DROP WARNING RAISED");
    PAssert.that(alerts)
        .satisfies(
            all -> {
              Alert a = all.iterator().next();
              assertThat(a.z(), closeTo(-3.8857544651518605, 1e-9));
              assertThat(a.relativeChange(), closeTo(-0.8, 1e-12));
              // the effective impressions: the alert's CTR is the nowcast
              assertThat(a.impressions() + "/" + a.clicks(), equalTo("500/5"));
              return null;
            });
    p.run().waitUntilFinish();
  }

  private static TimestampedValue<CtrResult> onTimeWithNowcast(
      String campaign, int startSec, long impressions, long clicks) {
    CtrResult r =
        result(campaign, window(startSec), impressions, clicks, ON_TIME, 1, false)
            .withNowcast(Nowcast.complete(impressions, clicks));
    return TimestampedValue.of(r, window(startSec).maxTimestamp());
  }
}
