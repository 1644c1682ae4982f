package io.ctrstream.serving.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * Reads the per-campaign results the pipeline writes to Redis (see the pipeline's {@code RedisKeys}
 * and the README's "Redis layout"): {@code <prefix>:campaigns} (set of ids),
 * {@code <prefix>:campaign:<id>:windows} (sorted set of window starts, epoch ms),
 * {@code <prefix>:campaign:<id>:window:<start>} (hash of the newest pane), and
 * {@code <prefix>:latest} / {@code <prefix>:previous} (hash: campaign id → result JSON).
 *
 * <p>Thread-safe (a connection pool); every method throws {@link StoreUnavailableException} when
 * Redis cannot be reached or answers with an error. Close it to release the pool.
 */
public final class ResultStore implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int TIMEOUT_MS = 2_000;

  private final RedisAddress address;
  private final JedisPool pool;

  public ResultStore(RedisAddress address) {
    this.address = address;
    GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
    poolConfig.setMaxTotal(8);
    poolConfig.setJmxEnabled(false);
    DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(TIMEOUT_MS)
        .socketTimeoutMillis(TIMEOUT_MS);
    if (address.password() != null && !address.password().isEmpty()) {
      client.password(address.password());
    }
    this.pool = new JedisPool(poolConfig, new HostAndPort(address.host(), address.port()), client.build());
  }

  public RedisAddress address() {
    return address;
  }

  /** Answers PING; throws {@link StoreUnavailableException} otherwise. */
  public void ping() {
    read(Jedis::ping);
  }

  /** Every campaign with at least one result, sorted by id. */
  public List<String> campaigns() {
    Set<String> ids = read(j -> j.smembers(key("campaigns")));
    return new ArrayList<>(new TreeSet<String>(ids));
  }

  /** Whether the pipeline wrote any result for this campaign. */
  public boolean isKnown(String campaign) {
    return read(j -> j.sismember(key("campaigns"), campaign));
  }

  /** Every campaign's newest complete window ({@code <prefix>:latest}), by campaign id. */
  public Map<String, WindowResult> latest() {
    return parseAll(read(j -> j.hgetAll(key("latest"))));
  }

  /** Every campaign's complete window before the newest ({@code <prefix>:previous}), by campaign id. */
  public Map<String, WindowResult> previous() {
    return parseAll(read(j -> j.hgetAll(key("previous"))));
  }

  /** One campaign's newest complete window, if any. */
  public Optional<WindowResult> latest(String campaign) {
    return Optional.ofNullable(read(j -> j.hget(key("latest"), campaign))).map(ResultStore::parseJson);
  }

  /** One campaign's complete window before the newest, if any. */
  public Optional<WindowResult> previous(String campaign) {
    return Optional.ofNullable(read(j -> j.hget(key("previous"), campaign))).map(ResultStore::parseJson);
  }

  /**
   * One campaign's windows whose start lies in {@code [fromMs, toMs)}, oldest first, each as of its
   * newest pane (EARLY ones included). At most {@code limit} windows: the newest ones.
   *
   * @param fromMs inclusive lower bound of the window start, epoch ms ({@code Long.MIN_VALUE}: none)
   * @param toMs exclusive upper bound of the window start, epoch ms ({@code Long.MAX_VALUE}: none)
   */
  public List<WindowResult> windows(String campaign, long fromMs, long toMs, int limit) {
    // scores are whole epoch ms, so the exclusive bound 'toMs' is the inclusive bound toMs - 1
    double min = fromMs == Long.MIN_VALUE ? Double.NEGATIVE_INFINITY : fromMs;
    double max = toMs == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : toMs - 1;
    return read(j -> {
      List<String> starts = j.zrevrangeByScore(key("campaign:" + campaign + ":windows"), max, min, 0, limit);
      Pipeline p = j.pipelined();
      List<Response<Map<String, String>>> hashes = new ArrayList<>();
      for (String start : starts) {
        hashes.add(p.hgetAll(key("campaign:" + campaign + ":window:" + start)));
      }
      p.sync();
      List<WindowResult> out = new ArrayList<>();
      for (Response<Map<String, String>> h : hashes) {
        if (!h.get().isEmpty()) { // expired between the index read and the hash read
          out.add(WindowResult.fromHash(h.get()));
        }
      }
      out.sort(Comparator.comparingLong(WindowResult::windowStart));
      return out;
    });
  }

  /** Every campaign's newest window (often an EARLY pane of a window still open), by campaign id. */
  public Map<String, WindowResult> newestWindows() {
    return read(j -> {
      List<String> campaigns = new ArrayList<>(j.smembers(key("campaigns")));
      Pipeline p = j.pipelined();
      List<Response<List<String>>> newest = new ArrayList<>();
      for (String c : campaigns) {
        newest.add(p.zrevrange(key("campaign:" + c + ":windows"), 0, 0));
      }
      p.sync();
      Pipeline q = j.pipelined();
      List<Response<Map<String, String>>> hashes = new ArrayList<>();
      for (int i = 0; i < campaigns.size(); i++) {
        List<String> start = newest.get(i).get();
        hashes.add(start.isEmpty() ? null : q.hgetAll(key("campaign:" + campaigns.get(i) + ":window:" + start.get(0))));
      }
      q.sync();
      Map<String, WindowResult> out = new TreeMap<>();
      for (int i = 0; i < campaigns.size(); i++) {
        if (hashes.get(i) != null && !hashes.get(i).get().isEmpty()) {
          out.put(campaigns.get(i), WindowResult.fromHash(hashes.get(i).get()));
        }
      }
      return out;
    });
  }

  /** The newest {@code limit} alerts of the stream {@code <prefix>:alerts}, newest first. */
  public List<AlertEntry> alerts(int limit) {
    return read(j -> j.xrevrange(key("alerts"), (StreamEntryID) null, (StreamEntryID) null, limit).stream()
        .map(e -> new AlertEntry(e.getID().toString(), e.getFields()))
        .toList());
  }

  /** When the pipeline last wrote any campaign's newest window, epoch ms; empty before any result. */
  public OptionalLong newestWriteAt() {
    return newestWindows().values().stream()
        .filter(w -> w.updatedAt() != null)
        .mapToLong(WindowResult::updatedAt)
        .max();
  }

  @Override
  public void close() {
    pool.close();
  }

  private String key(String suffix) {
    return address.prefix() + ":" + suffix;
  }

  private <T> T read(Function<Jedis, T> query) {
    try (Jedis jedis = pool.getResource()) {
      return query.apply(jedis);
    } catch (JedisException e) {
      throw new StoreUnavailableException(address + " did not answer: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static Map<String, WindowResult> parseAll(Map<String, String> byCampaign) {
    Map<String, WindowResult> out = new TreeMap<>();
    byCampaign.forEach((campaign, json) -> out.put(campaign, parseJson(json)));
    return out;
  }

  /** Reads a result JSON as {@code OutputFormats.result} writes it. */
  static WindowResult parseJson(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      return new WindowResult(
          n.get("key").asText(),
          n.get("window_start").asLong(),
          n.get("window_end").asLong(),
          n.get("impressions").asLong(),
          n.get("clicks").asLong(),
          n.get("ctr").asDouble(),
          n.get("timing").asText(),
          n.get("pane_index").asLong(),
          n.get("final").asBoolean(),
          null,
          null);
    } catch (IOException | NullPointerException e) {
      throw new IllegalArgumentException("not a ctrstream result: " + json, e);
    }
  }
}
