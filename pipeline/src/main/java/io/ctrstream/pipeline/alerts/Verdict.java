package io.ctrstream.pipeline.alerts;

import io.ctrstream.pipeline.model.Alert.Kind;
import io.ctrstream.pipeline.model.Alert.Severity;

/**
 * The z-test's verdict on one window against its baseline.
 *
 * @param z two-proportion z statistic
 * @param pValue its two-sided p-value
 * @param relativeChange {@code (ctr - baselineCtr) / baselineCtr}, NaN when the baseline CTR is 0
 * @param kind SPIKE or DROP by the sign of {@code z}; meaningful only when significant
 * @param severity NONE (not significant, or too little volume), WARNING or CRITICAL
 */
public record Verdict(
    double z, double pValue, double relativeChange, Kind kind, Severity severity) {

  public boolean significant() {
    return severity != Severity.NONE;
  }

  /**
   * Tests {@code clicks/impressions} against the baseline with {@link TwoProportionZStatistic}.
   * Significant when both have at least {@code minImpressions} impressions and {@code |z| >=}
   * {@link AlertSettings#warningZ()}; CRITICAL when also {@code |z| >= criticalZ} or {@code
   * |relativeChange| >= criticalRelativeChange}.
   */
  public static Verdict of(long impressions, long clicks, Baseline baseline, AlertSettings s) {
    return of((double) impressions, clicks, baseline, s);
  }

  /**
   * As {@link #of(long, long, Baseline, AlertSettings)}, for an open window's nowcast: {@code
   * impressions} are its effective impressions ({@code Σᵢ F(t − tsᵢ)}, docs/nowcast.md), so that
   * {@code clicks / impressions} is the nowcast.
   */
  public static Verdict of(double impressions, long clicks, Baseline baseline, AlertSettings s) {
    if (impressions < s.minImpressions() || baseline.impressions() < s.minImpressions()) {
      return new Verdict(0, 1, Double.NaN, Kind.SPIKE, Severity.NONE);
    }
    double z =
        TwoProportionZStatistic.z(clicks, impressions, baseline.clicks(), baseline.impressions());
    double baselineCtr = baseline.clicks() / baseline.impressions();
    double ctr = clicks / impressions;
    double relative = baselineCtr == 0 ? Double.NaN : (ctr - baselineCtr) / baselineCtr;
    Kind kind = z >= 0 ? Kind.SPIKE : Kind.DROP;
    Severity severity = Severity.NONE;
    if (Math.abs(z) >= s.warningZ()) {
      boolean critical =
          Math.abs(z) >= s.criticalZ()
              || (!Double.isNaN(relative) && Math.abs(relative) >= s.criticalRelativeChange());
      severity = critical ? Severity.CRITICAL : Severity.WARNING;
    }
    return new Verdict(z, TwoProportionZStatistic.pValue(z), relative, kind, severity);
  }
}
