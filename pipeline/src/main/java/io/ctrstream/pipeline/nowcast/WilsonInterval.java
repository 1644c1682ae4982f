package io.ctrstream.pipeline.nowcast;

/**
 * The Wilson score interval of a proportion (E. B. Wilson, "Probable inference, the law of
 * succession, and statistical inference", JASA 22(158), 1927): for {@code k} successes in {@code n}
 * trials, {@code p = k / n} capped at 1,
 *
 * <pre>
 *   centre ± half = (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n)
 * </pre>
 *
 * {@code n} need not be whole: a {@link Nowcast} uses the effective number of impressions.
 *
 * @param lower the lower bound, from 0
 * @param upper the upper bound, up to 1
 */
public record WilsonInterval(double lower, double upper) {
  /** z of a two-sided 95 % interval. */
  public static final double Z95 = 1.959964;

  /**
   * The 95 % interval.
   *
   * @throws IllegalArgumentException if {@code n <= 0} or {@code k < 0}
   */
  public static WilsonInterval of95(double k, double n) {
    if (n <= 0 || k < 0) {
      throw new IllegalArgumentException("needs k >= 0 and n > 0, not k=" + k + ", n=" + n);
    }
    double z2 = Z95 * Z95;
    double p = Math.min(1, k / n);
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / denominator;
    double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
    return new WilsonInterval(Math.max(0, centre - half), Math.min(1, centre + half));
  }
}
