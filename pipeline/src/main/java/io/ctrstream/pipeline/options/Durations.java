package io.ctrstream.pipeline.options;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.joda.time.Duration;
import org.joda.time.Period;
import org.joda.time.format.ISOPeriodFormat;

/**
 * Reads durations as people write them on a command line: {@code 500ms}, {@code 30s}, {@code 15m},
 * {@code 1h}, {@code 7d}, combinations such as {@code 1h30m}, or ISO-8601 ({@code PT30S}).
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

  private Durations() {}

  /**
   * Parses {@code value} given for the flag {@code --flag}.
   *
   * @return the duration, never negative
   * @throws InvalidFlagException naming the flag when the value is empty, malformed or negative
   */
  public static Duration parse(String flag, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidFlagException(
          flag, value, "a duration is required, e.g. 30s, 15m, 1h or PT30S");
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("p")) {
      try {
        return Period.parse(value.trim().toUpperCase(Locale.ROOT), ISOPeriodFormat.standard())
            .toStandardDuration();
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        throw new InvalidFlagException(
            flag, value, "not an ISO-8601 duration with fixed units (" + e.getMessage() + ")");
      }
    }
    if (!WHOLE.matcher(v).matches()) {
      throw new InvalidFlagException(
          flag, value, "expected a duration such as 500ms, 30s, 15m, 1h, 7d, 1h30m or PT30S");
    }
    long millis = 0;
    Matcher m = PART.matcher(v);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      millis =
          Math.addExact(
              millis,
              switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> Math.multiplyExact(n, 1_000L);
                case "m" -> Math.multiplyExact(n, 60_000L);
                case "h" -> Math.multiplyExact(n, 3_600_000L);
                default -> Math.multiplyExact(n, 86_400_000L);
              });
    }
    return Duration.millis(millis);
  }

  /** Like {@link #parse} but also rejects a zero duration. */
  public static Duration parsePositive(String flag, String value) {
    Duration d = parse(flag, value);
    if (!d.isLongerThan(Duration.ZERO)) {
      throw new InvalidFlagException(flag, value, "must be longer than zero");
    }
    return d;
  }

  /** Formats a duration compactly ({@code 1h30m}, {@code 15s}, {@code 250ms}) for logs and docs. */
  public static String format(Duration d) {
    long ms = d.getMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] names = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < units.length; i++) {
      if (ms >= units[i]) {
        b.append(ms / units[i]).append(names[i]);
        ms %= units[i];
      }
    }
    return b.toString();
  }
}
