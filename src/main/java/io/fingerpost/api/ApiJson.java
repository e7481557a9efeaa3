package io.fingerpost.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The one way the API turns answers into JSON: records (and lists or maps of them) from the repositories
 * are serialised by Vert.x's Jackson codec as they are — component names are the field names, instants
 * are ISO-8601 UTC, nulls are kept. The encoding, its ETag and its gzip are made on a worker
 * ({@link ApiCache.Answer#of}): an answer's size grows with the data (the target list at national scale is tens of
 * MB), and none of that work may hold an event loop.
 */
public final class ApiJson {
  private ApiJson() {}

  /** Writes {@code body} as the JSON answer (with its ETag; see {@link ApiCache}), encoded on a worker. */
  public static void reply(RoutingContext ctx, int status, Object body) {
    replyBuilt(ctx, status, () -> body);
  }

  /**
   * Builds the answer ({@code build}: e.g. mapping thousands of rows to JSON), encodes, hashes and compresses
   * it on a worker, then writes it on the request's event loop; a failure goes to the failure handler.
   */
  public static void replyBuilt(RoutingContext ctx, int status, Callable<Object> build) {
    ctx.vertx().executeBlocking(() -> ApiCache.Answer.of(encode(build.call()), status == 200), false)
        .onSuccess(answer -> ApiCache.reply(ctx, status, answer))
        .onFailure(ctx::fail);
  }

  static io.vertx.core.buffer.Buffer encode(Object body) {
    return body instanceof JsonObject j ? j.toBuffer() : Json.encodeToBuffer(body);
  }

  /**
   * A handler whose answer is the JSON of what {@code f} gives; a {@link Problem} (thrown or failed) and any
   * other failure go to the router's failure handler.
   */
  public static Handler<RoutingContext> handler(Function<RoutingContext, Future<?>> f) {
    return ctx -> {
      Future<?> result;
      try {
        result = f.apply(ctx);
      } catch (Problem p) {
        ctx.fail(p);
        return;
      }
      result.onSuccess(body -> reply(ctx, 200, body)).onFailure(ctx::fail);
    };
  }

  /** Fails with a 404 problem when the repository found nothing. */
  public static <T> Future<T> found(Future<T> f, String detail) {
    return f.compose(v -> v == null ? Problem.fail(404, detail) : Future.succeededFuture(v));
  }
}
