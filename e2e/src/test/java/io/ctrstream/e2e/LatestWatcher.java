package io.ctrstream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.contract.RedisKeys;
import io.ctrstream.contract.ResultRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * Reads {@code <prefix>:latest} (every campaign's newest complete window) about ten times a second,
 * on a thread of its own, while a drill runs, and records every time a campaign's value went
 * backwards: an older window, or an older pane of the same window, after a newer one had been read.
 * What a dashboard reading Redis during a failure would have shown.
 */
final class LatestWatcher implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalStack stack;
  private final String key;
  private final Thread thread;
  private final Map<String, long[]> newest = new HashMap<>();
  private final List<String> regressions = new ArrayList<>();
  private volatile boolean running = true;
  private long reads;

  LatestWatcher(LocalStack stack, String prefix) {
    this.stack = stack;
    this.key = new RedisKeys(prefix).latest(ResultRecord.CAMPAIGN);
    this.thread = new Thread(this::watch, "latest-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void watch() {
    while (running) {
      try (Jedis jedis = stack.redis()) {
        while (running) {
          check(jedis.hgetAll(key));
          Thread.sleep(100); // a sampling rate, not synchronisation
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException redisDown) {
        // the Redis outage drill stops Redis: read again when it is back
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private synchronized void check(Map<String, String> latest) {
    reads++;
    latest.forEach(
        (campaign, json) -> {
          long[] order;
          try {
            JsonNode r = JSON.readTree(json);
            order = new long[] {r.path("window_start").asLong(), r.path("pane_index").asLong()};
          } catch (IOException e) {
            regressions.add(campaign + ": unreadable " + json);
            return;
          }
          long[] before = newest.put(campaign, order);
          if (before != null
              && (order[0] < before[0] || (order[0] == before[0] && order[1] < before[1]))) {
            regressions.add(
                campaign
                    + ": window "
                    + before[0]
                    + " pane "
                    + before[1]
                    + " then window "
                    + order[0]
                    + " pane "
                    + order[1]);
          }
        });
  }

  /** Every regression seen so far, as text; empty when {@code latest} only ever moved forward. */
  synchronized List<String> regressions() {
    return List.copyOf(regressions);
  }

  /** How many times the hash was read (a watcher that never read proves nothing). */
  synchronized long reads() {
    return reads;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
  }
}
