package io.ctrstream.pipeline.alerts;

import java.io.Serializable;
import java.util.Set;
import org.joda.time.Duration;

/**
 * How anomaly alerts are decided.
 *
 * @param baseline {@link #PREVIOUS} (the complete window before) or {@link #EWMA} (exponentially
 *     weighted moving average of the earlier complete windows' counts)
 * @param ewmaAlpha weight of the newest window in the EWMA, in (0, 1]
 * @param significance two-sided significance level: a change is significant when the z-test's
 *     p-value is below it (|z| ≥ {@link TwoProportionZStatistic#criticalZ})
 * @param criticalZ |z| from which a significant change is CRITICAL
 * @param criticalRelativeChange |relative change| (a fraction) from which a significant change is
 *     CRITICAL
 * @param minImpressions both the window and its baseline need at least this many impressions
 * @param cooldown after an alert for a window starting at t, a new alert of the same kind for the
 *     same key is suppressed for windows starting before t + cooldown (event time)
 * @param dimensions which result dimensions are watched, e.g. {@code campaign}, {@code device}
 * @param openWindows whether open windows are tested too, on their nowcast (an EARLY pane with a
 *     nowcast of basis CAMPAIGN or POOLED: its attributed clicks so far against its effective
 *     impressions), so that a change is flagged before the window closes (docs/nowcast.md)
 */
public record AlertSettings(
    String baseline,
    double ewmaAlpha,
    double significance,
    double criticalZ,
    double criticalRelativeChange,
    long minImpressions,
    Duration cooldown,
    Set<String> dimensions,
    boolean openWindows)
    implements Serializable {

  public static final String PREVIOUS = "previous";
  public static final String EWMA = "ewma";

  /** |z| from which a change is significant. */
  public double warningZ() {
    return TwoProportionZStatistic.criticalZ(significance);
  }
}
