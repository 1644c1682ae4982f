package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.DimensionKey;
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
import org.joda.time.Duration;

/**
 * Sums count changes per key into event-time windows and emits one {@link CtrResult} per key,
 * window and pane. Windowing and triggers: {@link CtrWindowing#resultWindows} (fixed windows, the
 * results) or {@link CtrWindowing#trendWindows} (sliding windows, the trend).
 *
 * <p>Input {@code KV<DimensionKey, CtrCounts>} stamped with {@link JoinTiming#countedAt} of the
 * impression they count; the results carry the impression-time window ({@link
 * CtrWindowing#impressionWindow}).
 */
public class WindowedCtr
    extends PTransform<PCollection<KV<DimensionKey, CtrCounts>>, PCollection<CtrResult>> {
  private final Window<KV<DimensionKey, CtrCounts>> windowing;
  private final Duration attributionWindow;

  /**
   * @param windowing one of {@link CtrWindowing}'s result windowings
   * @param attributionWindow the attribution window it was made for (its windows' shift)
   */
  public WindowedCtr(Window<KV<DimensionKey, CtrCounts>> windowing, Duration attributionWindow) {
    this.windowing = windowing;
    this.attributionWindow = attributionWindow;
  }

  /**
   * Fixed windows of {@code windowSize}, as {@link CtrWindowing#resultWindows}.
   *
   * @param windowSize length of the fixed windows
   * @param earlyFiringPeriod processing time between speculative panes
   * @param attributionWindow the join's attribution window (the windows wait for it)
   * @param allowedLateness how long after the join session late data is still accepted
   */
  public static WindowedCtr fixed(
      Duration windowSize,
      Duration earlyFiringPeriod,
      Duration attributionWindow,
      Duration allowedLateness) {
    return new WindowedCtr(
        CtrWindowing.resultWindows(
            windowSize, earlyFiringPeriod, attributionWindow, allowedLateness),
        attributionWindow);
  }

  @Override
  public PCollection<CtrResult> expand(PCollection<KV<DimensionKey, CtrCounts>> changes) {
    return changes
        .apply("Windows", windowing)
        // Beam's Flink runner lifts combiners in batch only: sum within each bundle before the
        // shuffle
        .apply("SumPerBundle", ParDo.of(new SumChangesPerBundle()))
        .setCoder(KvCoder.of(DimensionKey.DimensionKeyCoder.of(), CtrCounts.CtrCountsCoder.of()))
        .apply("SumCountsV2", Combine.perKey(new CtrCombineFn()))
        .apply("ToCtrResult", ParDo.of(new ToResultFn(attributionWindow)))
        .setCoder(CtrResult.CtrResultCoder.of());
  }

  /**
   * The pane's timing. A batch runner (Flink on bounded input) fires every window exactly once,
   * after all input is known, and calls that timing UNKNOWN: it is the on-time result.
   */
  static PaneInfo.Timing timing(PaneInfo pane) {
    return pane.getTiming() == PaneInfo.Timing.UNKNOWN ? PaneInfo.Timing.ON_TIME : pane.getTiming();
  }

  static class ToResultFn extends DoFn<KV<DimensionKey, CtrCounts>, CtrResult> {
    private final Counter panes = CtrMetrics.counter("result_panes");
    private final Duration attributionWindow;

    ToResultFn(Duration attributionWindow) {
      this.attributionWindow = attributionWindow;
    }

    @ProcessElement
    public void process(
        @Element KV<DimensionKey, CtrCounts> counts,
        IntervalWindow shifted,
        PaneInfo pane,
        OutputReceiver<CtrResult> out) {
      if (pane.getIndex() == 0 && counts.getValue().equals(CtrCounts.ZERO)) {
        // Every impression that reached this window so far moved to an earlier one (an earlier
        // copy won): nothing was ever published for it, so there is nothing to correct yet.
        return;
      }
      IntervalWindow window = CtrWindowing.impressionWindow(shifted, attributionWindow);
      out.output(
          new CtrResult(
              counts.getKey().dimension(),
              counts.getKey().value(),
              window.start().getMillis(),
              window.end().getMillis(),
              counts.getValue(),
              timing(pane),
              pane.getIndex(),
              pane.isLast()));
      panes.inc();
    }
  }
}
