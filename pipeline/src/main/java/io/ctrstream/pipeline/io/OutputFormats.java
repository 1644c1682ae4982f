package io.ctrstream.pipeline.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.contract.AlertRecord;
import io.ctrstream.contract.ResultRecord;
import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.UnattributedClick;
import java.io.UncheckedIOException;

/**
 * The JSON (and CSV) every output uses: results (in {@code --output}, {@code ctr:latest}/{@code
 * ctr:previous}), dead letters and unattributed clicks. Times are epoch milliseconds, with ISO-8601
 * UTC twins ({@code *_iso}) for people.
 */
public final class OutputFormats {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OutputFormats() {}

  /**
   * A result as JSON ({@link ResultRecord#toJson}): {@code dimension, key, <dimension>_id,
   * window_start, window_end, window_start_iso, window_end_iso, impressions, clicks, ctr, timing,
   * pane_index, final}.
   */
  public static String result(CtrResult r) {
    return r.toRecord().toJson();
  }

  /** Header of {@link #resultCsv} lines ({@link ResultRecord#CSV_HEADER}). */
  public static final String RESULT_CSV_HEADER = ResultRecord.CSV_HEADER;

  /** A result as one CSV line ({@link ResultRecord#toCsv}). */
  public static String resultCsv(CtrResult r) {
    return r.toRecord().toCsv();
  }

  /** An alert as JSON ({@link AlertRecord#toJson}). */
  public static String alert(Alert a) {
    return a.toRecord().toJson();
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

  /**
   * An unattributed click as JSON: {@code click_id, impr_id, user_id, ts, reason, impression_ts}.
   */
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
