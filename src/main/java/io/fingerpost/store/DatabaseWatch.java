package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that the database went away and brings it back. Pings every second on a pool of its own (one
 * connection: a ping must not queue behind the service's queries, or a busy pool looks like an outage); on the first
 * failed ping it marks the database down ({@link DatabaseOutage#isDown}: {@code /ready} and the API answer
 * 503, the parts wait quietly) and logs one warning; then, while down, it restarts an embedded server whose
 * postmaster died (the pool keeps its port, so it reconnects by itself) or, for an external server, pings
 * with exponential backoff (1 s up to 30 s) until it answers, and logs one line on recovery. Everything
 * else resumes on its own: feeds retry, the evaluator and the alerts retry what the outage interrupted,
 * the notifier polls its outbox.
 */
final class DatabaseWatch {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseWatch.class);
  static final long INTERVAL_MS = Long.getLong("fingerpost.database.watchMs", 1000);
  static final long MAX_BACKOFF_MS = 30_000;
  private static final long PING_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final Pool pool;
  /** Restarts a dead embedded server (true when it did); null for an external server. */
  private final Supplier<Future<Boolean>> restart;
  private long timer = -1;
  private volatile boolean stopped;
  private long downSinceNanos = -1;
  private int failedChecks;
  private boolean restarted;

  DatabaseWatch(Vertx vertx, Pool pool, Supplier<Future<Boolean>> restart) {
    this.vertx = vertx;
    this.pool = pool;
    this.restart = restart;
  }

  void start() {
    DatabaseOutage.setDown(vertx, false);
    schedule(INTERVAL_MS);
  }

  /** Stops pinging (its pool is the {@link Database}'s to close: the close cancels through it first). */
  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  private void schedule(long delayMs) {
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, delayMs), id -> check());
    }
  }

  private void check() {
    if (stopped) {
      return;
    }
    ping().onComplete(ar -> {
      if (stopped) {
        return;
      }
      if (ar.succeeded()) {
        if (downSinceNanos >= 0) {
          recovered();
        }
        schedule(INTERVAL_MS);
      } else {
        down(ar.cause());
      }
    });
  }

  private Future<Void> ping() {
    Promise<Void> done = Promise.promise();
    long guard = vertx.setTimer(PING_TIMEOUT_MS, id -> done.tryFail(new TimeoutException(
        "no answer to a ping within " + PING_TIMEOUT_MS + " ms")));
    pool.query("SELECT 1").execute().onComplete(ar -> {
      vertx.cancelTimer(guard);
      if (ar.succeeded()) {
        done.tryComplete();
      } else {
        done.tryFail(ar.cause());
      }
    });
    return done.future();
  }

  private void down(Throwable cause) {
    failedChecks++;
    if (downSinceNanos < 0) {
      downSinceNanos = System.nanoTime();
      restarted = false;
      DatabaseOutage.setDown(vertx, true);
      LOG.warn("Database unreachable ({}): the API answers 503 and feeds, evaluations and deliveries wait; {}",
          cause.getMessage() == null ? cause.toString() : cause.getMessage(),
          restart == null ? "reconnecting with backoff" : "restarting the embedded PostgreSQL");
    } else {
      LOG.debug("database still unreachable: {}", cause.toString());
    }
    long backoff = Math.min(MAX_BACKOFF_MS, INTERVAL_MS << Math.min(failedChecks - 1, 15));
    if (restart == null) {
      schedule(backoff);
      return;
    }
    restart.get().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        restarted = true;
        schedule(1); // check at once: the pool reconnects to the new server on the same port
      } else {
        if (ar.failed()) {
          LOG.debug("restarting the embedded PostgreSQL failed (attempt {}): {}", failedChecks, ar.cause().toString());
        }
        schedule(Math.min(backoff, 2_000)); // a local server (or its zombie going away): try again soon
      }
    });
  }

  private void recovered() {
    Duration outage = Duration.ofNanos(System.nanoTime() - downSinceNanos);
    downSinceNanos = -1;
    failedChecks = 0;
    DatabaseOutage.setDown(vertx, false);
    LOG.info("Database reachable again after {} s{}", String.format("%.1f", outage.toMillis() / 1000.0),
        restarted ? " (embedded PostgreSQL restarted)" : "");
  }
}
