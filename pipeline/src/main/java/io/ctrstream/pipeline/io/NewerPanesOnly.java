package io.ctrstream.pipeline.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Redis writes that never let an older pane replace a newer one.
 *
 * <p>The job emits the panes of one window, and the latest/previous states of one key, in order,
 * but the order can be lost on the way to Redis: the DirectRunner writes bundles of one PCollection
 * on several threads, and a runner replays a failed bundle after newer ones may have been written.
 * So each write is a small Lua script (run atomically by Redis, {@code EVAL}) that compares with
 * what is stored and writes only if the new value is at least as new:
 *
 * <ul>
 *   <li>a window hash: by {@code pane_index} (Beam numbers the panes of one window 0, 1, 2, …);
 *   <li>latest and previous of a key: by ({@code latest.window_start}, {@code latest.pane_index},
 *       {@code previous.window_start}, {@code previous.pane_index}) compared in that order, which
 *       every change made by {@code TrackLatestAndPrevious} increases. A key whose state that step
 *       dropped comes back with no previous; the stored latest then becomes previous.
 * </ul>
 *
 * <p>The scripts are loaded once per connection ({@link #load}) and run by their SHA-1 ({@code
 * EVALSHA}), so a write sends its arguments, not the script. If Redis loses its script cache (a
 * restart), {@code EVALSHA} fails with {@code NOSCRIPT}; the writer's retry reconnects, which loads
 * the scripts again.
 *
 * <p>An equal value is rewritten, so a replay stays an idempotent overwrite. A consequence: a
 * second job writing older windows under the same prefix leaves the newer latest/previous in place
 * (use another {@code --redisKeyPrefix}, or clear the prefix).
 */
final class NewerPanesOnly {
  private NewerPanesOnly() {}

  /** KEYS[1] = window hash; ARGV[1] = pane index; ARGV[2..] = field, value, field, value, … */
  static final String WINDOW_HASH =
      String.join(
          "\n",
          "local stored = redis.call('HGET', KEYS[1], 'pane_index')",
          "if stored and tonumber(stored) > tonumber(ARGV[1]) then return 0 end",
          "redis.call('HSET', KEYS[1], unpack(ARGV, 2))",
          "return 1");

  /**
   * KEYS[1] = latest hash, KEYS[2] = previous hash; ARGV[1] = field (key), ARGV[2] = latest JSON,
   * ARGV[3] = previous JSON or the empty string when there is none. With no previous, a stored
   * latest of an older window becomes previous: the job forgot it (the key was idle longer than its
   * state is kept), Redis did not.
   */
  static final String LATEST_AND_PREVIOUS =
      String.join(
          "\n",
          "local function order(json)",
          "  if not json or json == '' then return {-1, -1} end",
          "  local r = cjson.decode(json)",
          "  return {tonumber(r.window_start), tonumber(r.pane_index)}",
          "end",
          "local new = order(ARGV[2])",
          "local newPrevious = order(ARGV[3])",
          "table.insert(new, newPrevious[1]); table.insert(new, newPrevious[2])",
          "local oldLatest = redis.call('HGET', KEYS[1], ARGV[1])",
          "local old = order(oldLatest)",
          "local oldPrevious = order(redis.call('HGET', KEYS[2], ARGV[1]))",
          "table.insert(old, oldPrevious[1]); table.insert(old, oldPrevious[2])",
          "for i = 1, 4 do",
          "  if new[i] > old[i] then break end",
          "  if new[i] < old[i] then return 0 end",
          "end",
          "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])",
          "if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])",
          "elseif oldLatest and old[1] < new[1] then redis.call('HSET', KEYS[2], ARGV[1], oldLatest) end",
          "return 1");

  private static final String WINDOW_HASH_SHA = sha1(WINDOW_HASH);
  private static final String LATEST_AND_PREVIOUS_SHA = sha1(LATEST_AND_PREVIOUS);

  /** Loads both scripts into Redis' script cache; call on each new connection. */
  static void load(Jedis jedis) {
    jedis.scriptLoad(WINDOW_HASH);
    jedis.scriptLoad(LATEST_AND_PREVIOUS);
  }

  /** Queues the write of a window hash's fields unless the stored pane is newer. */
  static void windowHash(Pipeline p, String hash, long paneIndex, Map<String, String> fields) {
    List<String> args = new ArrayList<>(1 + 2 * fields.size());
    args.add(Long.toString(paneIndex));
    fields.forEach(
        (field, value) -> {
          args.add(field);
          args.add(value);
        });
    p.evalsha(WINDOW_HASH_SHA, List.of(hash), args);
  }

  /**
   * Queues the write of one key's latest and previous JSON unless the stored pair is newer.
   *
   * @param previousJson {@code null} while the key has no previous window
   */
  static void latestAndPrevious(
      Pipeline p,
      String latestHash,
      String previousHash,
      String key,
      String latestJson,
      String previousJson) {
    p.evalsha(
        LATEST_AND_PREVIOUS_SHA,
        List.of(latestHash, previousHash),
        List.of(key, latestJson, previousJson == null ? "" : previousJson));
  }

  /** The SHA-1 Redis names a script by (lower-case hex of its bytes' digest). */
  private static String sha1(String script) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
