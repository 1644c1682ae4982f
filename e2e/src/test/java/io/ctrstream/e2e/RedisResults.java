package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.contract.RedisKeys;
import io.ctrstream.contract.ResultRecord;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;

/**
 * The campaign windows a job wrote to Redis under one prefix, compared with {@link ReferenceCtr}.
 */
final class RedisResults {
  private final LocalStack stack;
  private final String prefix;
  private final RedisKeys keys;

  RedisResults(LocalStack stack, String prefix) {
    this.stack = stack;
    this.prefix = prefix;
    this.keys = new RedisKeys(prefix);
  }

  /** How many campaign windows have a pane in Redis. */
  long windowCount() {
    return counts().size();
  }

  /** Waits until every (campaign, window) of the reference has a final pane in Redis. */
  void awaitFinal(ReferenceCtr ref, Duration timeout) {
    Await.until(
        ref.counts.size() + " final windows in Redis under " + prefix,
        timeout,
        () -> {
          try (Jedis jedis = stack.redis()) {
            for (String key : ref.counts.keySet()) {
              if (!"true".equals(jedis.hget(windowKey(key), ResultRecord.FINAL))) {
                return false;
              }
            }
            return true;
          }
        });
  }

  /**
   * Every window's (impressions, clicks), keyed like {@link ReferenceCtr#counts} ({@code
   * campaign|window start}).
   */
  Map<String, List<Long>> counts() {
    Map<String, List<Long>> counts = new TreeMap<>();
    try (Jedis jedis = stack.redis()) {
      for (String campaign : jedis.smembers(keys.keys(ResultRecord.CAMPAIGN))) {
        for (String start : jedis.zrange(keys.windows(ResultRecord.CAMPAIGN, campaign), 0, -1)) {
          List<String> v =
              jedis.hmget(
                  keys.window(ResultRecord.CAMPAIGN, campaign, Long.parseLong(start)),
                  ResultRecord.IMPRESSIONS,
                  ResultRecord.CLICKS);
          if (v.get(0) != null) { // a window hash may expire before its index entry
            counts.put(
                campaign + "|" + start,
                List.of(Long.parseLong(v.get(0)), Long.parseLong(v.get(1))));
          }
        }
      }
    }
    return counts;
  }

  /** Asserts that Redis holds exactly the reference's windows with exactly its counts. */
  void assertEquals(ReferenceCtr ref) {
    assertThat(counts(), equalTo(ref.counts));
  }

  /**
   * Records counted into Redis windows against the reference: events (impressions + clicks) the
   * reference counts, those Redis counts, those missing from Redis and those Redis counts more than
   * once, window by window.
   */
  record Tally(long expected, long counted, long lost, long countedTwice) {
    static Tally of(ReferenceCtr ref, Map<String, List<Long>> actual) {
      long expected = 0, counted = 0, lost = 0, twice = 0;
      java.util.Set<String> keys = new java.util.TreeSet<>(ref.counts.keySet());
      keys.addAll(actual.keySet());
      for (String key : keys) {
        List<Long> want = ref.counts.getOrDefault(key, List.of(0L, 0L));
        List<Long> got = actual.getOrDefault(key, List.of(0L, 0L));
        for (int i = 0; i < 2; i++) {
          expected += want.get(i);
          counted += got.get(i);
          lost += Math.max(0, want.get(i) - got.get(i));
          twice += Math.max(0, got.get(i) - want.get(i));
        }
      }
      return new Tally(expected, counted, lost, twice);
    }

    @Override
    public String toString() {
      return "records expected "
          + expected
          + ", counted "
          + counted
          + ", lost "
          + lost
          + ", counted twice "
          + countedTwice;
    }
  }

  private String windowKey(String campaignAndWindow) {
    int bar = campaignAndWindow.lastIndexOf('|');
    return keys.window(
        ResultRecord.CAMPAIGN,
        campaignAndWindow.substring(0, bar),
        Long.parseLong(campaignAndWindow.substring(bar + 1)));
  }
}
