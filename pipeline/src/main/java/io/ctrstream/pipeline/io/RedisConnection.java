package io.ctrstream.pipeline.io;

import io.ctrstream.contract.RedisKeys;
import io.ctrstream.contract.TlsClient;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
 * @param tls how to reach Redis over TLS (its {@code tls-port}), or null for plain TCP
 */
public record RedisConnection(
    String host, int port, String passwordFile, RedisKeys keys, Duration resultTtl, Tls tls)
    implements Serializable {

  /**
   * TLS to Redis, from files each worker reads when it connects (so they must exist on every
   * TaskManager host): the server's certificate must be signed by a CA of {@code caFile} (else of
   * the JVM's trust store) and name the host connected to.
   *
   * @param caFile PEM file of the CA certificates to trust, or null for the JVM's trust store
   * @param clientKeystore PKCS12 keystore with a client certificate, for a Redis that asks for one,
   *     or null
   * @param clientKeystorePasswordFile a file holding that keystore's password, or null
   */
  public record Tls(String caFile, String clientKeystore, String clientKeystorePasswordFile)
      implements Serializable {

    /** The client setup, its files read now. */
    TlsClient client() {
      String password =
          clientKeystorePasswordFile == null
              ? null
              : new WorkerSecret(
                      "Redis client keystore",
                      clientKeystorePasswordFile,
                      null,
                      "redisClientKeystorePasswordFile")
                  .read();
      return new TlsClient(
          caFile == null ? null : Path.of(caFile),
          clientKeystore == null ? null : Path.of(clientKeystore),
          password == null ? null : password.toCharArray());
    }
  }

  /** A Redis reached over plain TCP. */
  public RedisConnection(
      String host, int port, String passwordFile, RedisKeys keys, Duration resultTtl) {
    this(host, port, passwordFile, keys, resultTtl, null);
  }

  /**
   * The environment variable a worker takes the Redis password from when no password file is given.
   */
  public static final String PASSWORD_ENV = "CTR_REDIS_PASSWORD";

  /** The same server with another key layout (e.g. {@link RedisKeys#trend()}). */
  public RedisConnection withKeys(RedisKeys other) {
    return new RedisConnection(host, port, passwordFile, other, resultTtl, tls);
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
    if (tls != null) {
      config
          .ssl(true)
          .sslSocketFactory(tls.client().socketFactory())
          .sslParameters(TlsClient.verifyingHostName());
    }
    return new Jedis(new HostAndPort(host, port), config.build());
  }
}
