package io.fingerpost;

import io.fingerpost.alert.AlertQueries;
import io.fingerpost.alert.AlertsVerticle;
import io.fingerpost.api.AlertsRoutes;
import io.fingerpost.api.ApiVerticle;
import io.fingerpost.api.Routes;
import io.fingerpost.api.TargetsApi;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.event.Events;
import io.fingerpost.feed.FeedVerticle;
import io.fingerpost.feed.fingertips.FingertipsApiFeed;
import io.fingerpost.feed.PushHandler;
import io.fingerpost.metrics.MetricsPart;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.StoreReader;
import io.fingerpost.strategy.TargetEvaluatorVerticle;
import io.fingerpost.strategy.TargetsLoader;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: starts the database (embedded or external, migrated), then deploys the other
 * parts' verticles, the HTTP API and, last, the feeds — so every consumer of
 * {@code fingerpost.series.changed} is listening before the first poll.
 *
 * <p>To add a part: one line in {@link #partVerticles()} (a verticle) or {@link #partRoutes()}
 * (HTTP routes on the API server).
 */
public final class App {

  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private final AppContext context;
  private final ApiVerticle api;

  private App(AppContext context, ApiVerticle api) {
    this.context = context;
    this.api = api;
  }

  /** Verticles of the other parts (evaluator, alerts, metrics…), deployed before the API and the feeds. */
  static List<Function<AppContext, Deployable>> partVerticles() {
    return List.of(
        // Metrics and alerts first: they must listen before the evaluator publishes evaluations.
        ctx -> MetricsPart.verticle(ctx.vertx(), ctx.pool(), ctx.config().metrics()),
        ctx -> new AlertsVerticle(ctx.config().alerts(), ctx.pool(), Clock.systemUTC()),
        ctx -> new TargetEvaluatorVerticle(ctx.pool(), ctx.targets()));
  }

  /** HTTP routes of the other parts, mounted on the API server after its own. */
  static List<Function<AppContext, Routes>> partRoutes() {
    return List.of(
        ctx -> router -> router.get("/metrics").handler(MetricsPart.handler(ctx.vertx())),
        ctx -> new TargetsApi(ctx.pool(), ctx.targets())::mount,
        ctx -> new AlertsRoutes(new AlertQueries(ctx.pool()), Clock.systemUTC()));
  }

  public static Future<App> start(Vertx vertx, ConfigLoader.Loaded loaded) {
    Events.register(vertx);
    // A bad targets file stops start-up before the database starts (TargetsFileException lists every error).
    return vertx.executeBlocking(() -> TargetsLoader.load(loaded)).compose(targets ->
        Database.start(vertx, loaded.config().database()).compose(db -> {
          AppContext ctx = new AppContext(vertx, loaded, db, new ObservationStore(vertx, db.pool()),
              new StoreReader(db.pool()), new FeedStatusStore(db.pool()), targets);
          return deploy(ctx).recover(e -> db.close().transform(ignored -> Future.failedFuture(e)));
        }));
  }

  private static Future<App> deploy(AppContext ctx) {
    Vertx vertx = ctx.vertx();
    Future<?> chain = Future.succeededFuture();
    for (Function<AppContext, Deployable> part : partVerticles()) {
      chain = chain.compose(v -> vertx.deployVerticle(part.apply(ctx)));
    }
    List<FeedConfig> feeds = ctx.config().feeds().stream().filter(FeedConfig::enabledOrDefault).toList();
    List<Routes> routes = new ArrayList<>();
    for (Function<AppContext, Routes> r : partRoutes()) {
      routes.add(r.apply(ctx));
    }
    ApiVerticle api = new ApiVerticle(ctx.config().http().hostOrDefault(), ctx.config().http().portOrDefault(),
        ctx.reader(), new PushHandler(vertx, ctx.config().push(), ctx.store(), ctx.feedStatus()),
        feeds.stream().map(FeedConfig::name).toList(), routes);
    chain = chain.compose(v -> vertx.deployVerticle(api));
    for (FeedConfig feed : feeds) {
      chain = chain.compose(v -> vertx.deployVerticle(feed.isApi()
          ? new FingertipsApiFeed(feed, ctx.store(), ctx.feedStatus())
          : new FeedVerticle(feed, ctx.loaded().resolve(feed.source()), ctx.store(), ctx.feedStatus())));
    }
    return chain.map(v -> {
      LOG.info("Fingerpost started: {} feed(s), config {}", feeds.size(), ctx.loaded().file().name());
      return new App(ctx, api);
    });
  }

  public AppContext context() {
    return context;
  }

  /** The HTTP port actually bound. */
  public int httpPort() {
    return api.actualPort();
  }

  /** Undeploys everything and closes the database (stopping an embedded server). */
  public Future<Void> stop() {
    Vertx vertx = context.vertx();
    List<Future<?>> undeploys = new ArrayList<>();
    for (String id : vertx.deploymentIDs()) {
      undeploys.add(vertx.undeploy(id));
    }
    return Future.join(undeploys).transform(ignored -> context.database().close());
  }
}
