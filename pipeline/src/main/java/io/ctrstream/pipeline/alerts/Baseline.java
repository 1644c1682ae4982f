package io.ctrstream.pipeline.alerts;

import io.ctrstream.pipeline.model.CtrResult;
import java.util.List;

/**
 * The counts a window is compared with.
 *
 * @param impressions baseline impressions (fractional for an EWMA)
 * @param clicks baseline clicks (fractional for an EWMA)
 */
public record Baseline(double impressions, double clicks) {

  /**
   * The baseline of a window from the complete windows before it.
   *
   * @param earlier the key's complete windows that start before the window, oldest first
   * @param kind {@link AlertSettings#PREVIOUS}: the newest of them; {@link AlertSettings#EWMA}: the
   *     exponentially weighted moving average of their impression and click counts, {@code e = x₀},
   *     then {@code e ← α x + (1 − α) e} for each later window (Roberts 1959, "Control chart tests
   *     based on geometric moving averages", Technometrics 1(3))
   * @return null when there is no earlier window
   */
  public static Baseline of(List<CtrResult> earlier, String kind, double alpha) {
    if (earlier.isEmpty()) {
      return null;
    }
    if (kind.equals(AlertSettings.PREVIOUS)) {
      CtrResult last = earlier.get(earlier.size() - 1);
      return new Baseline(last.impressions(), last.clicks());
    }
    double n = earlier.get(0).impressions();
    double c = earlier.get(0).clicks();
    for (CtrResult r : earlier.subList(1, earlier.size())) {
      n = alpha * r.impressions() + (1 - alpha) * n;
      c = alpha * r.clicks() + (1 - alpha) * c;
    }
    return new Baseline(n, c);
  }
}
