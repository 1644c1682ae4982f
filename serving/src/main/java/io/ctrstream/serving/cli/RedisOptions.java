package io.ctrstream.serving.cli;

import io.ctrstream.serving.store.RedisAddress;
import io.ctrstream.serving.store.ResultStore;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the results are: the options every {@code ctr} command shares. */
final class RedisOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--redis-host",
      defaultValue = "${env:CTR_REDIS_HOST:-localhost}",
      description = "Redis host (env CTR_REDIS_HOST; default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--redis-port",
      defaultValue = "${env:CTR_REDIS_PORT:-6379}",
      description = "Redis port (env CTR_REDIS_PORT; default: ${DEFAULT-VALUE}).")
  int port;

  /** Refused: a secret given as a flag shows in {@code ps} and in shell histories. */
  @Option(names = "--redis-password", hidden = true, paramLabel = "SECRET")
  String refusedPassword;

  @Option(
      names = "--redis-password-file",
      paramLabel = "FILE",
      description =
          "A file holding the Redis password (else env CTR_REDIS_PASSWORD; default: none).")
  java.nio.file.Path passwordFile;

  @Option(
      names = "--prefix",
      defaultValue = "${env:CTR_REDIS_PREFIX:-ctr}",
      description =
          "Key prefix the job wrote under, its --redisKeyPrefix (env CTR_REDIS_PREFIX; default: ${DEFAULT-VALUE}).")
  String prefix;

  /**
   * Connects the result store.
   *
   * @throws ParameterException naming {@code --redis-password-file} if it cannot be read, or {@code
   *     --redis-password}, which is refused
   */
  ResultStore open() {
    if (refusedPassword != null) {
      throw new ParameterException(
          mixee.commandLine(),
          "--redis-password: a password is not taken as a flag (ps shows it); use --redis-password-file=FILE or env CTR_REDIS_PASSWORD");
    }
    String secret = System.getenv("CTR_REDIS_PASSWORD");
    if (passwordFile != null) {
      try {
        secret = java.nio.file.Files.readString(passwordFile).strip();
      } catch (java.io.IOException e) {
        throw new ParameterException(
            mixee.commandLine(),
            "--redis-password-file="
                + passwordFile
                + ": cannot be read ("
                + e.getClass().getSimpleName()
                + ")");
      }
    }
    return new ResultStore(new RedisAddress(host, port, secret, prefix));
  }
}
