package io.fingerpost.api;

import io.fingerpost.config.StartupException;
import io.fingerpost.feed.FeedBoard;
import io.fingerpost.feed.PushHandler;
import io.fingerpost.store.DatabaseOutage;
import io.fingerpost.store.StoreReader;
import io.fingerpost.strategy.TargetEvaluatorVerticle;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (described in {@code src/main/resources/openapi.yaml}, served at {@code /openapi.yaml}):
 * health and readiness, the store's read endpoints ({@link StoreRoutes}), the push endpoint, and the
 * routes of other parts. Every operation of the file passes the {@link RequestGate} first (bearer token,
 * parameters). Errors are {@code application/problem+json}; bad input is a 4xx; a 500 never carries
 * internal error text.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  /** Longest request line (method, URI, version) read; a longer one is a 414 problem. */
  static final int MAX_REQUEST_LINE = 8192;

  private final String host;
  private final int port;
  private final StoreReader reader;
  private final PushHandler push;
  private final List<String> feeds;
  private final List<Routes> extraRoutes;
  private final Predicate<Throwable> cutByStop;
  private final ApiCache cache = new ApiCache(!Boolean.getBoolean("fingerpost.api.noCache"));
  private HttpServer server;

  /**
   * @param feeds names of the polled feeds {@code /ready} waits for
   * @param extraRoutes routes of other parts, mounted after the API's own
   * @param cutByStop whether a failure is a statement the service's stop cut ({@code Database.cancelledByClose})
   */
  public ApiVerticle(String host, int port, StoreReader reader, PushHandler push, List<String> feeds,
                     List<Routes> extraRoutes, Predicate<Throwable> cutByStop) {
    this.host = host;
    this.port = port;
    this.reader = reader;
    this.push = push;
    this.feeds = List.copyOf(feeds);
    this.extraRoutes = List.copyOf(extraRoutes);
    this.cutByStop = cutByStop;
  }

  /** The port the server listens on (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * Stops listening at once and lets the requests under way finish (each connection closes after its response),
   * closing what is still open after {@code grace}. The service's stop calls this before anything the requests
   * use (the database pool, the parts) goes: a request cut by a closing pool answered 503.
   */
  public Future<Void> drain(Duration grace) {
    return server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> start() {
    // reading and parsing openapi.yaml (YAML, every schema) is start-up CPU work: off the event loop
    return cache.listen(vertx).compose(v -> vertx.executeBlocking(() -> {
      Buffer text = ApiSpec.text();
      return new Spec(text, ApiSpec.parse(text));
    })).compose(spec -> {
      Buffer openapi = spec.text();
      RequestGate gate = new RequestGate(spec.parsed(), push::token, cutByStop);
      Router router = router(gate, openapi);
      List<String> undescribed = gate.undescribed(router);
      if (!undescribed.isEmpty()) {
        return Future.failedFuture(new IllegalStateException("routes not described in openapi.yaml (describe them"
            + " so that their token and parameters are checked): " + undescribed));
      }
      // no HTTP/2 over plain TCP (h2c): the JDK's HttpClient asks for the upgrade by default, and with a large
      // answer written at once after the 101 it lost its place in the frames about one connection in twelve
      // ("Frame type(70) ... exceeds MAX_FRAME_SIZE"); curl --http2 gives up on it too. An upgrade request is then
      // answered in HTTP/1.1, which every client speaks (browsers use HTTP/2 only over TLS anyway).
      HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(true)
          .setHttp2ClearTextEnabled(false).setMaxInitialLineLength(MAX_REQUEST_LINE);
      return vertx.createHttpServer(options).invalidRequestHandler(ApiVerticle::invalidRequest)
          .requestHandler(request -> {
            if (!gate.refusedBeforeRouting(request)) {
              router.handle(request);
            }
          }).listen().recover(e -> Future.failedFuture(listenFailure(e)));
    }).onSuccess(s -> {
      server = s;
      LOG.info("HTTP API listening on http://{}:{}/", host, s.actualPort());
    });
  }

  private record Spec(Buffer text, ApiSpec parsed) {}

  /** Why the server cannot listen, naming the setting to change (a port in use, a host this machine lacks). */
  private StartupException listenFailure(Throwable e) {
    String cause = StartupException.rootMessage(e);
    if (cause.toLowerCase(java.util.Locale.ROOT).contains("address already in use")) {
      return new StartupException("http.port (or --port, FINGERPOST_HTTP_PORT)", "port " + port + " on " + host
          + " is already in use", e);
    }
    return new StartupException("http.host (or FINGERPOST_HTTP_HOST)", "cannot listen on " + host + ":" + port
        + ": " + cause, e);
  }

  Router router(RequestGate gate, Buffer openapi) {
    Router router = Router.router(vertx);
    gate.mount(router);
    cache.mount(router);
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::ready);
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/yaml").end(openapi));
    new StoreRoutes(reader).mount(router);
    // Two routes: a body handler must come first on its route; the body is read only for an enabled push.
    router.post("/api/observations").handler(ctx -> {
      if (push.enabled()) {
        ctx.next();
      } else {
        Problem.send(ctx, 403, "the push feed is disabled (push.enabled)");
      }
    });
    router.post("/api/observations").handler(BodyHandler.create().setBodyLimit(push.maxBodyBytes()).setHandleFileUploads(false))
        .handler(this::pushObservations);
    for (Routes r : extraRoutes) {
      r.mount(router);
    }
    router.errorHandler(404, ctx -> Problem.send(ctx, 404, "no resource at " + ctx.request().path()));
    router.errorHandler(405, ctx -> Problem.send(ctx, 405, ctx.request().method() + " is not allowed on "
        + ctx.request().path()));
    return router;
  }

  /** Requests the HTTP decoder could not read (overlong URI or headers, bad syntax): a problem, no body read. */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem p;
    if (cause instanceof TooLongHttpLineException) {
      p = Problem.status(414, "the request line is longer than " + MAX_REQUEST_LINE + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      p = Problem.status(431, "the request headers are too large");
    } else {
      p = Problem.status(400, "the request is not valid HTTP");
    }
    request.response().putHeader("Connection", "close");
    Problem.write(request.response(), p, null);
  }

  /**
   * The database's state as the watch saw it last (it pings every second on a connection of its own): a ping per
   * request through the shared pool would wait behind the API's own queries, and under load that wait is not an
   * outage (bench-national: 503 "database unreachable" at 16,900 targets). Without a watch, a ping.
   */
  private Future<Void> database() {
    if (DatabaseOutage.isWatched(vertx)) {
      return DatabaseOutage.isDown(vertx) ? Future.failedFuture("the database is unreachable")
          : Future.succeededFuture();
    }
    return reader.ping();
  }

  private void health(RoutingContext ctx) {
    database()
        .onSuccess(v -> ctx.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "UP").put("database", "UP").encode()))
        .onFailure(e -> Problem.send(ctx, 503, "database unreachable"));
  }

  /**
   * Ready: the database answers (503 while it is away) and every feed's first poll is stored and evaluated
   * (the evaluator has finished the rounds it caused), so the targets show what the data says.
   */
  private void ready(RoutingContext ctx) {
    database().onComplete(db -> ready(ctx, db.succeeded()));
  }

  private void ready(RoutingContext ctx, boolean databaseUp) {
    JsonObject states = new JsonObject();
    boolean ready = databaseUp;
    for (String feed : feeds) {
      JsonObject s = FeedBoard.get(vertx, feed);
      boolean done = s != null && s.getBoolean("firstPollDone", false);
      boolean evaluated = done && TargetEvaluatorVerticle.firstPollEvaluated(vertx, feed);
      ready &= evaluated;
      states.put(feed, new JsonObject().put("firstPollDone", done).put("evaluated", evaluated)
          .put("ok", s != null && s.getBoolean("ok", false)));
    }
    ctx.response().setStatusCode(ready ? 200 : 503).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("ready", ready).put("database", databaseUp ? "UP" : "DOWN").put("feeds", states)
            .encode());
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
}
