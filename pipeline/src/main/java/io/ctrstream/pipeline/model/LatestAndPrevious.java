package io.ctrstream.pipeline.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * The newest complete window of a key and the complete window before it.
 *
 * @param latest the complete (ON_TIME or LATE) result with the greatest window start
 * @param previous the complete result with the greatest window start below {@code latest}'s, or
 *     {@code null} while there is none
 */
@DefaultCoder(LatestAndPrevious.LatestAndPreviousCoder.class)
public record LatestAndPrevious(CtrResult latest, CtrResult previous) {

  /** Compact deterministic coder. */
  public static final class LatestAndPreviousCoder extends AtomicCoder<LatestAndPrevious> {
    private static final LatestAndPreviousCoder INSTANCE = new LatestAndPreviousCoder();
    private static final NullableCoder<CtrResult> PREVIOUS =
        NullableCoder.of(CtrResult.CtrResultCoder.of());

    public static LatestAndPreviousCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(LatestAndPrevious.class), INSTANCE);
    }

    @Override
    public void encode(LatestAndPrevious value, OutputStream out) throws IOException {
      CtrResult.CtrResultCoder.of().encode(value.latest, out);
      PREVIOUS.encode(value.previous, out);
    }

    @Override
    public LatestAndPrevious decode(InputStream in) throws IOException {
      return new LatestAndPrevious(CtrResult.CtrResultCoder.of().decode(in), PREVIOUS.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
