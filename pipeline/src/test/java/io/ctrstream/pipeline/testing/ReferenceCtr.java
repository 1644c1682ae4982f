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
 *       earliest-{@code ts} line of each {@code click_id}; lines without the required fields are
 *       skipped (the pipeline dead-letters them);
 *   <li>a click is attributed iff an impression with its {@code impr_id} exists and {@code 0 <=
 *       click.ts - impression.ts <= attributionWindowMillis};
 *   <li>per (campaign, fixed window of the impression's ts): impressions = distinct impressions,
 *       clicks = distinct attributed clicks.
 * </ol>
 */
public final class ReferenceCtr {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Per {@code "campaign|window_start_ms"}: [impressions, clicks]. */
  public final Map<String, List<Long>> counts;
  /** Number of clicks that are not attributed. */
  public final long unattributedClicks;
  /** Number of distinct impressions. */
  public final long impressions;
  /** Number of distinct attributed clicks. */
  public final long attributedClicks;

  private ReferenceCtr(Map<String, List<Long>> counts, long unattributed, long impressions, long attributed) {
    this.counts = counts;
    this.unattributedClicks = unattributed;
    this.impressions = impressions;
    this.attributedClicks = attributed;
  }

  /** Recomputes from JSON-lines files (plain or .gz). */
  public static ReferenceCtr compute(
      Path impressionsFile, Path clicksFile, long windowMillis, long attributionWindowMillis) throws IOException {
    Map<String, JsonNode> impressions = new HashMap<>();
    lines(impressionsFile, json -> {
      if (json.hasNonNull("impr_id") && json.hasNonNull("campaign_id") && json.path("ts").isIntegralNumber()) {
        impressions.merge(json.get("impr_id").asText(), json,
            (a, b) -> b.get("ts").asLong() < a.get("ts").asLong() ? b : a);
      }
    });
    Map<String, JsonNode> clicks = new HashMap<>();
    lines(clicksFile, json -> {
      if (json.hasNonNull("click_id") && json.hasNonNull("impr_id") && json.path("ts").isIntegralNumber()) {
        clicks.merge(json.get("click_id").asText(), json, (a, b) -> b.get("ts").asLong() < a.get("ts").asLong() ? b : a);
      }
    });
    Map<String, long[]> perWindow = new TreeMap<>();
    for (JsonNode imp : impressions.values()) {
      perWindow.computeIfAbsent(key(imp, windowMillis), k -> new long[2])[0]++;
    }
    long unattributed = 0;
    long attributed = 0;
    for (JsonNode click : clicks.values()) {
      JsonNode imp = impressions.get(click.get("impr_id").asText());
      long delay = imp == null ? -1 : click.get("ts").asLong() - imp.get("ts").asLong();
      if (imp != null && delay >= 0 && delay <= attributionWindowMillis) {
        perWindow.get(key(imp, windowMillis))[1]++;
        attributed++;
      } else {
        unattributed++;
      }
    }
    Map<String, List<Long>> counts = new TreeMap<>();
    perWindow.forEach((k, v) -> counts.put(k, List.of(v[0], v[1])));
    return new ReferenceCtr(counts, unattributed, impressions.size(), attributed);
  }

  private static String key(JsonNode impression, long windowMillis) {
    long ts = impression.get("ts").asLong();
    return impression.get("campaign_id").asText() + "|" + Math.floorDiv(ts, windowMillis) * windowMillis;
  }

  private static void lines(Path file, Consumer<JsonNode> each) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
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
