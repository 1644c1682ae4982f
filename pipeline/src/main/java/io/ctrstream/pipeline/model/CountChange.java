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
 * A signed change to one impression's counts, as the join emits it: {@code (+1, clicks)} for a new
 * impression, {@code (0, ±n)} for clicks, {@code (-1, -clicks)} for a copy that lost to an earlier
 * one.
 *
 * @param impressions the change of distinct impressions
 * @param clicks the change of distinct attributed clicks
 * @param eventTs the newest {@code ts} (epoch ms) among the events the change counts: the click's
 *     for a click, the impression's or its newest attributed click's for an impression. A pane's
 *     event time is the newest of its changes' (docs/nowcast.md).
 */
@DefaultCoder(CountChange.CountChangeCoder.class)
public record CountChange(long impressions, long clicks, long eventTs) {

  /** Three var-longs (zig-zag free, as {@link CtrCounts}). */
  public static final class CountChangeCoder extends AtomicCoder<CountChange> {
    private static final CountChangeCoder INSTANCE = new CountChangeCoder();
    private static final VarLongCoder LONG = VarLongCoder.of();

    /** The coder (stateless: one instance). */
    public static CountChangeCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(CountChange.class), INSTANCE);
    }

    @Override
    public void encode(CountChange value, OutputStream out) throws IOException {
      LONG.encode(value.impressions, out);
      LONG.encode(value.clicks, out);
      LONG.encode(value.eventTs, out);
    }

    @Override
    public CountChange decode(InputStream in) throws IOException {
      return new CountChange(LONG.decode(in), LONG.decode(in), LONG.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
