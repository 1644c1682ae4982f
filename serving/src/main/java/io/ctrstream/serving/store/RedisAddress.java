package io.ctrstream.serving.store;

import io.ctrstream.contract.TlsClient;

/**
 * Where the pipeline's results are: a Redis server and the key prefix the job wrote under ({@code
 * --redisKeyPrefix}, {@code ctr} by default).
 *
 * @param host Redis host name or address
 * @param port Redis port
 * @param password Redis password (AUTH), or null for none
 * @param prefix key prefix, e.g. {@code ctr}
 * @param tls the TLS setup when Redis is reached over TLS (its {@code tls-port}), or null for plain
 *     TCP
 */
public record RedisAddress(String host, int port, String password, String prefix, TlsClient tls) {

  /** A Redis reached over plain TCP. */
  public RedisAddress(String host, int port, String password, String prefix) {
    this(host, port, password, prefix, null);
  }

  @Override
  public String toString() {
    return "Redis at "
        + (tls == null ? "" : "rediss://")
        + host
        + ":"
        + port
        + " (prefix '"
        + prefix
        + "')";
  }
}
