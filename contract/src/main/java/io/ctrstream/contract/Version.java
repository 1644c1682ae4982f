package io.ctrstream.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** ctrstream's version, as the build wrote it: the Maven project version, e.g. {@code 0.2.0}. */
public final class Version {
  private Version() {}

  /**
   * The version of this build.
   *
   * @throws IllegalStateException if the build left out its version file
   */
  public static String current() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
