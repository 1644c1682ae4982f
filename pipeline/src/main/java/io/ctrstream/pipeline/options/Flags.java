package io.ctrstream.pipeline.options;

import java.nio.file.Files;
import java.nio.file.Paths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Small checks that several concerns' flags share. */
final class Flags {
  private static final Logger LOG = LoggerFactory.getLogger(Flags.class);

  private Flags() {}

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /**
   * A password file flag's value, or {@code null}; the password itself given as a flag is refused.
   * The file is read by the workers; here it is only checked where it can be (the same host when
   * run locally).
   *
   * @throws InvalidFlagException if {@code password} (the value of {@code --<passwordFlag>}) is set
   */
  static String passwordFile(
      String passwordFlag, String password, String fileFlag, String file, String env) {
    if (password != null && !password.isEmpty()) {
      throw new InvalidFlagException(
          passwordFlag,
          "******",
          "passwords are not taken as flags (ps, the Flink UI and logs show flags): use --"
              + fileFlag
              + "=PATH or the TaskManagers' environment variable "
              + env);
    }
    String path = blankToNull(file);
    if (path != null && !Files.isReadable(Paths.get(path))) {
      LOG.warn(
          "ctrstream: --{} {} is not readable here; each TaskManager reads it when it connects",
          fileFlag,
          path);
    }
    return path;
  }
}
