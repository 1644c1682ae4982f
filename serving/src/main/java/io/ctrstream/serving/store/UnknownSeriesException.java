package io.ctrstream.serving.store;

/**
 * A dimension, or the trend, that the job did not write (answered 404 by the API, exit 3 by {@code
 * ctr}).
 */
public final class UnknownSeriesException extends RuntimeException {
  public UnknownSeriesException(String message) {
    super(message);
  }
}
