package io.ctrstream.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One alert as the job stores it and the readers read it: an entry of the stream {@code
 * <prefix>:alerts} ({@link #toFields}, values as text) and the JSON of {@code
 * <prefix>:alerts:latest} and the alert topic ({@link #toJson}); readers type the stream's text
 * back by {@link #WHOLE_NUMBERS} and {@link #NUMBERS}, in the order {@link #ORDER}.
 *
 * @param dimension {@link ResultRecord#CAMPAIGN} or a breakdown's name
 * @param key the campaign id or the breakdown value
 * @param windowStart the alerted window's start, epoch ms
 * @param windowEnd its end, epoch ms
 * @param kind {@code SPIKE} or {@code DROP}
 * @param severity {@code NONE}, {@code WARNING} or {@code CRITICAL}
 * @param status {@code RAISED}, {@code CORRECTED} or {@code RETRACTED}
 * @param baseline what the window was tested against, e.g. {@code previous}
 * @param impressions the window's impressions
 * @param clicks its clicks
 * @param ctr {@code clicks / impressions}
 * @param baselineImpressions the baseline's impressions (a mean, so fractional)
 * @param baselineClicks the baseline's clicks
 * @param baselineCtr the baseline's CTR
 * @param z the two-proportion z statistic
 * @param pValue its two-sided p-value
 * @param relativeChange {@code (ctr - baselineCtr) / baselineCtr}; NaN (null in JSON) if the
 *     baseline CTR is 0
 */
public record AlertRecord(
    String dimension,
    String key,
    long windowStart,
    long windowEnd,
    String kind,
    String severity,
    String status,
    String baseline,
    long impressions,
    long clicks,
    double ctr,
    double baselineImpressions,
    double baselineClicks,
    double baselineCtr,
    double z,
    double pValue,
    double relativeChange) {
  /**
   * The fields in the order the job writes them ({@code <dimension>_id} after {@code key} is the
   * key again).
   */
  public static final List<String> ORDER =
      List.of(
          "alert_id",
          "dimension",
          "key",
          "campaign_id",
          "window_start",
          "window_end",
          "window_start_iso",
          "window_end_iso",
          "kind",
          "severity",
          "status",
          "baseline",
          "impressions",
          "clicks",
          "ctr",
          "baseline_impressions",
          "baseline_clicks",
          "baseline_ctr",
          "z",
          "p_value",
          "relative_change");

  /** Fields that are whole numbers. */
  public static final Set<String> WHOLE_NUMBERS =
      Set.of("window_start", "window_end", "impressions", "clicks");

  /** Fields that are fractional numbers ({@code relative_change} may be null). */
  public static final Set<String> NUMBERS =
      Set.of(
          "ctr",
          "baseline_impressions",
          "baseline_clicks",
          "baseline_ctr",
          "z",
          "p_value",
          "relative_change");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** {@code <dimension>:<key>:<window_start>:<status>}: tells an alert's copies apart. */
  public String alertId() {
    return dimension + ":" + key + ":" + windowStart + ":" + status;
  }

  /**
   * The stream entry's fields, in {@link #ORDER}, values as text ({@code "null"} for a NaN change).
   */
  public Map<String, String> toFields() {
    Map<String, String> f = new LinkedHashMap<>();
    node().fields().forEachRemaining(e -> f.put(e.getKey(), e.getValue().asText()));
    return f;
  }

  /** The JSON form, one line, the fields of {@link #toFields} typed. */
  public String toJson() {
    try {
      return MAPPER.writeValueAsString(node());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ObjectNode node() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("alert_id", alertId());
    o.put("dimension", dimension);
    o.put("key", key);
    o.put(ResultRecord.idField(dimension), key);
    o.put("window_start", windowStart);
    o.put("window_end", windowEnd);
    o.put("window_start_iso", Iso.of(windowStart));
    o.put("window_end_iso", Iso.of(windowEnd));
    o.put("kind", kind);
    o.put("severity", severity);
    o.put("status", status);
    o.put("baseline", baseline);
    o.put("impressions", impressions);
    o.put("clicks", clicks);
    o.put("ctr", ctr);
    o.put("baseline_impressions", baselineImpressions);
    o.put("baseline_clicks", baselineClicks);
    o.put("baseline_ctr", baselineCtr);
    o.put("z", z);
    o.put("p_value", pValue);
    if (Double.isNaN(relativeChange)) {
      o.putNull("relative_change");
    } else {
      o.put("relative_change", relativeChange);
    }
    return o;
  }
}
