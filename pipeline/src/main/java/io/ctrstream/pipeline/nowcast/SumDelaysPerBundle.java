package io.ctrstream.pipeline.nowcast;

import io.ctrstream.pipeline.model.ClickDelay;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Sums a bundle's {@link ClickDelay}s into one {@link DelayObservations}, emitted when the bundle
 * finishes, so that the delay model's one key (docs/nowcast.md) is paid per bundle, not per click.
 * Input in the global window; the sum is stamped with the bundle's earliest input timestamp.
 */
class SumDelaysPerBundle extends DoFn<ClickDelay, DelayObservations> {
  private final Duration attributionWindow;
  private transient DelayObservations.Builder sum;
  private transient long earliest;

  SumDelaysPerBundle(Duration attributionWindow) {
    this.attributionWindow = attributionWindow;
  }

  @StartBundle
  public void startBundle() {
    sum = new DelayObservations.Builder(attributionWindow);
    earliest = Long.MAX_VALUE;
  }

  @ProcessElement
  public void process(@Element ClickDelay click, @Timestamp Instant timestamp) {
    sum.add(click.campaignId(), click.impressionTs(), click.clickTs(), click.count());
    earliest = Math.min(earliest, timestamp.getMillis());
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    if (!sum.isEmpty()) {
      context.output(sum.build(), new Instant(earliest), GlobalWindow.INSTANCE);
    }
    sum = null;
  }
}
