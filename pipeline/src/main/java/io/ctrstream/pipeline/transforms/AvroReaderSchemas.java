package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.RawEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The reader side of {@code --format=avro}: the fields the job needs of an impression and of a
 * click, and the reader schema each writer schema is resolved against by Avro's resolution rules
 * (Avro specification, "Schema Resolution").
 *
 * <ul>
 *   <li>impression: {@code impr_id} string, {@code campaign_id} string, {@code ts} long ({@code
 *       timestamp-millis} or plain: epoch ms; an {@code int} is promoted), {@code user_id} optional
 *       string; every other field of the writer schema is kept as a dimension;
 *   <li>click: {@code click_id} string, {@code impr_id} string, {@code ts} long, {@code user_id}
 *       optional string;
 *   <li>a writer schema with a boolean field {@code heartbeat} is a watermark heartbeat's ({@code
 *       heartbeat}, {@code ts}).
 * </ul>
 *
 * A writer that lacks a required field, or has it in a type Avro cannot resolve (a {@code long} id,
 * a {@code string} ts), is incompatible: its records are dead letters ({@link #problem}).
 */
public final class AvroReaderSchemas {
  /** The impression fields the job reads; the rest are dimensions. */
  public static final String IMPRESSION =
      "{\"type\":\"record\",\"name\":\"Impression\",\"namespace\":\"io.ctrstream.avro\",\"fields\":["
          + "{\"name\":\"impr_id\",\"type\":\"string\"},"
          + "{\"name\":\"campaign_id\",\"type\":\"string\"},"
          + "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
          + "{\"name\":\"user_id\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

  /** The click fields the job reads. */
  public static final String CLICK =
      "{\"type\":\"record\",\"name\":\"Click\",\"namespace\":\"io.ctrstream.avro\",\"fields\":["
          + "{\"name\":\"click_id\",\"type\":\"string\"},"
          + "{\"name\":\"impr_id\",\"type\":\"string\"},"
          + "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
          + "{\"name\":\"user_id\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

  /** The impression fields that are not dimensions. */
  public static final Set<String> IMPRESSION_FIELDS =
      Set.of("impr_id", "campaign_id", "ts", "user_id");

  private AvroReaderSchemas() {}

  /** Whether a writer schema is a heartbeat's: a record with a boolean field {@code heartbeat}. */
  public static boolean isHeartbeat(Schema writer) {
    return writer.getType() == Schema.Type.RECORD
        && writer.getField("heartbeat") != null
        && writer.getField("heartbeat").schema().getType() == Schema.Type.BOOLEAN;
  }

  /**
   * The schema a record of {@code kind} written with {@code writer} is read with: the required
   * fields above, then (impressions) every other field of the writer as it is. It takes the
   * writer's name, since Avro resolves records of the same name.
   */
  public static Schema readerFor(RawEvent.Kind kind, Schema writer) {
    Schema base = new Schema.Parser().parse(kind == RawEvent.Kind.IMPRESSION ? IMPRESSION : CLICK);
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : base.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    if (kind == RawEvent.Kind.IMPRESSION && writer.getType() == Schema.Type.RECORD) {
      for (Schema.Field f : writer.getFields()) {
        if (!IMPRESSION_FIELDS.contains(f.name())) {
          fields.add(new Schema.Field(f, f.schema()));
        }
      }
    }
    String name = writer.getType() == Schema.Type.RECORD ? writer.getName() : base.getName();
    String namespace =
        writer.getType() == Schema.Type.RECORD ? writer.getNamespace() : base.getNamespace();
    return Schema.createRecord(name, null, namespace, false, fields);
  }

  /** {@code "field impr_id: "} for a location {@code /fields/0/...} of the reader, else "". */
  private static String field(Schema reader, String location) {
    Matcher m = FIELD_LOCATION.matcher(location == null ? "" : location);
    if (m.find()) {
      int n = Integer.parseInt(m.group(1));
      if (n < reader.getFields().size()) {
        return "field " + reader.getFields().get(n).name() + ": ";
      }
    }
    return "";
  }

  private static final Pattern FIELD_LOCATION = Pattern.compile("^/fields/(\\d+)");

  /**
   * Why records of {@code kind} written with {@code writer} cannot be read, or {@code null} if they
   * can.
   */
  public static InvalidEventException problem(RawEvent.Kind kind, Schema writer) {
    String what = kind == RawEvent.Kind.IMPRESSION ? "an impression" : "a click";
    if (writer.getType() != Schema.Type.RECORD) {
      return new InvalidEventException(
          DeadLetter.Reason.INVALID_FIELD,
          "writer schema " + writer.getFullName() + " is not a record, so not " + what);
    }
    Schema reader = readerFor(kind, writer);
    SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return null;
    }
    List<Incompatibility> all = result.getResult().getIncompatibilities();
    boolean missing =
        all.stream()
            .anyMatch(
                i -> i.getType() == SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE);
    String detail =
        all.stream()
            .map(i -> field(reader, i.getLocation()) + i.getMessage())
            .collect(Collectors.joining("; "));
    return new InvalidEventException(
        missing ? DeadLetter.Reason.MISSING_FIELD : DeadLetter.Reason.INVALID_FIELD,
        "writer schema "
            + writer.getFullName()
            + " cannot be read as "
            + what
            + " (Avro schema resolution): "
            + detail);
  }
}
