package io.ctrstream.serving.store;

/** Redis could not be reached or answered with an error; the message names host and port. */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
