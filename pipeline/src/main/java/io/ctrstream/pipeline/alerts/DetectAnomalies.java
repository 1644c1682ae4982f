package io.ctrstream.pipeline.alerts;

import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.Alert.Severity;
import io.ctrstream.pipeline.model.Alert.Status;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.nowcast.NowcastBasis;
import io.ctrstream.pipeline.options.EventTimeConfig;
import io.ctrstream.pipeline.transforms.CtrMetrics;
import io.ctrstream.pipeline.transforms.PanesPerKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
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
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * SPIKE/DROP alerts: each complete pane (ON_TIME or LATE) of a watched key's window is tested
 * against the key's baseline ({@link Baseline}) with the two-proportion z-test ({@link Verdict});
 * with {@link AlertSettings#openWindows()}, also each EARLY pane whose nowcast rests on click
 * delays, on its nowcast (input: the published results, which carry it). Only complete windows make
 * a baseline.
 *
 * <p>Per key (global window, stateful) it keeps the newest counts of its last {@value #HISTORY}
 * complete windows and the verdict last published for each. A pane emits an alert only when the
 * window's verdict changes:
 *
 * <ul>
 *   <li>not significant → significant: {@code RAISED}, unless the same kind was raised for this key
 *       for a window starting less than {@code cooldown} earlier; then it is suppressed (counted in
 *       {@code alerts_suppressed_cooldown}) and stays suppressed for that window;
 *   <li>significant → significant with another kind or severity: {@code CORRECTED};
 *   <li>significant → not significant: {@code RETRACTED}.
 * </ul>
 *
 * A late pane that leaves the verdict as it was emits nothing, so alerts are never duplicated. A
 * window is judged against the windows before it as they are known when its pane arrives.
 *
 * <p>A key's history and verdicts are dropped when the watermark passes the end of the newest
 * window it had a pane of plus the idle-key retention ({@code --idleKeyRetention}, {@link
 * EventTimeConfig#DEFAULT_IDLE_KEY_RETENTION} unless {@link #withIdleKeyRetention} says otherwise):
 * an event-time timer per key, holding no watermark. A key that comes back after that builds a new
 * baseline. Metrics: {@code alert_keys_live}, {@code alert_keys_expired}.
 */
public class DetectAnomalies extends PTransform<PCollection<CtrResult>, PCollection<Alert>> {
  /** How many complete windows per key the baseline and the verdicts remember. */
  public static final int HISTORY = 64;

  private final AlertSettings settings;
  private final Duration idleKeyRetention;

  /** Alerts by {@code settings}, each key's state kept for the default idle-key retention. */
  public DetectAnomalies(AlertSettings settings) {
    this(settings, EventTimeConfig.DEFAULT_IDLE_KEY_RETENTION);
  }

  private DetectAnomalies(AlertSettings settings, Duration idleKeyRetention) {
    this.settings = settings;
    this.idleKeyRetention = idleKeyRetention;
  }

  /**
   * The same step, dropping a key's state once the watermark passes the end of its newest window
   * plus {@code retention}.
   */
  public DetectAnomalies withIdleKeyRetention(Duration retention) {
    return new DetectAnomalies(settings, retention);
  }

  @Override
  public PCollection<Alert> expand(PCollection<CtrResult> results) {
    Set<String> watched = settings.dimensions();
    PCollection<KV<String, CtrResult>> panes =
        settings.openWindows()
            ? results.apply(
                "WatchedPanesAndNowcastsPerKey",
                PanesPerKey.withNowcasts(
                    "WatchedPanesAndNowcasts",
                    r -> watched.contains(r.dimension()) && (r.isComplete() || hasEstimate(r))))
            : results.apply(
                "CompleteWatchedPanes", PanesPerKey.complete(r -> watched.contains(r.dimension())));
    return panes
        .apply("TestAgainstBaseline", ParDo.of(new DetectFn(settings, idleKeyRetention)))
        .setCoder(Alert.AlertCoder.of());
  }

  /** An open window's pane whose nowcast rests on click delays (CAMPAIGN or POOLED). */
  static boolean hasEstimate(CtrResult r) {
    return !r.isComplete()
        && r.nowcast() != null
        && r.nowcast().clicksSeenFraction() != null
        && (r.nowcast().basis() == NowcastBasis.CAMPAIGN
            || r.nowcast().basis() == NowcastBasis.POOLED);
  }

  static final class DetectFn extends DoFn<KV<String, CtrResult>, Alert> {
    /** Verdict markers kept per window start. */
    private static final String SUPPRESSED = "SUPPRESSED:";

    private final AlertSettings settings;
    private final Duration idleKeyRetention;
    private final Counter live = CtrMetrics.counter("alert_keys_live");
    private final Counter expired = CtrMetrics.counter("alert_keys_expired");
    private final Counter raised = CtrMetrics.counter("alerts_raised");
    private final Counter corrected = CtrMetrics.counter("alerts_corrected");
    private final Counter retracted = CtrMetrics.counter("alerts_retracted");
    private final Counter suppressed = CtrMetrics.counter("alerts_suppressed_cooldown");
    private final Counter tested = CtrMetrics.counter("alert_panes_tested");
    private final Counter openTested = CtrMetrics.counter("alert_open_panes_tested");
    private final Counter raisedOpen = CtrMetrics.counter("alerts_raised_open_window");

    @StateId("history")
    private final StateSpec<ValueState<List<CtrResult>>> historySpec =
        StateSpecs.value(ListCoder.of(CtrResult.CtrResultCoder.of()));

    /** window start → "SPIKE:WARNING" (published) or "SUPPRESSED:SPIKE" */
    @StateId("verdicts")
    private final StateSpec<ValueState<Map<Long, String>>> verdictsSpec =
        StateSpecs.value(MapCoder.of(VarLongCoder.of(), StringUtf8Coder.of()));

    /** When the key's state goes (epoch ms): the newest window end seen plus the retention. */
    @StateId("expiresAt")
    private final StateSpec<ValueState<Long>> expiresAtSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("expiry")
    private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    DetectFn(AlertSettings settings, Duration idleKeyRetention) {
      this.settings = settings;
      this.idleKeyRetention = idleKeyRetention;
    }

    @ProcessElement
    public void process(
        @Element KV<String, CtrResult> element,
        @StateId("history") ValueState<List<CtrResult>> historyState,
        @StateId("verdicts") ValueState<Map<Long, String>> verdictsState,
        @StateId("expiresAt") ValueState<Long> expiresAt,
        @TimerId("expiry") Timer expiry,
        OutputReceiver<Alert> out) {
      CtrResult r = element.getValue();
      if (!r.isComplete() && historyState.read() == null) {
        return; // nothing to judge an open window against, nothing to keep
      }
      Long at = expiresAt.read();
      long due = r.windowEnd() + idleKeyRetention.getMillis();
      if (at == null || due > at) {
        if (at == null) {
          live.inc();
        }
        expiry.withNoOutputTimestamp().set(new Instant(due));
        expiresAt.write(due);
      }
      List<CtrResult> history =
          historyState.read() == null ? new ArrayList<>() : new ArrayList<>(historyState.read());
      if (r.isComplete()) { // an open window's pane is judged, never part of a baseline
        history.removeIf(h -> h.windowStart() == r.windowStart());
        history.add(r.withNowcast(null));
        history.sort(Comparator.comparingLong(CtrResult::windowStart));
        while (history.size() > HISTORY) {
          history.remove(0);
        }
        historyState.write(history);
      } else if (history.isEmpty()) {
        return;
      }

      TreeMap<Long, String> verdicts =
          verdictsState.read() == null ? new TreeMap<>() : new TreeMap<>(verdictsState.read());
      verdicts.headMap(history.get(0).windowStart()).clear();
      try {
        judge(r, history, verdicts, out);
      } finally {
        verdictsState.write(verdicts);
      }
    }

    private void judge(
        CtrResult r,
        List<CtrResult> history,
        TreeMap<Long, String> verdicts,
        OutputReceiver<Alert> out) {
      List<CtrResult> earlier =
          history.stream().filter(h -> h.windowStart() < r.windowStart()).toList();
      Baseline baseline = Baseline.of(earlier, settings.baseline(), settings.ewmaAlpha());
      if (baseline == null) {
        return;
      }
      boolean open = hasEstimate(r);
      // an open window is tested on its nowcast: its clicks so far against its effective
      // impressions, so that clicks / impressions is the nowcast
      double impressions =
          open ? r.impressions() * r.nowcast().clicksSeenFraction() : r.impressions();
      Verdict v = Verdict.of(impressions, r.clicks(), baseline, settings);
      tested.inc();
      if (open) {
        openTested.inc();
      }
      String before = verdicts.get(r.windowStart());
      if (before != null && before.startsWith(SUPPRESSED)) {
        if (!v.significant()) {
          verdicts.remove(r.windowStart());
        }
        return; // a suppressed window stays quiet
      }
      String now = v.significant() ? v.kind() + ":" + v.severity() : null;
      if (before == null && now == null || now != null && now.equals(before)) {
        return;
      }
      if (before == null) {
        if (inCooldown(r.windowStart(), v.kind(), verdicts)) {
          verdicts.put(r.windowStart(), SUPPRESSED + v.kind());
          suppressed.inc();
          return;
        }
        verdicts.put(r.windowStart(), now);
        out.output(alert(r, baseline, v, v.kind(), v.severity(), Status.RAISED));
        raised.inc();
        if (open) {
          raisedOpen.inc();
        }
      } else if (now == null) {
        verdicts.remove(r.windowStart());
        Alert.Kind was = Alert.Kind.valueOf(before.substring(0, before.indexOf(':')));
        out.output(alert(r, baseline, v, was, Severity.NONE, Status.RETRACTED));
        retracted.inc();
      } else {
        verdicts.put(r.windowStart(), now);
        out.output(alert(r, baseline, v, v.kind(), v.severity(), Status.CORRECTED));
        corrected.inc();
      }
    }

    /** Whether a published alert of the same kind is less than the cooldown before this window. */
    private boolean inCooldown(long windowStart, Alert.Kind kind, TreeMap<Long, String> verdicts) {
      long since = windowStart - settings.cooldown().getMillis();
      for (Map.Entry<Long, String> e :
          verdicts.subMap(since, false, windowStart, false).entrySet()) {
        if (e.getValue().startsWith(kind + ":")) {
          return true;
        }
      }
      return false;
    }

    /**
     * The alert of a pane. An open window's (tested on its nowcast) gives its effective
     * impressions, rounded, so that the alert's CTR is its nowcast.
     */
    private Alert alert(
        CtrResult r, Baseline b, Verdict v, Alert.Kind kind, Severity severity, Status status) {
      return new Alert(
          r.dimension(),
          r.key(),
          r.windowStart(),
          r.windowEnd(),
          kind,
          severity,
          status,
          settings.baseline(),
          hasEstimate(r)
              ? Math.round(r.impressions() * r.nowcast().clicksSeenFraction())
              : r.impressions(),
          r.clicks(),
          b.impressions(),
          b.clicks(),
          v.z(),
          v.pValue(),
          v.relativeChange());
    }

    /** The key was idle for the retention: its baseline and verdicts go. */
    @OnTimer("expiry")
    public void onExpiry(
        @StateId("history") ValueState<List<CtrResult>> historyState,
        @StateId("verdicts") ValueState<Map<Long, String>> verdictsState,
        @StateId("expiresAt") ValueState<Long> expiresAt) {
      historyState.clear();
      verdictsState.clear();
      expiresAt.clear();
      live.dec();
      expired.inc();
    }
  }
}
