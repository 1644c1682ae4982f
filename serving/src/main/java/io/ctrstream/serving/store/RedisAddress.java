package io.ctrstream.serving.store;

/**
 * Where the pipeline's results are: a Redis server and the key prefix the job wrote under ({@code
 * --redisKeyPrefix}, {@code ctr} by default).
 *
 * @param host Redis host name or address
 * @param port Redis port
 * @param password Redis password (AUTH), or null for none
 * @param prefix key prefix, e.g. {@code ctr}
 */
public record RedisAddress(String host, int port, String password, String prefix) {

  @Override
  public String toString() {
    return "Redis at " + host + ":" + port + " (prefix '" + prefix + "')";
  }
}
