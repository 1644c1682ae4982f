package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Attribution;
import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.UnattributedClick;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Turns the join's accumulating panes into signed count changes, so that each impression and each
 * attributed click is counted exactly once however many panes mention it.
 *
 * <p>Per {@code impr_id} (global window) it remembers the last {@link Attribution} it counted. A
 * later pane of the same session replaces it and the difference is emitted: {@code (0, +n)} for
 * new clicks; {@code (-1, -c)} for the old impression and {@code (+1, +c')} for the new one if the
 * winning copy changed (e.g. a late copy with an earlier {@code ts} that moves it to another
 * window). A pane of a different, non-overlapping session of the same id (copies further apart in
 * event time than the attribution window) counts only if its impression is the earlier copy.
 *
 * <p>Until {@code ts + attributionWindow} it holds the output watermark at the impression's {@code
 * ts}, so that a CTR window's ON_TIME pane includes every click that is on time for the join.
 *
 * <p>Unattributed clicks are reported once the join's verdict is final (ON_TIME or LATE pane), once
 * per click id. State is dropped {@code allowedLateness} after the last session ends, when the join
 * can no longer emit a pane for it; the timer holds no watermark.
 */
class EmitCountChangesFn extends DoFn<KV<String, Attribution>, KV<Impression, CtrCounts>> {
  private final Duration attributionWindow;
  private final Duration allowedLateness;

  private final Counter impressionsCounted = CtrMetrics.counter("impressions_counted");
  private final Counter clicksAttributed = CtrMetrics.counter("clicks_attributed");
  private final Counter clicksUnattributed = CtrMetrics.counter("clicks_unattributed");
  private final Counter claimedLate = CtrMetrics.counter("unattributed_clicks_claimed_late");
  private final Counter conflictingCopies = CtrMetrics.counter("impression_copies_beyond_session");

  @StateId("counted")
  private final StateSpec<ValueState<Attribution>> countedSpec =
      StateSpecs.value(Attribution.AttributionCoder.of());

  @StateId("reported")
  private final StateSpec<ValueState<List<String>>> reportedSpec =
      StateSpecs.value(ListCoder.of(StringUtf8Coder.of()));

  @StateId("expiry")
  private final StateSpec<ValueState<Long>> expirySpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("expiry")
  private final TimerSpec expiryTimer = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  @TimerId("attributionOpen")
  private final TimerSpec attributionOpenTimer = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  EmitCountChangesFn(Duration attributionWindow, Duration allowedLateness) {
    this.attributionWindow = attributionWindow;
    this.allowedLateness = allowedLateness;
  }

  /**
   * Changes are stamped with the impression's {@code ts}, which can precede the join pane's
   * timestamp: the session combiner is EARLIEST, but Beam stamps a pane of late data at the end of
   * its window. A change that thereby lands behind the watermark is late data for the CTR windows,
   * whose allowed lateness covers it ({@link CtrWindowing#resultLateness}).
   */
  @Override
  @SuppressWarnings("deprecation") // the supported way to move timestamps back in a DoFn
  public Duration getAllowedTimestampSkew() {
    return Duration.millis(Long.MAX_VALUE);
  }

  @ProcessElement
  public void process(
      @Element KV<String, Attribution> element,
      @StateId("counted") ValueState<Attribution> counted,
      @StateId("reported") ValueState<List<String>> reported,
      @StateId("expiry") ValueState<Long> expiry,
      @TimerId("expiry") Timer expiryTimer,
      @TimerId("attributionOpen") Timer attributionOpenTimer,
      MultiOutputReceiver out) {
    Attribution next = element.getValue();
    if (next.impression() != null) {
      Attribution previous = counted.read();
      if (previous == null
          || next.supersedes(previous)
          || Impression.compareCopies(next.impression(), previous.impression()) < 0) {
        emitDifference(previous, next, out.get(AttributeClicks.COUNT_CHANGES));
        counted.write(next);
        if (!next.verdictFinal()) {
          holdWatermarkUntilAttributionCloses(next.impression(), attributionOpenTimer);
        }
      } else if (!previous.supersedes(next)) {
        conflictingCopies.inc();
      }
    }
    if (next.verdictFinal()) {
      reportUnattributed(next, counted.read(), reported, out.get(AttributeClicks.UNATTRIBUTED));
    }
    long expiresAt = next.sessionEnd() + allowedLateness.getMillis();
    Long current = expiry.read();
    if (current == null || expiresAt > current) {
      expiry.write(expiresAt);
      expiryTimer.withNoOutputTimestamp().set(new Instant(expiresAt));
    }
  }

  /**
   * The join fires early on every element, and after an early pane Beam holds the join's output
   * watermark only at the session's end, which may be after the impression's CTR window has ended.
   * Until {@code ts + attributionWindow}, on-time clicks may still come for this impression, so the
   * CTR window of the impression must not fire its ON_TIME pane yet: this timer holds the output
   * watermark at the impression's {@code ts} until then. Not until the session's end: a stream of
   * clicks on one impression keeps its session open, and must not stall every window.
   */
  private void holdWatermarkUntilAttributionCloses(Impression impression, Timer attributionOpenTimer) {
    attributionOpenTimer
        .withOutputTimestamp(new Instant(impression.ts()))
        .set(new Instant(impression.ts()).plus(CtrWindowing.sessionGap(attributionWindow)));
  }

  @OnTimer("attributionOpen")
  public void onAttributionClosed() {
    // Nothing to do: firing releases the watermark hold.
  }

  @OnTimer("expiry")
  public void onExpiry(
      @StateId("counted") ValueState<Attribution> counted,
      @StateId("reported") ValueState<List<String>> reported,
      @StateId("expiry") ValueState<Long> expiry) {
    counted.clear();
    reported.clear();
    expiry.clear();
  }

  /**
   * A click more than the attribution window away from its impression lands in a session of its
   * own, where it looks like an orphan; if the impression is still known here, say so precisely.
   */
  private static UnattributedClick precise(UnattributedClick click, Attribution counted) {
    if (click.reason() != UnattributedClick.Reason.NO_IMPRESSION || counted == null) {
      return click;
    }
    long impressionTs = counted.impression().ts();
    return new UnattributedClick(
        click.click(),
        click.click().ts() < impressionTs
            ? UnattributedClick.Reason.BEFORE_IMPRESSION
            : UnattributedClick.Reason.OUTSIDE_ATTRIBUTION_WINDOW,
        impressionTs);
  }

  private void emitDifference(Attribution previous, Attribution next, OutputReceiver<KV<Impression, CtrCounts>> out) {
    Impression now = next.impression();
    long nowClicks = next.attributedClickIds().size();
    if (previous != null && previous.impression().equals(now)) {
      long more = nowClicks - previous.attributedClickIds().size();
      if (more != 0) {
        out.outputWithTimestamp(KV.of(now, new CtrCounts(0, more)), new Instant(now.ts()));
        clicksAttributed.inc(more);
      }
      return;
    }
    if (previous != null) {
      Impression before = previous.impression();
      long beforeClicks = previous.attributedClickIds().size();
      out.outputWithTimestamp(
          KV.of(before, new CtrCounts(-1, -beforeClicks)), new Instant(before.ts()));
      impressionsCounted.dec();
      clicksAttributed.dec(beforeClicks);
    }
    out.outputWithTimestamp(KV.of(now, new CtrCounts(1, nowClicks)), new Instant(now.ts()));
    impressionsCounted.inc();
    clicksAttributed.inc(nowClicks);
  }

  private void reportUnattributed(
      Attribution next,
      Attribution counted,
      ValueState<List<String>> reported,
      OutputReceiver<UnattributedClick> out) {
    List<String> done = reported.read();
    List<String> updated = done == null ? new ArrayList<>() : new ArrayList<>(done);
    for (UnattributedClick click : next.unattributed()) {
      if (!updated.contains(click.click().clickId())) {
        updated.add(click.click().clickId());
        out.outputWithTimestamp(precise(click, counted), new Instant(click.click().ts()));
        clicksUnattributed.inc();
      }
    }
    // A click reported as unattributed that a late impression now claims is counted in the CTR;
    // the unattributed record already written stays, and this counter says how often that happened.
    if (updated.removeAll(next.attributedClickIds())) {
      claimedLate.inc();
    }
    if (done == null ? !updated.isEmpty() : !updated.equals(done)) {
      reported.write(updated);
    }
  }
}
