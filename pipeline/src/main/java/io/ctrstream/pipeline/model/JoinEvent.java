package io.ctrstream.pipeline.model;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * One input of the impression–click join: an impression or a click, so that both streams, keyed by
 * {@code impr_id}, can be flattened into one {@code PCollection} and joined by one stateful {@code
 * DoFn} (the pattern of Beam's Nexmark Query 3).
 *
 * @param impression the impression, or {@code null} for a click
 * @param click the click, or {@code null} for an impression
 */
public record JoinEvent(Impression impression, Click click) {

  public JoinEvent {
    if ((impression == null) == (click == null)) {
      throw new IllegalArgumentException("a join event is exactly one of an impression and a click");
    }
  }

  public static JoinEvent of(Impression impression) {
    return new JoinEvent(impression, null);
  }

  public static JoinEvent of(Click click) {
    return new JoinEvent(null, click);
  }

  /** Event time of the impression or click, epoch milliseconds. */
  public long ts() {
    return impression != null ? impression.ts() : click.ts();
  }

  /** One tag byte (0 impression, 1 click), then the event's own coder. */
  public static final class JoinEventCoder extends AtomicCoder<JoinEvent> {
    private static final JoinEventCoder INSTANCE = new JoinEventCoder();

    public static JoinEventCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(JoinEvent value, OutputStream out) throws IOException {
      if (value.impression != null) {
        out.write(0);
        Impression.ImpressionCoder.of().encode(value.impression, out);
      } else {
        out.write(1);
        Click.ClickCoder.of().encode(value.click, out);
      }
    }

    @Override
    public JoinEvent decode(InputStream in) throws IOException {
      int tag = in.read();
      if (tag < 0) {
        throw new EOFException();
      }
      return tag == 0
          ? JoinEvent.of(Impression.ImpressionCoder.of().decode(in))
          : JoinEvent.of(Click.ClickCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
