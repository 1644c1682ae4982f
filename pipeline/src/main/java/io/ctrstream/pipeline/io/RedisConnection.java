package io.ctrstream.pipeline.io;

import io.ctrstream.contract.RedisKeys;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.joda.time.Duration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Where results go in Redis and how long they live. The password is not part of it: each worker
 * reads it when it connects ({@link #password}), so it never enters the job's flags or its graph.
 *
 * @param host Redis host
 * @param port Redis port
 * @param passwordFile a file holding the password (AUTH), read on the worker at each connect, or
 *     {@code null}: then the worker's environment variable {@value #PASSWORD_ENV}, if set, else no
 *     AUTH
 * @param keys the key layout
 * @param resultTtl how long a window's hash and index live after their last write
 */
public record RedisConnection(
    String host, int port, String passwordFile, RedisKeys keys, Duration resultTtl)
    implements Serializable {

  /**
   * The environment variable a worker takes the Redis password from when no password file is given.
   */
  public static final String PASSWORD_ENV = "CTR_REDIS_PASSWORD";

  /** The same server with another key layout (e.g. {@link RedisKeys#trend()}). */
  public RedisConnection withKeys(RedisKeys other) {
    return new RedisConnection(host, port, passwordFile, other, resultTtl);
  }

  /**
   * The password, read now: the password file's content without its line end, else {@value
   * #PASSWORD_ENV}; {@code null} for none.
   *
   * @throws UncheckedIOException naming the file if it cannot be read
   */
  String password() {
    return new WorkerSecret("Redis", passwordFile, PASSWORD_ENV, "redisPasswordFile").read();
  }

  /** Opens a connection; the caller closes it. */
  public Jedis connect() {
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(5_000)
            .socketTimeoutMillis(10_000);
    String password = password();
    if (password != null) {
      config.password(password);
    }
    return new Jedis(new HostAndPort(host, port), config.build());
  }
}
