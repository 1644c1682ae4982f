package io.ctrstream.pipeline.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Impression and click counts of one key in one window, or a signed change to them.
 *
 * <p>Changes are signed because a late, earlier copy of an impression can move it to another
 * window: the old window then receives {@code (-1, -clicks)} and the new one {@code (+1, +clicks)}.
 *
 * @param impressions distinct impressions (or their change)
 * @param clicks distinct attributed clicks (or their change)
 */
@DefaultCoder(CtrCounts.CtrCountsCoder.class)
public record CtrCounts(long impressions, long clicks) {

  public static final CtrCounts ZERO = new CtrCounts(0, 0);

  /** {@code clicks / impressions}, or 0 when there are no impressions. */
  public double ctr() {
    return impressions == 0 ? 0.0 : (double) clicks / impressions;
  }

  /** Two var-longs (zig-zag free: counts are small and usually positive). */
  public static final class CtrCountsCoder extends AtomicCoder<CtrCounts> {
    private static final CtrCountsCoder INSTANCE = new CtrCountsCoder();

    public static CtrCountsCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(CtrCounts.class), INSTANCE);
    }

    @Override
    public void encode(CtrCounts value, OutputStream out) throws IOException {
      VarLongCoder.of().encode(value.impressions, out);
      VarLongCoder.of().encode(value.clicks, out);
    }

    @Override
    public CtrCounts decode(InputStream in) throws IOException {
      return new CtrCounts(VarLongCoder.of().decode(in), VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
