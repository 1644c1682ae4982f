package io.ctrstream.contract;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The ISO-8601 twins of stored times: UTC with milliseconds, {@code 2024-03-01T12:00:00.000Z}. */
final class Iso {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Iso() {}

  /**
   * @param epochMs a time in epoch milliseconds
   */
  static String of(long epochMs) {
    return FORMAT.format(Instant.ofEpochMilli(epochMs));
  }
}
