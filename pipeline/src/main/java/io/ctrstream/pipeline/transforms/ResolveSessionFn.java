package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Attribution;
import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.UnattributedClick;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;

/**
 * Resolves one join pane of one {@code impr_id}: picks the earliest copy of the impression and of
 * each click id, and decides for each distinct click whether it is attributed.
 *
 * <p>Input {@code KV<impr_id, CoGbkResult>} in a session window; output {@code KV<impr_id,
 * Attribution>} with the pane's timestamp (the session's earliest event).
 */
class ResolveSessionFn extends DoFn<KV<String, CoGbkResult>, KV<String, Attribution>> {
  private final TupleTag<Impression> impressionsTag;
  private final TupleTag<Click> clicksTag;
  private final long attributionWindowMillis;

  ResolveSessionFn(TupleTag<Impression> impressionsTag, TupleTag<Click> clicksTag, Duration attributionWindow) {
    this.impressionsTag = impressionsTag;
    this.clicksTag = clicksTag;
    this.attributionWindowMillis = attributionWindow.getMillis();
  }

  @ProcessElement
  public void process(
      @Element KV<String, CoGbkResult> joined,
      IntervalWindow session,
      PaneInfo pane,
      OutputReceiver<KV<String, Attribution>> out) {
    Impression impression = null;
    for (Impression copy : joined.getValue().getAll(impressionsTag)) {
      if (impression == null || Impression.compareCopies(copy, impression) < 0) {
        impression = copy;
      }
    }
    Map<String, Click> clicks = new TreeMap<>();
    for (Click copy : joined.getValue().getAll(clicksTag)) {
      clicks.merge(copy.clickId(), copy, (a, b) -> Click.COPY_ORDER.compare(a, b) <= 0 ? a : b);
    }
    List<String> attributed = new ArrayList<>();
    List<UnattributedClick> unattributed = new ArrayList<>();
    for (Click click : clicks.values()) {
      UnattributedClick.Reason reason = verdict(impression, click);
      if (reason == null) {
        attributed.add(click.clickId());
      } else {
        unattributed.add(new UnattributedClick(click, reason, impression == null ? null : impression.ts()));
      }
    }
    out.output(
        KV.of(
            joined.getKey(),
            new Attribution(
                impression,
                attributed,
                unattributed,
                session.start().getMillis(),
                session.end().getMillis(),
                pane.getTiming() != PaneInfo.Timing.EARLY)));
  }

  /** {@code null} if the click is attributed to the impression, else why not. */
  private UnattributedClick.Reason verdict(Impression impression, Click click) {
    if (impression == null) {
      return UnattributedClick.Reason.NO_IMPRESSION;
    }
    long delay = click.ts() - impression.ts();
    if (delay < 0) {
      return UnattributedClick.Reason.BEFORE_IMPRESSION;
    }
    return delay <= attributionWindowMillis ? null : UnattributedClick.Reason.OUTSIDE_ATTRIBUTION_WINDOW;
  }
}
