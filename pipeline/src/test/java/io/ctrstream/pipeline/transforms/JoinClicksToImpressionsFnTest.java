package io.ctrstream.pipeline.transforms;

import static io.ctrstream.pipeline.testing.Events.ATTRIBUTION;
import static io.ctrstream.pipeline.testing.Events.LATENESS;
import static io.ctrstream.pipeline.testing.Events.T0;
import static io.ctrstream.pipeline.testing.Events.WINDOW;
import static io.ctrstream.pipeline.testing.Events.at;
import static io.ctrstream.pipeline.testing.Events.click;
import static io.ctrstream.pipeline.testing.Events.impression;
import static io.ctrstream.pipeline.testing.Events.sec;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.RunSummary;
import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.CountChange;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.model.UnattributedClick;
import io.ctrstream.pipeline.model.UnattributedClick.Reason;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The join step alone ({@link AttributeClicks} → {@link JoinClicksToImpressionsFn}), one timeline
 * per situation: 15 s attribution window, 1 min allowed lateness, 30 s CTR windows. Each change is
 * shown as {@code impr_id@ts/campaign:(impressions,clicks)} with {@code ts} in seconds after T0.
 * Events that must be seen in order are separated by a watermark step.
 */
@RunWith(JUnit4.class)
public class JoinClicksToImpressionsFnTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final JoinTiming TIMING = JoinTiming.of(ATTRIBUTION, LATENESS, WINDOW, null, null);

  private static TestStream.Builder<RawEvent> stream() {
    return TestStream.create(RawEvent.RawEventCoder.of()).advanceWatermarkTo(T0);
  }

  private PCollectionTuple join(TestStream<RawEvent> events) {
    return p.apply(events)
        .apply(ParseEvents.fromText(EventTimeRange.standard()))
        .get(ParseEvents.EVENTS)
        .apply(new AttributeClicks(TIMING));
  }

  private static PCollection<String> changes(PCollectionTuple joined) {
    return joined
        .get(AttributeClicks.COUNT_CHANGES)
        .apply(
            MapElements.into(TypeDescriptors.strings())
                .via(
                    (KV<Impression, CountChange> c) ->
                        String.format(
                            "%s@%d/%s:(%d,%d)",
                            c.getKey().imprId(),
                            (c.getKey().ts() - T0.getMillis()) / 1000,
                            c.getKey().campaignId(),
                            c.getValue().impressions(),
                            c.getValue().clicks())));
  }

  private static UnattributedClick unattributed(
      String clickId, String imprId, long ts, Reason reason, Long impressionTs) {
    return new UnattributedClick(
        new Click(clickId, imprId, "u-" + imprId, ts), reason, impressionTs);
  }

  private static Instant step(double seconds) {
    return at(Math.round(seconds * 1000));
  }

  @Test
  public void impressionCountsAtOnceAndEachDistinctClickOnce() {
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(1)))
            .advanceWatermarkTo(step(1.5))
            .addElements(click("k1", "i1", sec(3)))
            .advanceWatermarkTo(step(3.5))
            .addElements(
                click("k1", "i1", sec(3)), impression("i1", "c1", sec(1))) // redelivered copies
            .advanceWatermarkTo(step(4))
            .addElements(
                click("k2", "i1", sec(16))) // the attribution window is inclusive: 15 s after
            .advanceWatermarkToInfinity();

    PCollectionTuple joined = join(events);

    PAssert.that(changes(joined))
        .containsInAnyOrder("i1@1/c1:(1,0)", "i1@1/c1:(0,1)", "i1@1/c1:(0,1)");
    PAssert.that(joined.get(AttributeClicks.UNATTRIBUTED)).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void clickBeforeItsImpressionWaitsForIt() {
    TestStream<RawEvent> events =
        stream()
            .addElements(click("k1", "i1", sec(8)))
            .advanceWatermarkTo(step(2))
            .addElements(impression("i1", "c1", sec(3)))
            .advanceWatermarkToInfinity();

    PCollectionTuple joined = join(events);

    PAssert.that(changes(joined)).containsInAnyOrder("i1@3/c1:(1,1)");
    PAssert.that(joined.get(AttributeClicks.UNATTRIBUTED)).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void anEarlierCopyThatArrivesLaterMovesTheImpressionAndItsClicks() {
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(31)))
            .advanceWatermarkTo(step(1))
            .addElements(click("k1", "i1", sec(33)))
            .advanceWatermarkTo(step(2))
            .addElements(impression("i1", "c2", sec(29))) // earliest ts wins, whatever its campaign
            .advanceWatermarkToInfinity();

    PCollectionTuple joined = join(events);

    PAssert.that(changes(joined))
        .containsInAnyOrder(
            "i1@31/c1:(1,0)", "i1@31/c1:(0,1)", "i1@31/c1:(-1,-1)", "i1@29/c2:(1,1)");
    p.run().waitUntilFinish();
  }

  @Test
  public void unattributedClicksAreReportedOnceEachWithTheirReason() {
    long a = ATTRIBUTION.getMillis();
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(10)), impression("i2", "c1", sec(10)))
            .addElements(
                click("before", "i1", sec(10) - 1),
                click("outside", "i2", sec(10) + a + 1),
                click("orphan", "nowhere", sec(12)))
            .advanceWatermarkTo(
                step(41)) // every verdict is due (the latest, "outside", at 40.002 s)
            .addElements(
                click("before", "i1", sec(10) - 1), click("orphan", "nowhere", sec(12))) // copies
            .advanceWatermarkToInfinity();

    PCollectionTuple joined = join(events);

    PAssert.that(changes(joined)).containsInAnyOrder("i1@10/c1:(1,0)", "i2@10/c1:(1,0)");
    PAssert.that(joined.get(AttributeClicks.UNATTRIBUTED))
        .containsInAnyOrder(
            unattributed("before", "i1", sec(10) - 1, Reason.BEFORE_IMPRESSION, sec(10)),
            unattributed(
                "outside", "i2", sec(10) + a + 1, Reason.OUTSIDE_ATTRIBUTION_WINDOW, sec(10)),
            unattributed("orphan", "nowhere", sec(12), Reason.NO_IMPRESSION, null));
    p.run().waitUntilFinish();
  }

  @Test
  public void aLateImpressionClaimsAClickAlreadyReportedAsAnOrphan() {
    TestStream<RawEvent> events =
        stream()
            .addElements(click("k1", "i1", sec(5)))
            .advanceWatermarkTo(step(30)) // k1's verdict is due: no impression
            .addElements(impression("i1", "c1", sec(2))) // late, but within the allowed lateness
            .advanceWatermarkToInfinity();

    PCollectionTuple joined = join(events);

    PAssert.that(changes(joined)).containsInAnyOrder("i1@2/c1:(1,1)");
    PAssert.that(joined.get(AttributeClicks.UNATTRIBUTED))
        .containsInAnyOrder(unattributed("k1", "i1", sec(5), Reason.NO_IMPRESSION, null));
    PipelineResult run = p.run();
    run.waitUntilFinish();
    assertThat(RunSummary.of(run).get("unattributed_clicks_claimed_late"), equalTo(1L));
  }

  @Test
  public void droppablyLateEventsAreDroppedAndCountedAndNothingCountsTwice() {
    // i1 at 1 s is counted in the window [0, 30 s), which accepts changes until 30 + 15 + 60 = 105
    // s:
    // the join keeps i1 as long, and past it a copy or a click of i1 is droppably late.
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(1)))
            .advanceWatermarkTo(step(106))
            .addElements(
                impression("i1", "c1", sec(1)),
                click("k1", "i1", sec(5)),
                click("k2", "nowhere", sec(6)))
            .advanceWatermarkToInfinity();

    PCollectionTuple joined = join(events);

    PAssert.that(changes(joined)).containsInAnyOrder("i1@1/c1:(1,0)");
    PAssert.that(joined.get(AttributeClicks.UNATTRIBUTED)).empty();
    PipelineResult run = p.run();
    run.waitUntilFinish();
    assertThat(RunSummary.of(run).get(RunSummary.LATE_EVENTS_DROPPED), equalTo(3L));
  }

  @Test
  public void impressionsOfOneShardKeepTheirOwnTimes() {
    // "Aa" and "BB" have the same String.hashCode, so one shard, one map and one timer hold both.
    // Aa at 1 s expires at 105 s (window [0, 30 s)), BB at 31 s at 135 s (window [30, 60 s)); Aa's
    // click at 17 s is outside its attribution window and due for its verdict at 32.001 s.
    assertThat(
        AttributeClicks.shardOf("Aa", JoinClicksToImpressionsFn.SHARDS),
        equalTo(AttributeClicks.shardOf("BB", JoinClicksToImpressionsFn.SHARDS)));
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("Aa", "c1", sec(1)), click("out", "Aa", sec(17)))
            .advanceWatermarkTo(step(33)) // the shard's timer fires at 32.001 s: out's verdict
            .addElements(impression("BB", "c1", sec(31)), click("out", "Aa", sec(17))) // a copy
            .advanceWatermarkTo(step(106)) // ... and at 105 s: Aa expires, BB stays
            .addElements(
                impression("Aa", "c1", sec(1)), // droppably late: 1 + 15 + 60 < 105
                impression("BB", "c1", sec(31)), // a copy: 31 + 75 = 106 is not passed
                click("k1", "BB", sec(35)))
            .advanceWatermarkToInfinity();

    PCollectionTuple joined = join(events);

    PAssert.that(changes(joined))
        .containsInAnyOrder("Aa@1/c1:(1,0)", "BB@31/c1:(1,0)", "BB@31/c1:(0,1)");
    PAssert.that(joined.get(AttributeClicks.UNATTRIBUTED))
        .containsInAnyOrder(
            new UnattributedClick(
                new Click("out", "Aa", "u-Aa", sec(17)),
                Reason.OUTSIDE_ATTRIBUTION_WINDOW,
                sec(1)));
    PipelineResult run = p.run();
    run.waitUntilFinish();
    assertThat(RunSummary.of(run).get(RunSummary.LATE_EVENTS_DROPPED), equalTo(1L));
    // the watermark passed both impressions' expiries: no impr_id is left in the join's state
    assertThat(RunSummary.of(run).get("join_keys_live"), equalTo(0L));
  }

  @Test
  public void lateButNotDroppablyLateEventsStillCount() {
    // at a watermark of 70 s, a click at 5 s is late (its impression's ON_TIME pane has fired) but
    // 5 + 15 + 60 = 80 s is not yet passed: it counts, in a LATE pane downstream
    TestStream<RawEvent> events =
        stream()
            .addElements(impression("i1", "c1", sec(1)))
            .advanceWatermarkTo(step(70))
            .addElements(click("k1", "i1", sec(5)))
            .advanceWatermarkToInfinity();

    PCollectionTuple joined = join(events);

    PAssert.that(changes(joined)).containsInAnyOrder("i1@1/c1:(1,0)", "i1@1/c1:(0,1)");
    PipelineResult run = p.run();
    run.waitUntilFinish();
    assertThat(RunSummary.of(run).get(RunSummary.LATE_EVENTS_DROPPED), equalTo(0L));
  }

  @Test
  public void onlyTheFieldsTheResultsNeedReachTheJoin() {
    TestStream<RawEvent> events =
        stream().addElements(impression("i1", "c1", sec(1))).advanceWatermarkToInfinity();

    PCollection<KV<Impression, CountChange>> changes =
        p.apply(events)
            .apply(
                ParseEvents.fromText(EventTimeRange.standard())
                    .keeping(
                        io.ctrstream.pipeline.model.Breakdown.fieldsOf(
                            List.of(io.ctrstream.pipeline.model.Breakdown.parse("device")))))
            .get(ParseEvents.EVENTS)
            .apply(new AttributeClicks(TIMING))
            .get(AttributeClicks.COUNT_CHANGES);

    PAssert.that(changes)
        .containsInAnyOrder(
            KV.of(
                new Impression(
                    "i1",
                    "",
                    "c1",
                    sec(1),
                    new java.util.TreeMap<>(java.util.Map.of("device", "mobile"))),
                new CountChange(1, 0, sec(1))));
    p.run().waitUntilFinish();
  }

  @Test
  public void aBoundedInputGivesTheSameNetCountsAndReportsEachUnattributedClickOnce() {
    long a = ATTRIBUTION.getMillis();
    // files mode: no watermark steps, every event in one bounded PCollection, in no given order
    PCollectionTuple joined =
        p.apply(
                org.apache.beam.sdk.transforms.Create.timestamped(
                        impression("i1", "c1", sec(31)),
                        click("k1", "i1", sec(33)),
                        impression("i1", "c2", sec(29)),
                        click("k1", "i1", sec(33)),
                        click("early", "i2", sec(8)),
                        impression("i2", "c1", sec(3)),
                        impression("i3", "c1", sec(10)),
                        click("before", "i3", sec(10) - 1),
                        click("outside", "i3", sec(10) + a + 1),
                        click("orphan", "nowhere", sec(12)),
                        click("orphan", "nowhere", sec(12)),
                        impression("i4", "c2", sec(40)))
                    .withCoder(RawEvent.RawEventCoder.of()))
            .apply(ParseEvents.fromText(EventTimeRange.standard()))
            .get(ParseEvents.EVENTS)
            .apply(new AttributeClicks(TIMING));
    assertThat(
        joined.get(AttributeClicks.COUNT_CHANGES).isBounded(),
        equalTo(PCollection.IsBounded.BOUNDED));

    // the changes depend on the arrival order; their sums per impression copy do not
    PCollection<String> net =
        changes(joined)
            .apply(
                "ByImpressionCopy",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via(
                        (String c) ->
                            KV.of(c.substring(0, c.indexOf(':')), c.substring(c.indexOf(':') + 1))))
            .apply(org.apache.beam.sdk.transforms.GroupByKey.create())
            .apply(
                "NetOfEachCopy",
                org.apache.beam.sdk.transforms.FlatMapElements.into(TypeDescriptors.strings())
                    .via(
                        kv -> {
                          int impressions = 0;
                          int clicks = 0;
                          for (String v : kv.getValue()) {
                            String[] n = v.substring(1, v.length() - 1).split(",");
                            impressions += Integer.parseInt(n[0]);
                            clicks += Integer.parseInt(n[1]);
                          }
                          return impressions == 0 && clicks == 0
                              ? List.of()
                              : List.of(kv.getKey() + ":(" + impressions + "," + clicks + ")");
                        }));

    PAssert.that(net)
        .containsInAnyOrder("i1@29/c2:(1,1)", "i2@3/c1:(1,1)", "i3@10/c1:(1,0)", "i4@40/c2:(1,0)");
    PAssert.that(joined.get(AttributeClicks.UNATTRIBUTED))
        .containsInAnyOrder(
            unattributed("before", "i3", sec(10) - 1, Reason.BEFORE_IMPRESSION, sec(10)),
            unattributed(
                "outside", "i3", sec(10) + a + 1, Reason.OUTSIDE_ATTRIBUTION_WINDOW, sec(10)),
            unattributed("orphan", "nowhere", sec(12), Reason.NO_IMPRESSION, null));
    p.run().waitUntilFinish();
  }
}
