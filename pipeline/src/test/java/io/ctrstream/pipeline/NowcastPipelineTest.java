package io.ctrstream.pipeline;

import static io.ctrstream.pipeline.testing.Events.EARLY_PERIOD;
import static io.ctrstream.pipeline.testing.Events.T0;
import static io.ctrstream.pipeline.testing.Events.click;
import static io.ctrstream.pipeline.testing.Events.config;
import static io.ctrstream.pipeline.testing.Events.impression;
import static io.ctrstream.pipeline.testing.Events.result;
import static io.ctrstream.pipeline.testing.Events.sec;
import static io.ctrstream.pipeline.testing.Events.window;
import static org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing.EARLY;
import static org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing.ON_TIME;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;

import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.nowcast.Nowcast;
import io.ctrstream.pipeline.nowcast.NowcastBasis;
import io.ctrstream.pipeline.nowcast.WilsonInterval;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The published panes' nowcasts on a timeline (docs/nowcast.md): 30 s windows, 15 s attribution
 * window (delay bins with edges 0, 250, 354, 500, 707, 1000, 1414, 2000, 2828, 4000, 5657, 8000,
 * 11314, 15000 ms; 1 s cohorts of impression time), early panes 5 s after the first change.
 */
@RunWith(JUnit4.class)
public class NowcastPipelineTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final IntervalWindow W30 = window(30);

  /**
   * 60 impressions of campaign {@code h} in the first millis of the first window, every one
   * clicked: 30 after 1 s, 30 after 10 s. So F is 0 up to 707 ms, rises to 1/2 at 1 s, stays 1/2 to
   * 8 s and reaches 1 at 11.3 s; pooled, from 60 clicks (at least 50), once the cohort is older
   * than the attribution window.
   */
  private static List<TimestampedValue<RawEvent>> history() {
    List<TimestampedValue<RawEvent>> events = new ArrayList<>();
    for (int k = 0; k < 60; k++) {
      long ts = sec(0) + k;
      events.add(impression("h" + k, "h", ts));
      events.add(click("hk" + k, "h" + k, ts + (k < 30 ? 1_000 : 10_000)));
    }
    return events;
  }

  @Test
  public void anEarlyPaneIsNowcastAndLaterPanesCarryTheRawCtr() {
    // window [30 s, 60 s) of campaign c1: 100 impressions at 40 s, 10 of them clicked at 41 s, 20
    // impressions at 45 s
    List<TimestampedValue<RawEvent>> open = new ArrayList<>();
    for (int k = 0; k < 100; k++) {
      open.add(impression("a" + k, "c1", sec(40)));
    }
    for (int k = 0; k < 10; k++) {
      open.add(click("ak" + k, "a" + k, sec(41)));
    }
    for (int k = 0; k < 20; k++) {
      open.add(impression("b" + k, "c1", sec(45)));
    }
    TestStream<RawEvent> events =
        TestStream.create(RawEvent.RawEventCoder.of())
            .advanceWatermarkTo(T0)
            .addElements(
                history().get(0), history().subList(1, 120).toArray(new TimestampedValue[0]))
            .addElements(open.get(0), open.subList(1, open.size()).toArray(new TimestampedValue[0]))
            .advanceProcessingTime(EARLY_PERIOD.plus(Duration.millis(1)))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());
    PCollection<CtrResult> w30 =
        out.published()
            .apply(
                Filter.by(
                    (CtrResult r) ->
                        r.windowStart() == W30.start().getMillis()
                            && r.dimension().equals(CtrResult.CAMPAIGN)));

    // The EARLY pane's event time is its newest event, 45 s. Impressions are binned by 30 s / 64 =
    // 468.75 ms: those at 40 s lie in [39.844 s, 40.312 s], 4.7 to 5.2 s old: F = 1/2, all 100 of
    // them. Those at 45 s lie in the bin from 45 s, up to t: 0 ms old, F = 0. So the effective
    // impressions are 100 · 1/2 = 50 and the nowcast is 10 / 50 = 0.2 (raw: 10 / 120), with
    // Wilson's interval on 10 of 50 and 50 / 120 of the expected clicks in.
    WilsonInterval wilson = WilsonInterval.of95(10, 50);
    assertThat(wilson.lower(), closeTo(0.1124, 1e-4));
    assertThat(wilson.upper(), closeTo(0.3304, 1e-4));
    Nowcast early =
        new Nowcast(0.2, wilson.lower(), wilson.upper(), 50 / 120.0, NowcastBasis.POOLED);
    PAssert.that(w30)
        .containsInAnyOrder(
            result("c1", W30, 120, 10, EARLY, 0, false).withNowcast(early),
            result("c1", W30, 120, 10, ON_TIME, 1, true).withNowcast(Nowcast.complete(120, 10)));
    // The history window's EARLY pane, at its newest event (10.059 s) and before the second
    // window's
    // events, has no distribution yet: its one cohort is younger than the attribution window, so
    // no impression is known to have had all its clicks.
    PAssert.that(
            out.published()
                .apply(
                    "W0",
                    Filter.by(
                        (CtrResult r) ->
                            r.windowStart() == T0.getMillis()
                                && r.dimension().equals(CtrResult.CAMPAIGN))))
        .containsInAnyOrder(
            result("h", window(0), 60, 60, EARLY, 0, false)
                .withNowcast(new Nowcast(1.0, null, null, null, NowcastBasis.NONE)),
            result("h", window(0), 60, 60, ON_TIME, 1, true).withNowcast(Nowcast.complete(60, 60)));
    // the windows' own results carry no nowcast
    PAssert.that(
            out.results()
                .apply(
                    "W30Results",
                    Filter.by((CtrResult r) -> r.windowStart() == W30.start().getMillis())))
        .satisfies(
            rs -> {
              rs.forEach(r -> assertThat(r.nowcast() == null, org.hamcrest.Matchers.is(true)));
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void aCampaignIdleForAWeekLosesItsOwnDelayModel() {
    int day = 86_400;
    // campaign "old": 200 impressions at 0 s, each clicked 1 s later: a model of its own
    List<TimestampedValue<RawEvent>> own = new ArrayList<>();
    for (int k = 0; k < 200; k++) {
      own.add(impression("o" + k, "old", sec(0) + k));
      own.add(click("ok" + k, "o" + k, sec(1) + k));
    }
    TestStream<RawEvent> events =
        TestStream.create(RawEvent.RawEventCoder.of())
            .advanceWatermarkTo(T0)
            .addElements(own.get(0), own.subList(1, own.size()).toArray(new TimestampedValue[0]))
            .advanceProcessingTime(EARLY_PERIOD.plus(Duration.millis(1)))
            // a day on: "old" is nowcast on its own model (the pane's event time, its click at 2 s,
            // is 1 s after its impression: F = 1, so there is an estimate)
            .addElements(impression("d1", "old", sec(day + 1)), click("d1k", "d1", sec(day + 2)))
            .advanceProcessingTime(EARLY_PERIOD.plus(Duration.millis(1)))
            // nine days on: another campaign's click is the newest; "old" has had none for eight
            // days, so the next look drops its model and its pane falls back to the pooled one
            .addElements(
                impression("x9", "other", sec(9 * day)), click("x9k", "x9", sec(9 * day + 1)))
            .advanceProcessingTime(EARLY_PERIOD.plus(Duration.millis(1)))
            .addElements(
                impression("d9", "old", sec(9 * day + 10)), click("d9k", "d9", sec(9 * day + 12)))
            .advanceProcessingTime(EARLY_PERIOD.plus(Duration.millis(1)))
            .advanceWatermarkToInfinity();

    CtrGraph.Outputs out = CtrGraph.compute(p.apply(events), config());
    PAssert.that(
            out.published()
                .apply(
                    Filter.by(
                        (CtrResult r) ->
                            r.key().equals("old")
                                && r.dimension().equals(CtrResult.CAMPAIGN)
                                && !r.isComplete()
                                && r.windowStart() > T0.getMillis())))
        .satisfies(
            panes -> {
              java.util.Map<Long, NowcastBasis> basis = new java.util.TreeMap<>();
              panes.forEach(r -> basis.put(r.windowStart(), r.nowcast().basis()));
              assertThat(
                  basis,
                  org.hamcrest.Matchers.equalTo(
                      java.util.Map.of(
                          window(day).start().getMillis(), NowcastBasis.CAMPAIGN,
                          window(9 * day).start().getMillis(), NowcastBasis.POOLED)));
              return null;
            });
    p.run().waitUntilFinish();
  }
}
