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
 * One record as read, before parsing.
 *
 * @param kind which stream it belongs to
 * @param source the Kafka topic or the file it was read from, for dead letters
 * @param payload the record's value, expected to be one JSON object (UTF-8)
 */
@DefaultCoder(RawEvent.RawEventCoder.class)
public record RawEvent(Kind kind, String source, String payload) {

  /** The two event streams. */
  public enum Kind {
    IMPRESSION,
    CLICK
  }

  public static RawEvent impression(String source, String payload) {
    return new RawEvent(Kind.IMPRESSION, source, payload);
  }

  public static RawEvent click(String source, String payload) {
    return new RawEvent(Kind.CLICK, source, payload);
  }

  /** Compact deterministic coder. */
  public static final class RawEventCoder extends AtomicCoder<RawEvent> {
    private static final RawEventCoder INSTANCE = new RawEventCoder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();

    public static RawEventCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(RawEvent.class), INSTANCE);
    }

    @Override
    public void encode(RawEvent value, OutputStream out) throws IOException {
      out.write(value.kind.ordinal());
      STRING.encode(value.source, out);
      STRING.encode(value.payload, out);
    }

    @Override
    public RawEvent decode(InputStream in) throws IOException {
      int kind = in.read();
      if (kind < 0) {
        throw new java.io.EOFException();
      }
      return new RawEvent(Kind.values()[kind], STRING.decode(in), STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
