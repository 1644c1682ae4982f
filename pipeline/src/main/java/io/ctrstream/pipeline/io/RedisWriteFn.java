package io.ctrstream.pipeline.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.BackOff;
import org.apache.beam.sdk.util.BackOffUtils;
import org.apache.beam.sdk.util.FluentBackoff;
import org.apache.beam.sdk.util.Sleeper;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Writes elements to Redis in pipelined batches (one round trip per batch), one connection per DoFn
 * instance. Every write is an idempotent overwrite, so a failed batch is retried as a whole: first
 * here with exponential back-off, then by the runner (which replays the bundle).
 *
 * @param <T> the element type
 */
abstract class RedisWriteFn<T> extends DoFn<T, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(RedisWriteFn.class);
  private static final int BATCH = 500;

  protected final RedisConnection redis;
  private final Counter written;
  private transient Jedis jedis;
  private transient List<T> batch;

  RedisWriteFn(RedisConnection redis, Counter written) {
    this.redis = redis;
    this.written = written;
  }

  /** Queues the commands that store one element. */
  protected abstract void write(Pipeline pipeline, T element);

  /** Prepares a new connection (e.g. loads scripts) before the first batch on it. */
  protected void onConnect(Jedis connection) {}

  @Setup
  public void setup() {
    batch = new ArrayList<>();
  }

  @ProcessElement
  public void process(@Element T element) throws IOException, InterruptedException {
    batch.add(element);
    if (batch.size() >= BATCH) {
      flush();
    }
  }

  @FinishBundle
  public void finishBundle() throws IOException, InterruptedException {
    flush();
  }

  @Teardown
  public void teardown() {
    closeQuietly();
  }

  private void flush() throws IOException, InterruptedException {
    if (batch.isEmpty()) {
      return;
    }
    BackOff backoff =
        FluentBackoff.DEFAULT.withMaxRetries(5).withInitialBackoff(Duration.millis(200)).backoff();
    while (true) {
      try {
        if (jedis == null) {
          jedis = redis.connect();
          onConnect(jedis);
        }
        Pipeline pipeline = jedis.pipelined();
        for (T element : batch) {
          write(pipeline, element);
        }
        pipeline.sync();
        written.inc(batch.size());
        batch.clear();
        return;
      } catch (JedisException e) {
        closeQuietly();
        if (!BackOffUtils.next(Sleeper.DEFAULT, backoff)) {
          throw new IOException(
              "Redis at "
                  + redis.host()
                  + ":"
                  + redis.port()
                  + " failed "
                  + batch.size()
                  + " writes: "
                  + e.getMessage(),
              e);
        }
        LOG.warn("Redis write failed ({}); retrying", e.getMessage());
      }
    }
  }

  private void closeQuietly() {
    if (jedis != null) {
      try {
        jedis.close();
      } catch (RuntimeException e) {
        LOG.debug("closing Redis connection", e);
      }
      jedis = null;
    }
  }
}
