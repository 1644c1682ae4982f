package io.ctrstream.serving.view;

import io.ctrstream.contract.ResultRecord;

/**
 * A key's newest complete window next to the complete window before it, and the change.
 *
 * @param dimension {@code campaign} or a breakdown's name
 * @param key campaign id or breakdown value
 * @param latest newest complete window, or null before the first one
 * @param previous the complete window before {@code latest}, or null
 * @param newest the newest window of any timing (an EARLY pane while a window is open), or null
 */
public record Comparison(
    String dimension, String key, ResultRecord latest, ResultRecord previous, ResultRecord newest) {

  /** {@code latest.ctr - previous.ctr} (a difference of fractions), or null without both. */
  public Double ctrDelta() {
    return latest == null || previous == null ? null : latest.ctr() - previous.ctr();
  }

  /**
   * {@code (latest.ctr - previous.ctr) / previous.ctr}, a fraction (0.25 = 25 % higher), or null
   * without both windows or when the previous CTR is 0 (the change is then undefined).
   */
  public Double relativeChange() {
    return latest == null || previous == null || previous.ctr() == 0
        ? null
        : (latest.ctr() - previous.ctr()) / previous.ctr();
  }
}
