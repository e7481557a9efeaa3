package io.fingerpost.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * This member in {@code cluster_member} (V70: its API address, heartbeat every third of the lease timeout)
 * and the cluster as {@code GET /api/cluster} shows it: the members (seen within three lease timeouts, and
 * whether Hazelcast counts them in), which member holds which lease, and the leases' ages. Without a cluster
 * ({@link #single}) it shows this one process and no leases.
 */
public final class ClusterMembers {
  private final Vertx vertx;
  private final Pool pool;
  private final String self;
  private String httpUrl;
  private final String clusterAddress;
  private final Supplier<List<String>> hazelcastMembers;
  private final Duration timeout;
  private long timer = -1;

  /**
   * The whole view.
   *
   * @param clustered           whether this service runs as a cluster member
   * @param self                this member's id (its Hazelcast node id)
   * @param leaseTimeoutSeconds the lease timeout
   * @param members             the members, oldest first
   * @param leases              every lease, by name
   */
  public record ClusterState(boolean clustered, String self, double leaseTimeoutSeconds, List<Member> members,
                             List<LeaseState> leases) {}

  /**
   * A member: {@code feeds}, {@code receivers} and {@code schedules} are the leases it holds (unexpired).
   *
   * @param inCluster whether the Hazelcast cluster counts it in now (false: it stopped answering heartbeats)
   */
  public record Member(String id, String httpUrl, String clusterAddress, boolean self, boolean inCluster,
                       Instant startedAt, double lastSeenSecondsAgo, List<String> feeds, List<String> receivers,
                       List<String> schedules) {}

  /** A lease: its holder and fencing token, how long it has been held, renewed, and until it expires. */
  public record LeaseState(String name, String holder, long token, double heldSeconds, double renewedSecondsAgo,
                           double expiresInSeconds, boolean expired) {}

  private ClusterMembers(Vertx vertx, Pool pool, String self, String httpUrl, String clusterAddress,
                         Supplier<List<String>> hazelcastMembers, Duration timeout) {
    this.vertx = vertx;
    this.pool = pool;
    this.self = self;
    this.httpUrl = httpUrl;
    this.clusterAddress = clusterAddress;
    this.hazelcastMembers = hazelcastMembers;
    this.timeout = timeout;
  }

  public static ClusterMembers clustered(Vertx vertx, Pool pool, String self, String clusterAddress,
                                         Supplier<List<String>> hazelcastMembers, Duration timeout) {
    return new ClusterMembers(vertx, pool, self, null, clusterAddress, hazelcastMembers, timeout);
  }

  public static ClusterMembers single() {
    return new ClusterMembers(null, null, "single", null, null, List::of, Duration.ZERO);
  }

  public String self() {
    return self;
  }

  /** Announces this member's API at {@code httpUrl} and starts the heartbeat (the first before this completes). */
  public Future<Void> start(String httpUrl) {
    this.httpUrl = httpUrl;
    if (pool == null) {
      return Future.succeededFuture();
    }
    return heartbeat().onSuccess(v -> timer = vertx.setPeriodic(Math.max(100, timeout.toMillis() / 3),
        id -> heartbeat()));
  }

  private Future<Void> heartbeat() {
    return pool.preparedQuery("""
            INSERT INTO cluster_member (id, http_url, cluster_address) VALUES ($1, $2, $3)
            ON CONFLICT (id) DO UPDATE SET last_seen = now(), http_url = EXCLUDED.http_url
            """).execute(Tuple.of(self, httpUrl, clusterAddress))
        .compose(v -> pool.query("DELETE FROM cluster_member WHERE last_seen < now() - interval '1 day'").execute())
        .<Void>mapEmpty().recover(e -> Future.succeededFuture()); // the next beat tries again
  }

  /** Leaves: removes this member's row (its leases are handed back by {@code Leases.stop}). */
  public Future<Void> stop() {
    if (pool == null) {
      return Future.succeededFuture();
    }
    vertx.cancelTimer(timer);
    return pool.preparedQuery("DELETE FROM cluster_member WHERE id = $1").execute(Tuple.of(self))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** The view {@code GET /api/cluster} answers. */
  public Future<ClusterState> state() {
    double timeoutSeconds = timeout.toMillis() / 1000.0;
    if (pool == null) {
      return Future.succeededFuture(new ClusterState(false, self, 0, List.of(new Member(self, httpUrl, null, true,
          true, null, 0, List.of(), List.of(), List.of())), List.of()));
    }
    return pool.preparedQuery("""
            SELECT name, holder, token, extract(epoch FROM now() - acquired_at)::float8 AS held,
              extract(epoch FROM now() - renewed_at)::float8 AS renewed,
              extract(epoch FROM expires_at - now())::float8 AS expires_in
            FROM cluster_lease ORDER BY name
            """).execute().compose(leaseRows -> pool.preparedQuery("""
            SELECT id, http_url, cluster_address, started_at, extract(epoch FROM now() - last_seen)::float8 AS seen
            FROM cluster_member WHERE last_seen > now() - make_interval(secs => $1) ORDER BY started_at, id
            """).execute(Tuple.of(3 * Math.max(1, timeoutSeconds))).map(memberRows -> {
          List<LeaseState> leases = new ArrayList<>();
          for (Row r : leaseRows) {
            double expiresIn = r.getDouble("expires_in");
            leases.add(new LeaseState(r.getString("name"), r.getString("holder"), r.getLong("token"),
                round(r.getDouble("held")), round(r.getDouble("renewed")), round(expiresIn), expiresIn <= 0));
          }
          List<String> inHazelcast = hazelcastMembers.get();
          List<Member> members = new ArrayList<>();
          for (Row r : memberRows) {
            String id = r.getString("id");
            members.add(new Member(id, r.getString("http_url"), r.getString("cluster_address"), id.equals(self),
                inHazelcast.contains(id), r.getOffsetDateTime("started_at").toInstant(), round(r.getDouble("seen")),
                held(leases, id, "feed:"), held(leases, id, "receiver:"), held(leases, id, "schedule:")));
          }
          return new ClusterState(true, self, timeoutSeconds, members, leases);
        }));
  }

  private static List<String> held(List<LeaseState> leases, String member, String prefix) {
    return leases.stream().filter(l -> l.holder().equals(member) && !l.expired() && l.name().startsWith(prefix))
        .map(l -> l.name().substring(prefix.length())).toList();
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
