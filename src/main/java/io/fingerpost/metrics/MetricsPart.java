package io.fingerpost.metrics;

import io.fingerpost.config.MetricsSettings;
import io.fingerpost.meters.FingerpostMetrics;
import io.vertx.core.Deployable;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * How the service wires metrics: {@link #newVertx()} in {@code Main} (Vert.x metrics need the registry before
 * Vert.x exists), {@link #verticle} and {@link #handler} as one line each in {@code App}. It takes what it needs,
 * not the service's context: metrics sit below the wiring and beside the API (docs/internals.md, Packages).
 */
public final class MetricsPart {
  private MetricsPart() {}

  /** A Vert.x whose own metrics go to a new registry, bound so that {@code FingerpostMetrics.of(vertx)} finds it. */
  public static Vertx newVertx() {
    FingerpostMetrics metrics = FingerpostMetrics.create();
    Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
    metrics.bind(vertx);
    return vertx;
  }

  /**
   * A clustered Vert.x (issue 15) with the same metrics: each member exports its own process metrics, and
   * every member exports the indicator state read from the shared database (docs/metrics.md "Cluster").
   */
  public static io.vertx.core.Future<Vertx> newClusteredVertx(VertxOptions options,
      io.vertx.core.spi.cluster.ClusterManager clusterManager) {
    FingerpostMetrics metrics = FingerpostMetrics.create();
    return metrics.vertxBuilder(options).withClusterManager(clusterManager).buildClustered().map(vertx -> {
      metrics.bind(vertx);
      return vertx;
    });
  }

  /** The verticle that keeps the indicator-state and database-derived gauges current. */
  public static Deployable verticle(Vertx vertx, Pool pool, MetricsSettings settings) {
    return new MetricsVerticle(FingerpostMetrics.of(vertx), pool, settings);
  }

  /** The handler of {@code GET /metrics}, which {@code App} mounts on the API server. */
  public static Handler<RoutingContext> handler(Vertx vertx) {
    return new MetricsHandler(FingerpostMetrics.of(vertx), () -> true);
  }

  /**
   * The handler of a cluster member: its own process and service metrics always, the indicator state
   * ({@code fingerpost_indicator_*}, {@code fingerpost_target_*}) only while {@code exportsState} (the holder
   * of the lease {@code schedule:metrics}), so sums over the scraped members count each target once.
   */
  public static Handler<RoutingContext> handler(Vertx vertx, java.util.function.BooleanSupplier exportsState) {
    return new MetricsHandler(FingerpostMetrics.of(vertx), exportsState);
  }
}
