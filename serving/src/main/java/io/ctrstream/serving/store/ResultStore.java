package io.ctrstream.serving.store;

import io.ctrstream.contract.RedisKeys;
import io.ctrstream.contract.ResultRecord;
import io.ctrstream.contract.TlsClient;
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
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Reads the results the pipeline writes to Redis, in the layout of {@link RedisKeys}
 * (docs/outputs.md, "The Redis key layout"), each result decoded by {@link ResultRecord}. For the
 * campaigns' fixed windows ({@link Series#CAMPAIGNS}): {@code <prefix>:campaigns} (set of ids),
 * {@code <prefix>:campaign:<id>:windows} (sorted set of window starts, epoch ms), {@code
 * <prefix>:campaign:<id>:window:<start>} (hash of the newest pane), and {@code <prefix>:latest} /
 * {@code <prefix>:previous} (hash: campaign id → result JSON). A breakdown has its name in place of
 * {@code campaign} ({@code <prefix>:device:latest}, …); the trend windows have the same layout
 * under {@code <prefix>:trend}. Each read names its {@link Series}.
 *
 * <p>Thread-safe (a connection pool); every method throws {@link StoreUnavailableException} when
 * Redis cannot be reached or answers with an error. Close it to release the pool.
 */
public final class ResultStore implements AutoCloseable {
  private static final int TIMEOUT_MS = 2_000;

  private final RedisAddress address;
  private final RedisKeys rootKeys;
  private final JedisPool pool;

  public ResultStore(RedisAddress address) {
    this.address = address;
    this.rootKeys = new RedisKeys(address.prefix());
    GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
    poolConfig.setMaxTotal(8);
    poolConfig.setJmxEnabled(false);
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(TIMEOUT_MS)
            .socketTimeoutMillis(TIMEOUT_MS);
    if (address.password() != null && !address.password().isEmpty()) {
      client.password(address.password());
    }
    if (address.tls() != null) {
      client
          .ssl(true)
          .sslSocketFactory(address.tls().socketFactory())
          .sslParameters(TlsClient.verifyingHostName());
    }
    this.pool =
        new JedisPool(poolConfig, new HostAndPort(address.host(), address.port()), client.build());
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
   * The dimensions with results ({@code <prefix>:dimensions}, or {@code
   * <prefix>:trend:dimensions}), sorted; {@code campaign} is always there once the job wrote
   * anything.
   */
  public List<String> dimensions(boolean trend) {
    Set<String> names =
        read(j -> j.smembers(layout(new Series(Series.CAMPAIGN, trend)).dimensions()));
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
      throw new UnknownSeriesException(
          "unknown dimension '"
              + series.dimension()
              + "'"
              + (series.trend() ? " in the trend" : "")
              + "; known: "
              + String.join(", ", known));
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
  public Map<String, ResultRecord> latest(Series series) {
    return parseAll(read(j -> j.hgetAll(latestHash(series))));
  }

  /**
   * Every key's complete window before the newest ({@code <prefix>:previous} for campaigns), by
   * key.
   */
  public Map<String, ResultRecord> previous(Series series) {
    return parseAll(read(j -> j.hgetAll(previousHash(series))));
  }

  /** One key's newest complete window, if any. */
  public Optional<ResultRecord> latest(Series series, String key) {
    return Optional.ofNullable(read(j -> j.hget(latestHash(series), key)))
        .map(ResultRecord::fromJson);
  }

  /** One key's complete window before the newest, if any. */
  public Optional<ResultRecord> previous(Series series, String key) {
    return Optional.ofNullable(read(j -> j.hget(previousHash(series), key)))
        .map(ResultRecord::fromJson);
  }

  /**
   * One key's windows whose start lies in {@code [fromMs, toMs)}, oldest first, each as of its
   * newest pane (EARLY ones included). At most {@code limit} windows: the newest ones.
   *
   * @param fromMs inclusive lower bound of the window start, epoch ms ({@code Long.MIN_VALUE}:
   *     none)
   * @param toMs exclusive upper bound of the window start, epoch ms ({@code Long.MAX_VALUE}: none)
   */
  public List<ResultRecord> windows(Series series, String key, long fromMs, long toMs, int limit) {
    // scores are whole epoch ms, so the exclusive bound 'toMs' is the inclusive bound toMs - 1
    double min = fromMs == Long.MIN_VALUE ? Double.NEGATIVE_INFINITY : fromMs;
    double max = toMs == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : toMs - 1;
    return read(
        j -> {
          List<String> starts = j.zrevrangeByScore(windowIndex(series, key), max, min, 0, limit);
          Pipeline p = j.pipelined();
          List<Response<Map<String, String>>> hashes = new ArrayList<>();
          for (String start : starts) {
            hashes.add(p.hgetAll(windowHash(series, key, start)));
          }
          p.sync();
          List<ResultRecord> out = new ArrayList<>();
          for (Response<Map<String, String>> h : hashes) {
            if (!h.get().isEmpty()) { // expired between the index read and the hash read
              out.add(ResultRecord.fromHash(h.get()));
            }
          }
          out.sort(Comparator.comparingLong(ResultRecord::windowStart));
          return out;
        });
  }

  /** Every key's newest window (often an EARLY pane of a window still open), by key. */
  public Map<String, ResultRecord> newestWindows(Series series) {
    return read(
        j -> {
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
            hashes.add(
                start.isEmpty() ? null : q.hgetAll(windowHash(series, keys.get(i), start.get(0))));
          }
          q.sync();
          Map<String, ResultRecord> out = new TreeMap<>();
          for (int i = 0; i < keys.size(); i++) {
            if (hashes.get(i) != null && !hashes.get(i).get().isEmpty()) {
              out.put(keys.get(i), ResultRecord.fromHash(hashes.get(i).get()));
            }
          }
          return out;
        });
  }

  /** The newest {@code limit} alerts of the stream {@code <prefix>:alerts}, newest first. */
  public List<AlertEntry> alerts(int limit) {
    return read(
        j ->
            j
                .xrevrange(rootKeys.alerts(), (StreamEntryID) null, (StreamEntryID) null, limit)
                .stream()
                .map(e -> new AlertEntry(e.getID().toString(), e.getFields()))
                .toList());
  }

  /**
   * When the pipeline last wrote any campaign's newest window, epoch ms; empty before any result.
   */
  public OptionalLong newestWriteAt() {
    return newestWindows(Series.CAMPAIGNS).values().stream()
        .filter(w -> w.updatedAt() != null)
        .mapToLong(ResultRecord::updatedAt)
        .max();
  }

  @Override
  public void close() {
    pool.close();
  }

  /** The job's key layout ({@link RedisKeys}) for one series: the prefix, or its trend layout. */
  private RedisKeys layout(Series s) {
    return s.trend() ? rootKeys.trend() : rootKeys;
  }

  private String keySet(Series s) {
    return layout(s).keys(s.dimension());
  }

  private String latestHash(Series s) {
    return layout(s).latest(s.dimension());
  }

  private String previousHash(Series s) {
    return layout(s).previous(s.dimension());
  }

  private String windowIndex(Series s, String key) {
    return layout(s).windows(s.dimension(), key);
  }

  private String windowHash(Series s, String key, String windowStart) {
    return layout(s).window(s.dimension(), key, Long.parseLong(windowStart));
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

  private static Map<String, ResultRecord> parseAll(Map<String, String> byKey) {
    Map<String, ResultRecord> out = new TreeMap<>();
    byKey.forEach((key, json) -> out.put(key, ResultRecord.fromJson(json)));
    return out;
  }
}
