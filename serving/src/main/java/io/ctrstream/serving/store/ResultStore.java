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
 * Reads the results the pipeline writes to Redis (see the pipeline's {@code RedisKeys} and the
 * README's "Redis key layout"). For the campaigns' fixed windows ({@link Series#CAMPAIGNS}):
 * {@code <prefix>:campaigns} (set of ids), {@code <prefix>:campaign:<id>:windows} (sorted set of
 * window starts, epoch ms), {@code <prefix>:campaign:<id>:window:<start>} (hash of the newest pane),
 * and {@code <prefix>:latest} / {@code <prefix>:previous} (hash: campaign id → result JSON). A
 * breakdown has its name in place of {@code campaign} ({@code <prefix>:device:latest}, …); the trend
 * windows have the same layout under {@code <prefix>:trend}. Each read names its {@link Series}.
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
    return keys(Series.CAMPAIGNS);
  }

  /**
   * The dimensions with results ({@code <prefix>:dimensions}, or {@code <prefix>:trend:dimensions}),
   * sorted; {@code campaign} is always there once the job wrote anything.
   */
  public List<String> dimensions(boolean trend) {
    Set<String> names = read(j -> j.smembers(new Series(Series.CAMPAIGN, trend).prefix(address.prefix()) + ":dimensions"));
    return new ArrayList<>(new TreeSet<String>(names));
  }

  /** Each dimension with results ({@link #dimensions}) and its sorted keys, by dimension name. */
  public Map<String, List<String>> keysByDimension(boolean trend) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String dimension : dimensions(trend)) {
      out.put(dimension, keys(new Series(dimension, trend)));
    }
    return out;
  }

  /**
   * Checks that the job wrote this series.
   *
   * @return {@code series}
   * @throws UnknownSeriesException naming the dimensions there are, when the dimension is not one
   *     of them, or when the trend is asked for and the job ran without {@code --trendWindow}
   */
  public Series require(Series series) {
    List<String> known = dimensions(series.trend());
    if (series.trend() && !known.contains(Series.CAMPAIGN)) {
      throw new UnknownSeriesException("no trend windows: the job did not run with --trendWindow");
    }
    if (!series.isCampaign() && !known.contains(series.dimension())) {
      throw new UnknownSeriesException("unknown dimension '" + series.dimension() + "'"
          + (series.trend() ? " in the trend" : "") + "; known: " + String.join(", ", known));
    }
    return series;
  }

  /** Every key of a series with at least one result ({@code <prefix>:<dimension>s}), sorted. */
  public List<String> keys(Series series) {
    Set<String> ids = read(j -> j.smembers(keySet(series)));
    return new ArrayList<>(new TreeSet<String>(ids));
  }

  /** Whether the pipeline wrote any result for this key of the series. */
  public boolean isKnown(Series series, String key) {
    return read(j -> j.sismember(keySet(series), key));
  }

  /** Every key's newest complete window ({@code <prefix>:latest} for campaigns), by key. */
  public Map<String, WindowResult> latest(Series series) {
    return parseAll(read(j -> j.hgetAll(latestHash(series))));
  }

  /** Every key's complete window before the newest ({@code <prefix>:previous} for campaigns), by key. */
  public Map<String, WindowResult> previous(Series series) {
    return parseAll(read(j -> j.hgetAll(previousHash(series))));
  }

  /** One key's newest complete window, if any. */
  public Optional<WindowResult> latest(Series series, String key) {
    return Optional.ofNullable(read(j -> j.hget(latestHash(series), key))).map(ResultStore::parseJson);
  }

  /** One key's complete window before the newest, if any. */
  public Optional<WindowResult> previous(Series series, String key) {
    return Optional.ofNullable(read(j -> j.hget(previousHash(series), key))).map(ResultStore::parseJson);
  }

  /**
   * One key's windows whose start lies in {@code [fromMs, toMs)}, oldest first, each as of its
   * newest pane (EARLY ones included). At most {@code limit} windows: the newest ones.
   *
   * @param fromMs inclusive lower bound of the window start, epoch ms ({@code Long.MIN_VALUE}: none)
   * @param toMs exclusive upper bound of the window start, epoch ms ({@code Long.MAX_VALUE}: none)
   */
  public List<WindowResult> windows(Series series, String key, long fromMs, long toMs, int limit) {
    // scores are whole epoch ms, so the exclusive bound 'toMs' is the inclusive bound toMs - 1
    double min = fromMs == Long.MIN_VALUE ? Double.NEGATIVE_INFINITY : fromMs;
    double max = toMs == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : toMs - 1;
    return read(j -> {
      List<String> starts = j.zrevrangeByScore(windowIndex(series, key), max, min, 0, limit);
      Pipeline p = j.pipelined();
      List<Response<Map<String, String>>> hashes = new ArrayList<>();
      for (String start : starts) {
        hashes.add(p.hgetAll(windowHash(series, key, start)));
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

  /** Every key's newest window (often an EARLY pane of a window still open), by key. */
  public Map<String, WindowResult> newestWindows(Series series) {
    return read(j -> {
      List<String> keys = new ArrayList<>(j.smembers(keySet(series)));
      Pipeline p = j.pipelined();
      List<Response<List<String>>> newest = new ArrayList<>();
      for (String k : keys) {
        newest.add(p.zrevrange(windowIndex(series, k), 0, 0));
      }
      p.sync();
      Pipeline q = j.pipelined();
      List<Response<Map<String, String>>> hashes = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        List<String> start = newest.get(i).get();
        hashes.add(start.isEmpty() ? null : q.hgetAll(windowHash(series, keys.get(i), start.get(0))));
      }
      q.sync();
      Map<String, WindowResult> out = new TreeMap<>();
      for (int i = 0; i < keys.size(); i++) {
        if (hashes.get(i) != null && !hashes.get(i).get().isEmpty()) {
          out.put(keys.get(i), WindowResult.fromHash(hashes.get(i).get()));
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
    return newestWindows(Series.CAMPAIGNS).values().stream()
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

  // the layout of the pipeline's RedisKeys, for one series

  private String keySet(Series s) {
    return s.prefix(address.prefix()) + ":" + s.dimension() + "s";
  }

  private String latestHash(Series s) {
    return s.prefix(address.prefix()) + (s.isCampaign() ? "" : ":" + s.dimension()) + ":latest";
  }

  private String previousHash(Series s) {
    return s.prefix(address.prefix()) + (s.isCampaign() ? "" : ":" + s.dimension()) + ":previous";
  }

  private String windowIndex(Series s, String key) {
    return s.prefix(address.prefix()) + ":" + s.dimension() + ":" + key + ":windows";
  }

  private String windowHash(Series s, String key, String windowStart) {
    return s.prefix(address.prefix()) + ":" + s.dimension() + ":" + key + ":window:" + windowStart;
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
          n.get("dimension").asText(),
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
