package io.ctrstream.serving.api;

/**
 * An HTTP error answer: the status, a short machine-readable code and a message for people. The
 * server answers {@code {"status": 400, "error": "bad_request", "message": "…"}}.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String error;

  public ApiException(int status, String error, String message) {
    super(message);
    this.status = status;
    this.error = error;
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  /** 400: a parameter is missing, unknown or malformed. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  /** 401: no valid bearer token; the server adds {@code WWW-Authenticate}. */
  public static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message);
  }

  /** 403: a valid token whose client may not read this campaign or dimension. */
  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }

  /** 404: no such campaign or path. */
  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }
}
