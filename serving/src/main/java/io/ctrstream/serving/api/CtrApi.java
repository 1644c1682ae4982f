package io.ctrstream.serving.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.StoreUnavailableException;
import io.ctrstream.serving.store.WindowResult;
import io.ctrstream.serving.view.Comparison;
import io.ctrstream.serving.view.ResultJson;
import io.ctrstream.serving.view.TimeBound;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The JSON endpoints, independent of the HTTP server: each method takes a decoded path and raw
 * query and returns the body, or throws {@link ApiException} (400, 404) or {@link
 * StoreUnavailableException} (answered 503). The shapes are described in {@code /openapi.json}.
 *
 * <ul>
 *   <li>{@code GET /ctr/latest}, {@code /ctr/previous}: every campaign's newest complete window and
 *       the one before it, sorted by campaign id;
 *   <li>{@code GET /ctr/{campaign}}: latest and previous side by side with the change, and the
 *       newest (possibly EARLY) window;
 *   <li>{@code GET /ctr/{campaign}/windows?from=&to=&limit=}: window history, oldest first;
 *   <li>{@code GET /alerts?limit=}: the newest SPIKE/DROP alerts (default 50), newest first;
 *   <li>{@code GET /campaigns}: campaign ids;
 *   <li>{@code GET /health}: Redis reachable, age of the newest result.
 * </ul>
 */
public final class CtrApi {
  /** Default and largest {@code limit} of a window history. */
  public static final int DEFAULT_LIMIT = 1_000;
  public static final int MAX_LIMIT = 10_000;

  private final ResultStore store;
  private final LongSupplier clock;

  /** @param clock the current time in epoch ms, for result ages */
  public CtrApi(ResultStore store, LongSupplier clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Answers a GET of a JSON path ({@code /ctr/…}, {@code /campaigns}, {@code /health}).
   *
   * @param rawPath the request path, still URL-encoded
   * @param rawQuery the raw query string, or null
   * @return the JSON body of a 200 answer
   * @throws ApiException 400 or 404
   * @throws StoreUnavailableException when Redis cannot be reached
   */
  public ObjectNode get(String rawPath, String rawQuery) {
    String[] parts = rawPath.replaceAll("/+$", "").split("/");
    // parts[0] is the empty string before the leading '/'
    if (parts.length == 2 && parts[1].equals("campaigns")) {
      Query.parse(rawQuery, Set.of());
      return campaigns();
    }
    if (parts.length == 2 && parts[1].equals("alerts")) {
      Query q = Query.parse(rawQuery, Set.of("limit"));
      return ResultJson.alerts(store.alerts(limit(q, 50)));
    }
    if (parts.length >= 3 && parts[1].equals("ctr")) {
      String campaign = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
      if (parts.length == 3 && campaign.equals("latest")) {
        Query.parse(rawQuery, Set.of());
        return ResultJson.results(store.latest().values());
      }
      if (parts.length == 3 && campaign.equals("previous")) {
        Query.parse(rawQuery, Set.of());
        return ResultJson.results(store.previous().values());
      }
      if (parts.length == 3) {
        Query.parse(rawQuery, Set.of());
        return ResultJson.comparison(comparison(campaign));
      }
      if (parts.length == 4 && parts[3].equals("windows")) {
        return windows(campaign, Query.parse(rawQuery, Set.of("from", "to", "limit")));
      }
    }
    throw ApiException.notFound("no such path: " + rawPath + " (see /openapi.json)");
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

  private ObjectNode campaigns() {
    List<String> campaigns = store.campaigns();
    ObjectNode o = ResultJson.object();
    o.put("count", campaigns.size());
    ArrayNode a = o.putArray("campaigns");
    campaigns.forEach(a::add);
    return o;
  }

  /**
   * Latest, previous and newest window of one campaign.
   *
   * @throws ApiException 404 if the pipeline never wrote a result for it
   */
  public Comparison comparison(String campaign) {
    requireKnown(campaign);
    List<WindowResult> newest = store.windows(campaign, Long.MIN_VALUE, Long.MAX_VALUE, 1);
    return new Comparison(campaign,
        store.latest(campaign).orElse(null),
        store.previous(campaign).orElse(null),
        newest.isEmpty() ? null : newest.get(0));
  }

  private ObjectNode windows(String campaign, Query q) {
    long from = q.get("from") == null ? Long.MIN_VALUE : bound("from", q.get("from"));
    long to = q.get("to") == null ? Long.MAX_VALUE : bound("to", q.get("to"));
    if (from >= to) {
      throw ApiException.badRequest("'from' must be before 'to'");
    }
    int limit = limit(q, DEFAULT_LIMIT);
    requireKnown(campaign);
    List<WindowResult> windows = store.windows(campaign, from, to, limit);
    ObjectNode o = ResultJson.results(windows);
    o.put("campaign_id", campaign);
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
      throw ApiException.badRequest("'limit' must be a whole number from 1 to " + MAX_LIMIT + ", not '" + q.get("limit") + "'");
    }
    return limit;
  }

  private void requireKnown(String campaign) {
    if (!store.isKnown(campaign)) {
      throw ApiException.notFound("unknown campaign '" + campaign + "'");
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
