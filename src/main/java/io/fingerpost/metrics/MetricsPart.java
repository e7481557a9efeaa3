package io.fingerpost.metrics;

import io.fingerpost.meters.FingerpostMetrics;

import io.fingerpost.AppContext;
import io.fingerpost.api.Routes;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * How the service wires metrics: {@link #newVertx()} in {@code Main} (Vert.x metrics need the registry before
 * Vert.x exists), {@link #verticle} and {@link #routes} as one line each in {@code App}.
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

  /** The verticle that keeps the indicator-state and database-derived gauges current. */
  public static Deployable verticle(AppContext ctx) {
    return new MetricsVerticle(FingerpostMetrics.of(ctx.vertx()), ctx.pool(), ctx.config().metrics());
  }

  /** {@code GET /metrics} on the API server. */
  public static Routes routes(AppContext ctx) {
    return router -> router.get("/metrics").handler(new MetricsHandler(FingerpostMetrics.of(ctx.vertx())));
  }
}
