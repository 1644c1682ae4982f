package io.ctrstream.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One result pane as the job stores it and the readers read it: the CTR of one key (a campaign, or
 * a breakdown value such as device {@code mobile}) in one event-time window, as of that pane. The
 * one encoding of a result, in its two forms: the fields of a window hash ({@link #toHash}, {@link
 * #fromHash}) and the JSON of the {@code latest}/{@code previous} hashes, the results file and the
 * results topic ({@link #toJson}, {@link #fromJson}). Field names are the constants below.
 *
 * <p>{@code ctr = clicks / impressions}: distinct attributed clicks over distinct impressions whose
 * event time falls in {@code [windowStart, windowEnd)} (0 when there are no impressions), exactly
 * as the job computed it.
 *
 * @param dimension {@link #CAMPAIGN} or the breakdown's name ({@code device}, {@code
 *     campaign_id+device})
 * @param key the campaign id or the breakdown value ({@code mobile}, {@code c1|mobile})
 * @param windowStart window start, epoch milliseconds, inclusive
 * @param windowEnd window end, epoch milliseconds, exclusive
 * @param impressions distinct impressions in the window
 * @param clicks distinct attributed clicks on those impressions
 * @param ctr {@code clicks / impressions}, a fraction in [0, 1]
 * @param timing the pane's timing: {@code EARLY} (speculative, the window is still open), {@code
 *     ON_TIME} (the watermark passed the window) or {@code LATE} (revised by late data)
 * @param paneIndex 0 for the window's first pane, then 1, 2, …
 * @param isFinal whether the job will write no further pane for this window
 * @param updatedAt when the job wrote this pane, epoch milliseconds; null where it is not kept (the
 *     JSON form)
 * @param onTimeAt when the window's ON_TIME pane was written, epoch milliseconds; null before it,
 *     and in the JSON form
 * @param nowcast the pane's nowcast (docs/nowcast.md); null where the job computed none (the
 *     latest/previous JSON, the trend, results written before the nowcast)
 */
public record ResultRecord(
    String dimension,
    String key,
    long windowStart,
    long windowEnd,
    long impressions,
    long clicks,
    double ctr,
    String timing,
    long paneIndex,
    boolean isFinal,
    Long updatedAt,
    Long onTimeAt,
    NowcastFields nowcast) {

  /** A result without nowcast. */
  public ResultRecord(
      String dimension,
      String key,
      long windowStart,
      long windowEnd,
      long impressions,
      long clicks,
      double ctr,
      String timing,
      long paneIndex,
      boolean isFinal,
      Long updatedAt,
      Long onTimeAt) {
    this(
        dimension,
        key,
        windowStart,
        windowEnd,
        impressions,
        clicks,
        ctr,
        timing,
        paneIndex,
        isFinal,
        updatedAt,
        onTimeAt,
        null);
  }

  /**
   * A pane's nowcast: an unbiased CTR while the window's clicks are still coming (docs/nowcast.md).
   *
   * @param ctr the nowcast; the raw CTR where there is no estimate ({@code basis} NONE) or nothing
   *     left to estimate (COMPLETE)
   * @param lower the 95 % interval's lower bound, or null (basis NONE)
   * @param upper its upper bound, or null
   * @param clicksSeenFraction the share of the window's expected clicks already in, from 0 to 1, or
   *     null (basis NONE)
   * @param basis CAMPAIGN, POOLED (whose click delays it used), NONE or COMPLETE
   */
  public record NowcastFields(
      double ctr, Double lower, Double upper, Double clicksSeenFraction, String basis) {}

  /** The dimension every job writes. */
  public static final String CAMPAIGN = "campaign";

  public static final String DIMENSION = "dimension";
  public static final String KEY = "key";
  public static final String WINDOW_START = "window_start";
  public static final String WINDOW_END = "window_end";
  public static final String WINDOW_START_ISO = "window_start_iso";
  public static final String WINDOW_END_ISO = "window_end_iso";
  public static final String IMPRESSIONS = "impressions";
  public static final String CLICKS = "clicks";
  public static final String CTR = "ctr";
  public static final String TIMING = "timing";
  public static final String PANE_INDEX = "pane_index";
  public static final String FINAL = "final";
  public static final String UPDATED_AT = "updated_at";
  public static final String ON_TIME_AT = "on_time_at";
  public static final String CTR_NOWCAST = "ctr_nowcast";
  public static final String CTR_NOWCAST_LOWER = "ctr_nowcast_lower";
  public static final String CTR_NOWCAST_UPPER = "ctr_nowcast_upper";
  public static final String CLICKS_SEEN_FRACTION = "clicks_seen_fraction";
  public static final String NOWCAST_BASIS = "nowcast_basis";

  /** The pane timing whose write time is kept as {@link #ON_TIME_AT}. */
  public static final String ON_TIME = "ON_TIME";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** {@code <dimension>_id}: the key again under its dimension's name, e.g. {@code campaign_id}. */
  public static String idField(String dimension) {
    return dimension + "_id";
  }

  /** Whether the watermark has passed the window (the pane is not EARLY). */
  public boolean isComplete() {
    return !"EARLY".equals(timing);
  }

  /** This pane with its write times. */
  public ResultRecord written(Long updatedAt, Long onTimeAt) {
    return new ResultRecord(
        dimension,
        key,
        windowStart,
        windowEnd,
        impressions,
        clicks,
        ctr,
        timing,
        paneIndex,
        isFinal,
        updatedAt,
        onTimeAt,
        nowcast);
  }

  /**
   * The window hash's fields ({@code <prefix>:<dimension>:<key>:window:<start>}), in this order:
   * {@code dimension, key, <dimension>_id, impressions, clicks, ctr, window_start, window_end,
   * window_start_iso, window_end_iso, timing, pane_index, final}, then {@code updated_at} and
   * {@code on_time_at} where not null, then, with a nowcast, {@code ctr_nowcast, ctr_nowcast_lower,
   * ctr_nowcast_upper, clicks_seen_fraction, nowcast_basis} (all five, an absent bound or fraction
   * as the empty string, so that a pane overwrites every field of the one before).
   */
  public Map<String, String> toHash() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put(DIMENSION, dimension);
    f.put(KEY, key);
    f.put(idField(dimension), key);
    f.put(IMPRESSIONS, Long.toString(impressions));
    f.put(CLICKS, Long.toString(clicks));
    f.put(CTR, Double.toString(ctr));
    f.put(WINDOW_START, Long.toString(windowStart));
    f.put(WINDOW_END, Long.toString(windowEnd));
    f.put(WINDOW_START_ISO, Iso.of(windowStart));
    f.put(WINDOW_END_ISO, Iso.of(windowEnd));
    f.put(TIMING, timing);
    f.put(PANE_INDEX, Long.toString(paneIndex));
    f.put(FINAL, Boolean.toString(isFinal));
    if (updatedAt != null) {
      f.put(UPDATED_AT, Long.toString(updatedAt));
    }
    if (onTimeAt != null) {
      f.put(ON_TIME_AT, Long.toString(onTimeAt));
    }
    if (nowcast != null) {
      f.put(CTR_NOWCAST, Double.toString(nowcast.ctr()));
      f.put(CTR_NOWCAST_LOWER, text(nowcast.lower()));
      f.put(CTR_NOWCAST_UPPER, text(nowcast.upper()));
      f.put(CLICKS_SEEN_FRACTION, text(nowcast.clicksSeenFraction()));
      f.put(NOWCAST_BASIS, nowcast.basis());
    }
    return f;
  }

  /**
   * Reads a window hash as {@link #toHash} writes it (a hash without {@code dimension}, from before
   * breakdowns, is a campaign's).
   *
   * @throws IllegalArgumentException if a required field is missing or not a number
   */
  public static ResultRecord fromHash(Map<String, String> h) {
    return new ResultRecord(
        h.getOrDefault(DIMENSION, CAMPAIGN),
        required(h, KEY),
        parseLong(h, WINDOW_START),
        parseLong(h, WINDOW_END),
        parseLong(h, IMPRESSIONS),
        parseLong(h, CLICKS),
        Double.parseDouble(required(h, CTR)),
        required(h, TIMING),
        parseLong(h, PANE_INDEX),
        Boolean.parseBoolean(required(h, FINAL)),
        h.containsKey(UPDATED_AT) ? parseLong(h, UPDATED_AT) : null,
        h.containsKey(ON_TIME_AT) ? parseLong(h, ON_TIME_AT) : null,
        h.containsKey(CTR_NOWCAST)
            ? new NowcastFields(
                Double.parseDouble(h.get(CTR_NOWCAST)),
                optionalDouble(h.get(CTR_NOWCAST_LOWER)),
                optionalDouble(h.get(CTR_NOWCAST_UPPER)),
                optionalDouble(h.get(CLICKS_SEEN_FRACTION)),
                h.getOrDefault(NOWCAST_BASIS, "NONE"))
            : null);
  }

  private static String text(Double d) {
    return d == null ? "" : Double.toString(d);
  }

  private static Double optionalDouble(String s) {
    return s == null || s.isEmpty() ? null : Double.valueOf(s);
  }

  /** The columns of {@link #toCsv} lines (the header line of {@code --output=….csv}). */
  public static final String CSV_HEADER =
      String.join(
          ",",
          DIMENSION,
          KEY,
          WINDOW_START,
          WINDOW_END,
          WINDOW_START_ISO,
          IMPRESSIONS,
          CLICKS,
          CTR,
          TIMING,
          PANE_INDEX,
          FINAL);

  /**
   * This result as one CSV line, columns as in {@link #CSV_HEADER}; the dimension and the key are
   * quoted as RFC 4180 says when they hold a comma, a quote or a line break.
   */
  public String toCsv() {
    return String.join(
        ",",
        csv(dimension),
        csv(key),
        Long.toString(windowStart),
        Long.toString(windowEnd),
        Iso.of(windowStart),
        Long.toString(impressions),
        Long.toString(clicks),
        Double.toString(ctr),
        timing,
        Long.toString(paneIndex),
        Boolean.toString(isFinal));
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  /**
   * The JSON form, one line: {@code dimension, key, <dimension>_id, window_start, window_end,
   * window_start_iso, window_end_iso, impressions, clicks, ctr, timing, pane_index, final}, with a
   * nowcast then {@code ctr_nowcast, ctr_nowcast_lower, ctr_nowcast_upper, clicks_seen_fraction,
   * nowcast_basis} (absent values as null); no write times.
   */
  public String toJson() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put(DIMENSION, dimension);
    o.put(KEY, key);
    o.put(idField(dimension), key);
    o.put(WINDOW_START, windowStart);
    o.put(WINDOW_END, windowEnd);
    o.put(WINDOW_START_ISO, Iso.of(windowStart));
    o.put(WINDOW_END_ISO, Iso.of(windowEnd));
    o.put(IMPRESSIONS, impressions);
    o.put(CLICKS, clicks);
    o.put(CTR, ctr);
    o.put(TIMING, timing);
    o.put(PANE_INDEX, paneIndex);
    o.put(FINAL, isFinal);
    if (nowcast != null) {
      o.put(CTR_NOWCAST, nowcast.ctr());
      o.put(CTR_NOWCAST_LOWER, nowcast.lower());
      o.put(CTR_NOWCAST_UPPER, nowcast.upper());
      o.put(CLICKS_SEEN_FRACTION, nowcast.clicksSeenFraction());
      o.put(NOWCAST_BASIS, nowcast.basis());
    }
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads the JSON form ({@link #toJson}).
   *
   * @throws IllegalArgumentException if it is not JSON or lacks a field
   */
  public static ResultRecord fromJson(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      return new ResultRecord(
          n.get(DIMENSION).asText(),
          n.get(KEY).asText(),
          n.get(WINDOW_START).asLong(),
          n.get(WINDOW_END).asLong(),
          n.get(IMPRESSIONS).asLong(),
          n.get(CLICKS).asLong(),
          n.get(CTR).asDouble(),
          n.get(TIMING).asText(),
          n.get(PANE_INDEX).asLong(),
          n.get(FINAL).asBoolean(),
          null,
          null,
          n.hasNonNull(CTR_NOWCAST)
              ? new NowcastFields(
                  n.get(CTR_NOWCAST).asDouble(),
                  optionalDouble(n, CTR_NOWCAST_LOWER),
                  optionalDouble(n, CTR_NOWCAST_UPPER),
                  optionalDouble(n, CLICKS_SEEN_FRACTION),
                  n.hasNonNull(NOWCAST_BASIS) ? n.get(NOWCAST_BASIS).asText() : "NONE")
              : null);
    } catch (JsonProcessingException | NullPointerException e) {
      throw new IllegalArgumentException("not a ctrstream result: " + json, e);
    }
  }

  private static Double optionalDouble(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asDouble() : null;
  }

  private static String required(Map<String, String> h, String field) {
    String v = h.get(field);
    if (v == null) {
      throw new IllegalArgumentException("field '" + field + "' is missing");
    }
    return v;
  }

  private static long parseLong(Map<String, String> h, String field) {
    try {
      return Long.parseLong(required(h, field));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "field '" + field + "' is not a whole number: " + h.get(field));
    }
  }
}
