package io.ctrstream.pipeline.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A dimension that CTR is broken down by: one impression field ({@code device}) or several joined
 * by {@code +} ({@code campaign_id+device}). Its value for an impression is the fields' values
 * joined by {@code |} ({@code c1|mobile}); a field the impression does not have counts as {@link
 * #UNKNOWN}. {@code campaign_id} and {@code user_id} name the impression's own fields; any other
 * name is one of its further fields ({@link Impression#dimensions()}).
 *
 * @param name the spec as given, used as the dimension name in results and Redis keys
 * @param fields the impression fields, in the order given
 */
public record Breakdown(String name, List<String> fields) implements Serializable {
  /** The value of a field an impression does not have. */
  public static final String UNKNOWN = "unknown";

  private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_.-]+");

  /**
   * The impression fields that {@code breakdowns} read (dimension names, {@code user_id}), sorted.
   */
  public static java.util.SortedSet<String> fieldsOf(java.util.List<Breakdown> breakdowns) {
    java.util.TreeSet<String> fields = new java.util.TreeSet<>();
    breakdowns.forEach(b -> fields.addAll(b.fields()));
    return fields;
  }

  /**
   * Parses {@code device} or {@code campaign_id+device}.
   *
   * @throws IllegalArgumentException for an empty spec, an empty field, a field with other
   *     characters than letters, digits, {@code _ . -}, a repeated field, or the name {@code
   *     campaign}
   */
  public static Breakdown parse(String spec) {
    String name = spec.trim();
    List<String> fields = new ArrayList<>();
    for (String f : name.split("\\+", -1)) {
      if (!FIELD.matcher(f).matches()) {
        throw new IllegalArgumentException(
            "'" + spec + "' is not a field or field+field (letters, digits, _ . -)");
      }
      if (fields.contains(f)) {
        throw new IllegalArgumentException("'" + spec + "' names " + f + " twice");
      }
      fields.add(f);
    }
    if (name.equals(CtrResult.CAMPAIGN)) {
      throw new IllegalArgumentException(
          "'campaign' is the per-campaign result itself; use campaign_id+<field> for pairs");
    }
    return new Breakdown(name, List.copyOf(fields));
  }

  /** This breakdown's key for an impression. */
  public DimensionKey keyOf(Impression impression) {
    StringBuilder value = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        value.append('|');
      }
      value.append(fieldValue(impression, fields.get(i)));
    }
    return new DimensionKey(name, value.toString());
  }

  private static String fieldValue(Impression impression, String field) {
    String v =
        switch (field) {
          case "campaign_id" -> impression.campaignId();
          case "user_id" -> impression.userId();
          default -> impression.dimensions().get(field);
        };
    return v == null || v.isEmpty() ? UNKNOWN : v;
  }
}
