package io.ctrstream.pipeline.io;

import io.ctrstream.contract.RedisKeys;
import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.LatestAndPrevious;
import io.ctrstream.pipeline.transforms.CtrMetrics;
import java.util.Map;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.XAddParams;

/**
 * Stores results in Redis in the layout of {@link RedisKeys}. Each pane overwrites its window's
 * hash (panes accumulate, so the newest pane holds the full count) unless a newer pane of that
 * window is already stored ({@link NewerPanesOnly}), and refreshes the TTL of the hash and of the
 * window index; replaying panes after a failure rewrites the same values.
 *
 * <p>Window hash fields: {@link io.ctrstream.contract.ResultRecord#toHash}, with {@code updated_at}
 * (epoch ms of the write) and {@code on_time_at} (epoch ms when the ON_TIME pane was written; later
 * panes keep it). These two write times are the only fields a replay changes.
 */
public final class WriteResultsToRedis {
  private WriteResultsToRedis() {}

  /** Writes every result pane to its window hash and index. */
  public static PTransform<PCollection<CtrResult>, PDone> windows(RedisConnection redis) {
    return new PTransform<>() {
      @Override
      public PDone expand(PCollection<CtrResult> results) {
        results.apply("WriteWindowHashes", ParDo.of(new WindowHashFn(redis)));
        return PDone.in(results.getPipeline());
      }
    };
  }

  /**
   * Writes latest and previous per key to the {@code latest} and {@code previous} hashes, unless a
   * newer pair is already stored ({@link NewerPanesOnly}).
   */
  public static PTransform<PCollection<LatestAndPrevious>, PDone> latestAndPrevious(
      RedisConnection redis) {
    return new PTransform<>() {
      @Override
      public PDone expand(PCollection<LatestAndPrevious> latest) {
        latest.apply("WriteLatestAndPrevious", ParDo.of(new LatestFn(redis)));
        return PDone.in(latest.getPipeline());
      }
    };
  }

  /**
   * Appends alerts to the Redis stream {@code <prefix>:alerts} (XADD, capped at about {@code
   * maxLength} entries; fields as {@link io.ctrstream.contract.AlertRecord#toFields}) and keeps
   * each key's newest alert in the hash {@code <prefix>:alerts:latest} (field {@code
   * <dimension>:<key>}, value JSON). A replay after a failure may append an alert again: the stream
   * is at-least-once, and {@code alert_id} ({@code <dimension>:<key>:<window_start>:<status>})
   * tells copies apart.
   */
  public static PTransform<PCollection<Alert>, PDone> alerts(
      RedisConnection redis, long maxLength) {
    return new PTransform<>() {
      @Override
      public PDone expand(PCollection<Alert> alerts) {
        alerts.apply("WriteAlerts", ParDo.of(new AlertFn(redis, maxLength)));
        return PDone.in(alerts.getPipeline());
      }
    };
  }

  private static final class WindowHashFn extends RedisWriteFn<CtrResult> {
    WindowHashFn(RedisConnection redis) {
      super(redis, CtrMetrics.counter("redis_window_writes"));
    }

    @Override
    protected void onConnect(Jedis connection) {
      NewerPanesOnly.load(connection);
    }

    @Override
    protected void write(Pipeline p, CtrResult r) {
      RedisKeys keys = redis.keys();
      long ttlSeconds = Math.max(1, redis.resultTtl().getStandardSeconds());
      String hash = keys.window(r.dimension(), r.key(), r.windowStart());
      String index = keys.windows(r.dimension(), r.key());
      long now = System.currentTimeMillis();
      // on_time_at is kept by later panes (NewerPanesOnly): the window's freshness
      Map<String, String> fields =
          r.toRecord().written(now, r.timing() == PaneInfo.Timing.ON_TIME ? now : null).toHash();
      NewerPanesOnly.windowHash(p, hash, r.paneIndex(), fields);
      p.expire(hash, ttlSeconds);
      p.zadd(index, r.windowStart(), Long.toString(r.windowStart()));
      p.expire(index, ttlSeconds);
      p.sadd(keys.keys(r.dimension()), r.key());
      p.sadd(keys.dimensions(), r.dimension());
    }
  }

  private static final class AlertFn extends RedisWriteFn<Alert> {
    private final long maxLength;

    AlertFn(RedisConnection redis, long maxLength) {
      super(redis, CtrMetrics.counter("redis_alert_writes"));
      this.maxLength = maxLength;
    }

    @Override
    protected void write(Pipeline p, Alert a) {
      p.xadd(
          redis.keys().alerts(),
          XAddParams.xAddParams().maxLen(maxLength).approximateTrimming(),
          a.toRecord().toFields());
      p.hset(redis.keys().latestAlerts(), a.dimension() + ":" + a.key(), OutputFormats.alert(a));
    }
  }

  private static final class LatestFn extends RedisWriteFn<LatestAndPrevious> {
    LatestFn(RedisConnection redis) {
      super(redis, CtrMetrics.counter("redis_latest_writes"));
    }

    @Override
    protected void onConnect(Jedis connection) {
      NewerPanesOnly.load(connection);
    }

    @Override
    protected void write(Pipeline p, LatestAndPrevious lp) {
      CtrResult latest = lp.latest();
      NewerPanesOnly.latestAndPrevious(
          p,
          redis.keys().latest(latest.dimension()),
          redis.keys().previous(latest.dimension()),
          latest.key(),
          OutputFormats.result(latest),
          lp.previous() == null ? null : OutputFormats.result(lp.previous()));
    }
  }
}
