package io.ctrstream.pipeline.testing;

import io.ctrstream.pipeline.model.Alert;

/** Alerts the sink tests write: one fixture, so that each sink is checked against the same one. */
public final class SampleAlerts {
  private SampleAlerts() {}

  /**
   * A RAISED CRITICAL DROP of campaign 906: 1,000 impressions and 20 clicks (CTR 0.02) against a
   * baseline of 1,000 and 60 (0.06), z = -5.25, p = 1.5e-7.
   *
   * @param windowStart the window's start, epoch ms
   * @param windowEnd its end, epoch ms
   * @param relativeChange the change to record (NaN: none, as for a baseline CTR of 0)
   */
  public static Alert criticalDrop(long windowStart, long windowEnd, double relativeChange) {
    return new Alert(
        "campaign",
        "906",
        windowStart,
        windowEnd,
        Alert.Kind.DROP,
        Alert.Severity.CRITICAL,
        Alert.Status.RAISED,
        "previous",
        1000,
        20,
        1000,
        60,
        -5.25,
        1.5e-7,
        relativeChange);
  }
}
