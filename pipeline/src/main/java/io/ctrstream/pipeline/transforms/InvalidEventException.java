package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.DeadLetter;

/**
 * A record is not a valid event; carries the dead-letter reason. Thrown by {@link EventParser}
 * only.
 */
public class InvalidEventException extends Exception {
  private final DeadLetter.Reason reason;

  public InvalidEventException(DeadLetter.Reason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public DeadLetter.Reason reason() {
    return reason;
  }
}
