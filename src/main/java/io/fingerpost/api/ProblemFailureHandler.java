package io.fingerpost.api;

import io.fingerpost.store.DatabaseOutage;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failed request into a problem: a {@link Problem} as it is; vertx-web's own 4xx refusals
 * with their status and a fixed text; anything else is a 500 whose body says only "internal error" (the
 * cause — a database message, say — is logged, never sent). One log line per 500; its stack trace only at
 * debug, so no request can fill the log with traces. A failure that means the database cannot be reached
 * ({@link DatabaseOutage}) is a 503 with {@code Retry-After}, whatever the route, and logs nothing per
 * request (the store's watch logs the outage once); so is a pool that found no free connection in its wait (load,
 * not a fault: {@code Retry-After: 1}); and so, logged once at info, is a request the service's stop cut after its
 * grace (its statement cancelled as the pool closed, {@code Database.cancelledByClose}: this service's pool, not
 * another's on the same Vert.x). Mounted by the {@link RequestGate}.
 */
final class ProblemFailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemFailureHandler.class);
  /** Seconds a client is asked to wait while the database is away (the watch checks every second). */
  static final String RETRY_AFTER_SECONDS = "5";
  /** Whether a failure is a statement the service's own stop cut (its database's close cancelled it). */
  private final Predicate<Throwable> cutByStop;

  /** For a router with no database of its own to stop: a cancelled statement is a failure. */
  ProblemFailureHandler() {
    this(failure -> false);
  }

  ProblemFailureHandler(Predicate<Throwable> cutByStop) {
    this.cutByStop = cutByStop;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable t = ctx.failure();
    int status = ctx.statusCode();
    if (t instanceof Problem p) {
      Problem.send(ctx, p);
    } else if (status == 413) {
      Problem.send(ctx, 413, "the body is larger than this endpoint accepts (for a push: push.maxBodyBytes)");
    } else if (status >= 400 && status < 500) {
      Problem.send(ctx, status, "the request cannot be served as sent (" + Problem.title(status) + ")");
    } else if (t != null && DatabaseOutage.isConnectionFailure(t)) {
      LOG.debug("{} {}: database unavailable", ctx.request().method(), ParameterValidator.printable(ctx.request().path()), t);
      if (!ctx.response().headWritten()) {
        ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
      }
      Problem.send(ctx, 503, "the database is unavailable; retry later");
    } else if (DatabaseOutage.isPoolBusy(t)) {
      // load, not a fault: every database connection stayed busy for the pool's whole wait
      LOG.debug("{} {}: no free database connection", ctx.request().method(), ParameterValidator.printable(ctx.request().path()));
      if (!ctx.response().headWritten()) {
        ctx.response().putHeader("Retry-After", "1");
      }
      Problem.send(ctx, 503, "the service is busy; retry later");
    } else if (t != null && cutByStop.test(t)) {
      // a request still under way after the stop's grace: the stop asked for it, so it is no failure (one line)
      LOG.info("{} {}: cut by the service's stop (its statement was cancelled as the database closed)",
          ctx.request().method(), ParameterValidator.printable(ctx.request().path()));
      if (!ctx.response().headWritten()) {
        ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
      }
      Problem.send(ctx, 503, "the service is stopping; retry later");
    } else {
      LOG.error("{} {} failed: {}", ctx.request().method(), ParameterValidator.printable(ctx.request().path()),
          t == null ? "unknown cause" : t.toString());
      LOG.debug("stack trace of the failure above", t);
      Problem.send(ctx, 500, "internal error");
    }
  }
}
