package io.ctrstream.pipeline.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * An attributed click counted ({@code count} 1) or no longer counted ({@code -1}) by the join, as
 * the click delay model learns from it (docs/nowcast.md).
 *
 * @param campaignId the impression's campaign
 * @param impressionTs the impression's {@code ts}, epoch ms
 * @param clickTs the click's {@code ts}, epoch ms; {@code 0 <= clickTs − impressionTs <=
 *     attributionWindow}
 * @param count 1 or -1
 */
public record ClickDelay(String campaignId, long impressionTs, long clickTs, int count) {

  /** The campaign, two var-longs and a var-int. */
  public static final class ClickDelayCoder extends AtomicCoder<ClickDelay> {
    private static final ClickDelayCoder INSTANCE = new ClickDelayCoder();

    /** The coder (stateless: one instance). */
    public static ClickDelayCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ClickDelay value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.campaignId, out);
      VarLongCoder.of().encode(value.impressionTs, out);
      VarLongCoder.of().encode(value.clickTs, out);
      VarIntCoder.of().encode(value.count, out);
    }

    @Override
    public ClickDelay decode(InputStream in) throws IOException {
      return new ClickDelay(
          StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarIntCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
