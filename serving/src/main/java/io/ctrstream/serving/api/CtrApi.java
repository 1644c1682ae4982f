package io.ctrstream.serving.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.contract.ResultRecord;
import io.ctrstream.serving.store.AlertEntry;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.Series;
import io.ctrstream.serving.store.StoreUnavailableException;
import io.ctrstream.serving.store.UnknownSeriesException;
import io.ctrstream.serving.view.Comparison;
import io.ctrstream.serving.view.ResultJson;
import io.ctrstream.serving.view.TimeBound;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The JSON endpoints, independent of the HTTP server ({@link ApiServer} routes to them): each
 * method takes the decoded path parameter, if any, and the raw query string (null if none) and
 * returns the body of a 200 answer, or throws {@link ApiException} (400, 404) or {@link
 * StoreUnavailableException} (answered 503). The shapes are described in {@code /openapi.json}.
 *
 * <ul>
 *   <li>{@code GET /ctr/latest}, {@code /ctr/previous}: every campaign's newest complete window and
 *       the one before it, sorted by campaign id;
 *   <li>{@code GET /ctr/{campaign}}: latest and previous side by side with the change, and the
 *       newest (possibly EARLY) window;
 *   <li>{@code GET /ctr/{campaign}/windows?from=&to=&limit=}: window history, oldest first;
 *   <li>{@code GET /keys/{key}} and {@code /keys/{key}/windows}: the same two for any key, also one
 *       named {@code latest} or {@code previous}, which {@code /ctr/latest} and {@code
 *       /ctr/previous} shadow;
 *   <li>each {@code /ctr/…} route takes {@code dimension=<breakdown>} (the key is then a breakdown
 *       value, e.g. {@code /ctr/mobile?dimension=device}) and {@code trend=true} (the sliding trend
 *       windows instead of the fixed ones);
 *   <li>{@code GET /dimensions?trend=}: the dimensions with results and their keys;
 *   <li>{@code GET /alerts?limit=}: the newest SPIKE/DROP alerts (default 50), newest first;
 *   <li>{@code GET /campaigns}: campaign ids;
 *   <li>{@code GET /health}: Redis reachable, age of the newest result.
 * </ul>
 */
public final class CtrApi {
  /** Default and largest {@code limit} of a window history. */
  public static final int DEFAULT_LIMIT = 1_000;

  public static final int MAX_LIMIT = 10_000;

  private static final String DIMENSION = "dimension";
  private static final String TREND = "trend";

  /** The parameters that choose a series: {@code dimension} and {@code trend}. */
  private static final Set<String> SERIES = Set.of(DIMENSION, TREND);

  /**
   * How far back a restricted client's {@code /alerts} looks: the stream's newest entries are
   * filtered to its keys, so a client of a quiet campaign may see fewer than its limit.
   */
  private static final int MAX_ALERTS_SCANNED = MAX_LIMIT;

  private final ResultStore store;
  private final LongSupplier clock;

  /**
   * @param clock the current time in epoch ms, for result ages
   */
  public CtrApi(ResultStore store, LongSupplier clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The command line reads everything the Redis password lets it read. */
  private static final Access CLI = Access.everything("cli");

  /** {@code GET /campaigns}: the campaign ids, sorted. */
  public ObjectNode campaigns(String rawQuery) {
    return campaigns(CLI, rawQuery);
  }

  /** {@code GET /campaigns} for a client: the campaign ids it may read, sorted. */
  public ObjectNode campaigns(Access access, String rawQuery) {
    Query.parse(rawQuery, Set.of());
    List<String> campaigns = store.campaigns().stream().filter(access::allowsCampaign).toList();
    ObjectNode o = ResultJson.object();
    o.put("count", campaigns.size());
    ArrayNode a = o.putArray("campaigns");
    campaigns.forEach(a::add);
    return o;
  }

  /** {@code GET /dimensions?trend=}: the dimensions with results and their keys. */
  public ObjectNode dimensions(String rawQuery) {
    return dimensions(CLI, rawQuery);
  }

  /** {@code GET /dimensions?trend=} for a client: the dimensions and keys it may read. */
  public ObjectNode dimensions(Access access, String rawQuery) {
    boolean trend = trend(Query.parse(rawQuery, Set.of(TREND)));
    Map<String, List<String>> visible = new LinkedHashMap<>();
    store
        .keysByDimension(trend)
        .forEach(
            (dimension, keys) -> {
              List<String> mine = keys.stream().filter(k -> access.allows(dimension, k)).toList();
              // a restricted client does not learn of a dimension it has no key of
              if (access.allowsDimension(dimension) && (access.all() || !mine.isEmpty())) {
                visible.put(dimension, mine);
              }
            });
    return ResultJson.dimensions(trend, visible);
  }

  /** {@code GET /alerts?limit=}: the newest alerts (default 50), newest first. */
  public ObjectNode alerts(String rawQuery) {
    return alerts(CLI, rawQuery);
  }

  /**
   * {@code GET /alerts?limit=} for a client: the newest alerts of keys it may read (default 50),
   * newest first. The limit counts the alerts it sees.
   */
  public ObjectNode alerts(Access access, String rawQuery) {
    int limit = limit(Query.parse(rawQuery, Set.of("limit")), 50);
    if (access.all()) {
      return ResultJson.alerts(store.alerts(limit));
    }
    List<AlertEntry> visible =
        store.alerts(MAX_ALERTS_SCANNED).stream()
            .filter(a -> access.allows(a.fields().get("dimension"), a.fields().get("key")))
            .limit(limit)
            .toList();
    return ResultJson.alerts(visible);
  }

  /** {@code GET /ctr/latest}: every key's newest complete window, sorted by key. */
  public ObjectNode latest(String rawQuery) {
    return latest(CLI, rawQuery);
  }

  /** {@code GET /ctr/latest} for a client: the keys it may read. */
  public ObjectNode latest(Access access, String rawQuery) {
    Series series = series(access, Query.parse(rawQuery, SERIES));
    return ResultJson.results(visible(access, series, store.latest(series)));
  }

  /** {@code GET /ctr/previous}: every key's complete window before its latest, sorted by key. */
  public ObjectNode previous(String rawQuery) {
    return previous(CLI, rawQuery);
  }

  /** {@code GET /ctr/previous} for a client: the keys it may read. */
  public ObjectNode previous(Access access, String rawQuery) {
    Series series = series(access, Query.parse(rawQuery, SERIES));
    return ResultJson.results(visible(access, series, store.previous(series)));
  }

  private static List<ResultRecord> visible(
      Access access, Series series, Map<String, ResultRecord> byKey) {
    return byKey.entrySet().stream()
        .filter(e -> access.allows(series.dimension(), e.getKey()))
        .map(Map.Entry::getValue)
        .toList();
  }

  /**
   * {@code GET /ctr/{campaign}} and {@code /keys/{key}}: one key's latest and previous side by side
   * with the change, and its newest (possibly EARLY) window.
   *
   * @param key the decoded campaign id or breakdown value
   * @throws ApiException 404 if the pipeline never wrote a result for it
   */
  public ObjectNode key(String key, String rawQuery) {
    return key(CLI, key, rawQuery);
  }

  /**
   * {@code GET /ctr/{campaign}} for a client.
   *
   * @throws ApiException 403 if the client may not read the key (whether or not it exists)
   */
  public ObjectNode key(Access access, String key, String rawQuery) {
    Series series = series(access, Query.parse(rawQuery, SERIES));
    requireAllowed(access, series, key);
    return ResultJson.comparison(comparison(series, key));
  }

  /**
   * {@code GET /ctr/{campaign}/windows} and {@code /keys/{key}/windows}: one key's window history,
   * oldest first, between {@code from} (inclusive) and {@code to} (exclusive), at most {@code
   * limit}.
   *
   * @throws ApiException 400 for a malformed bound or limit, 404 for an unknown key
   */
  public ObjectNode windows(String key, String rawQuery) {
    return windows(CLI, key, rawQuery);
  }

  /**
   * {@code GET /ctr/{campaign}/windows} for a client.
   *
   * @throws ApiException 403 if the client may not read the key (whether or not it exists)
   */
  public ObjectNode windows(Access access, String key, String rawQuery) {
    return windows(
        access, key, Query.parse(rawQuery, Set.of("from", "to", "limit", DIMENSION, TREND)));
  }

  /** {@code GET /health}: 200 with the newest result's age, or 503 when Redis is down. */
  public ObjectNode health() {
    ObjectNode o = ResultJson.object();
    ObjectNode redis = o.putObject("redis");
    redis.put("host", store.address().host());
    redis.put("port", store.address().port());
    redis.put("prefix", store.address().prefix());
    try {
      store.ping();
      OptionalLong newest = store.newestWriteAt();
      o.put("status", "ok");
      redis.put("reachable", true);
      o.put("campaigns", store.campaigns().size());
      if (newest.isPresent()) {
        ResultJson.time(o, "newest_result_at", newest.getAsLong());
        o.put("newest_result_age_ms", Math.max(0, clock.getAsLong() - newest.getAsLong()));
      } else {
        o.putNull("newest_result_at");
        o.putNull("newest_result_age_ms");
      }
    } catch (StoreUnavailableException e) {
      o.put("status", "unavailable");
      redis.put("reachable", false);
      redis.put("error", e.getMessage());
    }
    return o;
  }

  /**
   * The series a request names with {@code dimension} (default {@code campaign}) and {@code trend}
   * ({@code true}/{@code false}, default false).
   *
   * @throws ApiException 400 for a malformed {@code trend}, 404 for a dimension (or trend) the job
   *     did not write
   */
  private Series series(Access access, Query q) {
    String dimension = q.get(DIMENSION) == null ? Series.CAMPAIGN : q.get(DIMENSION);
    if (!access.allowsDimension(dimension)) {
      throw ApiException.forbidden(
          "client '"
              + access.client()
              + "' may not read the dimension '"
              + dimension
              + "': it sums every campaign");
    }
    try {
      return store.require(new Series(dimension, trend(q)));
    } catch (UnknownSeriesException e) {
      throw ApiException.notFound(e.getMessage());
    }
  }

  private static boolean trend(Query q) {
    String trend = q.get(TREND);
    if (trend == null || trend.equals("false")) {
      return false;
    }
    if (trend.equals("true")) {
      return true;
    }
    throw ApiException.badRequest("'trend' must be true or false, not '" + trend + "'");
  }

  /**
   * Latest, previous and newest window of one key of a series.
   *
   * @throws ApiException 404 if the pipeline never wrote a result for it
   */
  private Comparison comparison(Series series, String key) {
    requireKnown(series, key);
    List<ResultRecord> newest = store.windows(series, key, Long.MIN_VALUE, Long.MAX_VALUE, 1);
    return new Comparison(
        series.dimension(),
        key,
        store.latest(series, key).orElse(null),
        store.previous(series, key).orElse(null),
        newest.isEmpty() ? null : newest.get(0));
  }

  private static void requireAllowed(Access access, Series series, String key) {
    if (!access.allows(series.dimension(), key)) {
      throw ApiException.forbidden(
          "client '" + access.client() + "' may not read " + series.dimension() + " '" + key + "'");
    }
  }

  private ObjectNode windows(Access access, String key, Query q) {
    long from = q.get("from") == null ? Long.MIN_VALUE : bound("from", q.get("from"));
    long to = q.get("to") == null ? Long.MAX_VALUE : bound("to", q.get("to"));
    if (from >= to) {
      throw ApiException.badRequest("'from' must be before 'to'");
    }
    int limit = limit(q, DEFAULT_LIMIT);
    Series series = series(access, q);
    requireAllowed(access, series, key);
    requireKnown(series, key);
    List<ResultRecord> windows = store.windows(series, key, from, to, limit);
    ObjectNode o = ResultJson.object();
    ResultJson.identify(o, series.dimension(), key);
    o.setAll(ResultJson.results(windows));
    return o;
  }

  private static int limit(Query q, int defaultLimit) {
    if (q.get("limit") == null) {
      return defaultLimit;
    }
    int limit;
    try {
      limit = Integer.parseInt(q.get("limit"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.badRequest(
          "'limit' must be a whole number from 1 to "
              + MAX_LIMIT
              + ", not '"
              + q.get("limit")
              + "'");
    }
    return limit;
  }

  private void requireKnown(Series series, String key) {
    if (!store.isKnown(series, key)) {
      throw ApiException.notFound(
          "unknown "
              + series.dimension()
              + " '"
              + key
              + "'"
              + (series.trend() ? " in the trend" : ""));
    }
  }

  private static long bound(String name, String value) {
    try {
      return TimeBound.parse(name, value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }
}
