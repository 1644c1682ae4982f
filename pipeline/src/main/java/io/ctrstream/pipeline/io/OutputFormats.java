package io.ctrstream.pipeline.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.UnattributedClick;
import java.io.UncheckedIOException;
import org.joda.time.Instant;

/**
 * The JSON (and CSV) every output uses: results (in {@code --output}, {@code ctr:latest}/{@code ctr:previous}),
 * dead letters and unattributed clicks. Times are epoch milliseconds, with ISO-8601 UTC twins
 * ({@code *_iso}) for people.
 */
public final class OutputFormats {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OutputFormats() {}

  /**
   * A result as JSON: {@code dimension, key, <dimension>_id, window_start, window_end,
   * window_start_iso, window_end_iso, impressions, clicks, ctr, timing, pane_index, final}.
   */
  public static String result(CtrResult r) {
    return write(resultNode(r));
  }

  static ObjectNode resultNode(CtrResult r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("dimension", r.dimension());
    o.put("key", r.key());
    o.put(r.dimension() + "_id", r.key());
    o.put("window_start", r.windowStart());
    o.put("window_end", r.windowEnd());
    o.put("window_start_iso", new Instant(r.windowStart()).toString());
    o.put("window_end_iso", new Instant(r.windowEnd()).toString());
    o.put("impressions", r.impressions());
    o.put("clicks", r.clicks());
    o.put("ctr", r.ctr());
    o.put("timing", r.timing().name());
    o.put("pane_index", r.paneIndex());
    o.put("final", r.isFinal());
    return o;
  }

  /** Header of {@link #resultCsv} lines. */
  public static final String RESULT_CSV_HEADER =
      "dimension,key,window_start,window_end,window_start_iso,impressions,clicks,ctr,timing,pane_index,final";

  /** A result as one CSV line (RFC 4180 quoting of the key), columns as in {@link #RESULT_CSV_HEADER}. */
  public static String resultCsv(CtrResult r) {
    return String.join(",",
        csv(r.dimension()), csv(r.key()), Long.toString(r.windowStart()), Long.toString(r.windowEnd()),
        new Instant(r.windowStart()).toString(), Long.toString(r.impressions()), Long.toString(r.clicks()),
        Double.toString(r.ctr()), r.timing().name(), Long.toString(r.paneIndex()), Boolean.toString(r.isFinal()));
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /**
   * An alert as JSON: {@code alert_id, dimension, key, <dimension>_id, window_start, window_end}
   * (epoch ms) and their {@code _iso} twins, {@code kind, severity, status, baseline, impressions,
   * clicks, ctr, baseline_impressions, baseline_clicks, baseline_ctr, z, p_value, relative_change}
   * ({@code relative_change} is a fraction, null when the baseline CTR is 0).
   */
  public static String alert(Alert a) {
    return write(alertNode(a));
  }

  /** The {@link #alert} fields, in order, values as strings (for a Redis stream entry). */
  public static java.util.Map<String, String> alertFields(Alert a) {
    java.util.Map<String, String> f = new java.util.LinkedHashMap<>();
    alertNode(a).fields().forEachRemaining(e -> f.put(e.getKey(), e.getValue().asText()));
    return f;
  }

  private static ObjectNode alertNode(Alert a) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("alert_id", a.windowId() + ":" + a.status());
    o.put("dimension", a.dimension());
    o.put("key", a.key());
    o.put(a.dimension() + "_id", a.key());
    o.put("window_start", a.windowStart());
    o.put("window_end", a.windowEnd());
    o.put("window_start_iso", new Instant(a.windowStart()).toString());
    o.put("window_end_iso", new Instant(a.windowEnd()).toString());
    o.put("kind", a.kind().name());
    o.put("severity", a.severity().name());
    o.put("status", a.status().name());
    o.put("baseline", a.baseline());
    o.put("impressions", a.impressions());
    o.put("clicks", a.clicks());
    o.put("ctr", a.ctr());
    o.put("baseline_impressions", a.baselineImpressions());
    o.put("baseline_clicks", a.baselineClicks());
    o.put("baseline_ctr", a.baselineCtr());
    o.put("z", a.z());
    o.put("p_value", a.pValue());
    if (Double.isNaN(a.relativeChange())) {
      o.putNull("relative_change");
    } else {
      o.put("relative_change", a.relativeChange());
    }
    return o;
  }

  /** A dead letter as JSON: {@code source, reason, detail, payload}. */
  public static String deadLetter(DeadLetter d) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("source", d.source());
    o.put("reason", d.reason().name());
    o.put("detail", d.detail());
    o.put("payload", d.payload());
    return write(o);
  }

  /** An unattributed click as JSON: {@code click_id, impr_id, user_id, ts, reason, impression_ts}. */
  public static String unattributedClick(UnattributedClick u) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("click_id", u.click().clickId());
    o.put("impr_id", u.click().imprId());
    o.put("user_id", u.click().userId());
    o.put("ts", u.click().ts());
    o.put("reason", u.reason().name());
    if (u.impressionTs() == null) {
      o.putNull("impression_ts");
    } else {
      o.put("impression_ts", u.impressionTs());
    }
    return write(o);
  }

  private static String write(ObjectNode o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
