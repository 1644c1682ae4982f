package io.ctrstream.serving.cli;

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
}
