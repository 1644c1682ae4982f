package io.ctrstream.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.contract.avro.AvroFraming;
import io.ctrstream.contract.avro.AvroFraming.Framing;
import io.ctrstream.contract.avro.AvroSchemaSet;
import io.ctrstream.producer.EventPublisher.Stream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Writes events as Avro records of the writer schemas {@code impression.avsc}, {@code click.avsc}
 * and {@code heartbeat.avsc}, framed by Avro's single-object encoding (Avro's own {@code
 * BinaryMessageEncoder}) or the schema-registry wire format ({@link AvroFraming}). An event that
 * does not fit its schema (a malformed line, a field the schema lacks) is sent as it is, so the job
 * dead-letters it as it would a producer's bad record; {@link #sentAsIs} counts them.
 */
final class AvroValueEncoder implements ValueEncoder {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Schema impression;
  private final Schema click;
  private final Schema heartbeat;
  private final Framing framing;
  private final Map<Schema, Integer> ids;
  private final AtomicLong sentAsIs = new AtomicLong();

  /** One encoder and writer per schema: making one computes the schema's fingerprint. */
  private final Map<Schema, BinaryMessageEncoder<GenericRecord>> singleObject =
      new java.util.IdentityHashMap<>();

  private final Map<Schema, GenericDatumWriter<GenericRecord>> writers =
      new java.util.IdentityHashMap<>();

  private AvroValueEncoder(
      Schema impression,
      Schema click,
      Schema heartbeat,
      Framing framing,
      Map<Schema, Integer> ids) {
    this.impression = impression;
    this.click = click;
    this.heartbeat = heartbeat;
    this.framing = framing;
    this.ids = ids;
    for (Schema s : new Schema[] {impression, click, heartbeat}) {
      singleObject.put(s, new BinaryMessageEncoder<>(GenericData.get(), s));
      writers.put(s, new GenericDatumWriter<>(s));
    }
  }

  /**
   * Reads the writer schemas of {@code dir}.
   *
   * @throws IllegalArgumentException naming a schema file that is missing or not a schema, or, with
   *     the registry framing, a schema without an id in {@code idSpec}
   */
  static AvroValueEncoder of(Path dir, Framing framing, String idSpec) {
    Schema impression = AvroSchemaSet.parse(dir.resolve("impression.avsc"));
    Schema click = AvroSchemaSet.parse(dir.resolve("click.avsc"));
    Schema heartbeat = AvroSchemaSet.parse(dir.resolve("heartbeat.avsc"));
    Map<Schema, Integer> ids = new java.util.IdentityHashMap<>();
    if (framing == Framing.REGISTRY) {
      Map<Long, Integer> idByFingerprint = new java.util.HashMap<>();
      AvroSchemaSet.ids(idSpec).forEach((id, file) -> idByFingerprint.put(fingerprintOf(file), id));
      for (Schema s : new Schema[] {impression, click, heartbeat}) {
        Integer id = idByFingerprint.get(AvroFraming.fingerprint(s));
        if (id == null) {
          throw new IllegalArgumentException(
              "--framing registry: no id in --avro-schema-ids for the schema " + s.getFullName());
        }
        ids.put(s, id);
      }
    }
    return new AvroValueEncoder(impression, click, heartbeat, framing, ids);
  }

  private static long fingerprintOf(Path file) {
    return AvroFraming.fingerprint(AvroSchemaSet.parse(file));
  }

  @Override
  public byte[] event(Stream stream, String json) {
    Schema schema = stream == Stream.IMPRESSIONS ? impression : click;
    GenericRecord record;
    try {
      record = record(schema, MAPPER.readTree(json));
    } catch (IOException | IllegalArgumentException e) {
      sentAsIs.incrementAndGet();
      return json.getBytes(StandardCharsets.UTF_8);
    }
    return encode(record);
  }

  @Override
  public byte[] heartbeat(long ts) {
    GenericRecord beat = new GenericData.Record(heartbeat);
    beat.put("heartbeat", true);
    beat.put("ts", ts);
    return encode(beat);
  }

  @Override
  public long sentAsIs() {
    return sentAsIs.get();
  }

  private byte[] encode(GenericRecord record) {
    try {
      if (framing == Framing.SINGLE_OBJECT) {
        ByteBuffer b = singleObject.get(record.getSchema()).encode(record);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
      writers.get(record.getSchema()).write(record, e);
      e.flush();
      return AvroFraming.registry(ids.get(record.getSchema()), out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The event as a record of {@code schema}: each field from the JSON field of its name.
   *
   * @throws IllegalArgumentException if the JSON is not an object, lacks a field the schema needs,
   *     has one the schema lacks, or a value of another type
   */
  static GenericRecord record(Schema schema, JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (schema.getField(name) == null) {
        throw new IllegalArgumentException(name + " is not a field of " + schema.getFullName());
      }
    }
    GenericRecord record = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      record.put(f.pos(), value(f.name(), f.schema(), json.get(f.name())));
    }
    return record;
  }

  private static Object value(String name, Schema schema, JsonNode v) {
    if (schema.getType() == Schema.Type.UNION) {
      if (v == null || v.isNull()) {
        if (schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
          return null;
        }
        throw new IllegalArgumentException(name + " is missing");
      }
      for (Schema branch : schema.getTypes()) {
        if (branch.getType() != Schema.Type.NULL) {
          return value(name, branch, v);
        }
      }
    }
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(name + " is missing");
    }
    return switch (schema.getType()) {
      case STRING -> v.isValueNode() ? v.asText() : v.toString();
      case LONG -> integral(name, v).longValue();
      case INT -> integral(name, v).intValue();
      case DOUBLE -> number(name, v).doubleValue();
      case FLOAT -> number(name, v).floatValue();
      case BOOLEAN -> {
        if (!v.isBoolean()) {
          throw new IllegalArgumentException(name + " is not a boolean");
        }
        yield v.booleanValue();
      }
      default ->
          throw new IllegalArgumentException(
              name + ": the producer writes strings, numbers and booleans, not " + schema);
    };
  }

  private static Number integral(String name, JsonNode v) {
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(name + " is not an integer");
    }
    return v.longValue();
  }

  private static Number number(String name, JsonNode v) {
    if (!v.isNumber()) {
      throw new IllegalArgumentException(name + " is not a number");
    }
    return v.numberValue();
  }
}
