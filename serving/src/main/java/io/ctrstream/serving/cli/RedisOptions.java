package io.ctrstream.serving.cli;

import io.ctrstream.serving.store.RedisAddress;
import io.ctrstream.serving.store.ResultStore;
import picocli.CommandLine.Option;

/** Where the results are: the options every {@code ctr} command shares. */
final class RedisOptions {
  @Option(names = "--redis-host", defaultValue = "${env:CTR_REDIS_HOST:-localhost}",
      description = "Redis host (env CTR_REDIS_HOST; default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--redis-port", defaultValue = "${env:CTR_REDIS_PORT:-6379}",
      description = "Redis port (env CTR_REDIS_PORT; default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--redis-password", defaultValue = "${env:CTR_REDIS_PASSWORD}",
      description = "Redis password (env CTR_REDIS_PASSWORD; default: none).")
  String password;

  @Option(names = "--prefix", defaultValue = "${env:CTR_REDIS_PREFIX:-ctr}",
      description = "Key prefix the job wrote under, its --redisKeyPrefix (env CTR_REDIS_PREFIX; default: ${DEFAULT-VALUE}).")
  String prefix;

  ResultStore open() {
    return new ResultStore(new RedisAddress(host, port, password, prefix));
  }
}
