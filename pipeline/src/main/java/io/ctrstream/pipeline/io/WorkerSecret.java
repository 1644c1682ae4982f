package io.ctrstream.pipeline.io;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * A password that a worker reads where it runs, when it connects, so that it never enters the job's
 * flags or its graph: from a file, else from an environment variable of the worker.
 *
 * @param service whose password it is, for error messages (e.g. {@code Redis})
 * @param file a file holding the password (its content without the line end), or {@code null}
 * @param environmentVariable the variable read when no file is given
 * @param flag the flag that names the file, for error messages (e.g. {@code redisPasswordFile})
 */
public record WorkerSecret(String service, String file, String environmentVariable, String flag)
    implements Serializable {

  /**
   * Reads the password now.
   *
   * @return the file's content without its line end, else the environment variable's value, else
   *     {@code null} (no password)
   * @throws UncheckedIOException naming the file and the flag if the file cannot be read
   */
  public String read() {
    if (file != null && !file.isEmpty()) {
      try {
        return Files.readString(Paths.get(file)).strip();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the " + service + " password file " + file + " (--" + flag + ")", e);
      }
    }
    String env = System.getenv(environmentVariable);
    return env == null || env.isEmpty() ? null : env;
  }
}
