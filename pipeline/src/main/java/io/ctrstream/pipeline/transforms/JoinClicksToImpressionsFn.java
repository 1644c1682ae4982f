package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.UnattributedClick;
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
 * The impression–click join: one stateful step per {@code impr_id} (global window) that
 * deduplicates both streams, attributes clicks and emits signed count changes, so that each
 * impression and each attributed click is counted exactly once whatever the arrival order.
 *
 * <p>Input {@code KV<impr_id, ParsedRecord>}, each an impression or a click; outputs {@link AttributeClicks#COUNT_CHANGES} ({@code
 * KV<Impression, CtrCounts>} stamped with the impression's {@code ts}) and {@link
 * AttributeClicks#UNATTRIBUTED}.
 *
 * <ul>
 *   <li><b>Impressions.</b> The earliest copy wins ({@link Impression#compareCopies}). The first
 *       copy emits {@code (+1, attributed clicks)}; a copy that wins later emits {@code (-1, -c)} for
 *       the old copy and {@code (+1, c')} for itself (it may move the impression to another window
 *       or campaign).
 *   <li><b>Clicks.</b> The earliest copy of each {@code click_id} counts. A click is attributed iff
 *       {@link JoinTiming#attributes}; each change of the number of attributed clicks emits {@code
 *       (0, ±n)}. Clicks that come before their impression wait for it in the state.
 *   <li><b>Unattributed clicks</b> are reported once each, with the reason, when the watermark has
 *       passed {@link JoinTiming#reportAt}. If a late impression claims one afterwards it is
 *       counted, and {@code unattributed_clicks_claimed_late} says so.
 *   <li><b>Event time.</b> One timer per key: first at {@link JoinTiming#holdEnd} with output
 *       timestamp {@code ts}, which holds the output watermark so that the CTR windows' ON_TIME
 *       panes wait for on-time clicks; then (no hold) at any pending report time; last at the
 *       expiry, when the state is dropped. An event that is droppably late ({@link
 *       JoinTiming#droppablyLate}) by the watermark the step has observed ({@link
 *       ObservedWatermark}) is dropped and counted in {@code late_events_dropped}.
 * </ul>
 */
class JoinClicksToImpressionsFn extends DoFn<KV<String, ParsedRecord>, KV<Impression, CtrCounts>> {
  private final JoinTiming timing;
  /** Identifies this step for {@link ObservedWatermark}; the same in every deserialized copy. */
  private final String stepId = UUID.randomUUID().toString();

  private final Counter impressionsCounted = CtrMetrics.counter("impressions_counted");
  private final Counter clicksAttributed = CtrMetrics.counter("clicks_attributed");
  private final Counter clicksUnattributed = CtrMetrics.counter("clicks_unattributed");
  private final Counter claimedLate = CtrMetrics.counter("unattributed_clicks_claimed_late");
  private final Counter conflictingCopies = CtrMetrics.counter("impression_copies_conflicting");
  private final Counter lateDropped = CtrMetrics.counter("late_events_dropped");
  /** Keys ({@code impr_id}s) the join holds state for now: +1 when one is created, -1 when it expires. */
  private final Counter keysLive = CtrMetrics.counter("join_keys_live");

  private transient ObservedWatermark watermark;

  @StateId("join")
  private final StateSpec<ValueState<JoinState>> joinSpec = StateSpecs.value(JoinState.JoinStateCoder.INSTANCE);

  @TimerId("join")
  private final TimerSpec joinTimer = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  JoinClicksToImpressionsFn(JoinTiming timing) {
    this.timing = timing;
  }

  /**
   * Changes are stamped with the impression's {@code ts}, which may be before the element's own
   * timestamp (a click, a late copy); a change behind the watermark is late data for the CTR
   * windows, whose allowed lateness covers it ({@link CtrWindowing#resultLateness}).
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
    boolean changed = event.impression() != null
        ? impression(state, event.impression(), out)
        : click(state, event.click(), out);
    known = Math.max(known, state.firedUpTo);
    changed |= report(state, known, out);
    changed |= schedule(state, timer, known);
    if (changed) {
      stateCell.write(state);
    }
  }

  @OnTimer("join")
  public void onTimer(
      OnTimerContext context, @StateId("join") ValueState<JoinState> stateCell, @TimerId("join") Timer timer,
      PipelineOptions options, MultiOutputReceiver out) {
    long firedAt = context.fireTimestamp().getMillis();
    watermark(options).timerFired(firedAt);
    JoinState state = stateCell.read();
    if (state == null) {
      return;
    }
    state.firedUpTo = Math.max(state.firedUpTo, firedAt);
    state.timerAt = 0;
    report(state, state.firedUpTo, out);
    if (firedAt >= expiry(state)) {
      stateCell.clear();
      keysLive.dec();
      return;
    }
    schedule(state, timer, state.firedUpTo);
    stateCell.write(state);
  }

  /** Takes an impression copy; true if the state changed. */
  private boolean impression(JoinState state, Impression copy, MultiOutputReceiver out) {
    Impression old = state.impression;
    if (old != null && Impression.compareCopies(copy, old) >= 0) {
      if (!copy.equals(old)) {
        conflictingCopies.inc();
      }
      return false;
    }
    OutputReceiver<KV<Impression, CtrCounts>> changes = out.get(AttributeClicks.COUNT_CHANGES);
    if (old != null) {
      changes.outputWithTimestamp(KV.of(old, new CtrCounts(-1, -state.countedClicks)), new Instant(old.ts()));
      impressionsCounted.dec();
      clicksAttributed.dec(state.countedClicks);
      conflictingCopies.inc();
    }
    state.impression = copy;
    int attributed = attributedClicks(state);
    for (KnownClick c : state.clicks) {
      if (c.reported && timing.attributes(copy.ts(), c.ts)) {
        claimedLate.inc();
      }
    }
    changes.outputWithTimestamp(KV.of(copy, new CtrCounts(1, attributed)), new Instant(copy.ts()));
    impressionsCounted.inc();
    clicksAttributed.inc(attributed);
    state.countedClicks = attributed;
    return true;
  }

  /** Takes a click copy; true if the state changed. */
  private boolean click(JoinState state, Click copy, MultiOutputReceiver out) {
    KnownClick known = state.click(copy.clickId());
    if (known != null && Click.COPY_ORDER.compare(copy, known.toClick(state.imprId)) >= 0) {
      return false;
    }
    if (known != null) {
      state.clicks.remove(known);
    }
    state.addClick(new KnownClick(copy.clickId(), copy.userId(), copy.ts(), known != null && known.reported));
    if (state.impression != null) {
      int attributed = attributedClicks(state);
      if (attributed != state.countedClicks) {
        Impression i = state.impression;
        out.get(AttributeClicks.COUNT_CHANGES).outputWithTimestamp(
            KV.of(i, new CtrCounts(0, attributed - state.countedClicks)), new Instant(i.ts()));
        clicksAttributed.inc(attributed - state.countedClicks);
        state.countedClicks = attributed;
      }
    }
    return true;
  }

  private int attributedClicks(JoinState state) {
    int n = 0;
    for (KnownClick c : state.clicks) {
      if (timing.attributes(state.impression.ts(), c.ts)) {
        n++;
      }
    }
    return n;
  }

  /** Why {@code click} is not attributed, or {@code null} if it is. */
  private UnattributedClick.Reason verdict(JoinState state, KnownClick click) {
    if (state.impression == null) {
      return UnattributedClick.Reason.NO_IMPRESSION;
    }
    if (timing.attributes(state.impression.ts(), click.ts)) {
      return null;
    }
    return click.ts < state.impression.ts()
        ? UnattributedClick.Reason.BEFORE_IMPRESSION
        : UnattributedClick.Reason.OUTSIDE_ATTRIBUTION_WINDOW;
  }

  /** Reports the unattributed clicks whose verdict is due by {@code watermarkPassed}; true if any. */
  private boolean report(JoinState state, long watermarkPassed, MultiOutputReceiver out) {
    boolean any = false;
    for (KnownClick c : state.clicks) {
      if (c.reported || timing.reportAt(c.ts) > watermarkPassed) {
        continue;
      }
      UnattributedClick.Reason reason = verdict(state, c);
      if (reason != null) {
        Long impressionTs = state.impression == null ? null : state.impression.ts();
        out.get(AttributeClicks.UNATTRIBUTED).outputWithTimestamp(
            new UnattributedClick(c.toClick(state.imprId), reason, impressionTs), new Instant(c.ts));
        clicksUnattributed.inc();
        c.reported = true;
        any = true;
      }
    }
    return any;
  }

  /** When the state is dropped: see {@link JoinTiming#impressionExpiry} and {@link JoinTiming#clicksExpiry}. */
  private long expiry(JoinState state) {
    if (state.impression != null) {
      return timing.impressionExpiry(state.impression.ts());
    }
    long latest = Long.MIN_VALUE;
    for (KnownClick c : state.clicks) {
      latest = Math.max(latest, c.ts);
    }
    return timing.clicksExpiry(latest);
  }

  /**
   * Sets the key's one timer for the next thing due after {@code watermarkPassed}: the end of the
   * impression's hold (holding the output watermark at its {@code ts}), else the earliest pending
   * report, else the expiry. True if the timer moved.
   */
  private boolean schedule(JoinState state, Timer timer, long watermarkPassed) {
    long next = Long.MAX_VALUE;
    Impression i = state.impression;
    boolean hold = i != null && timing.holdEnd(i.ts()) > watermarkPassed;
    if (hold) {
      next = timing.holdEnd(i.ts());
    }
    for (KnownClick c : state.clicks) {
      long at = timing.reportAt(c.ts);
      if (!c.reported && at > watermarkPassed && at < next && verdict(state, c) != null) {
        next = at;
      }
    }
    if (next == Long.MAX_VALUE) {
      next = expiry(state);
    }
    if (next == state.timerAt && hold == state.timerHolds) {
      return false;
    }
    if (hold) {
      timer.withOutputTimestamp(new Instant(i.ts())).set(new Instant(next));
    } else {
      timer.withNoOutputTimestamp().set(new Instant(next));
    }
    state.timerAt = next;
    state.timerHolds = hold;
    return true;
  }
}
