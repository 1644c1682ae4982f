package io.ctrstream.serving.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.contract.AlertRecord;
import io.ctrstream.contract.ResultRecord;
import io.ctrstream.serving.store.AlertEntry;
import io.ctrstream.serving.store.Series;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of the HTTP API and of {@code ctr --json}, one shape for both (documented in {@code
 * /openapi.json}). Times are epoch milliseconds with ISO-8601 UTC twins ({@code *_iso}); {@code
 * ctr} and {@code relative_change} are fractions, not percentages.
 */
public final class ResultJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ResultJson() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * A window result: {@code campaign_id} (a breakdown's: {@code dimension, key}), {@code
   * window_start, window_end, window_start_iso, window_end_iso, impressions, clicks, ctr, timing,
   * pane_index, final}, and, where known, {@code updated_at(_iso)}, {@code on_time_at(_iso)} and
   * the nowcast: {@code ctr_nowcast, ctr_nowcast_lower, ctr_nowcast_upper, clicks_seen_fraction,
   * nowcast_basis} (the bounds and the fraction null without an estimate).
   */
  public static ObjectNode result(ResultRecord r) {
    ObjectNode o = MAPPER.createObjectNode();
    identify(o, r.dimension(), r.key());
    time(o, "window_start", r.windowStart());
    time(o, "window_end", r.windowEnd());
    o.put("impressions", r.impressions());
    o.put("clicks", r.clicks());
    o.put("ctr", r.ctr());
    o.put("timing", r.timing());
    o.put("pane_index", r.paneIndex());
    o.put("final", r.isFinal());
    if (r.updatedAt() != null) {
      time(o, "updated_at", r.updatedAt());
    }
    if (r.onTimeAt() != null) {
      time(o, "on_time_at", r.onTimeAt());
    }
    ResultRecord.NowcastFields n = r.nowcast();
    if (n != null) {
      o.put(ResultRecord.CTR_NOWCAST, n.ctr());
      o.put(ResultRecord.CTR_NOWCAST_LOWER, n.lower());
      o.put(ResultRecord.CTR_NOWCAST_UPPER, n.upper());
      o.put(ResultRecord.CLICKS_SEEN_FRACTION, n.clicksSeenFraction());
      o.put(ResultRecord.NOWCAST_BASIS, n.basis());
    }
    return o;
  }

  /** {@code {"count": n, "results": [result, …]}}. */
  public static ObjectNode results(Collection<ResultRecord> results) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("count", results.size());
    ArrayNode a = o.putArray("results");
    results.forEach(r -> a.add(result(r)));
    return o;
  }

  /**
   * Names what a body is about: {@code "campaign_id": id} for a campaign, {@code "dimension": name,
   * "key": value} for a breakdown value.
   */
  public static void identify(ObjectNode o, String dimension, String key) {
    if (Series.CAMPAIGN.equals(dimension)) {
      o.put("campaign_id", key);
    } else {
      o.put("dimension", dimension);
      o.put("key", key);
    }
  }

  /**
   * {@code {"campaign_id" (or "dimension", "key"), "latest", "previous", "change": {"ctr_delta",
   * "relative_change"}, "newest"}}; absent windows and undefined changes are null.
   */
  public static ObjectNode comparison(Comparison c) {
    ObjectNode o = MAPPER.createObjectNode();
    identify(o, c.dimension(), c.key());
    o.set("latest", c.latest() == null ? o.nullNode() : result(c.latest()));
    o.set("previous", c.previous() == null ? o.nullNode() : result(c.previous()));
    ObjectNode change = o.putObject("change");
    change.put("ctr_delta", c.ctrDelta());
    change.put("relative_change", c.relativeChange());
    o.set("newest", c.newest() == null ? o.nullNode() : result(c.newest()));
    return o;
  }

  /**
   * {@code {"trend": bool, "dimensions": [{"dimension", "count", "keys": [...]}, …]}}.
   *
   * @param keysByDimension each dimension's keys, in the order to list them
   */
  public static ObjectNode dimensions(boolean trend, Map<String, List<String>> keysByDimension) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("trend", trend);
    ArrayNode a = o.putArray("dimensions");
    keysByDimension.forEach(
        (dimension, keys) -> {
          ObjectNode d = a.addObject();
          d.put("dimension", dimension);
          d.put("count", keys.size());
          keys.forEach(d.putArray("keys")::add);
        });
    return o;
  }

  /** {@code {"count", "alerts": [alert…]}}, each alert with its stream id and typed fields. */
  public static ObjectNode alerts(List<AlertEntry> alerts) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("count", alerts.size());
    ArrayNode a = o.putArray("alerts");
    for (AlertEntry e : alerts) {
      ObjectNode alert = a.addObject();
      alert.put("stream_id", e.streamId());
      Map<String, String> ordered =
          new TreeMap<>(
              Comparator.comparingInt(
                      (String f) ->
                          AlertRecord.ORDER.contains(f)
                              ? AlertRecord.ORDER.indexOf(f)
                              : AlertRecord.ORDER.size())
                  .thenComparing(f -> f));
      ordered.putAll(e.fields());
      ordered.forEach(
          (name, value) -> {
            if (AlertRecord.WHOLE_NUMBERS.contains(name)) {
              alert.put(name, Long.parseLong(value));
            } else if (AlertRecord.NUMBERS.contains(name)) {
              if (value.equals("null")) {
                alert.putNull(name);
              } else {
                alert.put(name, Double.parseDouble(value));
              }
            } else {
              alert.put(name, value);
            }
          });
    }
    return o;
  }

  /** Puts {@code name} (epoch ms) and {@code name_iso} (ISO-8601, UTC). */
  public static void time(ObjectNode o, String name, long epochMs) {
    o.put(name, epochMs);
    o.put(name + "_iso", Instant.ofEpochMilli(epochMs).toString());
  }

  /** Pretty-printed JSON text. */
  public static String write(Object node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
