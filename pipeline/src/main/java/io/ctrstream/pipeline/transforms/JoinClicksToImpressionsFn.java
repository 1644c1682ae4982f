package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CountChange;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.transforms.JoinState.KnownClick;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.state.MapState;
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
 * The impression–click join on a stream: one stateful step over shards of {@code impr_id}s (global
 * window) that applies {@link ImpressionJoin}'s rules to each {@code impr_id}'s {@link JoinState}
 * and emits signed count changes, so that each impression and each attributed click is counted
 * exactly once whatever the arrival order.
 *
 * <p>Input {@code KV<shard, KV<impr_id, ParsedRecord>>}, each an impression or a click, the shard
 * being {@link AttributeClicks#shardOf}{@code (impr_id, SHARDS)}; outputs {@link
 * AttributeClicks#COUNT_CHANGES} ({@code KV<Impression, CountChange>} stamped with the impression's
 * {@link JoinTiming#countedAt}) and {@link AttributeClicks#UNATTRIBUTED}.
 *
 * <p><b>State and timers per shard, not per {@code impr_id}.</b> A shard holds a map {@code impr_id
 * → JoinState} and one event-time timer, without an output timestamp, at the earliest time any of
 * its {@code impr_id}s is due: a pending report time of an unattributed click ({@link
 * JoinTiming#reportAt}), else the expiry, when that {@code impr_id}'s state is dropped. A firing
 * handles every {@code impr_id} of the shard that is due and sets the timer for the next. Why: on
 * Beam's Flink runner a timer per key cost more than the key's own state (a timer-queue entry and a
 * {@code pendingTimersById} map per key, both snapshotted at every checkpoint, and a sorted insert
 * and removal per impression); with {@value #SHARDS} shards an element costs a map read and write
 * and a read of the shard's timer time, and the timers fire once per shard and distinct due time
 * (expiries fall on CTR window ends, so about once a window), and the state per live impression is
 * a map entry instead of a key with its own bookkeeping (docs/architecture.md, "The join"). The
 * timer fires at every time a per-key timer would have (and, where an {@code impr_id}'s due time
 * moved later, at a few more, each passed by the watermark too), so {@link ObservedWatermark}
 * learns at least the same bound.
 *
 * <p><b>Never changed in place.</b> A {@link JoinState} read from the map is {@linkplain
 * JoinState#copy copied} before it is changed and the copy written back. With {@code --fasterCopy}
 * (ctrstream's default, {@code FlinkRunnerDefaults}) Flink's heap state backend hands out the
 * object that an asynchronous snapshot in progress is writing, instead of a copy made through the
 * coder of the whole shard's map; changed in place, it would put changes made after the
 * checkpoint's barrier into the checkpoint, and a restart would replay them a second time.
 *
 * <p><b>Event time.</b> The CTR windows' ON_TIME panes need no hold here: the changes are stamped
 * when their impression's attribution window closes ({@link CtrWindowing}). An event that is
 * droppably late ({@link JoinTiming#droppablyLate}) by the watermark the step has observed ({@link
 * ObservedWatermark}) is dropped and counted in {@code late_events_dropped}.
 */
class JoinClicksToImpressionsFn
    extends DoFn<KV<Integer, KV<String, ParsedRecord>>, KV<Impression, CountChange>> {
  /**
   * How many shards the {@code impr_id}s are spread over: many more than the subtasks (Flink's
   * maximum parallelism is 128 here), so that they spread evenly, and few enough that a shard's
   * timer is shared by thousands of {@code impr_id}s at a time.
   */
  static final int SHARDS = 1024;

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

  @StateId("joins")
  private final StateSpec<MapState<String, JoinState>> joinsSpec =
      StateSpecs.map(StringUtf8Coder.of(), JoinState.JoinStateCoder.INSTANCE);

  @StateId("timerAt")
  private final StateSpec<ValueState<Long>> timerAtSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("due")
  private final TimerSpec dueTimer = TimerSpecs.timer(TimeDomain.EVENT_TIME);

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
      @Element KV<Integer, KV<String, ParsedRecord>> element,
      @StateId("joins") MapState<String, JoinState> joins,
      @StateId("timerAt") ValueState<Long> timerAt,
      @TimerId("due") Timer timer,
      PipelineOptions options,
      MultiOutputReceiver out) {
    String imprId = element.getValue().getKey();
    ParsedRecord event = element.getValue().getValue();
    long known = watermark(options).passed();
    if (timing.droppablyLate(event.eventTime(), known)) {
      lateDropped.inc();
      return;
    }
    JoinState read = joins.get(imprId).read();
    JoinState state;
    if (read == null) {
      state = new JoinState(imprId);
      keysLive.inc();
    } else {
      state = read.copy();
    }
    ImpressionJoin.Output results = AttributeClicks.outputs(out, timing, true);
    boolean changed = join.take(state, event, results);
    known = Math.max(known, state.firedUpTo);
    changed |= join.report(state, known, results);
    if (schedule(state, known)) {
      changed = true;
      Long shardAt = timerAt.read();
      if (shardAt == null || state.timerAt < shardAt) {
        timer.withNoOutputTimestamp().set(new Instant(state.timerAt));
        timerAt.write(state.timerAt);
      }
    }
    if (changed) {
      joins.put(imprId, state);
    }
  }

  @OnTimer("due")
  public void onTimer(
      OnTimerContext context,
      @StateId("joins") MapState<String, JoinState> joins,
      @StateId("timerAt") ValueState<Long> timerAt,
      @TimerId("due") Timer timer,
      PipelineOptions options,
      MultiOutputReceiver out) {
    long firedAt = context.fireTimestamp().getMillis();
    watermark(options).timerFired(firedAt);
    ImpressionJoin.Output results = AttributeClicks.outputs(out, timing, true);
    long next = Long.MAX_VALUE;
    for (Map.Entry<String, JoinState> entry : joins.entries().read()) {
      JoinState read = entry.getValue();
      if (read.timerAt > firedAt) {
        next = Math.min(next, read.timerAt);
        continue;
      }
      JoinState state = read.copy();
      state.firedUpTo = Math.max(state.firedUpTo, firedAt);
      state.timerAt = 0;
      join.report(state, state.firedUpTo, results);
      if (firedAt >= join.expiry(state)) {
        joins.remove(entry.getKey());
        keysLive.dec();
        continue;
      }
      schedule(state, state.firedUpTo);
      joins.put(entry.getKey(), state);
      next = Math.min(next, state.timerAt);
    }
    if (next == Long.MAX_VALUE) {
      timerAt.clear();
    } else {
      timer.withNoOutputTimestamp().set(new Instant(next));
      timerAt.write(next);
    }
  }

  /**
   * Sets when {@code state} is next due after {@code watermarkPassed}: the earliest pending report,
   * else the expiry. True if that moved.
   */
  private boolean schedule(JoinState state, long watermarkPassed) {
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
    state.timerAt = next;
    return true;
  }
}
