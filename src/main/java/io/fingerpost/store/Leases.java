package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's leases, kept in PostgreSQL ({@code cluster_lease}, V70) rather than in Hazelcast: the
 * fencing token must be checked in the same transaction as the write it guards ({@link Lease#fence}), which
 * only the database can do, and a lease in the system of record survives a split of the Hazelcast cluster
 * (two halves can each think they own a Hazelcast lock; they cannot both update one row). Every third of the
 * lease timeout each member renews the leases it holds and tries to take those that expired; the database's
 * clock alone decides expiry. {@link #single()} is the one-process service: every lease held, no fence.
 */
public final class Leases {
  private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

  /** Takes a free or expired lease, renews one this member holds; returns a row only when it holds it. */
  private static final String ACQUIRE = """
      INSERT INTO cluster_lease AS l (name, holder, token, acquired_at, renewed_at, expires_at)
      VALUES ($1, $2, 1, now(), now(), now() + make_interval(secs => $3))
      ON CONFLICT (name) DO UPDATE SET
        token = CASE WHEN l.holder = EXCLUDED.holder THEN l.token ELSE l.token + 1 END,
        acquired_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.acquired_at ELSE now() END,
        holder = EXCLUDED.holder, renewed_at = now(), expires_at = EXCLUDED.expires_at
      WHERE l.holder = EXCLUDED.holder OR l.expires_at < now()
      RETURNING token
      """;

  private final Vertx vertx;
  private final Pool pool;
  private final String member;
  private final Duration timeout;
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private long timer = -1;
  private boolean running;

  private Leases(Vertx vertx, Pool pool, String member, Duration timeout) {
    this.vertx = vertx;
    this.pool = pool;
    this.member = member;
    this.timeout = timeout;
  }

  /** Without a cluster: every lease is held and nothing is fenced. */
  public static Leases single() {
    return new Leases(null, null, "single", Duration.ZERO);
  }

  /** Leases of cluster member {@code member} (its id), renewed on a timer once {@link #start()}ed. */
  public static Leases clustered(Vertx vertx, Pool pool, String member, Duration timeout) {
    return new Leases(vertx, pool, member, timeout);
  }

  boolean isSingle() {
    return pool == null;
  }

  public String member() {
    return member;
  }

  public Duration timeout() {
    return timeout;
  }

  /** How often a member that does not hold a lease should look whether it now does. */
  public Duration checkInterval() {
    return isSingle() ? Duration.ofSeconds(1) : timeout.dividedBy(3);
  }

  /** The lease of this name (one object per name), taken and renewed from now on. */
  public Lease lease(String name) {
    return leases.computeIfAbsent(name, n -> new Lease(n, this));
  }

  public Map<String, Lease> all() {
    return Map.copyOf(leases);
  }

  /** Starts the renewal timer (first round at once). */
  public Future<Void> start() {
    if (isSingle()) {
      return Future.succeededFuture();
    }
    timer = vertx.setPeriodic(0, checkInterval().toMillis(), id -> round());
    return Future.succeededFuture();
  }

  /** Stops renewing and hands the leases back at once, so another member need not wait for them to expire. */
  public Future<Void> stop() {
    if (isSingle()) {
      return Future.succeededFuture();
    }
    vertx.cancelTimer(timer);
    leases.values().forEach(Lease::lose);
    return pool.preparedQuery("DELETE FROM cluster_lease WHERE holder = $1").execute(Tuple.of(member))
        .<Void>mapEmpty().recover(e -> {
          LOG.debug("cannot hand back the leases: {}", e.toString());
          return Future.succeededFuture();
        });
  }

  /** One attempt per lease; a round still under way (a slow database) is not overtaken by the next. */
  private void round() {
    if (running) {
      return;
    }
    running = true;
    double secs = timeout.toMillis() / 1000.0;
    // valid here for the timeout less a fifth: monotonic and database clocks may drift a little apart
    long validNanos = timeout.toNanos() - timeout.toNanos() / 5;
    List<Future<?>> all = new ArrayList<>();
    for (Lease lease : leases.values()) {
      long sent = System.nanoTime();
      boolean before = lease.held();
      all.add(pool.preparedQuery(ACQUIRE).execute(Tuple.of(lease.name(), member, secs)).onComplete(ar -> {
        if (ar.failed()) {
          // unknown: the lease runs out on its own deadline unless a later round renews it
          LOG.debug("lease {}: {}", lease.name(), ar.cause().toString());
          return;
        }
        boolean got = ar.result().size() == 1;
        boolean lost = lease.update(got, got ? ar.result().iterator().next().getLong("token") : 0, sent, validNanos);
        if (got && !before) {
          LOG.info("Took lease {} (token {})", lease.name(), lease.token());
          lease.taken();
        } else if (lost) {
          LOG.warn("Lost lease {}: another member holds it now", lease.name());
        }
      }));
    }
    Future.join(all).onComplete(ar -> running = false);
  }
}
