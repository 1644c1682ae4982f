package io.ctrstream.pipeline.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * One click on an impression.
 *
 * @param clickId the click id; copies with the same id count once
 * @param imprId the id of the clicked {@link Impression}
 * @param userId the user id, or {@code ""} when the event had none
 * @param ts event time in epoch milliseconds (UTC)
 */
@DefaultCoder(Click.ClickCoder.class)
public record Click(String clickId, String imprId, String userId, long ts) {

  /** Copies of one click id compete by earliest {@code ts}, then by the remaining fields. */
  public static final Comparator<Click> COPY_ORDER =
      Comparator.comparingLong(Click::ts).thenComparing(Click::imprId).thenComparing(Click::userId);

  public Click {
    Objects.requireNonNull(clickId, "clickId");
    Objects.requireNonNull(imprId, "imprId");
    Objects.requireNonNull(userId, "userId");
  }

  /** Compact deterministic coder: three UTF-8 strings and a var-long. */
  public static final class ClickCoder extends AtomicCoder<Click> {
    private static final ClickCoder INSTANCE = new ClickCoder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();

    public static ClickCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(Click.class), INSTANCE);
    }

    @Override
    public void encode(Click value, OutputStream out) throws IOException {
      STRING.encode(value.clickId, out);
      STRING.encode(value.imprId, out);
      STRING.encode(value.userId, out);
      VarLongCoder.of().encode(value.ts, out);
    }

    @Override
    public Click decode(InputStream in) throws IOException {
      return new Click(
          STRING.decode(in), STRING.decode(in), STRING.decode(in), VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
