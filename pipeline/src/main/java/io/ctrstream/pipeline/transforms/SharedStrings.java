package io.ctrstream.pipeline.transforms;

import java.util.HashMap;

/**
 * One shared instance of each string it is given, for the values the join's state repeats across
 * impressions (campaign ids, dimension names and values). The join holds each impression for its
 * window, attribution window and allowed lateness, about 90 s with the defaults, so at 30,000
 * impressions/s it holds some 2.5 million; the same campaign id once per impression, as parsed,
 * would be a {@code String} and its bytes each, about 50 bytes, in every one of them.
 *
 * <p>Bounded: once it holds {@value #CAPACITY} strings it starts afresh, so a dimension with
 * millions of distinct values (a device id) costs a lookup, not memory, and values that turn up
 * later in a long run are shared again. Not thread-safe: one per {@code DoFn} instance.
 */
final class SharedStrings {
  /** How many distinct strings it holds before it starts afresh. */
  static final int CAPACITY = 1 << 16;

  private final HashMap<String, String> shared = new HashMap<>();

  /** The shared instance equal to {@code s}: {@code s} itself the first time it is seen. */
  String of(String s) {
    String known = shared.get(s);
    if (known != null) {
      return known;
    }
    if (shared.size() >= CAPACITY) {
      shared.clear();
    }
    shared.put(s, s);
    return s;
  }
}
