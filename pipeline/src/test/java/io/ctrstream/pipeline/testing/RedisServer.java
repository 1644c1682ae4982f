package io.ctrstream.pipeline.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.rules.ExternalResource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A real {@code redis-server} process on a free localhost port for the duration of a test class,
 * with persistence off. Needs Debian's {@code redis-server} ({@code .ci/run} installs it).
 */
public class RedisServer extends ExternalResource {
  private static final Duration STARTUP = Duration.ofSeconds(20);

  private Process process;
  private int port;
  private Path log;

  public int port() {
    return port;
  }

  /** A new connection; the caller closes it. */
  public Jedis client() {
    return new Jedis("127.0.0.1", port);
  }

  @Override
  protected void before() throws Throwable {
    String binary = findBinary();
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    log = Files.createTempFile("redis-test-", ".log");
    process =
        new ProcessBuilder(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    awaitPing();
  }

  @Override
  protected void after() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Removes every key. */
  public void flush() {
    try (Jedis jedis = client()) {
      jedis.flushAll();
    }
  }

  private void awaitPing() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "redis-server exited at start-up: " + Files.readString(log));
      }
      try (Jedis jedis = client()) {
        if ("PONG".equals(jedis.ping())) {
          return;
        }
      } catch (JedisConnectionException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "redis-server did not answer PING within " + STARTUP + ": " + Files.readString(log));
        }
        // wait for the process to exit or the next attempt, whichever comes first
        process.waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    }
  }

  private static String findBinary() {
    for (String candidate : new String[] {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
      if (new File(candidate).canExecute()) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "redis-server not found: install it (Debian: apt-get install -y redis-server; .ci/run does this)");
  }
}
