package io.ctrstream.pipeline.model;

import io.ctrstream.pipeline.nowcast.ImpressionTimes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The CTR accumulator of one key in one window, and the sums of count changes that cross the CTR
 * shuffle: impressions and clicks, when in the window the impressions came ({@link
 * ImpressionTimes}, for the nowcast) and the newest event counted. Immutable.
 *
 * @param impressions distinct impressions (a sum of signed changes)
 * @param clicks distinct attributed clicks
 * @param times the impressions per 64th of the impression window; null only for {@link #EMPTY}
 * @param newestTs the newest {@code ts} (epoch ms) among the events counted ({@link
 *     CountChange#eventTs}); {@code Long.MIN_VALUE} for none: the pane's event time
 *     (docs/nowcast.md)
 */
public record CtrSums(long impressions, long clicks, ImpressionTimes times, long newestTs) {
  /** Nothing counted yet, in no window. */
  public static final CtrSums EMPTY = new CtrSums(0, 0, null, Long.MIN_VALUE);

  /** Both sums added up. */
  public CtrSums plus(CtrSums other) {
    ImpressionTimes sum =
        times == null ? other.times : other.times == null ? times : times.plus(other.times);
    return new CtrSums(
        impressions + other.impressions,
        clicks + other.clicks,
        sum,
        Math.max(newestTs, other.newestTs));
  }

  /** The counts. */
  public CtrCounts counts() {
    return new CtrCounts(impressions, clicks);
  }

  /** Counts and newest ts as var-longs, then the impression times if present. */
  public static final class CtrSumsCoder extends AtomicCoder<CtrSums> {
    private static final CtrSumsCoder INSTANCE = new CtrSumsCoder();
    private static final VarLongCoder LONG = VarLongCoder.of();

    /** The coder (stateless: one instance). */
    public static CtrSumsCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(CtrSums value, OutputStream out) throws IOException {
      LONG.encode(value.impressions, out);
      LONG.encode(value.clicks, out);
      LONG.encode(value.newestTs, out);
      BooleanCoder.of().encode(value.times != null, out);
      if (value.times != null) {
        ImpressionTimes.ImpressionTimesCoder.of().encode(value.times, out);
      }
    }

    @Override
    public CtrSums decode(InputStream in) throws IOException {
      long impressions = LONG.decode(in);
      long clicks = LONG.decode(in);
      long newest = LONG.decode(in);
      ImpressionTimes times =
          BooleanCoder.of().decode(in)
              ? ImpressionTimes.ImpressionTimesCoder.of().decode(in)
              : null;
      return new CtrSums(impressions, clicks, times, newest);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
