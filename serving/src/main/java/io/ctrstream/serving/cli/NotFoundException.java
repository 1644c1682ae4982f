package io.ctrstream.serving.cli;

/** The thing asked for does not exist in Redis (an unknown campaign); exit status 3. */
final class NotFoundException extends RuntimeException {
  NotFoundException(String message) {
    super(message);
  }
}
