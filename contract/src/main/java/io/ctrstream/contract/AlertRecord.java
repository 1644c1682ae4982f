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
  /** How a reader types a field's text back. */
  public enum FieldType {
    TEXT,
    WHOLE_NUMBER,
    NUMBER
  }

  /**
   * Every field, in the order the job writes them, with its type ({@code <dimension>_id} after
   * {@code key} is the key again; {@code relative_change} may be null).
   */
  public static final Map<String, FieldType> FIELDS =
      table(
          "alert_id", FieldType.TEXT,
          "dimension", FieldType.TEXT,
          "key", FieldType.TEXT,
          "campaign_id", FieldType.TEXT,
          "window_start", FieldType.WHOLE_NUMBER,
          "window_end", FieldType.WHOLE_NUMBER,
          "window_start_iso", FieldType.TEXT,
          "window_end_iso", FieldType.TEXT,
          "kind", FieldType.TEXT,
          "severity", FieldType.TEXT,
          "status", FieldType.TEXT,
          "baseline", FieldType.TEXT,
          "impressions", FieldType.WHOLE_NUMBER,
          "clicks", FieldType.WHOLE_NUMBER,
          "ctr", FieldType.NUMBER,
          "baseline_impressions", FieldType.NUMBER,
          "baseline_clicks", FieldType.NUMBER,
          "baseline_ctr", FieldType.NUMBER,
          "z", FieldType.NUMBER,
          "p_value", FieldType.NUMBER,
          "relative_change", FieldType.NUMBER);

  /** An ordered map of (name, type) pairs. */
  private static Map<String, FieldType> table(Object... pairs) {
    Map<String, FieldType> f = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      f.put((String) pairs[i], (FieldType) pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(f);
  }

  /** The fields in the order the job writes them ({@link #FIELDS}' keys). */
  public static final List<String> ORDER = List.copyOf(FIELDS.keySet());

  /** Fields that are whole numbers. */
  public static final Set<String> WHOLE_NUMBERS = ofType(FieldType.WHOLE_NUMBER);

  /** Fields that are fractional numbers ({@code relative_change} may be null). */
  public static final Set<String> NUMBERS = ofType(FieldType.NUMBER);

  private static Set<String> ofType(FieldType type) {
    return FIELDS.entrySet().stream()
        .filter(e -> e.getValue() == type)
        .map(Map.Entry::getKey)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

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
