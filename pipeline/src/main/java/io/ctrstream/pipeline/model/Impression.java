package io.ctrstream.pipeline.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * One ad impression: an ad shown to a user.
 *
 * @param imprId the impression id, the join key with {@link Click#imprId()}; never blank
 * @param userId the user id, or {@code ""} when the event had none (not used by the CTR)
 * @param campaignId the campaign the ad belongs to; never blank
 * @param ts event time in epoch milliseconds (UTC)
 * @param dimensions every further scalar field of the event (e.g. {@code device}, {@code region}),
 *     values as strings, sorted by name so that equal impressions encode to equal bytes
 */
@DefaultCoder(Impression.ImpressionCoder.class)
public record Impression(
    String imprId,
    String userId,
    String campaignId,
    long ts,
    SortedMap<String, String> dimensions) {

  public Impression {
    Objects.requireNonNull(imprId, "imprId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(campaignId, "campaignId");
    // most impressions the join keeps have no dimensions: share one empty map (heap state per key)
    dimensions =
        dimensions.isEmpty()
            ? NO_DIMENSIONS
            : Collections.unmodifiableSortedMap(new TreeMap<>(dimensions));
  }

  private static final SortedMap<String, String> NO_DIMENSIONS =
      Collections.unmodifiableSortedMap(new TreeMap<>());

  /** An impression with no further dimensions. */
  public static Impression of(String imprId, String userId, String campaignId, long ts) {
    return new Impression(imprId, userId, campaignId, ts, new TreeMap<>());
  }

  /**
   * This impression with only the fields named in {@code fields} besides its id, campaign and
   * {@code ts}: {@code user_id} and the named dimensions. What the join keeps of an impression.
   */
  public Impression keepOnly(java.util.Set<String> fields) {
    if (fields.isEmpty()) {
      return new Impression(
          imprId, "", campaignId, ts, NO_DIMENSIONS); // no breakdowns: no copy of the fields
    }
    TreeMap<String, String> kept = new TreeMap<>();
    for (Map.Entry<String, String> d : dimensions.entrySet()) {
      if (fields.contains(d.getKey())) {
        kept.put(d.getKey(), d.getValue());
      }
    }
    return new Impression(imprId, fields.contains("user_id") ? userId : "", campaignId, ts, kept);
  }

  /**
   * The order in which copies of one impression id compete: the earliest {@code ts} wins, ties
   * broken by the remaining fields, so that the winner never depends on arrival order.
   */
  public static int compareCopies(Impression a, Impression b) {
    int c = Long.compare(a.ts, b.ts);
    if (c != 0) {
      return c;
    }
    c = a.campaignId.compareTo(b.campaignId);
    if (c != 0) {
      return c;
    }
    c = a.userId.compareTo(b.userId);
    return c != 0 ? c : a.dimensions.toString().compareTo(b.dimensions.toString());
  }

  /** Compact deterministic coder: three UTF-8 strings, a var-long and the sorted dimensions. */
  public static final class ImpressionCoder extends AtomicCoder<Impression> {
    private static final ImpressionCoder INSTANCE = new ImpressionCoder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();

    public static ImpressionCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(Impression.class), INSTANCE);
    }

    @Override
    public void encode(Impression value, OutputStream out) throws IOException {
      STRING.encode(value.imprId, out);
      STRING.encode(value.userId, out);
      STRING.encode(value.campaignId, out);
      VarLongCoder.of().encode(value.ts, out);
      VarIntCoder.of().encode(value.dimensions.size(), out);
      for (Map.Entry<String, String> e : value.dimensions.entrySet()) {
        STRING.encode(e.getKey(), out);
        STRING.encode(e.getValue(), out);
      }
    }

    @Override
    public Impression decode(InputStream in) throws IOException {
      String imprId = STRING.decode(in);
      String userId = STRING.decode(in);
      String campaignId = STRING.decode(in);
      long ts = VarLongCoder.of().decode(in);
      int n = VarIntCoder.of().decode(in);
      TreeMap<String, String> dimensions = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        dimensions.put(STRING.decode(in), STRING.decode(in));
      }
      return new Impression(imprId, userId, campaignId, ts, dimensions);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
