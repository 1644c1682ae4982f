package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Attribution;
import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.UnattributedClick;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Joins clicks to impressions by {@code impr_id} and turns the join's accumulating panes into
 * signed per-campaign count changes.
 *
 * <p>Input: the {@link ParseEvents} tuple ({@link ParseEvents#IMPRESSIONS}, {@link
 * ParseEvents#CLICKS}). Output tags:
 *
 * <ul>
 *   <li>{@link #COUNT_CHANGES}: {@code KV<Impression, CtrCounts>} (the impression counted), each stamped with the
 *       impression's {@code ts}; summing them per fixed window gives the window's distinct
 *       impressions and distinct attributed clicks;
 *   <li>{@link #UNATTRIBUTED}: clicks that count in no CTR, once each, with the reason.
 * </ul>
 *
 * <p>A click is attributed iff an impression with its {@code impr_id} exists and {@code 0 <=
 * click.ts - impression.ts <= attributionWindow}. Duplicates are removed inside the join's
 * grouping (no separate shuffle): the earliest copy of an impression and of each click id wins.
 * See {@link CtrWindowing} for the windows and triggers.
 */
public class AttributeClicks extends PTransform<PCollectionTuple, PCollectionTuple> {
  public static final TupleTag<KV<Impression, CtrCounts>> COUNT_CHANGES = new TupleTag<>() {};
  public static final TupleTag<UnattributedClick> UNATTRIBUTED = new TupleTag<>() {};

  private final Duration attributionWindow;
  private final Duration allowedLateness;

  /**
   * @param attributionWindow the longest click delay that is attributed (inclusive)
   * @param allowedLateness how long after a join session late data is still accepted
   */
  public AttributeClicks(Duration attributionWindow, Duration allowedLateness) {
    this.attributionWindow = attributionWindow;
    this.allowedLateness = allowedLateness;
  }

  @Override
  public PCollectionTuple expand(PCollectionTuple events) {
    TupleTag<Impression> impressionsTag = new TupleTag<>();
    TupleTag<Click> clicksTag = new TupleTag<>();

    PCollection<KV<String, Impression>> impressions =
        events
            .get(ParseEvents.IMPRESSIONS)
            .apply("KeyImpressionsByImprId", WithKeys.of(Impression::imprId).withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), Impression.ImpressionCoder.of()))
            .apply("ImpressionSessions", CtrWindowing.joinWindows(attributionWindow, allowedLateness));
    PCollection<KV<String, Click>> clicks =
        events
            .get(ParseEvents.CLICKS)
            .apply("KeyClicksByImprId", WithKeys.of(Click::imprId).withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), Click.ClickCoder.of()))
            .apply("ClickSessions", CtrWindowing.joinWindows(attributionWindow, allowedLateness));

    PCollectionTuple changes =
        KeyedPCollectionTuple.of(impressionsTag, impressions)
            .and(clicksTag, clicks)
            .apply("JoinOnImprId", CoGroupByKey.create())
            .apply("DedupAndAttribute", ParDo.of(new ResolveSessionFn(impressionsTag, clicksTag, attributionWindow)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), Attribution.AttributionCoder.of()))
            // The count state must outlive a session's growth (merging changes its window).
            .apply("IntoGlobalWindow", Window.into(new GlobalWindows()))
            .apply(
                "EmitCountChanges",
                ParDo.of(new EmitCountChangesFn(attributionWindow, allowedLateness))
                    .withOutputTags(COUNT_CHANGES, TupleTagList.of(UNATTRIBUTED)));
    changes.get(COUNT_CHANGES).setCoder(KvCoder.of(Impression.ImpressionCoder.of(), CtrCounts.CtrCountsCoder.of()));
    changes.get(UNATTRIBUTED).setCoder(UnattributedClick.UnattributedClickCoder.of());
    return changes;
  }
}
