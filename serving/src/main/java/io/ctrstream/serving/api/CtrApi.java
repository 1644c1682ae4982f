package io.ctrstream.serving.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.contract.ResultRecord;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.Series;
import io.ctrstream.serving.store.StoreUnavailableException;
import io.ctrstream.serving.store.UnknownSeriesException;
import io.ctrstream.serving.view.Comparison;
import io.ctrstream.serving.view.ResultJson;
import io.ctrstream.serving.view.TimeBound;
import java.util.List;
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

  private final ResultStore store;
  private final LongSupplier clock;

  /**
   * @param clock the current time in epoch ms, for result ages
   */
  public CtrApi(ResultStore store, LongSupplier clock) {
    this.store = store;
    this.clock = clock;
  }

  /** {@code GET /campaigns}: the campaign ids, sorted. */
  public ObjectNode campaigns(String rawQuery) {
    Query.parse(rawQuery, Set.of());
    List<String> campaigns = store.campaigns();
    ObjectNode o = ResultJson.object();
    o.put("count", campaigns.size());
    ArrayNode a = o.putArray("campaigns");
    campaigns.forEach(a::add);
    return o;
  }

  /** {@code GET /dimensions?trend=}: the dimensions with results and their keys. */
  public ObjectNode dimensions(String rawQuery) {
    boolean trend = trend(Query.parse(rawQuery, Set.of(TREND)));
    return ResultJson.dimensions(trend, store.keysByDimension(trend));
  }

  /** {@code GET /alerts?limit=}: the newest alerts (default 50), newest first. */
  public ObjectNode alerts(String rawQuery) {
    return ResultJson.alerts(store.alerts(limit(Query.parse(rawQuery, Set.of("limit")), 50)));
  }

  /** {@code GET /ctr/latest}: every key's newest complete window, sorted by key. */
  public ObjectNode latest(String rawQuery) {
    return ResultJson.results(store.latest(series(Query.parse(rawQuery, SERIES))).values());
  }

  /** {@code GET /ctr/previous}: every key's complete window before its latest, sorted by key. */
  public ObjectNode previous(String rawQuery) {
    return ResultJson.results(store.previous(series(Query.parse(rawQuery, SERIES))).values());
  }

  /**
   * {@code GET /ctr/{campaign}} and {@code /keys/{key}}: one key's latest and previous side by side
   * with the change, and its newest (possibly EARLY) window.
   *
   * @param key the decoded campaign id or breakdown value
   * @throws ApiException 404 if the pipeline never wrote a result for it
   */
  public ObjectNode key(String key, String rawQuery) {
    return ResultJson.comparison(comparison(series(Query.parse(rawQuery, SERIES)), key));
  }

  /**
   * {@code GET /ctr/{campaign}/windows} and {@code /keys/{key}/windows}: one key's window history,
   * oldest first, between {@code from} (inclusive) and {@code to} (exclusive), at most {@code
   * limit}.
   *
   * @throws ApiException 400 for a malformed bound or limit, 404 for an unknown key
   */
  public ObjectNode windows(String key, String rawQuery) {
    return windows(key, Query.parse(rawQuery, Set.of("from", "to", "limit", DIMENSION, TREND)));
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
  private Series series(Query q) {
    String dimension = q.get(DIMENSION) == null ? Series.CAMPAIGN : q.get(DIMENSION);
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

  private ObjectNode windows(String key, Query q) {
    long from = q.get("from") == null ? Long.MIN_VALUE : bound("from", q.get("from"));
    long to = q.get("to") == null ? Long.MAX_VALUE : bound("to", q.get("to"));
    if (from >= to) {
      throw ApiException.badRequest("'from' must be before 'to'");
    }
    int limit = limit(q, DEFAULT_LIMIT);
    Series series = series(q);
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
