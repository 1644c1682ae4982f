package io.ctrstream.serving.store;

import java.util.Map;

/**
 * The CTR of one key (a campaign, or a breakdown value such as device {@code mobile}) in one
 * event-time window, as of the newest pane the pipeline wrote.
 *
 * <p>{@code ctr = clicks / impressions}: distinct attributed clicks over distinct impressions whose
 * event time falls in {@code [windowStart, windowEnd)} (0 when there are no impressions), exactly
 * as the pipeline computed it.
 *
 * @param dimension {@code campaign} or the breakdown's name ({@code device}, {@code campaign_id+device})
 * @param key the campaign id or the breakdown value ({@code mobile}, {@code c1|mobile})
 * @param windowStart window start, epoch milliseconds, inclusive
 * @param windowEnd window end, epoch milliseconds, exclusive
 * @param impressions distinct impressions in the window
 * @param clicks distinct attributed clicks on those impressions
 * @param ctr {@code clicks / impressions}, a fraction in [0, 1]
 * @param timing the pane's timing: {@code EARLY} (speculative, the window is still open),
 *     {@code ON_TIME} (the watermark passed the window) or {@code LATE} (revised by late data)
 * @param paneIndex 0 for the window's first pane, then 1, 2, …
 * @param isFinal whether the pipeline will write no further pane for this window
 * @param updatedAt when the pipeline wrote this pane, epoch milliseconds; null where Redis does
 *     not keep it ({@code ctr:latest} and {@code ctr:previous} values)
 * @param onTimeAt when the window's ON_TIME pane was written, epoch milliseconds; null before it
 */
public record WindowResult(
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

  /** Whether the watermark has passed the window (the pane is not EARLY). */
  public boolean isComplete() {
    return !"EARLY".equals(timing);
  }

  /**
   * Reads a window hash as the pipeline writes it ({@code ctr:campaign:<id>:window:<start>}).
   *
   * @throws IllegalArgumentException if a required field is missing or not a number
   */
  static WindowResult fromHash(Map<String, String> h) {
    return new WindowResult(
        h.getOrDefault("dimension", Series.CAMPAIGN),
        required(h, "key"),
        parseLong(h, "window_start"),
        parseLong(h, "window_end"),
        parseLong(h, "impressions"),
        parseLong(h, "clicks"),
        Double.parseDouble(required(h, "ctr")),
        required(h, "timing"),
        parseLong(h, "pane_index"),
        Boolean.parseBoolean(required(h, "final")),
        h.containsKey("updated_at") ? parseLong(h, "updated_at") : null,
        h.containsKey("on_time_at") ? parseLong(h, "on_time_at") : null);
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
      throw new IllegalArgumentException("field '" + field + "' is not a whole number: " + h.get(field));
    }
  }
}
