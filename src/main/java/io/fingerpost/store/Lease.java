package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * One named lease of a cluster member ({@code feed:<name>}, {@code receiver:<name>}, {@code schedule:<name>}),
 * kept by {@link Leases}. {@link #held()} is the member's own view, judged on its monotonic clock and ended
 * before the database lets anyone else take the lease, so a member paused past its lease (SIGSTOP, a long GC)
 * sees it lost the moment it runs again. {@link #fence} is the check that does not depend on timing: run in
 * the transaction that writes under the lease, it fails unless this member still holds it with the token
 * it was given, and locks the lease row (FOR SHARE) so the lease cannot change hands before that
 * transaction ends.
 */
public final class Lease {
  private final String name;
  private final Leases owner;
  private volatile long token;
  private volatile long deadlineNanos;
  private volatile long acquiredNanos;
  /** This member took the lease and has not seen it taken or given up since (deadline aside). */
  private volatile boolean claimed;
  private final java.util.List<Runnable> onTaken = new java.util.concurrent.CopyOnWriteArrayList<>();

  Lease(String name, Leases owner) {
    this.name = name;
    this.owner = owner;
  }

  /** A write under a lease this member no longer holds (another member took it, or it expired). */
  public static final class LostException extends RuntimeException {
    LostException(String name, long token) {
      super("lease " + name + " (token " + token + ") is no longer held by this member");
    }
  }

  /** Whether {@code t} or one of its causes is a {@link LostException}. */
  public static boolean isLost(Throwable t) {
    return Failures.anyCause(t, LostException.class::isInstance);
  }

  /**
   * Runs {@code action} each time this member takes the lease (again), e.g. a feed polls at once rather than
   * at its next interval. Called on the lease renewal's thread: hop to your own context.
   */
  public void onTaken(Runnable action) {
    onTaken.add(action);
  }

  void taken() {
    onTaken.forEach(Runnable::run);
  }

  public String name() {
    return name;
  }

  /** Whether this member holds the lease now (always, without a cluster). */
  public boolean held() {
    return owner.isSingle() || System.nanoTime() - deadlineNanos < 0;
  }

  /** The fencing token of the holding (grows at every change of holder); 0 without a cluster. */
  public long token() {
    return token;
  }

  /** Nanoseconds (monotonic) since this member took the lease, or -1 when it does not hold it. */
  public long heldNanos() {
    return held() && !owner.isSingle() ? System.nanoTime() - acquiredNanos : -1;
  }

  /** Fails with {@link LostException} unless this member still holds the lease with its token. */
  public Future<Void> fence(SqlClient conn) {
    if (owner.isSingle()) {
      return Future.succeededFuture();
    }
    long t = token;
    return conn.preparedQuery("""
            SELECT 1 FROM cluster_lease WHERE name = $1 AND holder = $2 AND token = $3 AND expires_at > now() FOR SHARE
            """).execute(Tuple.of(name, owner.member(), t))
        .compose(rows -> rows.size() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new LostException(name, t)));
  }

  /**
   * Called by {@link Leases} after each attempt: held until {@code sentNanos + validNanos} with
   * {@code newToken}, or not held. Returns whether this member had claimed it until now and lost it.
   */
  boolean update(boolean acquired, long newToken, long sentNanos, long validNanos) {
    if (!acquired) {
      deadlineNanos = System.nanoTime() - 1;
      boolean lost = claimed;
      claimed = false;
      return lost;
    }
    claimed = true;
    if (!held() || newToken != token) {
      acquiredNanos = sentNanos;
    }
    token = newToken;
    deadlineNanos = sentNanos + validNanos;
    return false;
  }

  void lose() {
    claimed = false;
    deadlineNanos = System.nanoTime() - 1;
  }
}
