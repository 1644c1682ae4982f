package io.ctrstream.pipeline.transforms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.DeadLetter.Reason;
import io.ctrstream.pipeline.model.Impression;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JSON payloads into {@link Impression}s and {@link Click}s, or says precisely why not.
 *
 * <p>Required: {@code impr_id}, {@code campaign_id}, {@code ts} for an impression; {@code click_id},
 * {@code impr_id}, {@code ts} for a click. Ids are JSON strings or integers (kept as their exact
 * digits: Avazu ids exceed a signed 64-bit long) and must not be blank. {@code ts} is an integer in
 * epoch milliseconds within {@link EventTimeRange}. {@code user_id} is optional. Every further
 * field of an impression is kept as a dimension (scalars as text, nested values as compact JSON);
 * JSON nulls are skipped.
 */
public final class EventParser implements Serializable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final EventTimeRange range;

  public EventParser(EventTimeRange range) {
    this.range = range;
  }

  /**
   * Whether the payload is a watermark heartbeat, {@code {"heartbeat": true, "ts": <epoch ms>}}: no
   * event, only a promise that its partition has no earlier data to come. A replay sends one to
   * every partition after its last event, so that the watermark passes every window.
   */
  public static boolean isHeartbeat(String payload) {
    if (payload == null || !payload.contains("\"heartbeat\"")) {
      return false;
    }
    try {
      JsonNode node = MAPPER.readTree(payload);
      return node != null && node.path("heartbeat").asBoolean(false);
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /**
   * Parses an impression.
   *
   * @param nowMillis the processing time, epoch milliseconds, for the "not in the future" check
   * @throws InvalidEventException with the dead-letter reason when the payload is not a valid impression
   */
  public Impression impression(String payload, long nowMillis) throws InvalidEventException {
    ObjectNode o = object(payload);
    String imprId = id(o, "impr_id");
    String campaignId = id(o, "campaign_id");
    long ts = ts(o, nowMillis);
    String userId = optionalId(o, "user_id");
    TreeMap<String, String> dimensions = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      switch (f.getKey()) {
        case "impr_id", "campaign_id", "ts", "user_id" -> {}
        default -> {
          JsonNode v = f.getValue();
          if (!v.isNull()) {
            dimensions.put(f.getKey(), v.isValueNode() ? v.asText() : v.toString());
          }
        }
      }
    }
    return new Impression(imprId, userId, campaignId, ts, dimensions);
  }

  /**
   * Parses a click.
   *
   * @param nowMillis the processing time, epoch milliseconds, for the "not in the future" check
   * @throws InvalidEventException with the dead-letter reason when the payload is not a valid click
   */
  public Click click(String payload, long nowMillis) throws InvalidEventException {
    ObjectNode o = object(payload);
    return new Click(id(o, "click_id"), id(o, "impr_id"), optionalId(o, "user_id"), ts(o, nowMillis));
  }

  private static ObjectNode object(String payload) throws InvalidEventException {
    if (payload == null || payload.isBlank()) {
      throw new InvalidEventException(Reason.MALFORMED_JSON, "empty record");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(Reason.MALFORMED_JSON, e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new InvalidEventException(
          Reason.MALFORMED_JSON, "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    return (ObjectNode) node;
  }

  private static String id(ObjectNode o, String field) throws InvalidEventException {
    String id = optionalId(o, field);
    if (id.isBlank()) {
      throw new InvalidEventException(Reason.MISSING_FIELD, field + " is missing or blank");
    }
    return id;
  }

  private static String optionalId(ObjectNode o, String field) throws InvalidEventException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (v.isTextual() || v.isIntegralNumber()) {
      return v.asText().strip();
    }
    throw new InvalidEventException(
        Reason.INVALID_FIELD, field + " must be a string or an integer, got " + v.getNodeType() + " " + v);
  }

  private long ts(ObjectNode o, long nowMillis) throws InvalidEventException {
    JsonNode v = o.get("ts");
    if (v == null || v.isNull()) {
      throw new InvalidEventException(Reason.MISSING_FIELD, "ts is missing");
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new InvalidEventException(
          Reason.INVALID_FIELD, "ts must be an integer in epoch milliseconds, got " + v.getNodeType() + " " + v);
    }
    long ts = v.asLong();
    String problem = range.check(ts, nowMillis);
    if (problem != null) {
      throw new InvalidEventException(Reason.TS_OUT_OF_RANGE, problem);
    }
    return ts;
  }
}
