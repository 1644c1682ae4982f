package io.ctrstream.contract;

import java.io.Serializable;

/**
 * The Redis key layout, under a prefix ({@code ctr} by default). For dimension {@code campaign}:
 *
 * <ul>
 *   <li>{@code ctr:campaign:<id>:window:<window_start_ms>}: hash of one window's newest pane;
 *   <li>{@code ctr:campaign:<id>:windows}: sorted set of that campaign's window starts (member and
 *       score = window start in epoch ms), for range reads;
 *   <li>{@code ctr:campaigns}: set of campaign ids;
 *   <li>{@code ctr:dimensions}: set of the dimensions written ({@code campaign} and breakdowns);
 *   <li>{@code ctr:latest}, {@code ctr:previous}: hashes, field = campaign id, value = JSON result.
 * </ul>
 *
 * <p>A breakdown dimension (e.g. {@code device}) has the same keys with its name in place of {@code
 * campaign}, and {@code ctr:device:latest}/{@code ctr:device:previous}. The trend (sliding windows)
 * has the whole layout under {@code ctr:trend}. Alerts: stream {@code ctr:alerts} and hash {@code
 * ctr:alerts:latest}.
 *
 * <p>The one owner of the layout: the job's Redis writers and every reader build their keys here.
 */
public final class RedisKeys implements Serializable {
  private final String prefix;

  public RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /** Hash of one window of one key. */
  public String window(String dimension, String key, long windowStart) {
    return prefix + ":" + dimension + ":" + key + ":window:" + windowStart;
  }

  /** Sorted set of one key's window starts. */
  public String windows(String dimension, String key) {
    return prefix + ":" + dimension + ":" + key + ":windows";
  }

  /** Set of all keys of a dimension, e.g. {@code ctr:campaigns}. */
  public String keys(String dimension) {
    return prefix + ":" + dimension + "s";
  }

  /**
   * Set of the dimensions with results ({@code ctr:dimensions}: {@code campaign}, {@code device},
   * …).
   */
  public String dimensions() {
    return prefix + ":dimensions";
  }

  /** Stream of alerts ({@code ctr:alerts}). */
  public String alerts() {
    return prefix + ":alerts";
  }

  /**
   * Hash of each key's newest alert ({@code ctr:alerts:latest}: field {@code <dimension>:<key>},
   * value its JSON).
   */
  public String latestAlerts() {
    return alerts() + ":latest";
  }

  /** The same layout under {@code <prefix>:trend} for the sliding trend windows. */
  public RedisKeys trend() {
    return new RedisKeys(prefix + ":trend");
  }

  /** Hash of every key's newest complete window ({@code ctr:latest} for campaigns). */
  public String latest(String dimension) {
    return ResultRecord.CAMPAIGN.equals(dimension)
        ? prefix + ":latest"
        : prefix + ":" + dimension + ":latest";
  }

  /** Hash of every key's complete window before the newest ({@code ctr:previous} for campaigns). */
  public String previous(String dimension) {
    return ResultRecord.CAMPAIGN.equals(dimension)
        ? prefix + ":previous"
        : prefix + ":" + dimension + ":previous";
  }
}
