package io.ctrstream.serving.cli;

import io.ctrstream.contract.ResultRecord;
import java.time.Instant;
import java.util.Locale;

/** How tables print times, rates and changes. */
final class Formats {
  private Formats() {}

  /** Epoch ms as ISO-8601 UTC, e.g. {@code 2024-03-01T12:00:00Z}; {@code -} for null. */
  static String time(Long epochMs) {
    return epochMs == null ? "-" : Instant.ofEpochMilli(epochMs).toString();
  }

  /** A fraction as a percentage with two decimals: 0.123456 → {@code 12.35%}. */
  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
  }

  /** A relative change as a signed percentage with one decimal; {@code n/a} when undefined. */
  static String change(Double relative) {
    return relative == null ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", 100 * relative);
  }

  /**
   * A pane's nowcast as a percentage with its 95 % interval, e.g. {@code 5.41% [4.10, 6.90]};
   * {@code -} where there is none or no estimate (basis NONE), the plain percentage for a complete
   * pane.
   */
  static String nowcast(ResultRecord.NowcastFields n) {
    if (n == null || n.lower() == null || n.upper() == null) {
      return "-";
    }
    if ("COMPLETE".equals(n.basis())) {
      return percent(n.ctr());
    }
    return String.format(
        Locale.ROOT, "%.2f%% [%.2f, %.2f]", 100 * n.ctr(), 100 * n.lower(), 100 * n.upper());
  }
}
