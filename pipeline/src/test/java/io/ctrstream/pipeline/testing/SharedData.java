package io.ctrstream.pipeline.testing;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the real ad logs (Avazu, iPinYou; impressions and clicks as JSON lines) are: {@code
 * ../shared/data} beside the repository, or under {@code -Dctrstream.shared}. Read from there,
 * never copied into the repository.
 */
public final class SharedData {
  /** The {@code data} folder of the shared samples, absolute. */
  public static final Path DATA =
      Paths.get(System.getProperty("ctrstream.shared", "../../shared"), "data")
          .toAbsolutePath()
          .normalize();

  private SharedData() {}
}
