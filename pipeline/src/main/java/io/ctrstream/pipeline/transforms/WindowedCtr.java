package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.CtrResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Sums count changes per key into fixed event-time windows and emits one {@link CtrResult} per key,
 * window and pane. Windowing and triggers: {@link CtrWindowing#resultWindows}.
 *
 * <p>Input {@code KV<key, CtrCounts>} stamped with the impression's {@code ts}.
 */
public class WindowedCtr extends PTransform<PCollection<KV<String, CtrCounts>>, PCollection<CtrResult>> {
  private final String dimension;
  private final Duration windowSize;
  private final Duration earlyFiringPeriod;
  private final Duration attributionWindow;
  private final Duration allowedLateness;

  /**
   * @param dimension what the keys are, e.g. {@link CtrResult#CAMPAIGN}
   * @param windowSize length of the fixed windows
   * @param earlyFiringPeriod processing time between speculative panes
   * @param attributionWindow the join's attribution window (the windows wait for it)
   * @param allowedLateness how long after the join session late data is still accepted
   */
  public WindowedCtr(
      String dimension,
      Duration windowSize,
      Duration earlyFiringPeriod,
      Duration attributionWindow,
      Duration allowedLateness) {
    this.dimension = dimension;
    this.windowSize = windowSize;
    this.earlyFiringPeriod = earlyFiringPeriod;
    this.attributionWindow = attributionWindow;
    this.allowedLateness = allowedLateness;
  }

  @Override
  public PCollection<CtrResult> expand(PCollection<KV<String, CtrCounts>> changes) {
    return changes
        .apply(
            "FixedWindows",
            CtrWindowing.<KV<String, CtrCounts>>resultWindows(
                windowSize, earlyFiringPeriod, attributionWindow, allowedLateness))
        .apply("SumCounts", Combine.perKey(new CtrCombineFn()))
        .apply("ToCtrResult", ParDo.of(new ToResultFn(dimension)))
        .setCoder(CtrResult.CtrResultCoder.of());
  }

  /**
   * The pane's timing. A batch runner (Flink on bounded input) fires every window exactly once,
   * after all input is known, and calls that timing UNKNOWN: it is the on-time result.
   */
  static PaneInfo.Timing timing(PaneInfo pane) {
    return pane.getTiming() == PaneInfo.Timing.UNKNOWN ? PaneInfo.Timing.ON_TIME : pane.getTiming();
  }

  static class ToResultFn extends DoFn<KV<String, CtrCounts>, CtrResult> {
    private final String dimension;
    private final Counter panes = CtrMetrics.counter("result_panes");

    ToResultFn(String dimension) {
      this.dimension = dimension;
    }

    @ProcessElement
    public void process(
        @Element KV<String, CtrCounts> counts, IntervalWindow window, PaneInfo pane, OutputReceiver<CtrResult> out) {
      if (pane.getIndex() == 0 && counts.getValue().equals(CtrCounts.ZERO)) {
        // Every impression that reached this window so far moved to an earlier one (an earlier
        // copy won): nothing was ever published for it, so there is nothing to correct yet.
        return;
      }
      out.output(
          new CtrResult(
              dimension,
              counts.getKey(),
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
