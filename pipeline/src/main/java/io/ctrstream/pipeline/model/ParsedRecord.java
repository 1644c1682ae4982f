package io.ctrstream.pipeline.model;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One input record after its one parse: an impression, a click, a dead letter, or a watermark
 * heartbeat. Kafka records are parsed once, in the consumer's deserializer, so that the watermark
 * policy reads {@code ts} from here instead of parsing the payload again.
 *
 * <p>Exactly one of the four is set; see the factories. The join's input is the impressions and
 * clicks among them, keyed by {@code impr_id}.
 *
 * @param impression a valid impression
 * @param click a valid click
 * @param deadLetter a record that is not a valid event
 * @param heartbeatTs the {@code ts} of a watermark heartbeat (epoch ms), {@code Long.MIN_VALUE} if
 *     it had none; not a heartbeat when {@code null}
 */
public record ParsedRecord(
    Impression impression, Click click, DeadLetter deadLetter, Long heartbeatTs) {

  public static ParsedRecord of(Impression impression) {
    return new ParsedRecord(impression, null, null, null);
  }

  public static ParsedRecord of(Click click) {
    return new ParsedRecord(null, click, null, null);
  }

  public static ParsedRecord of(DeadLetter deadLetter) {
    return new ParsedRecord(null, null, deadLetter, null);
  }

  /** A heartbeat; {@code ts} is {@code Long.MIN_VALUE} when it carried no valid one. */
  public static ParsedRecord heartbeat(long ts) {
    return new ParsedRecord(null, null, null, ts);
  }

  /**
   * The record's event time in epoch ms, or {@code null} for a dead letter or a heartbeat without a
   * ts.
   */
  public Long eventTime() {
    if (impression != null) {
      return impression.ts();
    }
    if (click != null) {
      return click.ts();
    }
    return heartbeatTs == null || heartbeatTs == Long.MIN_VALUE ? null : heartbeatTs;
  }

  /** One tag byte (0 impression, 1 click, 2 dead letter, 3 heartbeat), then that part's coder. */
  public static final class ParsedRecordCoder extends AtomicCoder<ParsedRecord> {
    private static final ParsedRecordCoder INSTANCE = new ParsedRecordCoder();

    public static ParsedRecordCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ParsedRecord value, OutputStream out) throws IOException {
      if (value.impression != null) {
        out.write(0);
        Impression.ImpressionCoder.of().encode(value.impression, out);
      } else if (value.click != null) {
        out.write(1);
        Click.ClickCoder.of().encode(value.click, out);
      } else if (value.deadLetter != null) {
        out.write(2);
        DeadLetter.DeadLetterCoder.of().encode(value.deadLetter, out);
      } else {
        out.write(3);
        VarLongCoder.of().encode(value.heartbeatTs, out);
      }
    }

    @Override
    public ParsedRecord decode(InputStream in) throws IOException {
      int tag = in.read();
      return switch (tag) {
        case 0 -> ParsedRecord.of(Impression.ImpressionCoder.of().decode(in));
        case 1 -> ParsedRecord.of(Click.ClickCoder.of().decode(in));
        case 2 -> ParsedRecord.of(DeadLetter.DeadLetterCoder.of().decode(in));
        case 3 -> ParsedRecord.heartbeat(VarLongCoder.of().decode(in));
        default -> throw new EOFException("no ParsedRecord tag (" + tag + ")");
      };
    }

    @Override
    public void verifyDeterministic() {}
  }
}
