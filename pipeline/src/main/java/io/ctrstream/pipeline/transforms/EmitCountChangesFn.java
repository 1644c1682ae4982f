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
 * <p>Unattributed clicks are reported once the join's verdict is final (ON_TIME or LATE pane), once
 * per click id. State is dropped {@code allowedLateness} after the last session ends, when the join
 * can no longer emit a pane for it; the timer holds no watermark.
 */
class EmitCountChangesFn extends DoFn<KV<String, Attribution>, KV<String, CtrCounts>> {
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

  EmitCountChangesFn(Duration allowedLateness) {
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
      MultiOutputReceiver out) {
    Attribution next = element.getValue();
    if (next.impression() != null) {
      Attribution previous = counted.read();
      if (previous == null
          || next.supersedes(previous)
          || Impression.compareCopies(next.impression(), previous.impression()) < 0) {
        emitDifference(previous, next, out.get(AttributeClicks.COUNT_CHANGES));
        counted.write(next);
      } else if (!previous.supersedes(next)) {
        conflictingCopies.inc();
      }
    }
    if (next.verdictFinal()) {
      reportUnattributed(next, reported, out.get(AttributeClicks.UNATTRIBUTED));
    }
    long expiresAt = next.sessionEnd() + allowedLateness.getMillis();
    Long current = expiry.read();
    if (current == null || expiresAt > current) {
      expiry.write(expiresAt);
      expiryTimer.withNoOutputTimestamp().set(new Instant(expiresAt));
    }
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

  private void emitDifference(Attribution previous, Attribution next, OutputReceiver<KV<String, CtrCounts>> out) {
    Impression now = next.impression();
    long nowClicks = next.attributedClickIds().size();
    if (previous != null && previous.impression().equals(now)) {
      long more = nowClicks - previous.attributedClickIds().size();
      if (more != 0) {
        out.outputWithTimestamp(KV.of(now.campaignId(), new CtrCounts(0, more)), new Instant(now.ts()));
        clicksAttributed.inc(more);
      }
      return;
    }
    if (previous != null) {
      Impression before = previous.impression();
      long beforeClicks = previous.attributedClickIds().size();
      out.outputWithTimestamp(
          KV.of(before.campaignId(), new CtrCounts(-1, -beforeClicks)), new Instant(before.ts()));
      impressionsCounted.dec();
      clicksAttributed.dec(beforeClicks);
    }
    out.outputWithTimestamp(KV.of(now.campaignId(), new CtrCounts(1, nowClicks)), new Instant(now.ts()));
    impressionsCounted.inc();
    clicksAttributed.inc(nowClicks);
  }

  private void reportUnattributed(
      Attribution next, ValueState<List<String>> reported, OutputReceiver<UnattributedClick> out) {
    List<String> done = reported.read();
    List<String> updated = done == null ? new ArrayList<>() : new ArrayList<>(done);
    for (UnattributedClick click : next.unattributed()) {
      if (!updated.contains(click.click().clickId())) {
        updated.add(click.click().clickId());
        out.outputWithTimestamp(click, new Instant(click.click().ts()));
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
