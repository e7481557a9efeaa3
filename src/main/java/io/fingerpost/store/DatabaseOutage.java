package io.fingerpost.store;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;

/**
 * Losing the database, as every part sees it: {@link #isConnectionFailure} tells a failure that says "the
 * database cannot be reached" (refused or broken connection, a server shutting down or starting) from
 * one about the request itself, so the API answers 503 and the parts wait quietly instead of logging a
 * trace per request; {@link #isDown} is the {@link DatabaseWatch}'s verdict (false when nothing watches).
 */
public final class DatabaseOutage {

  private static final String MAP = "fingerpost.database";
  private static final String DOWN = "down";
  /** SQLSTATEs of a server going away or not yet accepting: admin/crash shutdown, cannot connect now. */
  private static final Set<String> SERVER_GONE = Set.of("57P01", "57P02", "57P03");

  private DatabaseOutage() {}

  /** True when the failure (or a cause of it) means the database cannot be reached right now. */
  public static boolean isConnectionFailure(Throwable failure) {
    // SQLSTATEs of vertx-pg-client and of the JDBC driver (COPY, CopyWriter) alike
    return Failures.anySqlState(failure, s -> s.startsWith("08") || SERVER_GONE.contains(s))
        || Failures.anyCause(failure, t -> t instanceof ConnectException || t instanceof ClosedConnectionException
            || t instanceof ClosedChannelException || t instanceof SocketException
            // netty's native transport reports a reset connection as its own IOException subclass
            || t.getClass().getName().startsWith("io.netty.channel.unix.Errors$NativeIoException")
            || isClosedByUs(t));
  }

  /**
   * The service closed the pool (it is stopping) under a request: Vert.x's pool refuses a connection with "Pool
   * closed" (vertx-core's {@code SimpleConnectionPool}, a {@code VertxException}), and a query sent on a connection the close is ending fails with "Connection is not
   * active now, current status: CLOSING" (vertx-sql-client's {@code SocketConnectionBase}). For a client that is
   * the database going away, as any outage: before, such requests were 500s and logged as errors on every stop.
   */
  private static boolean isClosedByUs(Throwable t) {
    String message = t.getMessage();
    return t instanceof io.vertx.core.VertxException && message != null // NoStackTraceThrowable is one too
        && (message.equals("Pool closed") || message.startsWith("Connection is not active now"));
  }

  /**
   * True when the failure is the pool giving up waiting for a free connection (its {@code connectionTimeout}):
   * the database answers, the service is busy.
   */
  public static boolean isPoolBusy(Throwable failure) {
    if (failure == null || failure.getMessage() == null) {
      return false;
    }
    // a connection asked for ("Timeout") or a query sent through the pool ("Timeout waiting for connection")
    return failure.getClass().getName().equals("io.vertx.core.impl.NoStackTraceThrowable")
        && failure.getMessage().equals("Timeout")
        || failure instanceof io.vertx.core.VertxException && failure.getMessage().equals("Timeout waiting for connection");
  }

  /** True while the service's {@link DatabaseWatch} finds the database unreachable. */
  public static boolean isDown(Vertx vertx) {
    return Boolean.TRUE.equals(vertx.sharedData().getLocalMap(MAP).get(DOWN));
  }

  /** True when a {@link DatabaseWatch} reports on this Vert.x instance (its verdict is then the one to read). */
  public static boolean isWatched(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP).get(DOWN) != null;
  }

  static void setDown(Vertx vertx, boolean down) {
    vertx.sharedData().getLocalMap(MAP).put(DOWN, down);
  }
}
