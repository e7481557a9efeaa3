package io.fingerpost;

import io.fingerpost.alert.AlertQueries;
import io.fingerpost.alert.AlertsVerticle;
import io.fingerpost.api.AlertsRoutes;
import io.fingerpost.api.DigestRoutes;
import io.fingerpost.api.ApiJson;
import io.fingerpost.cluster.ClusterMembers;
import io.fingerpost.config.ClusterConfig;
import io.fingerpost.api.ApiVerticle;
import io.fingerpost.api.ReportRoutes;
import io.fingerpost.api.Routes;
import io.fingerpost.api.PlacesApi;
import io.fingerpost.api.TargetsApi;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.StartupException;
import io.fingerpost.digest.DigestChecks;
import io.fingerpost.digest.DigestHistory;
import io.fingerpost.digest.DigestVerticle;
import io.fingerpost.event.Events;
import io.fingerpost.feed.FeedVerticle;
import io.fingerpost.feed.fingertips.FingertipsApiFeed;
import io.fingerpost.feed.PushHandler;
import io.fingerpost.metrics.MetricsPart;
import io.fingerpost.report.ReportService;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.Lease;
import io.fingerpost.store.Leases;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.StoreReader;
import io.fingerpost.strategy.TargetEvaluatorVerticle;
import io.fingerpost.strategy.TargetsLoader;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import java.time.Clock;
import java.time.Duration;
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
  /** The parts' deployments and then the API's, in the order deployed (a part's own children are not here). */
  private final List<Deployed> partDeployments;
  /** The feeds' deployments: undeployed first on a stop, so no poll starts while the API drains. */
  private final List<Deployed> feedDeployments;

  /** A deployment this app made: what it is (for the stop's log lines) and its id. */
  private record Deployed(String name, String id) {}

  private App(AppContext context, ApiVerticle api, List<Deployed> partDeployments, List<Deployed> feedDeployments) {
    this.context = context;
    this.api = api;
    this.partDeployments = partDeployments;
    this.feedDeployments = feedDeployments;
  }

  /** Verticles of the other parts (evaluator, alerts, metrics…), deployed before the API and the feeds. */
  static List<Function<AppContext, Deployable>> partVerticles() {
    return List.of(
        // Metrics and alerts first: they must listen before the evaluator publishes evaluations.
        ctx -> MetricsPart.verticle(ctx.vertx(), ctx.pool(), ctx.config().metrics()),
        ctx -> new AlertsVerticle(ctx.config().alerts(), ctx.pool(), Clock.systemUTC(),
            ctx.clustered() ? ctx.leases() : null),
        // after the alerts: their notifier delivers the digests (and must listen for the wake-up)
        ctx -> new DigestVerticle(ctx.config().reports(), ctx.config().alerts().receivers(), ctx.pool(),
            new ReportDigestRenderer(new ReportService(ctx.vertx(), ctx.pool(), ctx.targets(), ctx.config(),
                Clock.systemUTC()), ctx.config().alerts().externalUrl()), Clock.systemUTC()),
        ctx -> new TargetEvaluatorVerticle(ctx.pool(), ctx.targets()));
  }

  /** HTTP routes of the other parts, mounted on the API server after its own. */
  static List<Function<AppContext, Routes>> partRoutes() {
    return List.of(
        ctx -> router -> router.get("/metrics").handler(!ctx.clustered() ? MetricsPart.handler(ctx.vertx())
            : MetricsPart.handler(ctx.vertx(), ctx.leases().lease("schedule:metrics")::held)),
        ctx -> new TargetsApi(ctx.pool(), ctx.targets())::mount,
        ctx -> new PlacesApi(ctx.pool())::mount,
        ctx -> new AlertsRoutes(new AlertQueries(ctx.pool()), Clock.systemUTC()),
        ctx -> new DigestRoutes(new DigestHistory(ctx.pool())),
        ctx -> new ReportRoutes(new ReportService(ctx.vertx(), ctx.pool(), ctx.targets(), ctx.config(),
            Clock.systemUTC())),
        ctx -> router -> router.get("/api/cluster").handler(ApiJson.handler(rc -> ctx.cluster().state())));
  }

  public static Future<App> start(Vertx vertx, ConfigLoader.Loaded loaded) {
    return start(vertx, loaded, null);
  }

  /**
   * Starts the service; with a {@code clusterManager} (a clustered Vert.x, {@code --cluster}) as a cluster
   * member: leases in the database decide who polls each feed, delivers to each receiver and runs the
   * schedules (docs/internals.md "Cluster").
   */
  public static Future<App> start(Vertx vertx, ConfigLoader.Loaded loaded, ClusterManager clusterManager) {
    Events.register(vertx);
    // A bad targets file stops start-up before the database starts (TargetsFileException lists every error).
    return vertx.executeBlocking(() -> {
      var targets = TargetsLoader.load(loaded);
      DigestChecks.check(loaded.file().name(), loaded.config().reports(), targets); // areas, groups, teams
      return targets;
    }).compose(targets ->
        Database.start(vertx, loaded.config().database()).compose(db -> {
          ClusterConfig cc = loaded.config().cluster();
          boolean clustered = clusterManager != null;
          String self = clustered ? clusterManager.getNodeId() : "single";
          Leases leases = clustered ? Leases.clustered(vertx, db.pool(), self, cc.leaseTimeoutOrDefault())
              : Leases.single();
          ClusterMembers members = clustered ? ClusterMembers.clustered(vertx, db.pool(), self,
              cc.hostOrDefault() + ":" + cc.portOrDefault(), clusterManager::getNodes, cc.leaseTimeoutOrDefault())
              : ClusterMembers.single();
          AppContext ctx = new AppContext(vertx, loaded, db, new ObservationStore(vertx, db),
              new StoreReader(db.pool()), new FeedStatusStore(db.pool()), targets, leases, members);
          return deploy(ctx).recover(e -> db.close().transform(ignored -> Future.failedFuture(e)));
        }));
  }

  private static Future<App> deploy(AppContext ctx) {
    Vertx vertx = ctx.vertx();
    Future<?> chain = Future.succeededFuture();
    List<Deployed> partDeployments = new ArrayList<>();
    for (Function<AppContext, Deployable> part : partVerticles()) {
      chain = chain.compose(v -> {
        Deployable verticle = part.apply(ctx);
        return deploy(vertx, verticle.getClass().getSimpleName(), verticle, partDeployments);
      });
    }
    List<FeedConfig> feeds = ctx.config().feeds().stream().filter(FeedConfig::enabledOrDefault).toList();
    List<Routes> routes = new ArrayList<>();
    for (Function<AppContext, Routes> r : partRoutes()) {
      routes.add(r.apply(ctx));
    }
    ApiVerticle api = new ApiVerticle(ctx.config().http().hostOrDefault(), ctx.config().http().portOrDefault(),
        ctx.reader(), new PushHandler(vertx, ctx.config().push(), ctx.store(), ctx.feedStatus()),
        // a member's /ready waits for the database only: which member polls a feed is /api/cluster's
        ctx.clustered() ? List.of() : feeds.stream().map(FeedConfig::name).toList(), routes,
        ctx.database()::cancelledByClose);
    chain = chain.compose(v -> deploy(vertx, "the API", api, partDeployments));
    List<Deployed> feedDeployments = new ArrayList<>();
    for (FeedConfig feed : feeds) {
      // a feed that cannot start names its key, as the configuration's checks do (Main prints it)
      String key = "feeds[" + ctx.config().feeds().indexOf(feed) + "] (" + feed.name() + ")";
      chain = chain.compose(v -> Future.succeededFuture()
          .compose(x -> deploy(vertx, "feed " + feed.name(), feedVerticle(ctx, feed), feedDeployments))
          .recover(e -> Future.failedFuture(e instanceof StartupException ? e
              : new StartupException(key, StartupException.rootMessage(e), e))));
    }
    if (ctx.clustered()) { // the schedules' leases, then the renewals and this member's heartbeat
      ctx.leases().lease("schedule:alerts");
      ctx.leases().lease("schedule:resend");
      chain = chain.compose(v -> ctx.cluster().start("http://" + ctx.config().cluster().hostOrDefault() + ":"
          + api.actualPort())).compose(v -> ctx.leases().start());
    }
    return chain.<App>map(v -> {
      LOG.info("Fingerpost started: {} feed(s), config {}", feeds.size(), ctx.loaded().file().name());
      return new App(ctx, api, partDeployments, feedDeployments);
    }).recover(e -> {
      // a start that failed part way leaves nothing running: what it deployed goes, the last deployed first
      List<Deployed> deployed = new ArrayList<>(partDeployments);
      deployed.addAll(feedDeployments);
      Future<Void> undeployed = ctx.leases().stop().eventually(() -> ctx.cluster().stop()).otherwiseEmpty();
      for (int i = deployed.size() - 1; i >= 0; i--) {
        Deployed d = deployed.get(i);
        undeployed = undeployed.transform(x -> vertx.undeploy(d.id()).otherwise(u -> {
          LOG.warn("Start-up failed: {} failed to stop: {}", d.name(), u.toString());
          return null;
        }));
      }
      return undeployed.transform(x -> Future.failedFuture(e));
    });
  }

  private static Deployable feedVerticle(AppContext ctx, FeedConfig feed) {
    Lease lease = ctx.clustered() ? ctx.leases().lease("feed:" + feed.name()) : null;
    return feed.isApi() ? new FingertipsApiFeed(feed, ctx.store(), ctx.feedStatus(), lease, ctx.leases().checkInterval())
        : new FeedVerticle(feed, ctx.loaded().resolve(feed.source()), ctx.store(), ctx.feedStatus(), lease,
            ctx.leases().checkInterval());
  }

  private static Future<String> deploy(Vertx vertx, String name, Deployable verticle, List<Deployed> into) {
    return vertx.deployVerticle(verticle).onSuccess(id -> into.add(new Deployed(name, id)));
  }

  public AppContext context() {
    return context;
  }

  /** The HTTP port actually bound. */
  public int httpPort() {
    return api.actualPort();
  }

  /**
   * Stops gracefully, each step bounded by {@code http.shutdownGrace} (docs/internals.md "Stopping"): the API stops
   * listening and lets the requests under way finish while the feeds stop (a poll under way at its next batch
   * boundary); then the other parts stop, the last started first (the evaluator finishes its round, whose
   * evaluations the alerts then take up in theirs); last the database closes, cancelling what still runs.
   * Only the deployments this app made are undeployed (their children go with them).
   */
  public Future<Void> stop() {
    Vertx vertx = context.vertx();
    Duration grace = context.config().http().shutdownGraceOrDefault();
    // hand the leases back first, so other members take the feeds and receivers over at once
    Future<Void> leave = context.leases().stop().eventually(() -> context.cluster().stop());
    return leave.transform(ignored -> {
      long deadline = System.nanoTime() + grace.toNanos();
      List<Future<?>> first = new ArrayList<>();
      first.add(api.drain(grace));
      for (Deployed feed : feedDeployments) {
        first.add(undeploy(vertx, feed, deadline, grace));
      }
      return Future.join(first);
    }).transform(ignored -> {
      long deadline = System.nanoTime() + grace.toNanos();
      Future<Void> parts = Future.succeededFuture();
      for (int i = partDeployments.size() - 1; i >= 0; i--) {
        Deployed part = partDeployments.get(i);
        parts = parts.transform(v -> undeploy(vertx, part, deadline, grace));
      }
      return parts;
    }).transform(ignored -> context.database().close());
  }

  /**
   * Undeploys one of this app's deployments; completes when it has stopped, or at {@code deadline} (then what it
   * still does meets the database's close). Never fails: a stop goes on to the next part whatever this one did.
   */
  private static Future<Void> undeploy(Vertx vertx, Deployed d, long deadline, Duration grace) {
    Promise<Void> done = Promise.promise();
    long wait = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    long timer = vertx.setTimer(wait, t -> {
      if (done.tryComplete()) {
        LOG.warn("Stopping: {} still busy after the grace ({}); the database's close cuts what it does", d.name(),
            grace);
      }
    });
    vertx.undeploy(d.id()).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.failed()) {
        LOG.warn("Stopping: {} failed to stop: {}", d.name(), ar.cause().toString());
      }
      done.tryComplete();
    });
    return done.future();
  }
}
