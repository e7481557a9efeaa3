package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backends of the pool's connections (noted by its connect handler), so that a pool's close held by a
 * statement can cancel it. PostgreSQL reads a connection's goodbye only after the statement under way, so a
 * pool's close waits for all of them: a request still waiting for a lock when the API's grace had ended held the
 * service's stop until the lock went (api.StopInFlightTest). A statement still running a second into the close
 * (the API has drained and the evaluator has finished its round by then) is cancelled, through another
 * connection, as the pool's own cancel requests stop with its close: its transaction rolls back.
 */
public final class PoolConnections {
  /** How long the close waits before it cancels what still runs. */
  static final long CANCEL_AFTER_MS = Long.getLong("fingerpost.database.cancelAfterMs", 1000);
  /** Only an active statement of one of these backends (a pid also names the connection in the server's view). */
  private static final String CANCEL = "SELECT pg_cancel_backend(pid) FROM pg_stat_activity"
      + " WHERE pid = ANY($1) AND state = 'active' AND datname = current_database()";

  /** SQLSTATE query_canceled: what a cancelled statement fails with. */
  private static final String QUERY_CANCELED = "57014";
  /** Pids of connections the pool opened (a few a database restart: not worth forgetting). */
  private final Set<Integer> pids = ConcurrentHashMap.newKeySet();
  /**
   * Whether this pool's close has cancelled statements (its service is stopping). The pool's own: another app's
   * pool on the same Vert.x instance (tests) is not stopping when this one is.
   */
  private volatile boolean cancelledByClose;

  /** The pool's connect handler: notes the connection's backend and hands the connection to the pool. */
  void add(SqlConnection connection) {
    if (connection instanceof PgConnection pg) {
      pids.add(pg.processId());
    }
    connection.close();
  }

  /** How many connections the pool has opened. */
  int opened() {
    return pids.size();
  }

  /** Closes {@code pool}; a statement that still runs after {@link #CANCEL_AFTER_MS} is cancelled via {@code other}. */
  Future<Void> close(Vertx vertx, Pool pool, Pool other) {
    Future<Void> closed = pool.close();
    long timer = vertx.setTimer(CANCEL_AFTER_MS, id -> {
      cancelledByClose = true;
      other.preparedQuery(CANCEL).execute(Tuple.of(pids.toArray(Integer[]::new)));
    });
    return closed.onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** True when the failure (or a cause of it) is a cancelled statement (SQLSTATE 57014). */
  public static boolean cancelled(Throwable failure) {
    return Failures.anySqlState(failure, QUERY_CANCELED::equals);
  }

  /**
   * True when the failure is a statement cancelled after this pool's close cancelled its statements: the service's
   * stop cut it, so it is no fault (a statement timeout or another cancel before the stop is not this).
   */
  boolean cancelledByClose(Throwable failure) {
    return cancelledByClose && cancelled(failure);
  }
}
