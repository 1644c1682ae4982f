package io.ctrstream.pipeline.io;

import java.io.Serializable;
import org.joda.time.Duration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Where results go in Redis and how long they live.
 *
 * @param host Redis host
 * @param port Redis port
 * @param password the password (AUTH), or {@code null}/empty for none
 * @param keys the key layout
 * @param resultTtl how long a window's hash and index live after their last write
 */
public record RedisConnection(String host, int port, String password, RedisKeys keys, Duration resultTtl)
    implements Serializable {

  /** The same server with another key layout (e.g. {@link RedisKeys#trend()}). */
  public RedisConnection withKeys(RedisKeys other) {
    return new RedisConnection(host, port, password, other, resultTtl);
  }

  /** Opens a connection; the caller closes it. */
  public Jedis connect() {
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder().connectionTimeoutMillis(5_000).socketTimeoutMillis(10_000);
    if (password != null && !password.isEmpty()) {
      config.password(password);
    }
    return new Jedis(new HostAndPort(host, port), config.build());
  }
}
