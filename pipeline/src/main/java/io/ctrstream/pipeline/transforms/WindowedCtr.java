package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CountChange;
import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.CtrSums;
import io.ctrstream.pipeline.model.DimensionKey;
import io.ctrstream.pipeline.model.OpenPane;
import io.ctrstream.pipeline.nowcast.ImpressionTimes;
import io.ctrstream.pipeline.options.EventTimeConfig;
import io.ctrstream.pipeline.options.Trend;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;

/**
 * Sums count changes per key into event-time windows and emits one {@link CtrResult} per key,
 * window and pane. Windowing and triggers: {@link CtrWindowing#resultWindows} (fixed windows, the
 * results) or {@link CtrWindowing#trendWindows} (sliding windows, the trend).
 *
 * <p>Input {@code KV<DimensionKey, CountChange>} stamped with {@link JoinTiming#countedAt} of the
 * impression they count; the results carry the impression-time window ({@link
 * CtrWindowing#impressionWindow}).
 */
public class WindowedCtr
    extends PTransform<PCollection<KV<DimensionKey, CountChange>>, PCollectionTuple> {
  /** One result per key, window and pane. */
  public static final TupleTag<CtrResult> RESULTS = new TupleTag<>() {};

  /**
   * The EARLY panes again, with what the nowcast needs (docs/nowcast.md); empty unless {@link
   * #withOpenPanes}.
   */
  public static final TupleTag<OpenPane> OPEN_PANES = new TupleTag<>() {};

  private final Window<KV<DimensionKey, CountChange>> windowing;
  private final Duration attributionWindow;
  private final boolean openPanes;

  /**
   * @param windowing one of {@link CtrWindowing}'s result windowings
   * @param attributionWindow the attribution window it was made for (its windows' shift)
   */
  public WindowedCtr(Window<KV<DimensionKey, CountChange>> windowing, Duration attributionWindow) {
    this(windowing, attributionWindow, false);
  }

  private WindowedCtr(
      Window<KV<DimensionKey, CountChange>> windowing,
      Duration attributionWindow,
      boolean openPanes) {
    this.windowing = windowing;
    this.attributionWindow = attributionWindow;
    this.openPanes = openPanes;
  }

  /** This transform, with the EARLY panes also at {@link #OPEN_PANES}. */
  public WindowedCtr withOpenPanes() {
    return new WindowedCtr(windowing, attributionWindow, true);
  }

  /**
   * The CTR windows: fixed windows of {@code eventTime.windowSize()}, as {@link
   * CtrWindowing#resultWindows}, with its early firing period, attribution window (the windows wait
   * for it) and allowed lateness.
   */
  public static WindowedCtr fixed(EventTimeConfig eventTime) {
    return new WindowedCtr(
        CtrWindowing.resultWindows(
            eventTime.windowSize(),
            eventTime.earlyFiringPeriod(),
            eventTime.attributionWindow(),
            eventTime.allowedLateness()),
        eventTime.attributionWindow());
  }

  /**
   * The trend: sliding windows of {@code trend}, as {@link CtrWindowing#trendWindows}, with the
   * panes and lateness of {@code eventTime}.
   */
  public static WindowedCtr trend(Trend trend, EventTimeConfig eventTime) {
    return new WindowedCtr(
        CtrWindowing.trendWindows(
            trend.size(),
            trend.period(),
            eventTime.earlyFiringPeriod(),
            eventTime.attributionWindow(),
            eventTime.allowedLateness()),
        eventTime.attributionWindow());
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<DimensionKey, CountChange>> changes) {
    PCollectionTuple out =
        changes
            .apply("Windows", windowing)
            // Beam's Flink runner lifts combiners in batch only: sum within each bundle before the
            // shuffle
            .apply("SumPerBundle", ParDo.of(new SumChangesPerBundle(attributionWindow)))
            .setCoder(KvCoder.of(DimensionKey.DimensionKeyCoder.of(), CtrSums.CtrSumsCoder.of()))
            // V3: the accumulator holds impression times and the newest ts since the nowcast
            .apply("SumCountsV3", Combine.perKey(new CtrCombineFn()))
            .apply(
                "ToCtrResult",
                ParDo.of(new ToResultFn(attributionWindow, openPanes))
                    .withOutputTags(RESULTS, TupleTagList.of(OPEN_PANES)));
    out.get(RESULTS).setCoder(CtrResult.CtrResultCoder.of());
    out.get(OPEN_PANES).setCoder(OpenPane.OpenPaneCoder.of());
    return out;
  }

  /**
   * The pane's timing. A batch runner (Flink on bounded input) fires every window exactly once,
   * after all input is known, and calls that timing UNKNOWN: it is the on-time result.
   */
  static PaneInfo.Timing timing(PaneInfo pane) {
    return pane.getTiming() == PaneInfo.Timing.UNKNOWN ? PaneInfo.Timing.ON_TIME : pane.getTiming();
  }

  static class ToResultFn extends DoFn<KV<DimensionKey, CtrSums>, CtrResult> {
    private final Counter panes = CtrMetrics.counter("result_panes");
    private final Counter onTimePanes = CtrMetrics.counter("result_panes_on_time");
    private final Duration attributionWindow;
    private final boolean openPanes;

    ToResultFn(Duration attributionWindow, boolean openPanes) {
      this.attributionWindow = attributionWindow;
      this.openPanes = openPanes;
    }

    @ProcessElement
    public void process(
        @Element KV<DimensionKey, CtrSums> sums,
        IntervalWindow shifted,
        PaneInfo pane,
        MultiOutputReceiver out) {
      CtrCounts counts = sums.getValue().counts();
      if (pane.getIndex() == 0 && counts.equals(CtrCounts.ZERO)) {
        // Every impression that reached this window so far moved to an earlier one (an earlier
        // copy won): nothing was ever published for it, so there is nothing to correct yet.
        return;
      }
      IntervalWindow window = CtrWindowing.impressionWindow(shifted, attributionWindow);
      CtrResult result =
          new CtrResult(
              sums.getKey().dimension(),
              sums.getKey().value(),
              window.start().getMillis(),
              window.end().getMillis(),
              counts,
              timing(pane),
              pane.getIndex(),
              pane.isLast());
      out.get(RESULTS).output(result);
      if (openPanes && result.timing() == PaneInfo.Timing.EARLY) {
        ImpressionTimes times = sums.getValue().times();
        out.get(OPEN_PANES)
            .output(
                new OpenPane(
                    result,
                    times != null
                        ? times
                        : ImpressionTimes.empty(
                            result.windowStart(), result.windowEnd() - result.windowStart()),
                    sums.getValue().newestTs()));
      }
      panes.inc();
      if (result.timing() == PaneInfo.Timing.ON_TIME) {
        onTimePanes.inc();
      }
    }
  }
}
