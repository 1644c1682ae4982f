package io.ctrstream.pipeline;

import static io.ctrstream.pipeline.testing.Events.ATTRIBUTION;
import static io.ctrstream.pipeline.testing.Events.EARLY_PERIOD;
import static io.ctrstream.pipeline.testing.Events.LATENESS;
import static io.ctrstream.pipeline.testing.Events.T0;
import static io.ctrstream.pipeline.testing.Events.at;
import static io.ctrstream.pipeline.testing.Events.click;
import static io.ctrstream.pipeline.testing.Events.config;
import static io.ctrstream.pipeline.testing.Events.expired;
import static io.ctrstream.pipeline.testing.Events.impression;
import static io.ctrstream.pipeline.testing.Events.onTime;
import static io.ctrstream.pipeline.testing.Events.panesOf;
import static io.ctrstream.pipeline.testing.Events.result;
import static io.ctrstream.pipeline.testing.Events.sec;
import static io.ctrstream.pipeline.testing.Events.window;
import static org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing.EARLY;
import static org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing.LATE;
import static org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing.ON_TIME;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.LatestAndPrevious;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.model.UnattributedClick;
import io.ctrstream.pipeline.model.UnattributedClick.Reason;
import io.ctrstream.pipeline.transforms.CtrWindowing;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The event-time contract of {@link CtrPipeline#compute}, one timeline per situation: 30 s windows,
 * 15 s attribution window, early panes 5 s after the first change, 1 min allowed lateness.
 */
@RunWith(JUnit4.class)
public class CtrPipelineTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final IntervalWindow W0 = window(0);
  private static final IntervalWindow W30 = window(30);

  private static TestStream.Builder<RawEvent> stream() {
    return TestStream.create(RawEvent.RawEventCoder.of()).advanceWatermarkTo(T0);
  }

  private static UnattributedClick unattributed(
      String clickId, String imprId, long ts, Reason reason, Long impressionTs) {
    return new UnattributedClick(
        new Click(clickId, imprId, "u-" + imprId, ts), reason, impressionTs);
  }

  @Test
  public void onTimeWindowCountsUnclickedImpressions() {
    TestStream<RawEvent> events =
        stream()
            .addElements(
                impression("i1", "c1", sec(1)),
                impression("i2", "c1", sec(2)),
                impression("i3", "c1", sec(3)))
            .addElements(click("k1", "i1", sec(5)))
            .advanceWatermarkTo(onTime(W0))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inWindow(panesOf(W0))
        .containsInAnyOrder(
            result("c1", W0, 3, 1, ON_TIME, 0, false), result("c1", W0, 3, 1, LATE, 1, true));
    PAssert.that(out.results()).inWindow(panesOf(W30)).empty();
    PAssert.that(out.unattributed()).empty();
    PAssert.that(out.deadLetters()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void earlyPanesAreSpeculativeThenOnTimeThenFinal() {
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(1)), impression("i2", "c1", sec(2)))
            .advanceProcessingTime(EARLY_PERIOD.plus(Duration.millis(1)))
            .addElements(click("k1", "i1", sec(4)))
            .advanceProcessingTime(EARLY_PERIOD.plus(Duration.millis(1)))
            .advanceWatermarkTo(W0.end().plus(ATTRIBUTION).plus(Duration.standardSeconds(1)))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inWindow(panesOf(W0))
        .containsInAnyOrder(
            result("c1", W0, 2, 0, EARLY, 0, false),
            result("c1", W0, 2, 1, EARLY, 1, false),
            result("c1", W0, 2, 1, ON_TIME, 2, false),
            result("c1", W0, 2, 1, LATE, 3, true));
    PAssert.that(out.results())
        .inOnTimePane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 2, 1, ON_TIME, 2, false));
    PAssert.that(out.results())
        .inFinalPane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 2, 1, LATE, 3, true));
    p.run().waitUntilFinish();
  }

  @Test
  public void onTimePaneWaitsForTheAttributionWindowAfterTheWindowEnds() {
    // The impression at 29 s may still be clicked until 44 s: the window's on-time pane must wait,
    // though the watermark passed the window's end at 30 s.
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(29)))
            .advanceWatermarkTo(at(40_000))
            .addElements(click("k1", "i1", sec(43)))
            .advanceWatermarkTo(onTime(W0))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inOnTimePane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 1, 1, ON_TIME, 0, false));
    PAssert.that(out.results())
        .inFinalPane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 1, 1, LATE, 1, true));
    PAssert.that(out.results()).inWindow(panesOf(W30)).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void onTimePaneFiresAtTheWindowEndPlusTheAttributionWindowWhateverItsImpressionsTimes() {
    // The window's only impression (5 s) can be clicked until 20 s, yet the on-time pane waits
    // until 45 s (end + attribution window, as documented): an impression at 29 s that comes when
    // the watermark is at 31 s is still in it.
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(5)))
            .advanceWatermarkTo(at(31_000))
            .addElements(impression("i2", "c1", sec(29)))
            .advanceWatermarkTo(onTime(W0))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inOnTimePane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 2, 0, ON_TIME, 0, false));
    PAssert.that(out.results())
        .inFinalPane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 2, 0, LATE, 1, true));
    p.run().waitUntilFinish();
  }

  @Test
  public void lateClickWithinAllowedLatenessRevisesTheWindow() {
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(1)), impression("i2", "c1", sec(2)))
            .advanceWatermarkTo(at(50_000)) // past W0 + attribution window: on-time pane (2, 0)
            .addElements(
                click("k1", "i1", sec(5))) // 45 s behind the watermark, within the 1 min lateness
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inWindow(panesOf(W0))
        .containsInAnyOrder(
            result("c1", W0, 2, 0, ON_TIME, 0, false),
            result("c1", W0, 2, 1, LATE, 1, false),
            result("c1", W0, 2, 1, LATE, 2, true));
    PAssert.that(out.results())
        .inFinalPane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 2, 1, LATE, 2, true));
    p.run().waitUntilFinish();
  }

  @Test
  public void droppablyLateDataIsNotCountedButIsCountedInTheMetric() {
    Duration pastExpiry =
        Duration.standardSeconds(30)
            .plus(CtrWindowing.resultLateness(ATTRIBUTION, LATENESS))
            .plus(Duration.standardSeconds(1));
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(1)))
            .advanceWatermarkTo(onTime(W0))
            .advanceWatermarkTo(
                T0.plus(pastExpiry)) // W0 and the sessions of its impressions have expired
            .addElements(click("k1", "i1", sec(5)), impression("i2", "c1", sec(6)))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inWindow(panesOf(W0))
        .containsInAnyOrder(
            result("c1", W0, 1, 0, ON_TIME, 0, false), result("c1", W0, 1, 0, LATE, 1, true));
    PAssert.that(out.unattributed()).empty();
    PipelineResult run = p.run();
    run.waitUntilFinish();
    assertThat(RunSummary.of(run).get(RunSummary.LATE_EVENTS_DROPPED), equalTo(2L));
  }

  @Test
  public void clickBeforeItsImpressionArrivesIsAttributedWhenItDoes() {
    TestStream<RawEvent> events =
        stream()
            .addElements(click("k1", "i1", sec(8)))
            .advanceProcessingTime(EARLY_PERIOD.plus(Duration.millis(1)))
            .addElements(impression("i1", "c1", sec(3)))
            .advanceWatermarkTo(onTime(W0))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inOnTimePane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 1, 1, ON_TIME, 0, false));
    PAssert.that(out.results())
        .inFinalPane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 1, 1, LATE, 1, true));
    PAssert.that(out.unattributed()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void clickInTheNextWindowCountsInTheImpressionsWindow() {
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(29.9)))
            .addElements(click("k1", "i1", sec(30.5)))
            .advanceWatermarkTo(onTime(W0))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inWindow(panesOf(W0))
        .containsInAnyOrder(
            result("c1", W0, 1, 1, ON_TIME, 0, false), result("c1", W0, 1, 1, LATE, 1, true));
    PAssert.that(out.results()).inWindow(panesOf(W30)).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void attributionWindowIsInclusiveAtBothEnds() {
    long a = ATTRIBUTION.getMillis();
    TestStream<RawEvent> events =
        stream()
            .addElements(
                impression("i0", "c1", sec(1)),
                impression("iA", "c1", sec(2)),
                impression("iA1", "c1", sec(3)),
                impression("iNeg", "c1", sec(4)))
            .addElements(
                click("k0", "i0", sec(1)),
                click("kA", "iA", sec(2) + a),
                click("kA1", "iA1", sec(3) + a + 1),
                click("kNeg", "iNeg", sec(4) - 1))
            .advanceWatermarkTo(onTime(W0))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inOnTimePane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 4, 2, ON_TIME, 0, false));
    PAssert.that(out.results())
        .inFinalPane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 4, 2, LATE, 1, true));
    PAssert.that(out.unattributed())
        .containsInAnyOrder(
            unattributed("kA1", "iA1", sec(3) + a + 1, Reason.OUTSIDE_ATTRIBUTION_WINDOW, sec(3)),
            unattributed("kNeg", "iNeg", sec(4) - 1, Reason.BEFORE_IMPRESSION, sec(4)));
    p.run().waitUntilFinish();
  }

  @Test
  public void duplicatesCountOnceAndTheEarliestCopyWins() {
    TestStream<RawEvent> events =
        stream()
            // the same impression and click delivered twice
            .addElements(impression("i1", "c1", sec(1)), impression("i1", "c1", sec(1)))
            .addElements(click("k1", "i1", sec(2)), click("k1", "i1", sec(2)))
            // copies that disagree: the later-arriving copy at 29 s wins over 31 s and moves i2
            // into W0
            .addElements(impression("i2", "c2", sec(31)))
            .advanceProcessingTime(EARLY_PERIOD.plus(Duration.millis(1)))
            .addElements(impression("i2", "c2", sec(29)), click("k2", "i2", sec(33)))
            // click copies that disagree: the earliest copy (9 s, attributed) wins over 20 s
            // (outside)
            .addElements(
                impression("i3", "c1", sec(4)),
                click("k3", "i3", sec(20)),
                click("k3", "i3", sec(9)))
            .advanceWatermarkTo(onTime(W0))
            .advanceWatermarkTo(onTime(W30))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    // the early pane (after 5 s) saw i1 and k1 only; i2 was then still in W30
    PAssert.that(out.results())
        .inWindow(panesOf(W0))
        .containsInAnyOrder(
            result("c1", W0, 1, 1, EARLY, 0, false),
            result("c1", W0, 2, 2, ON_TIME, 1, false),
            result("c1", W0, 2, 2, LATE, 2, true),
            result("c2", W0, 1, 1, ON_TIME, 0, false),
            result("c2", W0, 1, 1, LATE, 1, true));
    // c2's early pane in W30 said (1, 0); its later panes correct it to nothing
    PAssert.that(out.results())
        .inWindow(panesOf(W30))
        .containsInAnyOrder(
            result("c2", W30, 1, 0, EARLY, 0, false),
            result("c2", W30, 0, 0, ON_TIME, 1, false),
            result("c2", W30, 0, 0, LATE, 2, true));
    PAssert.that(out.unattributed()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void everyDistinctClickCountsEvenSeveralPerImpression() {
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(1)), impression("i2", "c1", sec(2)))
            .addElements(
                click("k1", "i1", sec(3)), click("k2", "i1", sec(7)), click("k3", "i1", sec(12)))
            .advanceWatermarkTo(onTime(W0))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inOnTimePane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 2, 3, ON_TIME, 0, false));
    PAssert.that(out.results())
        .inFinalPane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 2, 3, LATE, 1, true));
    p.run().waitUntilFinish();
  }

  @Test
  public void orphanClicksAreReportedAndWindowsWithoutClicksStillCount() {
    TestStream<RawEvent> events =
        stream()
            .addElements(
                impression("i1", "c1", sec(1)),
                impression("i2", "c1", sec(31)),
                impression("i3", "c2", sec(32)))
            .addElements(click("k9", "nowhere", sec(33)))
            .advanceWatermarkTo(onTime(W30))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.results())
        .inOnTimePane(panesOf(W0))
        .containsInAnyOrder(result("c1", W0, 1, 0, ON_TIME, 0, false));
    PAssert.that(out.results())
        .inOnTimePane(panesOf(W30))
        .containsInAnyOrder(
            result("c1", W30, 1, 0, ON_TIME, 0, false), result("c2", W30, 1, 0, ON_TIME, 0, false));
    PAssert.that(out.results())
        .inFinalPane(panesOf(W30))
        .containsInAnyOrder(
            result("c1", W30, 1, 0, LATE, 1, true), result("c2", W30, 1, 0, LATE, 1, true));
    PAssert.that(out.unattributed())
        .containsInAnyOrder(unattributed("k9", "nowhere", sec(33), Reason.NO_IMPRESSION, null));
    p.run().waitUntilFinish();
  }

  @Test
  public void latestNeverMovesBackwardsUnderLatePanes() {
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("a", "c1", sec(1)))
            .advanceWatermarkTo(onTime(W0))
            .addElements(impression("b", "c1", sec(31)))
            .advanceWatermarkTo(onTime(W30))
            .addElements(click("ka", "a", sec(2))) // late for W0: revises W0, latest stays W30
            .advanceWatermarkTo(
                expired(W0)) // W0's final pane: previous is revised, latest stays W30
            .advanceWatermarkTo(expired(W30)) // W30's final pane: latest is revised in place
            .addElements(impression("c", "c1", sec(140)))
            .advanceWatermarkToInfinity(); // W120 on time and final: latest W120, previous W30

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());

    PAssert.that(out.latestAndPrevious())
        .containsInAnyOrder(
            new LatestAndPrevious(result("c1", W0, 1, 0, ON_TIME, 0, false), null),
            new LatestAndPrevious(
                result("c1", W30, 1, 0, ON_TIME, 0, false),
                result("c1", W0, 1, 0, ON_TIME, 0, false)),
            new LatestAndPrevious(
                result("c1", W30, 1, 0, ON_TIME, 0, false), result("c1", W0, 1, 1, LATE, 1, false)),
            // at the end every window closes: W0 and W30 with final panes, W60 on time and final
            new LatestAndPrevious(
                result("c1", W30, 1, 0, ON_TIME, 0, false), result("c1", W0, 1, 1, LATE, 2, true)),
            new LatestAndPrevious(
                result("c1", W30, 1, 0, LATE, 1, true), result("c1", W0, 1, 1, LATE, 2, true)),
            new LatestAndPrevious(
                result("c1", window(120), 1, 0, ON_TIME, 0, true),
                result("c1", W30, 1, 0, LATE, 1, true)));
    p.run().waitUntilFinish();
  }
}
