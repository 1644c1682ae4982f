package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.LatestAndPrevious;
import io.ctrstream.pipeline.options.EventTimeConfig;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Keeps, per key, the newest complete window and the complete window before it, and emits both
 * whenever either changes.
 *
 * <p>Only complete panes (ON_TIME or LATE) count. A newer window shifts latest into previous; a
 * late pane of the latest or previous window revises it in place; a late pane of an older window
 * never moves latest backwards (it becomes previous only if it lies between previous and latest).
 *
 * <p>A key's state is dropped when the watermark passes its latest window's end plus the idle-key
 * retention ({@code --idleKeyRetention}, {@link EventTimeConfig#DEFAULT_IDLE_KEY_RETENTION} unless
 * {@link #withIdleKeyRetention} says otherwise): an event-time timer per key, set when the latest
 * window moves, holding no watermark. A key that comes back after that starts with no previous
 * window; the Redis writer then keeps the stored latest as previous ({@code NewerPanesOnly}).
 * Metrics: {@code tracked_keys_live}, {@code tracked_keys_expired}.
 */
public class TrackLatestAndPrevious
    extends PTransform<PCollection<CtrResult>, PCollection<LatestAndPrevious>> {
  private final Duration idleKeyRetention;

  /** Keeps each key's state for {@link EventTimeConfig#DEFAULT_IDLE_KEY_RETENTION}. */
  public TrackLatestAndPrevious() {
    this(EventTimeConfig.DEFAULT_IDLE_KEY_RETENTION);
  }

  private TrackLatestAndPrevious(Duration idleKeyRetention) {
    this.idleKeyRetention = idleKeyRetention;
  }

  /**
   * The same step, dropping a key's state once the watermark passes its latest window's end plus
   * {@code retention}.
   */
  public TrackLatestAndPrevious withIdleKeyRetention(Duration retention) {
    return new TrackLatestAndPrevious(retention);
  }

  @Override
  public PCollection<LatestAndPrevious> expand(PCollection<CtrResult> results) {
    return results
        .apply("CompletePanesPerKey", PanesPerKey.allComplete())
        .apply("KeepLatestTwo", ParDo.of(new KeepLatestTwoFn(idleKeyRetention)))
        .setCoder(LatestAndPrevious.LatestAndPreviousCoder.of());
  }

  static class KeepLatestTwoFn extends DoFn<KV<String, CtrResult>, LatestAndPrevious> {
    private final Duration idleKeyRetention;
    private final Counter live = CtrMetrics.counter("tracked_keys_live");
    private final Counter expired = CtrMetrics.counter("tracked_keys_expired");

    KeepLatestTwoFn(Duration idleKeyRetention) {
      this.idleKeyRetention = idleKeyRetention;
    }

    @StateId("latest")
    private final StateSpec<ValueState<CtrResult>> latestSpec =
        StateSpecs.value(CtrResult.CtrResultCoder.of());

    @StateId("previous")
    private final StateSpec<ValueState<CtrResult>> previousSpec =
        StateSpecs.value(CtrResult.CtrResultCoder.of());

    @TimerId("expiry")
    private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        @Element KV<String, CtrResult> element,
        @StateId("latest") ValueState<CtrResult> latestState,
        @StateId("previous") ValueState<CtrResult> previousState,
        @TimerId("expiry") Timer expiry,
        OutputReceiver<LatestAndPrevious> out) {
      CtrResult r = element.getValue();
      CtrResult latest = latestState.read();
      CtrResult previous = previousState.read();
      if (latest == null || r.windowStart() >= latest.windowStart()) {
        if (latest == null) {
          live.inc();
        } else if (r.windowStart() > latest.windowStart()) {
          previous = latest;
        }
        if (latest == null || r.windowStart() > latest.windowStart()) {
          expiry.withNoOutputTimestamp().set(new Instant(r.windowEnd()).plus(idleKeyRetention));
        }
        latest = r;
      } else if (previous == null || r.windowStart() >= previous.windowStart()) {
        previous = r;
      } else {
        return; // an older window than both: neither latest nor previous changes
      }
      latestState.write(latest);
      if (previous != null) {
        previousState.write(previous);
      }
      out.output(new LatestAndPrevious(latest, previous));
    }

    /** The key was idle for the retention: its state goes. */
    @OnTimer("expiry")
    public void onExpiry(
        @StateId("latest") ValueState<CtrResult> latestState,
        @StateId("previous") ValueState<CtrResult> previousState) {
      latestState.clear();
      previousState.clear();
      live.dec();
      expired.inc();
    }
  }
}
