package io.ctrstream.pipeline.nowcast;

import java.util.Arrays;

/**
 * A click delay distribution {@code F(d)}: the fraction of attributed clicks whose delay (click
 * {@code ts} − impression {@code ts}, in ms) is at most {@code d}. Known at the edges of {@link
 * DelayBins}, linear between them; {@code F(d) = 0} for {@code d < 0} and {@code F(d) = 1} from the
 * attribution window on. Immutable.
 */
public final class DelayCdf {
  private final DelayBins bins;
  private final double[] atEdges;

  /**
   * @param bins the delay bins
   * @param atEdges {@code F} at each of the bins' {@code size() + 1} edges, non-decreasing, the
   *     last 1
   */
  public DelayCdf(DelayBins bins, double[] atEdges) {
    if (atEdges.length != bins.size() + 1) {
      throw new IllegalArgumentException("one value per edge");
    }
    this.bins = bins;
    this.atEdges = atEdges.clone();
  }

  /** {@code F(delayMillis)}, from 0 to 1. */
  public double at(double delayMillis) {
    if (delayMillis < 0) {
      return 0;
    }
    if (delayMillis >= bins.edge(bins.size())) {
      return 1;
    }
    int j = bins.binOf((long) Math.floor(delayMillis));
    double lo = bins.edge(j);
    double hi = bins.edge(j + 1);
    double share = hi == lo ? 1 : (delayMillis - lo) / (hi - lo);
    return atEdges[j] + share * (atEdges[j + 1] - atEdges[j]);
  }

  /**
   * The mean of {@code F(t − s)} over impression times {@code s} spread evenly over {@code [from,
   * to]} (ms), by Simpson's rule.
   */
  public double meanOver(long t, double from, double to) {
    double mid = (from + to) / 2;
    return (at(t - from) + 4 * at(t - mid) + at(t - to)) / 6;
  }

  @Override
  public String toString() {
    return "DelayCdf" + Arrays.toString(atEdges);
  }
}
