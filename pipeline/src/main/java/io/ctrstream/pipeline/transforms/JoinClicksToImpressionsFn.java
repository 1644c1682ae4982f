package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.transforms.JoinState.KnownClick;
import java.util.UUID;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.options.PipelineOptions;
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
 * The impression–click join on a stream: one stateful step per {@code impr_id} (global window) that
 * applies {@link ImpressionJoin}'s rules and emits signed count changes, so that each impression
 * and each attributed click is counted exactly once whatever the arrival order.
 *
 * <p>Input {@code KV<impr_id, ParsedRecord>}, each an impression or a click; outputs {@link
 * AttributeClicks#COUNT_CHANGES} ({@code KV<Impression, CtrCounts>} stamped with the impression's
 * {@link JoinTiming#countedAt}) and {@link AttributeClicks#UNATTRIBUTED}.
 *
 * <p><b>Event time.</b> One timer per key, without an output timestamp: at any pending report time
 * of an unattributed click ({@link JoinTiming#reportAt}), else at the expiry, when the state is
 * dropped. Most keys (an impression whose clicks are all attributed) set it once and fire it once.
 * The CTR windows' ON_TIME panes need no hold here: the changes are stamped when their impression's
 * attribution window closes ({@link CtrWindowing}). An event that is droppably late ({@link
 * JoinTiming#droppablyLate}) by the watermark the step has observed ({@link ObservedWatermark}) is
 * dropped and counted in {@code late_events_dropped}.
 */
class JoinClicksToImpressionsFn extends DoFn<KV<String, ParsedRecord>, KV<Impression, CtrCounts>> {
  private final ImpressionJoin join;
  private final JoinTiming timing;

  /** Identifies this step for {@link ObservedWatermark}; the same in every deserialized copy. */
  private final String stepId = UUID.randomUUID().toString();

  private final Counter lateDropped = CtrMetrics.counter("late_events_dropped");

  /**
   * Keys ({@code impr_id}s) the join holds state for now: +1 when one is created, -1 when it
   * expires.
   */
  private final Counter keysLive = CtrMetrics.counter("join_keys_live");

  private transient ObservedWatermark watermark;

  @StateId("join")
  private final StateSpec<ValueState<JoinState>> joinSpec =
      StateSpecs.value(JoinState.JoinStateCoder.INSTANCE);

  @TimerId("join")
  private final TimerSpec joinTimer = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  JoinClicksToImpressionsFn(JoinTiming timing) {
    this.join = new ImpressionJoin(timing);
    this.timing = timing;
  }

  /**
   * Changes are stamped with the impression's {@link JoinTiming#countedAt}, which may be before the
   * element's own timestamp (a late click or copy); a change behind the watermark is late data for
   * the CTR windows, whose allowed lateness covers it ({@link CtrWindowing#resultLateness}).
   */
  @Override
  @SuppressWarnings("deprecation") // the supported way to move timestamps back in a DoFn
  public Duration getAllowedTimestampSkew() {
    return Duration.millis(Long.MAX_VALUE);
  }

  private ObservedWatermark watermark(PipelineOptions options) {
    if (watermark == null) {
      watermark = ObservedWatermark.of(options, stepId);
    }
    return watermark;
  }

  @ProcessElement
  public void process(
      @Element KV<String, ParsedRecord> element,
      @StateId("join") ValueState<JoinState> stateCell,
      @TimerId("join") Timer timer,
      PipelineOptions options,
      MultiOutputReceiver out) {
    ParsedRecord event = element.getValue();
    long known = watermark(options).passed();
    if (timing.droppablyLate(event.eventTime(), known)) {
      lateDropped.inc();
      return;
    }
    JoinState state = stateCell.read();
    if (state == null) {
      state = new JoinState(element.getKey());
      keysLive.inc();
    }
    ImpressionJoin.Output results = AttributeClicks.outputs(out, timing);
    boolean changed = join.take(state, event, results);
    known = Math.max(known, state.firedUpTo);
    changed |= join.report(state, known, results);
    changed |= schedule(state, timer, known);
    if (changed) {
      stateCell.write(state);
    }
  }

  @OnTimer("join")
  public void onTimer(
      OnTimerContext context,
      @StateId("join") ValueState<JoinState> stateCell,
      @TimerId("join") Timer timer,
      PipelineOptions options,
      MultiOutputReceiver out) {
    long firedAt = context.fireTimestamp().getMillis();
    watermark(options).timerFired(firedAt);
    JoinState state = stateCell.read();
    if (state == null) {
      return;
    }
    state.firedUpTo = Math.max(state.firedUpTo, firedAt);
    state.timerAt = 0;
    join.report(state, state.firedUpTo, AttributeClicks.outputs(out, timing));
    if (firedAt >= join.expiry(state)) {
      stateCell.clear();
      keysLive.dec();
      return;
    }
    schedule(state, timer, state.firedUpTo);
    stateCell.write(state);
  }

  /**
   * Sets the key's one timer for the next thing due after {@code watermarkPassed}: the earliest
   * pending report, else the expiry. True if the timer moved.
   */
  private boolean schedule(JoinState state, Timer timer, long watermarkPassed) {
    long next = Long.MAX_VALUE;
    for (KnownClick c : state.clicks) {
      long at = timing.reportAt(c.ts);
      if (!c.reported && at > watermarkPassed && at < next && join.verdict(state, c) != null) {
        next = at;
      }
    }
    if (next == Long.MAX_VALUE) {
      next = join.expiry(state);
    }
    if (next == state.timerAt) {
      return false;
    }
    timer.withNoOutputTimestamp().set(new Instant(next));
    state.timerAt = next;
    return true;
  }
}
