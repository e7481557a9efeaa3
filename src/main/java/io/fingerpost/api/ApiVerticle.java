package io.fingerpost.api;

import io.fingerpost.feed.FeedBoard;
import io.fingerpost.feed.PushHandler;
import io.fingerpost.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (described in {@code src/main/resources/openapi.yaml}, served at {@code /openapi.yaml}):
 * health and readiness, indicators, areas, series and their observations, feed status with
 * rejections, and the push endpoint. Errors are {@code application/problem+json}; bad input is a 4xx.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  private static final int DEFAULT_LIMIT = 1000;
  private static final int MAX_LIMIT = 10_000;
  private static final Set<String> SERIES_PARAMS = Set.of("indicator", "area", "sex", "age", "categoryType",
      "category");

  private final String host;
  private final int port;
  private final StoreReader reader;
  private final PushHandler push;
  private final List<String> feeds;
  private final List<Routes> extraRoutes;
  private HttpServer server;

  /**
   * @param feeds names of the polled feeds {@code /ready} waits for
   * @param extraRoutes routes of other parts, mounted after the API's own
   */
  public ApiVerticle(String host, int port, StoreReader reader, PushHandler push, List<String> feeds,
                     List<Routes> extraRoutes) {
    this.host = host;
    this.port = port;
    this.reader = reader;
    this.push = push;
    this.feeds = List.copyOf(feeds);
    this.extraRoutes = List.copyOf(extraRoutes);
  }

  /** The port the server listens on (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    Router router = router();
    return vertx.executeBlocking(ApiVerticle::openApiText).compose(openapi -> {
      router.get("/openapi.yaml").handler(ctx -> ctx.response()
          .putHeader("Content-Type", "application/yaml").end(openapi));
      return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(true))
          .requestHandler(router).listen();
    }).onSuccess(s -> {
      server = s;
      LOG.info("HTTP API listening on http://{}:{}/", host, s.actualPort());
    });
  }

  static Buffer openApiText() throws IOException {
    try (InputStream in = ApiVerticle.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IOException("openapi.yaml is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }

  Router router() {
    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::ready);
    router.get("/api/indicators").handler(json(ctx -> reader.indicators().map(JsonArray::new)));
    router.get("/api/indicators/:id").handler(json(ctx -> found(reader.indicator(ctx.pathParam("id")),
        "no indicator " + ctx.pathParam("id"))));
    router.get("/api/areas").handler(json(ctx -> {
      allowOnly(ctx, Set.of("type", "parent"));
      return reader.areas(param(ctx, "type"), param(ctx, "parent")).map(JsonArray::new);
    }));
    router.get("/api/areas/:code").handler(json(ctx -> found(reader.area(ctx.pathParam("code")),
        "no area " + ctx.pathParam("code"))));
    router.get("/api/series").handler(json(ctx -> {
      Set<String> allowed = new java.util.HashSet<>(SERIES_PARAMS);
      allowed.addAll(Set.of("limit", "offset"));
      allowOnly(ctx, allowed);
      return reader.series(filter(ctx), limit(ctx), offset(ctx)).map(JsonArray::new);
    }));
    router.get("/api/series/:id").handler(json(ctx -> found(reader.seriesById(seriesId(ctx)),
        "no series " + ctx.pathParam("id"))));
    router.get("/api/series/:id/observations").handler(json(ctx -> {
      long id = seriesId(ctx);
      return found(reader.seriesById(id), "no series " + id)
          .compose(s -> reader.observations(id)).map(JsonArray::new);
    }));
    router.get("/api/series/:id/revisions").handler(json(ctx -> {
      long id = seriesId(ctx);
      return found(reader.seriesById(id), "no series " + id)
          .compose(s -> reader.revisions(id)).map(JsonArray::new);
    }));
    router.get("/api/observations").handler(json(this::observations));
    // Two routes: the token is checked before the body is read.
    router.post("/api/observations").handler(this::authorizePush);
    router.post("/api/observations")
        .handler(BodyHandler.create().setBodyLimit(push.maxBodyBytes()).setHandleFileUploads(false))
        .handler(this::pushObservations);
    router.get("/api/feeds").handler(json(ctx -> reader.feeds().map(JsonArray::new)));
    router.get("/api/feeds/:name").handler(json(ctx -> found(reader.feed(ctx.pathParam("name")),
        "no feed " + ctx.pathParam("name"))));
    router.get("/api/feeds/:name/rejections").handler(json(ctx -> {
      allowOnly(ctx, Set.of("limit", "offset"));
      String name = ctx.pathParam("name");
      int limit = limit(ctx);
      int offset = offset(ctx);
      return found(reader.feed(name), "no feed " + name)
          .compose(f -> reader.rejections(name, limit, offset)).map(JsonArray::new);
    }));
    for (Routes r : extraRoutes) {
      r.mount(router);
    }
    router.errorHandler(404, ctx -> Problem.send(ctx, 404, "no resource at " + ctx.request().path()));
    router.errorHandler(405, ctx -> Problem.send(ctx, 405, ctx.request().method() + " is not allowed on "
        + ctx.request().path()));
    router.route().failureHandler(this::failure);
    return router;
  }

  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t instanceof Problem p) {
      Problem.send(ctx, p.status(), p.getMessage());
    } else if (ctx.statusCode() == 413) {
      Problem.send(ctx, 413, "the body is larger than " + push.maxBodyBytes() + " bytes (push.maxBodyBytes)");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Problem.send(ctx, ctx.statusCode(), t == null ? Problem.title(ctx.statusCode()) : t.getMessage());
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), t);
      Problem.send(ctx, 500, "internal error: " + (t == null ? "unknown" : t.getMessage()));
    }
  }

  /** A handler whose answer is a JSON document (or a problem). */
  private static io.vertx.core.Handler<RoutingContext> json(java.util.function.Function<RoutingContext, Future<?>> f) {
    return ctx -> {
      Future<?> result;
      try {
        result = f.apply(ctx);
      } catch (Problem p) {
        ctx.fail(p);
        return;
      }
      result.onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json")
              .end(body instanceof JsonArray a ? a.encode() : ((JsonObject) body).encode()))
          .onFailure(ctx::fail);
    };
  }

  private static <T> Future<T> found(Future<T> f, String detail) {
    return f.compose(v -> v == null ? Problem.fail(404, detail) : Future.succeededFuture(v));
  }

  private void health(RoutingContext ctx) {
    reader.ping()
        .onSuccess(v -> ctx.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "UP").put("database", "UP").encode()))
        .onFailure(e -> Problem.send(ctx, 503, "database unreachable: " + e.getMessage()));
  }

  private void ready(RoutingContext ctx) {
    JsonObject states = new JsonObject();
    boolean ready = true;
    for (String feed : feeds) {
      JsonObject s = FeedBoard.get(vertx, feed);
      boolean done = s != null && s.getBoolean("firstPollDone", false);
      ready &= done;
      states.put(feed, new JsonObject().put("firstPollDone", done).put("ok", s != null && s.getBoolean("ok", false)));
    }
    ctx.response().setStatusCode(ready ? 200 : 503).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("ready", ready).put("feeds", states).encode());
  }

  private Future<JsonArray> observations(RoutingContext ctx) {
    allowOnly(ctx, SERIES_PARAMS);
    StoreReader.SeriesFilter f = filter(ctx);
    if (f.indicator() == null || f.area() == null) {
      throw Problem.status(400, "indicator and area are required (e.g. ?indicator=90366&area=E08000027&sex=Male)");
    }
    return reader.series(f, 1000, 0).compose(found -> {
      List<JsonObject> matches = found;
      if (matches.size() > 1 && f.category() == null && f.categoryType() == null) {
        List<JsonObject> whole = matches.stream()
            .filter(s -> s.getString("category").isEmpty() && s.getString("categoryType").isEmpty()).toList();
        if (!whole.isEmpty()) {
          matches = whole;
        }
      }
      if (matches.isEmpty()) {
        return Problem.fail(404, "no series for indicator " + f.indicator() + " in area " + f.area()
            + " with that breakdown (see /api/series?indicator=" + f.indicator() + "&area=" + f.area() + ")");
      }
      if (matches.size() > 1) {
        List<String> choices = new ArrayList<>();
        for (JsonObject s : matches.subList(0, Math.min(10, matches.size()))) {
          choices.add("sex=" + s.getString("sex") + " age=" + s.getString("age")
              + (s.getString("category").isEmpty() ? "" : " categoryType=" + s.getString("categoryType")
              + " category=" + s.getString("category")));
        }
        return Problem.fail(400, matches.size() + " series match; narrow it with sex, age, categoryType or"
            + " category: " + String.join("; ", choices));
      }
      return reader.observations(matches.get(0).getLong("id")).map(JsonArray::new);
    });
  }

  private void authorizePush(RoutingContext ctx) {
    PushHandler.Refusal refusal = push.authorize(ctx.request().getHeader("Authorization"));
    if (refusal == null) {
      ctx.next();
      return;
    }
    switch (refusal) {
      case DISABLED -> Problem.send(ctx, 403, "the push feed is disabled (push.enabled)");
      case NO_TOKEN_CONFIGURED -> Problem.send(ctx, 403, "the push feed has no token configured (push.token)");
      case MISSING_TOKEN -> {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fingerpost\"");
        Problem.send(ctx, 401, "missing bearer token (Authorization: Bearer …)");
      }
      case WRONG_TOKEN -> {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fingerpost\", error=\"invalid_token\"");
        Problem.send(ctx, 401, "wrong bearer token");
      }
    }
  }

  private void pushObservations(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && !type.startsWith("application/json") && !type.startsWith("text/csv")
        && !type.startsWith("application/csv")) {
      Problem.send(ctx, 415, "send application/json (an array of observations) or text/csv");
      return;
    }
    push.accept(ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer(), type)
        .onSuccess(answer -> ctx.response().putHeader("Content-Type", "application/json").end(answer.encode()))
        .onFailure(e -> {
          if (e instanceof IllegalArgumentException) {
            Problem.send(ctx, 400, e.getMessage());
          } else {
            ctx.fail(e);
          }
        });
  }

  private static StoreReader.SeriesFilter filter(RoutingContext ctx) {
    return new StoreReader.SeriesFilter(param(ctx, "indicator"), param(ctx, "area"), param(ctx, "sex"),
        param(ctx, "age"), param(ctx, "categoryType"), param(ctx, "category"));
  }

  private static String param(RoutingContext ctx, String name) {
    List<String> all = ctx.queryParam(name);
    if (all.size() > 1) {
      throw Problem.status(400, "query parameter " + name + " is given " + all.size() + " times");
    }
    return all.isEmpty() ? null : all.get(0);
  }

  private static void allowOnly(RoutingContext ctx, Set<String> allowed) {
    for (String name : ctx.queryParams().names()) {
      if (!allowed.contains(name)) {
        throw Problem.status(400, "unknown query parameter '" + name + "' (allowed: "
            + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
      }
    }
  }

  private static int limit(RoutingContext ctx) {
    return intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
  }

  private static int offset(RoutingContext ctx) {
    return intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
  }

  private static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = param(ctx, name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw Problem.status(400, name + " must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw Problem.status(400, name + " '" + v + "' is not an integer");
    }
  }

  private static long seriesId(RoutingContext ctx) {
    String v = ctx.pathParam("id");
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw Problem.status(400, "series id '" + v + "' is not a number");
    }
  }
}
