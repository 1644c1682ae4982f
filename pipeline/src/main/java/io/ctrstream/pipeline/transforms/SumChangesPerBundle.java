package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CountChange;
import io.ctrstream.pipeline.model.CtrSums;
import io.ctrstream.pipeline.model.DimensionKey;
import io.ctrstream.pipeline.nowcast.ImpressionTimes;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Sums count changes per (key, window) within a bundle and emits one {@link CtrSums} per (key,
 * window) when the bundle finishes: the combiner lifting that Beam's Flink runner does only in
 * batch, done by hand for streaming, so that a handful of sums cross the CTR shuffle instead of
 * every change.
 *
 * <p>Input {@code KV<DimensionKey, CountChange>}, already in their (shifted) CTR windows, each
 * stamped with {@link JoinTiming#countedAt} of its impression, from which its impression's {@code
 * ts} is known, and so its bin of the window's {@link ImpressionTimes}. A sum is stamped with the
 * earliest timestamp of its changes (within the window). Nothing waits past the end of a bundle,
 * and runners do not advance a step's output watermark within a bundle (Flink's {@code
 * DoFnOperator} holds it back until the bundle finishes, "because it might cause user-buffered data
 * to be emitted past watermark"), so a sum is never later than the changes it holds. A change that
 * sums to zero is still emitted: it may be a window's first element, and the window then fires.
 */
class SumChangesPerBundle extends DoFn<KV<DimensionKey, CountChange>, KV<DimensionKey, CtrSums>> {
  private record KeyAndWindow(DimensionKey key, BoundedWindow window) {}

  private static final class Sum {
    long impressions;
    long clicks;
    long earliest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    ImpressionTimes.Builder times;
  }

  private final Duration attributionWindow;
  private transient Map<KeyAndWindow, Sum> sums;

  /**
   * @param attributionWindow the attribution window the changes were stamped and the CTR windows
   *     shifted by
   */
  SumChangesPerBundle(Duration attributionWindow) {
    this.attributionWindow = attributionWindow;
  }

  @StartBundle
  public void startBundle() {
    sums = new HashMap<>();
  }

  @ProcessElement
  public void process(
      @Element KV<DimensionKey, CountChange> change,
      @Timestamp Instant timestamp,
      BoundedWindow window) {
    Sum sum = sums.computeIfAbsent(new KeyAndWindow(change.getKey(), window), k -> new Sum());
    CountChange c = change.getValue();
    sum.impressions += c.impressions();
    sum.clicks += c.clicks();
    sum.earliest = Math.min(sum.earliest, timestamp.getMillis());
    sum.newest = Math.max(sum.newest, c.eventTs());
    if (c.impressions() != 0) {
      if (sum.times == null) {
        IntervalWindow w =
            CtrWindowing.impressionWindow((IntervalWindow) window, attributionWindow);
        sum.times =
            ImpressionTimes.empty(
                w.start().getMillis(), w.end().getMillis() - w.start().getMillis())
                .toBuilder();
      }
      sum.times.add(
          JoinTiming.impressionTsOf(timestamp.getMillis(), attributionWindow), c.impressions());
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    for (Map.Entry<KeyAndWindow, Sum> e : sums.entrySet()) {
      Sum sum = e.getValue();
      context.output(
          KV.of(
              e.getKey().key(),
              new CtrSums(
                  sum.impressions,
                  sum.clicks,
                  sum.times == null ? null : sum.times.build(),
                  sum.newest)),
          new Instant(sum.earliest),
          e.getKey().window());
    }
    sums = null;
  }
}
