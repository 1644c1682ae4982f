package io.ctrstream.serving.cli;

import io.ctrstream.contract.TlsClient;
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
      names = "--redis-tls",
      defaultValue = "${env:CTR_REDIS_TLS:-false}",
      description =
          "Connect to Redis over TLS (its tls-port), checking its certificate and host name (env"
              + " CTR_REDIS_TLS; default: ${DEFAULT-VALUE}).")
  boolean tls;

  @Option(
      names = "--redis-ca-file",
      paramLabel = "FILE",
      defaultValue = "${env:CTR_REDIS_CA_FILE}",
      description =
          "With --redis-tls: PEM file of the CA certificates to trust (env CTR_REDIS_CA_FILE;"
              + " default: the JVM's trust store).")
  java.nio.file.Path caFile;

  @Option(
      names = "--redis-client-keystore",
      paramLabel = "FILE",
      description =
          "With --redis-tls: a PKCS12 keystore with a client certificate, for a Redis that asks"
              + " for one (tls-auth-clients); its password from env CTR_REDIS_CLIENT_KEYSTORE_PASSWORD.")
  java.nio.file.Path clientKeystore;

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
    return new ResultStore(new RedisAddress(host, port, secret, prefix, tls()));
  }

  private TlsClient tls() {
    if (!tls) {
      if (caFile != null || clientKeystore != null) {
        throw new ParameterException(
            mixee.commandLine(),
            (caFile != null ? "--redis-ca-file" : "--redis-client-keystore")
                + ": needs --redis-tls");
      }
      return null;
    }
    for (java.nio.file.Path f : new java.nio.file.Path[] {caFile, clientKeystore}) {
      if (f != null && !java.nio.file.Files.isReadable(f)) {
        throw new ParameterException(
            mixee.commandLine(),
            (f == caFile ? "--redis-ca-file=" : "--redis-client-keystore=")
                + f
                + ": cannot be read");
      }
    }
    String password = System.getenv("CTR_REDIS_CLIENT_KEYSTORE_PASSWORD");
    return new TlsClient(caFile, clientKeystore, password == null ? null : password.toCharArray());
  }
}
