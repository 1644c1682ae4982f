package io.ctrstream.pipeline.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * What one pane of the impression–click join says about one {@code impr_id}: the winning impression
 * copy, the clicks attributed to it and the clicks that are not. Join panes accumulate, so a later
 * pane of the same session supersedes an earlier one.
 *
 * @param impression the earliest copy of the impression, or {@code null} if none has arrived
 * @param attributedClickIds distinct ids of the clicks attributed to it, sorted
 * @param unattributed the clicks of this session that are not attributed, sorted by click id
 * @param sessionStart start of the join's session window, epoch milliseconds (inclusive)
 * @param sessionEnd end of the join's session window, epoch milliseconds (exclusive)
 * @param verdictFinal whether the pane is ON_TIME or LATE, i.e. the watermark has passed the
 *     session, so a missing impression is no longer just not-yet-arrived
 */
@DefaultCoder(Attribution.AttributionCoder.class)
public record Attribution(
    Impression impression,
    List<String> attributedClickIds,
    List<UnattributedClick> unattributed,
    long sessionStart,
    long sessionEnd,
    boolean verdictFinal) {

  public Attribution {
    attributedClickIds = List.copyOf(attributedClickIds);
    unattributed = List.copyOf(unattributed);
  }

  /** Whether this pane's session contains the other pane's session (a later pane of the same session). */
  public boolean supersedes(Attribution earlier) {
    return sessionStart <= earlier.sessionStart && sessionEnd >= earlier.sessionEnd;
  }

  /** Compact deterministic coder. */
  public static final class AttributionCoder extends AtomicCoder<Attribution> {
    private static final AttributionCoder INSTANCE = new AttributionCoder();
    private static final NullableCoder<Impression> IMPRESSION =
        NullableCoder.of(Impression.ImpressionCoder.of());
    private static final ListCoder<String> IDS = ListCoder.of(StringUtf8Coder.of());
    private static final ListCoder<UnattributedClick> UNATTRIBUTED =
        ListCoder.of(UnattributedClick.UnattributedClickCoder.of());

    public static AttributionCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(Attribution.class), INSTANCE);
    }

    @Override
    public void encode(Attribution value, OutputStream out) throws IOException {
      IMPRESSION.encode(value.impression, out);
      IDS.encode(value.attributedClickIds, out);
      UNATTRIBUTED.encode(value.unattributed, out);
      VarLongCoder.of().encode(value.sessionStart, out);
      VarLongCoder.of().encode(value.sessionEnd, out);
      BooleanCoder.of().encode(value.verdictFinal, out);
    }

    @Override
    public Attribution decode(InputStream in) throws IOException {
      return new Attribution(
          IMPRESSION.decode(in),
          IDS.decode(in),
          UNATTRIBUTED.decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          BooleanCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
