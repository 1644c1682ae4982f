package io.ctrstream.pipeline.model;

import io.ctrstream.pipeline.nowcast.ImpressionTimes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * An EARLY pane on its way to its nowcast (docs/nowcast.md): the result, and what its accumulator
 * knows beyond the counts.
 *
 * @param result the pane, without nowcast
 * @param times when in the window its impressions came
 * @param newestTs the pane's event time: the newest {@code ts} among the events it counts, epoch ms
 */
public record OpenPane(CtrResult result, ImpressionTimes times, long newestTs) {

  /** The result, the impression times and the newest ts. */
  public static final class OpenPaneCoder extends AtomicCoder<OpenPane> {
    private static final OpenPaneCoder INSTANCE = new OpenPaneCoder();

    /** The coder (stateless: one instance). */
    public static OpenPaneCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(OpenPane value, OutputStream out) throws IOException {
      CtrResult.CtrResultCoder.of().encode(value.result, out);
      ImpressionTimes.ImpressionTimesCoder.of().encode(value.times, out);
      VarLongCoder.of().encode(value.newestTs, out);
    }

    @Override
    public OpenPane decode(InputStream in) throws IOException {
      return new OpenPane(
          CtrResult.CtrResultCoder.of().decode(in),
          ImpressionTimes.ImpressionTimesCoder.of().decode(in),
          VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
