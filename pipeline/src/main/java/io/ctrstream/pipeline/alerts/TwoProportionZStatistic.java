package io.ctrstream.pipeline.alerts;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The two-proportion z-test with a pooled variance: are {@code x1/n1} and {@code x0/n0} draws of
 * the same proportion?
 *
 * <pre>
 *   p1 = x1 / n1,  p0 = x0 / n0,  p = (x1 + x0) / (n1 + n0)
 *   z  = (p1 - p0) / sqrt(p (1 - p) (1/n1 + 1/n0))
 *   p-value (two-sided) = 2 (1 - Φ(|z|))
 * </pre>
 *
 * <p>Source: NIST/SEMATECH e-Handbook of Statistical Methods, §7.3.3 "How can we determine whether
 * two processes produce the same proportion of defectives?"; also Agresti, <i>Categorical Data
 * Analysis</i>, §3.1.3. The normal approximation needs enough events in both samples, which is why
 * alerts also require {@code --minImpressions}. {@code z} is 0 when both proportions are 0 or both
 * are 1 (no variance, no evidence of a change).
 */
public final class TwoProportionZStatistic {
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

  private TwoProportionZStatistic() {}

  /**
   * The z statistic.
   *
   * @param x1 successes (clicks) of the sample under test
   * @param n1 trials (impressions) of the sample under test, positive
   * @param x0 successes of the baseline (may be fractional, e.g. an EWMA)
   * @param n0 trials of the baseline, positive
   * @throws IllegalArgumentException if {@code n1} or {@code n0} is not positive
   */
  public static double z(double x1, double n1, double x0, double n0) {
    if (!(n1 > 0) || !(n0 > 0)) {
      throw new IllegalArgumentException("both samples need impressions: n1=" + n1 + ", n0=" + n0);
    }
    double p1 = x1 / n1;
    double p0 = x0 / n0;
    double p = (x1 + x0) / (n1 + n0);
    double variance = p * (1 - p) * (1 / n1 + 1 / n0);
    return variance <= 0 ? 0 : (p1 - p0) / Math.sqrt(variance);
  }

  /** Two-sided p-value of a standard normal statistic: {@code 2 (1 - Φ(|z|))}. */
  public static double pValue(double z) {
    return 2 * STANDARD_NORMAL.cumulativeProbability(-Math.abs(z));
  }

  /**
   * The |z| above which a two-sided test at significance {@code alpha} rejects: {@code Φ⁻¹(1 -
   * alpha/2)}.
   */
  public static double criticalZ(double alpha) {
    return STANDARD_NORMAL.inverseCumulativeProbability(1 - alpha / 2);
  }
}
