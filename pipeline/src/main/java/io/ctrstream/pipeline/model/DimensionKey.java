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
 * What a CTR is computed per: a dimension and one of its values, e.g. ({@code campaign}, {@code
 * c1}) or ({@code device}, {@code mobile}) or ({@code campaign_id+device}, {@code c1|mobile}).
 *
 * @param dimension the dimension's name: {@link CtrResult#CAMPAIGN} or a {@link Breakdown}'s name
 * @param value the value, {@link Breakdown#UNKNOWN} where an impression has no such field
 */
@DefaultCoder(DimensionKey.DimensionKeyCoder.class)
public record DimensionKey(String dimension, String value) {

  /** The per-campaign key. */
  public static DimensionKey campaign(String campaignId) {
    return new DimensionKey(CtrResult.CAMPAIGN, campaignId);
  }

  /** Two UTF-8 strings. */
  public static final class DimensionKeyCoder extends AtomicCoder<DimensionKey> {
    private static final DimensionKeyCoder INSTANCE = new DimensionKeyCoder();

    public static DimensionKeyCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(DimensionKey.class), INSTANCE);
    }

    @Override
    public void encode(DimensionKey value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.dimension, out);
      StringUtf8Coder.of().encode(value.value, out);
    }

    @Override
    public DimensionKey decode(InputStream in) throws IOException {
      return new DimensionKey(StringUtf8Coder.of().decode(in), StringUtf8Coder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
