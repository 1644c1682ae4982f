package io.ctrstream.pipeline.transforms;

import io.ctrstream.contract.avro.AvroFraming;
import io.ctrstream.contract.avro.AvroSchemaSet;
import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.DeadLetter.Reason;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent;
import java.io.IOException;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Turns Avro records ({@code --format=avro}) into {@link Impression}s and {@link Click}s, or says
 * precisely why not, as {@link EventParser} does for JSON: the frame ({@link AvroFraming}: Avro's
 * single-object encoding or the schema-registry wire format) names the writer schema, which is
 * resolved against the reader schema of {@link AvroReaderSchemas} by Avro's resolution rules, and
 * the resolved record is checked as a JSON event is (ids not blank, {@code ts} within {@link
 * EventTimeRange}). A dead letter's payload is the record's bytes in base64 (RFC 4648).
 *
 * <p>Reasons: {@link Reason#MALFORMED_AVRO} (no frame; bytes that do not decode with the writer
 * schema, or bytes left over), {@link Reason#UNKNOWN_SCHEMA} (a fingerprint or id of no known
 * schema), {@link Reason#MISSING_FIELD} (a writer schema without a required field, or a blank id),
 * {@link Reason#INVALID_FIELD} (a required field in a type Avro cannot resolve), {@link
 * Reason#TS_OUT_OF_RANGE}. A length inside a record is bounded by Avro's limits, set here to
 * {@value #MAX_LENGTH} bytes or items unless the JVM sets them, so a corrupt length cannot ask for
 * gigabytes.
 */
public final class AvroEventDecoder {
  /** The largest string, bytes or collection a record may hold (Avro's system limits). */
  public static final int MAX_LENGTH = 8 << 20;

  static {
    for (String limit :
        new String[] {
          "org.apache.avro.limits.string.maxLength",
          "org.apache.avro.limits.bytes.maxLength",
          "org.apache.avro.limits.collectionItems.maxLength"
        }) {
      if (System.getProperty(limit) == null) {
        System.setProperty(limit, Integer.toString(MAX_LENGTH));
      }
    }
  }

  private final AvroSchemaSet schemas;
  private final EventTimeRange range;
  private final Map<Schema, Plan> impressionPlans = new IdentityHashMap<>();
  private final Map<Schema, Plan> clickPlans = new IdentityHashMap<>();
  private BinaryDecoder decoder;

  /** How records of one kind written with one schema are read: a datum reader or why not. */
  private record Plan(
      GenericDatumReader<GenericRecord> reader, boolean heartbeat, InvalidEventException problem) {}

  public AvroEventDecoder(AvroSchemaSet schemas, EventTimeRange range) {
    this.schemas = schemas;
    this.range = range;
  }

  /**
   * Decodes one record of {@code kind}: an impression or click, a watermark heartbeat, or a dead
   * letter with the reason. Never throws on data.
   *
   * @param source the topic, for the dead letter
   * @param payload the record's value
   * @param nowMillis the processing time, epoch milliseconds, for the "not in the future" check
   */
  public ParsedRecord parse(RawEvent.Kind kind, String source, byte[] payload, long nowMillis) {
    try {
      return decode(kind, payload, nowMillis);
    } catch (InvalidEventException e) {
      return deadLetter(source, e.reason(), e.getMessage(), payload);
    } catch (IOException | RuntimeException e) {
      return deadLetter(source, Reason.MALFORMED_AVRO, "cannot decode: " + e, payload);
    }
  }

  private ParsedRecord decode(RawEvent.Kind kind, byte[] payload, long nowMillis)
      throws InvalidEventException, IOException {
    if (payload == null || payload.length == 0) {
      throw new InvalidEventException(Reason.MALFORMED_AVRO, "empty record");
    }
    AvroFraming.Header header = AvroFraming.header(payload);
    if (header == null) {
      throw new InvalidEventException(
          Reason.MALFORMED_AVRO,
          "neither Avro's single-object encoding (C3 01, fingerprint) nor the schema-registry "
              + "wire format (magic byte 0, schema id)");
    }
    Schema writer =
        header.framing() == AvroFraming.Framing.SINGLE_OBJECT
            ? schemas.byFingerprint(header.fingerprint())
            : schemas.byId(header.schemaId());
    if (writer == null) {
      throw new InvalidEventException(
          Reason.UNKNOWN_SCHEMA,
          header.framing() == AvroFraming.Framing.SINGLE_OBJECT
              ? String.format(
                  "no known writer schema has the fingerprint %016x", header.fingerprint())
              : "schema id " + header.schemaId() + " is not mapped to a schema file");
    }
    Plan plan =
        (kind == RawEvent.Kind.IMPRESSION ? impressionPlans : clickPlans)
            .computeIfAbsent(writer, w -> plan(kind, w));
    if (plan.problem() != null) {
      throw new InvalidEventException(plan.problem().reason(), plan.problem().getMessage());
    }
    decoder =
        DecoderFactory.get()
            .binaryDecoder(
                payload, header.bodyOffset(), payload.length - header.bodyOffset(), decoder);
    GenericRecord record = plan.reader().read(null, decoder);
    if (!decoder.isEnd()) {
      throw new InvalidEventException(
          Reason.MALFORMED_AVRO,
          "bytes left after the record: not written with " + writer.getFullName() + "?");
    }
    if (plan.heartbeat()) {
      boolean beat = Boolean.TRUE.equals(record.get("heartbeat"));
      Object ts = record.get("ts");
      if (!beat) {
        throw new InvalidEventException(Reason.INVALID_FIELD, "a heartbeat record with false");
      }
      boolean valid = ts instanceof Number n && range.contains(n.longValue(), nowMillis);
      return ParsedRecord.heartbeat(valid ? ((Number) ts).longValue() : Long.MIN_VALUE);
    }
    long ts = ts(record, nowMillis);
    if (kind == RawEvent.Kind.IMPRESSION) {
      TreeMap<String, String> dimensions = new TreeMap<>();
      for (Schema.Field f : record.getSchema().getFields()) {
        if (!AvroReaderSchemas.IMPRESSION_FIELDS.contains(f.name())) {
          Object v = record.get(f.pos());
          if (v != null) {
            dimensions.put(f.name(), text(v));
          }
        }
      }
      return ParsedRecord.of(
          new Impression(
              id(record, "impr_id"),
              optional(record, "user_id"),
              id(record, "campaign_id"),
              ts,
              dimensions));
    }
    return ParsedRecord.of(
        new Click(id(record, "click_id"), id(record, "impr_id"), optional(record, "user_id"), ts));
  }

  private static Plan plan(RawEvent.Kind kind, Schema writer) {
    if (AvroReaderSchemas.isHeartbeat(writer)) {
      return new Plan(new GenericDatumReader<>(writer, writer, FAST), true, null);
    }
    InvalidEventException problem = AvroReaderSchemas.problem(kind, writer);
    if (problem != null) {
      return new Plan(null, false, problem);
    }
    return new Plan(
        new GenericDatumReader<>(writer, AvroReaderSchemas.readerFor(kind, writer), FAST),
        false,
        null);
  }

  /**
   * Generic records read by Avro's fast reader ({@code FastReaderBuilder}, off by default in Avro
   * 1.11): it builds one reading plan per writer/reader pair instead of walking the resolving
   * grammar for every record, which makes decoding markedly cheaper per record.
   */
  private static final GenericData FAST = fastGenericData();

  private static GenericData fastGenericData() {
    GenericData data = new GenericData();
    data.setFastReaderEnabled(true);
    return data;
  }

  private long ts(GenericRecord record, long nowMillis) throws InvalidEventException {
    long ts = ((Number) record.get("ts")).longValue();
    String problem = range.check(ts, nowMillis);
    if (problem != null) {
      throw new InvalidEventException(Reason.TS_OUT_OF_RANGE, problem);
    }
    return ts;
  }

  private static String id(GenericRecord record, String field) throws InvalidEventException {
    String id = optional(record, field);
    if (id.isBlank()) {
      throw new InvalidEventException(Reason.MISSING_FIELD, field + " is blank");
    }
    return id;
  }

  private static String optional(GenericRecord record, String field) {
    Object v = record.get(field);
    return v == null ? "" : v.toString().strip();
  }

  private static String text(Object v) {
    return v instanceof CharSequence || v instanceof Number || v instanceof Boolean
        ? v.toString()
        : GenericData.get().toString(v);
  }

  private static ParsedRecord deadLetter(
      String source, Reason reason, String detail, byte[] payload) {
    return ParsedRecord.of(
        new DeadLetter(
            source,
            reason,
            detail,
            payload == null ? "" : Base64.getEncoder().encodeToString(payload)));
  }
}
