package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The three checks that read a failure through its causes ({@link PoolConnections#cancelled},
 * {@link DatabaseOutage#isConnectionFailure}, {@link Lease#isLost}) share {@link Failures}' walk: a cause deep in
 * the chain counts, a SQLSTATE of vertx-pg-client or of the JDBC driver alike, and a cause that is its own cause
 * ends the walk.
 */
class FailuresTest {

  @Test
  void eachCheckFindsItsCauseDeepInTheChain() {
    Throwable cancelled = wrapped(new PgException("canceling statement", "ERROR", "57014", null));
    assertTrue(PoolConnections.cancelled(cancelled));
    assertFalse(DatabaseOutage.isConnectionFailure(cancelled));

    Throwable adminShutdown = wrapped(new PgException("terminating connection", "FATAL", "57P01", null));
    assertTrue(DatabaseOutage.isConnectionFailure(adminShutdown));
    assertFalse(PoolConnections.cancelled(adminShutdown));
    assertTrue(DatabaseOutage.isConnectionFailure(wrapped(new SQLException("I/O error", "08006"))), "JDBC");
    assertFalse(DatabaseOutage.isConnectionFailure(wrapped(new SQLException("duplicate key", "23505"))));
    assertFalse(DatabaseOutage.isConnectionFailure(wrapped(new PgException("no state", "ERROR", null, null))));

    Throwable lost = wrapped(new Lease.LostException("feed:x", 3));
    assertTrue(Lease.isLost(lost));
    assertFalse(Lease.isLost(cancelled));
  }

  @Test
  void aCauseThatIsItsOwnCauseEndsTheWalk() {
    Throwable loop = new IOException("loop") {
      @Override
      public synchronized Throwable getCause() {
        return this;
      }
    };
    assertFalse(PoolConnections.cancelled(loop));
    assertFalse(DatabaseOutage.isConnectionFailure(loop));
    assertFalse(Lease.isLost(loop));
  }

  private static Throwable wrapped(Throwable cause) {
    return new CompletionException(new IllegalStateException("while loading", cause));
  }
}
