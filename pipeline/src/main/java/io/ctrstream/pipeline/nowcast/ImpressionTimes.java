package io.ctrstream.pipeline.nowcast;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * When in its window each impression of a window came: counts of impressions per {@link #BINS}th of
 * the window, by {@code ts}. Bounded whatever the window's length, so that a {@link Nowcast} costs
 * per pane, not per impression. Counts are signed (an impression moved to an earlier copy is taken
 * back). Immutable.
 */
public final class ImpressionTimes {
  /** Bins per window. */
  public static final int BINS = 64;

  private static final long[] NONE = new long[BINS];

  private final long windowStart;
  private final long windowMillis;
  private final long[] counts;

  private ImpressionTimes(long windowStart, long windowMillis, long[] counts) {
    this.windowStart = windowStart;
    this.windowMillis = windowMillis;
    this.counts = counts;
  }

  /**
   * No impressions yet in the window {@code [windowStart, windowStart + windowMillis)} (epoch ms).
   *
   * @throws IllegalArgumentException if {@code windowMillis < BINS}
   */
  public static ImpressionTimes empty(long windowStart, long windowMillis) {
    if (windowMillis < BINS) {
      throw new IllegalArgumentException("windows shorter than " + BINS + " ms");
    }
    return new ImpressionTimes(windowStart, windowMillis, NONE);
  }

  /**
   * The bin of an impression at {@code ts} (epoch ms).
   *
   * @throws IllegalArgumentException if {@code ts} is not in the window
   */
  public int binOf(long ts) {
    long offset = ts - windowStart;
    if (offset < 0 || offset >= windowMillis) {
      throw new IllegalArgumentException("ts " + ts + " is not in the window");
    }
    return (int) (offset * BINS / windowMillis);
  }

  /** Start of bin {@code b} relative to the window's start, in ms. */
  public long binStart(int b) {
    return (b * windowMillis + BINS - 1) / BINS;
  }

  /** A builder of these counts, from an empty window or these counts. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Counts impressions one at a time without a copy each ({@link #plus(long, long)} copies); not
   * thread-safe.
   */
  public static final class Builder {
    private final ImpressionTimes base;
    private final long[] counts;

    private Builder(ImpressionTimes base) {
      this.base = base;
      this.counts = base.counts.clone();
    }

    /**
     * Adds {@code count} impressions at {@code ts} (epoch ms).
     *
     * @throws IllegalArgumentException if {@code ts} is not in the window
     */
    public Builder add(long ts, long count) {
      counts[base.binOf(ts)] += count;
      return this;
    }

    /** The counts so far. */
    public ImpressionTimes build() {
      return new ImpressionTimes(base.windowStart, base.windowMillis, counts.clone());
    }
  }

  /** These counts with {@code count} more impressions at {@code ts} (epoch ms). */
  public ImpressionTimes plus(long ts, long count) {
    long[] next = counts.clone();
    next[binOf(ts)] += count;
    return new ImpressionTimes(windowStart, windowMillis, next);
  }

  /**
   * The sum of these counts and {@code other}'s.
   *
   * @throws IllegalArgumentException if {@code other} is of another window
   */
  public ImpressionTimes plus(ImpressionTimes other) {
    if (other.windowStart != windowStart || other.windowMillis != windowMillis) {
      throw new IllegalArgumentException("impression times of different windows");
    }
    long[] next = counts.clone();
    for (int b = 0; b < BINS; b++) {
      next[b] += other.counts[b];
    }
    return new ImpressionTimes(windowStart, windowMillis, next);
  }

  /** Impressions in bin {@code b}. */
  public long count(int b) {
    return counts[b];
  }

  /**
   * {@code Σᵢ F(t − tsᵢ)} over the window's impressions: how many impressions' worth of eventual
   * clicks are expected in by event time {@code t} (epoch ms). Impressions are taken as spread
   * evenly over their bin, or over its part up to {@code t}.
   */
  public double expectedSeen(DelayCdf cdf, long t) {
    double sum = 0;
    for (int b = 0; b < BINS; b++) {
      if (counts[b] == 0) {
        continue;
      }
      long from = windowStart + binStart(b);
      long to = Math.min(windowStart + binStart(b + 1) - 1, t);
      sum += counts[b] * (to < from ? 0 : cdf.meanOver(t, from, to));
    }
    return sum;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImpressionTimes other
        && other.windowStart == windowStart
        && other.windowMillis == windowMillis
        && Arrays.equals(other.counts, counts);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(windowStart) * 31 + Long.hashCode(windowMillis)) * 31
        + Arrays.hashCode(counts);
  }

  /**
   * Window start and length as var-longs, then the non-zero bins: their number, and each one's
   * index and count.
   */
  public static final class ImpressionTimesCoder extends AtomicCoder<ImpressionTimes> {
    private static final ImpressionTimesCoder INSTANCE = new ImpressionTimesCoder();
    private static final VarLongCoder LONG = VarLongCoder.of();
    private static final VarIntCoder INT = VarIntCoder.of();

    /** The coder (stateless: one instance). */
    public static ImpressionTimesCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ImpressionTimes value, OutputStream out) throws IOException {
      LONG.encode(value.windowStart, out);
      LONG.encode(value.windowMillis, out);
      int nonZero = 0;
      for (long c : value.counts) {
        nonZero += c == 0 ? 0 : 1;
      }
      INT.encode(nonZero, out);
      for (int b = 0; b < BINS; b++) {
        if (value.counts[b] != 0) {
          INT.encode(b, out);
          LONG.encode(value.counts[b], out);
        }
      }
    }

    @Override
    public ImpressionTimes decode(InputStream in) throws IOException {
      long start = LONG.decode(in);
      long length = LONG.decode(in);
      int nonZero = INT.decode(in);
      if (nonZero < 0 || nonZero > BINS) {
        throw new CoderException("corrupt impression times: " + nonZero + " bins");
      }
      long[] counts = nonZero == 0 ? NONE : new long[BINS];
      for (int i = 0; i < nonZero; i++) {
        int b = INT.decode(in);
        if (b < 0 || b >= BINS) {
          throw new CoderException("corrupt impression times: bin " + b);
        }
        counts[b] = LONG.decode(in);
      }
      return new ImpressionTimes(start, length, counts);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
