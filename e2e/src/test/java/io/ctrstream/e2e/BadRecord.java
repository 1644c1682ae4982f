package io.ctrstream.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A malformed input record for the malformed-flood drill: its kind, the dead-letter reason the job
 * must give it, and its bytes. Each payload starts with a marker naming its kind where the kind
 * allows (so that a dead letter can be matched back to it); the kinds that cannot carry one (empty,
 * not UTF-8) are recognised by their shape.
 */
record BadRecord(String kind, String reason, byte[] payload) {
  private static final long NOW = System.currentTimeMillis();

  /**
   * {@code n} bad records, the light kinds in turn and a few of the heavy ones (1 MiB, 10,000 deep,
   * 10,000 fields), in a seeded order.
   */
  static List<BadRecord> flood(int n, Random random) {
    List<BadRecord> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      all.add(oneMiB());
    }
    for (int i = 0; i < 10; i++) {
      all.add(deep());
      all.add(wide());
    }
    String[] light = {
      "truncated",
      "wrong-type",
      "missing-id",
      "ts-text",
      "ts-past",
      "ts-future",
      "empty",
      "not-utf8"
    };
    for (int i = 0; all.size() < n; i++) {
      all.add(light(light[i % light.length], i));
    }
    java.util.Collections.shuffle(all, random);
    return all;
  }

  private static BadRecord light(String kind, int i) {
    String id = "\"impr_id\":\"" + kind + "-" + i + "\",\"click_id\":\"" + kind + "-" + i + "\"";
    return switch (kind) {
      case "truncated" -> of(kind, "MALFORMED_JSON", "{" + id + ",\"campaign_id\":\"c");
      case "wrong-type" ->
          of(
              kind,
              "INVALID_FIELD",
              "{\"impr_id\":{\"kind\":\"wrong-type\"},\"click_id\":[1],\"campaign_id\":\"c\",\"ts\":"
                  + NOW
                  + "}");
      case "missing-id" ->
          of(
              kind,
              "MISSING_FIELD",
              "{\"kind\":\"missing-id\",\"campaign_id\":\"c\",\"ts\":" + NOW + "}");
      case "ts-text" ->
          of(kind, "INVALID_FIELD", "{" + id + ",\"campaign_id\":\"c\",\"ts\":\"yesterday\"}");
      case "ts-past" -> of(kind, "TS_OUT_OF_RANGE", "{" + id + ",\"campaign_id\":\"c\",\"ts\":42}");
      case "ts-future" ->
          of(
              kind,
              "TS_OUT_OF_RANGE",
              "{" + id + ",\"campaign_id\":\"c\",\"ts\":" + (NOW + 3_650L * 86_400_000) + "}");
      case "empty" -> new BadRecord(kind, "MALFORMED_JSON", new byte[0]);
      case "not-utf8" ->
          new BadRecord(
              kind, "MALFORMED_JSON", new byte[] {(byte) 0xff, (byte) 0xfe, '{', (byte) 0xc3, '}'});
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** A JSON object of 1 MiB whose ts is text. */
  private static BadRecord oneMiB() {
    String head =
        "{\"impr_id\":\"one-mib\",\"click_id\":\"one-mib\",\"campaign_id\":\"c\",\"ts\":\"";
    return of("one-mib", "INVALID_FIELD", head + "x".repeat((1 << 20) - head.length() - 2) + "\"}");
  }

  /** Objects nested 10,000 deep. */
  private static BadRecord deep() {
    return of("deep", "MALFORMED_JSON", "{\"deep\":".repeat(10_000) + "1" + "}".repeat(10_000));
  }

  /** An object with 10,000 fields and no id. */
  private static BadRecord wide() {
    StringBuilder s = new StringBuilder("{\"wide\":true");
    for (int i = 0; i < 10_000; i++) {
      s.append(",\"f").append(i).append("\":").append(i);
    }
    return of("wide", "MISSING_FIELD", s.append('}').toString());
  }

  private static BadRecord of(String kind, String reason, String json) {
    return new BadRecord(kind, reason, json.getBytes(StandardCharsets.UTF_8));
  }

  /** The kind of a dead letter's payload (as the job decoded it: UTF-8, invalid bytes replaced). */
  static String kindOf(String payload) {
    if (payload.isEmpty()) {
      return "empty";
    }
    if (payload.startsWith("\uFFFD")) {
      return "not-utf8";
    }
    for (String kind : new String[] {"one-mib", "deep", "wide", "wrong-type", "missing-id"}) {
      if (payload.contains("\"" + kind + "\"")
          || payload.contains("\"kind\":\"" + kind + "\"")
          || payload.startsWith("{\"" + kind)) {
        return kind;
      }
    }
    int at = payload.indexOf("\"impr_id\":\"");
    if (at >= 0) {
      String id = payload.substring(at + 11);
      return id.substring(0, id.lastIndexOf('-', id.indexOf('"')));
    }
    return "unknown: " + payload.substring(0, Math.min(80, payload.length()));
  }
}
