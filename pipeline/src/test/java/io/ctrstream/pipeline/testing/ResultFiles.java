package io.ctrstream.pipeline.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads what a pipeline run wrote with {@code --output} and friends. */
public final class ResultFiles {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ResultFiles() {}

  /** Every JSON line of a file. */
  public static List<JsonNode> jsonLines(Path file) {
    try {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          nodes.add(MAPPER.readTree(line));
        }
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The final pane of every (key, window) as {@code "key|window_start_ms" -> [impressions,
   * clicks]}.
   *
   * @throws AssertionError if a (key, window) has no final pane or more than one
   */
  public static Map<String, List<Long>> finalCounts(Path resultFile) {
    Map<String, List<Long>> finals = new TreeMap<>();
    Map<String, Integer> panes = new TreeMap<>();
    for (JsonNode r : jsonLines(resultFile)) {
      String id = r.get("key").asText() + "|" + r.get("window_start").asLong();
      panes.merge(id, 1, Integer::sum);
      if (r.get("final").asBoolean()) {
        List<Long> counts = List.of(r.get("impressions").asLong(), r.get("clicks").asLong());
        if (finals.put(id, counts) != null) {
          throw new AssertionError("two final panes for " + id);
        }
      }
    }
    for (String id : panes.keySet()) {
      if (!finals.containsKey(id)) {
        throw new AssertionError("no final pane for " + id);
      }
    }
    return finals;
  }
}
