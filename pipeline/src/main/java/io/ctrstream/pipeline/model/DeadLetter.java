package io.ctrstream.pipeline.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * An input record that could not be turned into an event, kept with everything needed to replay it.
 *
 * <p>Bounded, so that one huge bad record cannot stop the job: a dead letter must fit in a Kafka
 * record (1 MiB by default), and a 1 MiB input record with a bad 1 MiB value made a 2 MiB dead
 * letter that failed the dead-letter writer on every restart. The detail keeps its first {@value
 * #MAX_DETAIL} characters; the payload its first {@value #MAX_PAYLOAD} characters (at most 600 KB
 * as JSON, even if every character needs a {@code \}{@code uXXXX} escape), and the detail then says
 * how long the record was.
 *
 * @param source where the record came from: the Kafka topic or the input file
 * @param reason why it was rejected
 * @param detail a human-readable explanation, e.g. the JSON parser's message or the bad value
 * @param payload the raw record as read (decoded as UTF-8: bytes that are not UTF-8 become U+FFFD)
 */
@DefaultCoder(DeadLetter.DeadLetterCoder.class)
public record DeadLetter(String source, Reason reason, String detail, String payload) {
  /** The most characters of the explanation a dead letter keeps. */
  public static final int MAX_DETAIL = 1_000;

  /** The most characters of the raw record a dead letter keeps. */
  public static final int MAX_PAYLOAD = 100_000;

  /**
   * Cuts the detail and the payload to their bounds; a cut payload is noted at the end of the
   * detail, which stays within {@link #MAX_DETAIL} (so decoding a dead letter cuts nothing again).
   */
  public DeadLetter {
    String note = "";
    if (payload != null && payload.length() > MAX_PAYLOAD) {
      note =
          " [payload cut to its first " + MAX_PAYLOAD + " of " + payload.length() + " characters]";
      payload = payload.substring(0, MAX_PAYLOAD);
    }
    if (detail == null) {
      detail = "";
    }
    if (detail.length() + note.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL - note.length() - 1) + "…";
    }
    detail = detail + note;
  }

  /** Why a record went to the dead letters; each reason has its own Beam counter. */
  public enum Reason {
    /** Not parseable as a JSON object. */
    MALFORMED_JSON,
    /**
     * A required field ({@code impr_id}, {@code click_id}, {@code campaign_id}, {@code ts}) is
     * absent, null or blank.
     */
    MISSING_FIELD,
    /**
     * A field has the wrong type, e.g. an id that is an object or a {@code ts} that is not an
     * integer.
     */
    INVALID_FIELD,
    /**
     * {@code ts} is before 2000-01-01T00:00:00Z or more than one day after the time it was read.
     */
    TS_OUT_OF_RANGE,
    /**
     * With {@code --format=avro}: neither Avro framing, or bytes that do not decode with the writer
     * schema the frame names (truncated, corrupt, or bytes left over).
     */
    MALFORMED_AVRO,
    /**
     * With {@code --format=avro}: a single-object fingerprint or a registry id of no known writer
     * schema.
     */
    UNKNOWN_SCHEMA
  }

  /** Compact deterministic coder. */
  public static final class DeadLetterCoder extends AtomicCoder<DeadLetter> {
    private static final DeadLetterCoder INSTANCE = new DeadLetterCoder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();

    public static DeadLetterCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(DeadLetter.class), INSTANCE);
    }

    @Override
    public void encode(DeadLetter value, OutputStream out) throws IOException {
      STRING.encode(value.source, out);
      STRING.encode(value.reason.name(), out);
      STRING.encode(value.detail, out);
      STRING.encode(value.payload, out);
    }

    @Override
    public DeadLetter decode(InputStream in) throws IOException {
      return new DeadLetter(
          STRING.decode(in),
          Reason.valueOf(STRING.decode(in)),
          STRING.decode(in),
          STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
