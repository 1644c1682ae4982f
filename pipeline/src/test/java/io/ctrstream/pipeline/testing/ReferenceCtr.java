package io.ctrstream.pipeline.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * CTR recomputed from the files by the documented definition, in plain Java, without Beam: the
 * yardstick of the end-to-end tests. Deliberately written from the definition, not from the
 * pipeline's code:
 *
 * <ol>
 *   <li>an impression is the earliest-{@code ts} line of each {@code impr_id}; a click the
 *       earliest-{@code ts} line of each {@code click_id}; lines without the required fields
 *       (absent, null or blank) are skipped (the pipeline dead-letters them);
 *   <li>a click is attributed iff an impression with its {@code impr_id} exists and {@code 0 <=
 *       click.ts - impression.ts <= attributionWindowMillis};
 *   <li>per (campaign, fixed window of the impression's ts): impressions = distinct impressions,
 *       clicks = distinct attributed clicks;
 *   <li>a click that is not attributed has a reason: {@code NO_IMPRESSION} (no impression with its
 *       {@code impr_id}), {@code BEFORE_IMPRESSION} (delay below 0), {@code
 *       OUTSIDE_ATTRIBUTION_WINDOW} (delay above the attribution window).
 * </ol>
 */
public final class ReferenceCtr {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Per {@code "campaign|window_start_ms"}: [impressions, clicks]. */
  public final Map<String, List<Long>> counts;

  /** Number of clicks that are not attributed. */
  public final long unattributedClicks;

  /** Per unattributed {@code click_id}: the reason it is not attributed. */
  public final Map<String, String> unattributedReasons;

  /** Number of distinct impressions. */
  public final long impressions;

  /** Number of distinct attributed clicks. */
  public final long attributedClicks;

  private ReferenceCtr(
      Map<String, List<Long>> counts,
      Map<String, String> reasons,
      long impressions,
      long attributed) {
    this.counts = counts;
    this.unattributedClicks = reasons.size();
    this.unattributedReasons = reasons;
    this.impressions = impressions;
    this.attributedClicks = attributed;
  }

  /** Recomputes from JSON-lines files (plain or .gz). */
  public static ReferenceCtr compute(
      Path impressionsFile, Path clicksFile, long windowMillis, long attributionWindowMillis)
      throws IOException {
    Map<String, JsonNode> impressions = new HashMap<>();
    lines(
        impressionsFile,
        json -> {
          if (present(json, "impr_id")
              && present(json, "campaign_id")
              && json.path("ts").isIntegralNumber()) {
            impressions.merge(
                json.get("impr_id").asText(),
                json,
                (a, b) -> b.get("ts").asLong() < a.get("ts").asLong() ? b : a);
          }
        });
    Map<String, JsonNode> clicks = new HashMap<>();
    lines(
        clicksFile,
        json -> {
          if (present(json, "click_id")
              && present(json, "impr_id")
              && json.path("ts").isIntegralNumber()) {
            clicks.merge(
                json.get("click_id").asText(),
                json,
                (a, b) -> b.get("ts").asLong() < a.get("ts").asLong() ? b : a);
          }
        });
    Map<String, long[]> perWindow = new TreeMap<>();
    for (JsonNode imp : impressions.values()) {
      perWindow.computeIfAbsent(key(imp, windowMillis), k -> new long[2])[0]++;
    }
    Map<String, String> reasons = new TreeMap<>();
    long attributed = 0;
    for (JsonNode click : clicks.values()) {
      JsonNode imp = impressions.get(click.get("impr_id").asText());
      long delay = imp == null ? -1 : click.get("ts").asLong() - imp.get("ts").asLong();
      if (imp != null && delay >= 0 && delay <= attributionWindowMillis) {
        perWindow.get(key(imp, windowMillis))[1]++;
        attributed++;
      } else {
        reasons.put(
            click.get("click_id").asText(),
            imp == null
                ? "NO_IMPRESSION"
                : delay < 0 ? "BEFORE_IMPRESSION" : "OUTSIDE_ATTRIBUTION_WINDOW");
      }
    }
    Map<String, List<Long>> counts = new TreeMap<>();
    perWindow.forEach((k, v) -> counts.put(k, List.of(v[0], v[1])));
    return new ReferenceCtr(counts, reasons, impressions.size(), attributed);
  }

  /**
   * A required field is present when it is not null and not blank (docs/semantics.md, "Dead
   * letters").
   */
  private static boolean present(JsonNode json, String field) {
    return json.hasNonNull(field) && !json.get(field).asText().isBlank();
  }

  private static String key(JsonNode impression, long windowMillis) {
    long ts = impression.get("ts").asLong();
    return impression.get("campaign_id").asText()
        + "|"
        + Math.floorDiv(ts, windowMillis) * windowMillis;
  }

  private static void lines(Path file, Consumer<JsonNode> each) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        try {
          JsonNode json = MAPPER.readTree(line);
          if (json != null && json.isObject()) {
            each.accept(json);
          }
        } catch (IOException malformed) {
          // not an event: the pipeline dead-letters it, the reference ignores it
        }
      }
    }
  }
}
