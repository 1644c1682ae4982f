package io.ctrstream.pipeline.options;

/**
 * A command-line flag has a value the pipeline cannot use; the message names the flag and the
 * value.
 */
public class InvalidFlagException extends IllegalArgumentException {
  private final String flag;

  /**
   * @param flag the flag's name without dashes, e.g. {@code windowSize}
   * @param value the value given, or {@code null} when none was
   * @param problem what is wrong with it and what is expected
   */
  public InvalidFlagException(String flag, String value, String problem) {
    super("--" + flag + (value == null ? "" : "=" + value) + ": " + problem);
    this.flag = flag;
  }

  /** The flag's name without dashes. */
  public String flag() {
    return flag;
  }
}
