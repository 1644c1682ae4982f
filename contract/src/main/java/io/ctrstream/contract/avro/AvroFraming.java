package io.ctrstream.contract.avro;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The two ways an Avro record is framed on a ctrstream topic, written down once for the producer
 * and the job:
 *
 * <ul>
 *   <li>{@link Framing#SINGLE_OBJECT}: Avro's single-object encoding (Avro specification, "Single
 *       object encoding"): the marker {@code C3 01}, the writer schema's 64-bit CRC-64-AVRO
 *       fingerprint of its parsing canonical form, little-endian, then the binary datum. Avro's
 *       {@code BinaryMessageEncoder} writes it.
 *   <li>{@link Framing#REGISTRY}: the schema-registry wire format most Kafka producers use: a magic
 *       byte {@code 0}, the schema's registry id as a 4-byte big-endian integer, then the binary
 *       datum. No registry client is used (none resolves here): ids map to local schema files.
 * </ul>
 */
public final class AvroFraming {
  /** The single-object encoding's first two bytes. */
  private static final byte[] SINGLE_OBJECT_MARKER = {(byte) 0xC3, (byte) 0x01};

  /** The schema-registry wire format's first byte. */
  public static final byte REGISTRY_MAGIC = 0;

  /** How a record is framed. */
  public enum Framing {
    SINGLE_OBJECT("single-object"),
    REGISTRY("registry");

    private final String flag;

    Framing(String flag) {
      this.flag = flag;
    }

    /** The name flags use: {@code single-object} or {@code registry}. */
    public String flag() {
      return flag;
    }
  }

  /**
   * A record's frame.
   *
   * @param framing which framing
   * @param fingerprint with {@link Framing#SINGLE_OBJECT}: the writer schema's fingerprint
   * @param schemaId with {@link Framing#REGISTRY}: the writer schema's registry id
   * @param bodyOffset where the binary datum starts
   */
  public record Header(Framing framing, long fingerprint, int schemaId, int bodyOffset) {}

  private AvroFraming() {}

  /** The fingerprint single-object encoding uses: CRC-64-AVRO of the parsing canonical form. */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /**
   * Reads a record's frame.
   *
   * @return the header, or {@code null} if the record has neither framing (too short, or another
   *     first byte)
   */
  public static Header header(byte[] record) {
    if (record == null) {
      return null;
    }
    if (record.length >= 10
        && record[0] == SINGLE_OBJECT_MARKER[0]
        && record[1] == SINGLE_OBJECT_MARKER[1]) {
      long fingerprint = ByteBuffer.wrap(record, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      return new Header(Framing.SINGLE_OBJECT, fingerprint, -1, 10);
    }
    if (record.length >= 5 && record[0] == REGISTRY_MAGIC) {
      int id = ByteBuffer.wrap(record, 1, 4).order(ByteOrder.BIG_ENDIAN).getInt();
      return new Header(Framing.REGISTRY, 0, id, 5);
    }
    return null;
  }

  /** Frames a binary datum in the schema-registry wire format. */
  public static byte[] registry(int schemaId, byte[] body) {
    return ByteBuffer.allocate(5 + body.length)
        .put(REGISTRY_MAGIC)
        .putInt(schemaId)
        .put(body)
        .array();
  }
}
