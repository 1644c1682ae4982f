package io.ctrstream.pipeline.nowcast;

import io.ctrstream.pipeline.model.OpenPane;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;

/** What {@link NowcastFn} takes: an EARLY pane to nowcast, or a bundle's click delays. */
record NowcastInput(OpenPane pane, DelayObservations delays) {

  static NowcastInput of(OpenPane pane) {
    return new NowcastInput(pane, null);
  }

  static NowcastInput of(DelayObservations delays) {
    return new NowcastInput(null, delays);
  }

  /** A flag (pane or not), then the pane's or the delays' coder. */
  static final class NowcastInputCoder extends AtomicCoder<NowcastInput> {
    static final NowcastInputCoder INSTANCE = new NowcastInputCoder();

    @Override
    public void encode(NowcastInput value, OutputStream out) throws IOException {
      BooleanCoder.of().encode(value.pane != null, out);
      if (value.pane != null) {
        OpenPane.OpenPaneCoder.of().encode(value.pane, out);
      } else {
        DelayObservations.DelayObservationsCoder.of().encode(value.delays, out);
      }
    }

    @Override
    public NowcastInput decode(InputStream in) throws IOException {
      return BooleanCoder.of().decode(in)
          ? of(OpenPane.OpenPaneCoder.of().decode(in))
          : of(DelayObservations.DelayObservationsCoder.of().decode(in));
    }
  }
}
