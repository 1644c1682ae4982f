package io.ctrstream.pipeline.transforms;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.DeadLetter.Reason;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JSON payloads into {@link Impression}s and {@link Click}s, or says precisely why not, in
 * one parse ({@link ParsedRecord}).
 *
 * <p>Required: {@code impr_id}, {@code campaign_id}, {@code ts} for an impression; {@code
 * click_id}, {@code impr_id}, {@code ts} for a click. Ids are JSON strings or integers (kept as
 * their exact digits: Avazu ids exceed a signed 64-bit long) and must not be blank. {@code ts} is
 * an integer in epoch milliseconds within {@link EventTimeRange}. {@code user_id} is optional.
 * Every further field of an impression is kept as a dimension (scalars as text, nested values as
 * compact JSON); JSON nulls are skipped.
 *
 * <p>Two paths, one result. A flat, valid impression or click (every value a string, an integer
 * within a {@code long}, a boolean or null) is read token by token ({@link FastPath}), without
 * building a tree: the common case, at about 30 % less cost. Anything else (a nested or decimal
 * value, a heartbeat, anything invalid) is read as a Jackson tree, which defines the result and
 * every dead letter's detail; {@code EventParserTest} checks that both paths agree.
 */
public final class EventParser implements Serializable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory JSON = MAPPER.getFactory();

  private final EventTimeRange range;

  public EventParser(EventTimeRange range) {
    this.range = range;
  }

  /**
   * Parses one record of {@code kind}, once: an impression or click, a watermark heartbeat ({@code
   * {"heartbeat": true, "ts": <epoch ms>}}: no event, only a promise that its partition has no
   * earlier data to come; a replay sends one to every partition after its last event, so that the
   * watermark passes every window), or a dead letter with the reason. Never throws on data.
   *
   * @param source the topic or file, for the dead letter
   * @param payload the record's value, UTF-8 JSON; {@code null} counts as empty
   * @param nowMillis the processing time, epoch milliseconds, for the "not in the future" check
   */
  public ParsedRecord parse(RawEvent.Kind kind, String source, byte[] payload, long nowMillis) {
    if (payload != null && payload.length > 0) {
      ParsedRecord fast = parseFast(kind, payload, nowMillis);
      if (fast != null) {
        return fast;
      }
    }
    return parseTree(kind, source, payload, nowMillis);
  }

  /** The token-by-token path alone: the event, or {@code null} where the tree path decides. */
  ParsedRecord parseFast(RawEvent.Kind kind, byte[] payload, long nowMillis) {
    return FastPath.parse(this, kind, payload, nowMillis);
  }

  /** The tree path alone: what {@link #parse(RawEvent.Kind, String, byte[], long)} must equal. */
  ParsedRecord parseTree(RawEvent.Kind kind, String source, byte[] payload, long nowMillis) {
    try {
      if (payload == null || payload.length == 0) {
        throw new InvalidEventException(Reason.MALFORMED_JSON, "empty record");
      }
      return parse(kind, object(MAPPER.readTree(payload)), nowMillis);
    } catch (InvalidEventException e) {
      return deadLetter(
          source, e, payload == null ? "" : new String(payload, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return deadLetter(source, malformed(e), new String(payload, StandardCharsets.UTF_8));
    }
  }

  /**
   * As {@link #parse(RawEvent.Kind, String, byte[], long)}, for a record read as text (a file
   * line).
   */
  public ParsedRecord parse(RawEvent raw, long nowMillis) {
    return parse(
        raw.kind(),
        raw.source(),
        raw.payload() == null ? null : raw.payload().getBytes(StandardCharsets.UTF_8),
        nowMillis);
  }

  private ParsedRecord parse(RawEvent.Kind kind, ObjectNode o, long nowMillis)
      throws InvalidEventException {
    if (o.path("heartbeat").asBoolean(false)) {
      JsonNode ts = o.get("ts");
      boolean valid =
          ts != null
              && ts.isIntegralNumber()
              && ts.canConvertToLong()
              && range.contains(ts.asLong(), nowMillis);
      return ParsedRecord.heartbeat(valid ? ts.asLong() : Long.MIN_VALUE);
    }
    return kind == RawEvent.Kind.IMPRESSION
        ? ParsedRecord.of(impression(o, nowMillis))
        : ParsedRecord.of(click(o, nowMillis));
  }

  private static ParsedRecord deadLetter(String source, InvalidEventException e, String payload) {
    return ParsedRecord.of(new DeadLetter(source, e.reason(), e.getMessage(), payload));
  }

  private static InvalidEventException malformed(IOException e) {
    String detail =
        e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return new InvalidEventException(Reason.MALFORMED_JSON, detail);
  }

  private Impression impression(ObjectNode o, long nowMillis) throws InvalidEventException {
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

  private Click click(ObjectNode o, long nowMillis) throws InvalidEventException {
    return new Click(
        id(o, "click_id"), id(o, "impr_id"), optionalId(o, "user_id"), ts(o, nowMillis));
  }

  private static ObjectNode object(JsonNode node) throws InvalidEventException {
    if (node == null || node.isMissingNode()) {
      throw new InvalidEventException(Reason.MALFORMED_JSON, "empty record");
    }
    if (!node.isObject()) {
      throw new InvalidEventException(
          Reason.MALFORMED_JSON, "expected a JSON object, got " + node.getNodeType());
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
        Reason.INVALID_FIELD,
        field + " must be a string or an integer, got " + v.getNodeType() + " " + v);
  }

  private long ts(ObjectNode o, long nowMillis) throws InvalidEventException {
    JsonNode v = o.get("ts");
    if (v == null || v.isNull()) {
      throw new InvalidEventException(Reason.MISSING_FIELD, "ts is missing");
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new InvalidEventException(
          Reason.INVALID_FIELD,
          "ts must be an integer in epoch milliseconds, got " + v.getNodeType() + " " + v);
    }
    long ts = v.asLong();
    String problem = range.check(ts, nowMillis);
    if (problem != null) {
      throw new InvalidEventException(Reason.TS_OUT_OF_RANGE, problem);
    }
    return ts;
  }

  /**
   * The token-by-token path: the event, or {@code null} whenever the tree path must decide (a value
   * that is not a flat string, integer, boolean or null; a {@code heartbeat} field; a missing,
   * blank or invalid field; anything malformed).
   */
  private static final class FastPath {
    private FastPath() {}

    static ParsedRecord parse(
        EventParser parser, RawEvent.Kind kind, byte[] payload, long nowMillis) {
      try (JsonParser p = JSON.createParser(payload)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return null;
        }
        boolean impression = kind == RawEvent.Kind.IMPRESSION;
        String imprId = null;
        String campaignId = null;
        String clickId = null;
        String userId = "";
        long ts = Long.MIN_VALUE;
        TreeMap<String, String> dimensions = impression ? new TreeMap<>() : null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (name.equals("heartbeat")) {
            return null;
          }
          if (name.equals("ts")) {
            if (v != JsonToken.VALUE_NUMBER_INT
                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              return null;
            }
            ts = p.getLongValue();
            continue;
          }
          String text = scalar(p, v);
          if (text == null) {
            return null; // nested, decimal or otherwise for the tree path to say
          }
          switch (name) {
            case "impr_id" -> imprId = id(v, text);
            case "user_id" -> userId = id(v, text);
            case "campaign_id" -> {
              if (impression) {
                campaignId = id(v, text);
              }
            }
            case "click_id" -> {
              if (impression) {
                keep(dimensions, name, v, text);
              } else {
                clickId = id(v, text);
              }
            }
            default -> {
              if (impression) {
                keep(dimensions, name, v, text);
              }
            }
          }
        }
        if (t != JsonToken.END_OBJECT
            || ts == Long.MIN_VALUE
            || parser.range.check(ts, nowMillis) != null
            || blank(imprId)
            || userId == INVALID) {
          return null;
        }
        if (impression) {
          return blank(campaignId)
              ? null
              : ParsedRecord.of(new Impression(imprId, userId, campaignId, ts, dimensions));
        }
        return blank(clickId) ? null : ParsedRecord.of(new Click(clickId, imprId, userId, ts));
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /** Marks an id the tree path must judge (a boolean); compared by identity. */
    private static final String INVALID = new String("invalid");

    /**
     * A flat value's text as the tree path gives it ({@code JsonNode.asText()}), {@code ""} for
     * null, or {@code null} for anything else.
     */
    private static String scalar(JsonParser p, JsonToken v) throws IOException {
      return switch (v) {
        case VALUE_STRING -> p.getText();
        case VALUE_NUMBER_INT ->
            p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                ? p.getBigIntegerValue().toString()
                : Long.toString(p.getLongValue());
        case VALUE_TRUE -> "true";
        case VALUE_FALSE -> "false";
        case VALUE_NULL -> "";
        default -> null;
      };
    }

    /** An id's text, stripped; {@link #INVALID} for a boolean (the tree path dead-letters it). */
    private static String id(JsonToken v, String text) {
      return switch (v) {
        case VALUE_STRING, VALUE_NUMBER_INT -> text.strip();
        case VALUE_NULL -> "";
        default -> INVALID;
      };
    }

    /** Keeps a dimension; a JSON null is none (the tree keeps the last of duplicate fields). */
    private static void keep(
        TreeMap<String, String> dimensions, String name, JsonToken v, String text) {
      if (v == JsonToken.VALUE_NULL) {
        dimensions.remove(name);
      } else {
        dimensions.put(name, text);
      }
    }

    private static boolean blank(String id) {
      return id == null || id == INVALID || id.isBlank();
    }
  }
}
