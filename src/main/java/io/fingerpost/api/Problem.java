package io.fingerpost.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * RFC 9457 problem details ({@code application/problem+json}): every error answer of the API.
 * Handlers fail a request with {@link #status(int, String)} and the router's failure handler writes it.
 */
public final class Problem extends RuntimeException {
  public static final String CONTENT_TYPE = "application/problem+json";

  private final int status;

  public Problem(int status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public static Problem status(int status, String detail) {
    return new Problem(status, detail);
  }

  public static <T> Future<T> fail(int status, String detail) {
    return Future.failedFuture(new Problem(status, detail));
  }

  public int status() {
    return status;
  }

  /** Writes a problem answer. */
  public static void send(RoutingContext ctx, int status, String detail) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    JsonObject body = new JsonObject().put("type", "about:blank").put("title", title(status))
        .put("status", status).put("detail", detail).put("instance", ctx.request().path());
    ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(body.encode());
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
