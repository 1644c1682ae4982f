package io.ctrstream.serving.view;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses time bounds given by people: ISO-8601 instants or epoch milliseconds. */
public final class TimeBound {
  private TimeBound() {}

  /**
   * Parses {@code 2024-03-01T12:00:00Z}, {@code 2024-03-01T13:00:00+01:00} or epoch milliseconds
   * ({@code 1709294400000}) into epoch milliseconds.
   *
   * @param name the parameter's name, for the message
   * @throws IllegalArgumentException naming the parameter and the accepted forms
   */
  public static long parse(String name, String value) {
    String v = value.trim();
    if (v.matches("-?\\d+")) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException tooLong) {
        throw invalid(name, value);
      }
    }
    try {
      return Instant.parse(v).toEpochMilli();
    } catch (DateTimeParseException notInstant) {
      try {
        return OffsetDateTime.parse(v).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        throw invalid(name, value);
      }
    }
  }

  private static IllegalArgumentException invalid(String name, String value) {
    return new IllegalArgumentException(
        "'"
            + name
            + "' must be an ISO-8601 instant (2024-03-01T12:00:00Z) "
            + "or epoch milliseconds (1709294400000), not '"
            + value
            + "'");
  }
}
