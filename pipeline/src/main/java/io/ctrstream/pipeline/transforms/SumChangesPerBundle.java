package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.DimensionKey;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * Sums count changes per (key, window) within a bundle and emits one change per (key, window) when
 * the bundle finishes: the combiner lifting that Beam's Flink runner does only in batch, done by
 * hand for streaming, so that a handful of sums cross the CTR shuffle instead of every change.
 *
 * <p>Input and output {@code KV<DimensionKey, CtrCounts>}, already in their CTR windows. A sum is
 * stamped with the earliest timestamp of its changes (within the window). Nothing waits past the
 * end of a bundle, and runners do not advance a step's output watermark within a bundle (Flink's
 * {@code DoFnOperator} holds it back until the bundle finishes, "because it might cause
 * user-buffered data to be emitted past watermark"), so a sum is never later than the changes it
 * holds. A change that sums to zero is still emitted: it may be a window's first element, and the
 * window then fires.
 */
class SumChangesPerBundle extends DoFn<KV<DimensionKey, CtrCounts>, KV<DimensionKey, CtrCounts>> {
  private record KeyAndWindow(DimensionKey key, BoundedWindow window) {}

  private static final class Sum {
    long impressions;
    long clicks;
    long earliest = Long.MAX_VALUE;
  }

  private transient Map<KeyAndWindow, Sum> sums;

  @StartBundle
  public void startBundle() {
    sums = new HashMap<>();
  }

  @ProcessElement
  public void process(
      @Element KV<DimensionKey, CtrCounts> change,
      @Timestamp Instant timestamp,
      BoundedWindow window) {
    Sum sum = sums.computeIfAbsent(new KeyAndWindow(change.getKey(), window), k -> new Sum());
    sum.impressions += change.getValue().impressions();
    sum.clicks += change.getValue().clicks();
    sum.earliest = Math.min(sum.earliest, timestamp.getMillis());
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    for (Map.Entry<KeyAndWindow, Sum> e : sums.entrySet()) {
      Sum sum = e.getValue();
      context.output(
          KV.of(e.getKey().key(), new CtrCounts(sum.impressions, sum.clicks)),
          new Instant(sum.earliest),
          e.getKey().window());
    }
    sums = null;
  }
}
