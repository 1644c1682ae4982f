package io.ctrstream.pipeline.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A click that is not counted in any CTR, with the reason.
 *
 * @param click the click (the earliest copy of its {@code click_id})
 * @param reason why it was not attributed
 * @param impressionTs event time of the impression it was compared with, in epoch milliseconds, or
 *     {@code null} when there was none
 */
@DefaultCoder(UnattributedClick.UnattributedClickCoder.class)
public record UnattributedClick(Click click, Reason reason, Long impressionTs) {

  /** Why a click was not attributed. */
  public enum Reason {
    /**
     * No impression with the click's {@code impr_id} within the attribution window of the click (an
     * orphan).
     */
    NO_IMPRESSION,
    /**
     * The click's {@code ts} is before its impression's {@code ts} (clock skew between servers).
     */
    BEFORE_IMPRESSION,
    /** The click came more than the attribution window after its impression. */
    OUTSIDE_ATTRIBUTION_WINDOW
  }

  /** Compact deterministic coder. */
  public static final class UnattributedClickCoder extends AtomicCoder<UnattributedClick> {
    private static final UnattributedClickCoder INSTANCE = new UnattributedClickCoder();
    private static final NullableCoder<Long> TS = NullableCoder.of(VarLongCoder.of());

    public static UnattributedClickCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(UnattributedClick.class), INSTANCE);
    }

    @Override
    public void encode(UnattributedClick value, OutputStream out) throws IOException {
      Click.ClickCoder.of().encode(value.click, out);
      StringUtf8Coder.of().encode(value.reason.name(), out);
      TS.encode(value.impressionTs, out);
    }

    @Override
    public UnattributedClick decode(InputStream in) throws IOException {
      return new UnattributedClick(
          Click.ClickCoder.of().decode(in),
          Reason.valueOf(StringUtf8Coder.of().decode(in)),
          TS.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
