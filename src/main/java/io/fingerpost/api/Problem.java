package io.fingerpost.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * RFC 9457 problem details ({@code application/problem+json}): every error answer of the API.
 * Handlers fail a request with {@link #status(int, String)} (or {@link #parameter} for a bad request
 * parameter: the answer then names it in the extension member {@code parameter}) and the router's
 * failure handler writes it. The detail is written for the client: never put internal error text in it.
 */
public final class Problem extends RuntimeException {
  public static final String CONTENT_TYPE = "application/problem+json";

  private final int status;
  private final String parameter;

  public Problem(int status, String detail) {
    this(status, detail, null);
  }

  private Problem(int status, String detail, String parameter) {
    super(detail, null, false, false);
    this.status = status;
    this.parameter = parameter;
  }

  public static Problem status(int status, String detail) {
    return new Problem(status, detail);
  }

  /** A 400 about one request parameter (path or query), named in the answer. */
  public static Problem parameter(String name, String detail) {
    return new Problem(400, detail, name);
  }

  public static <T> Future<T> fail(int status, String detail) {
    return Future.failedFuture(new Problem(status, detail));
  }

  public int status() {
    return status;
  }

  /** The request parameter at fault, or null. */
  public String parameter() {
    return parameter;
  }

  /** Writes a problem answer. */
  public static void send(RoutingContext ctx, int status, String detail) {
    send(ctx, new Problem(status, detail));
  }

  /**
   * Writes a problem answer (with its parameter, if any), then lets requests waiting on this one's read go on
   * ({@link ApiCache}): also when this request's client has gone, whose response then never ends.
   */
  public static void send(RoutingContext ctx, Problem p) {
    write(ctx.response(), p, ctx.request().path());
    ApiCache.released(ctx);
  }

  /** Writes a problem answer on a bare response (requests the router never saw, e.g. an overlong URI). */
  static void write(HttpServerResponse response, Problem p, String instance) {
    if (response.ended() || response.headWritten()) {
      return;
    }
    JsonObject body = new JsonObject().put("type", "about:blank").put("title", title(p.status))
        .put("status", p.status).put("detail", p.getMessage());
    if (instance != null) {
      body.put("instance", instance);
    }
    if (p.parameter != null) {
      body.put("parameter", p.parameter);
    }
    response.setStatusCode(p.status).putHeader("Content-Type", CONTENT_TYPE).end(body.encode());
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
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
