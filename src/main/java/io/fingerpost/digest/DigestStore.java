package io.fingerpost.digest;

import io.fingerpost.alert.AlertStore;
import io.fingerpost.alert.Notification;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The digest tables (V35__digests.sql). A run is inserted with its outbox rows in one transaction, and only
 * if no run of that (name, scheduled fire time) exists (the unique constraint): this is what makes firing
 * idempotent across restarts and instances.
 */
final class DigestStore {
  private final Pool pool;

  DigestStore(Pool pool) {
    this.pool = pool;
  }

  /** Records the digest as scheduled (first time: now); returns when it was first scheduled. */
  Future<Instant> register(String name, String schedule, Instant now) {
    return pool.preparedQuery("""
        INSERT INTO digest_schedule (name, schedule, first_scheduled_at) VALUES ($1, $2, $3)
        ON CONFLICT (name) DO UPDATE SET schedule = EXCLUDED.schedule
        RETURNING first_scheduled_at
        """).execute(Tuple.of(name, schedule, odt(now)))
        .map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant());
  }

  Future<Boolean> exists(String name, Instant fireTime) {
    return pool.preparedQuery("SELECT 1 FROM digest_run WHERE name = $1 AND fire_time = $2")
        .execute(Tuple.of(name, odt(fireTime))).map(rows -> rows.size() > 0);
  }

  /** The scheduled time of the latest run of {@code name} before {@code fireTime}, or null. */
  Future<Instant> previousRun(String name, Instant fireTime) {
    return pool.preparedQuery("SELECT max(fire_time) FROM digest_run WHERE name = $1 AND fire_time < $2")
        .execute(Tuple.of(name, odt(fireTime))).map(rows -> {
          OffsetDateTime t = rows.iterator().next().getOffsetDateTime(0);
          return t == null ? null : t.toInstant();
        });
  }

  /** What a run records. */
  record Run(String name, Instant fireTime, String area, List<String> groups, List<String> teams, Instant since,
      int improved, int deteriorated, String subject, String link, boolean catchUp) {}

  /**
   * Inserts the run and queues its notifications, in one transaction; returns the run's id, or null when a
   * run of that name and fire time already exists (nothing is queued then).
   */
  Future<Long> insert(Run run, List<Notification> notifications) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
            INSERT INTO digest_run (name, fire_time, area, groups, teams, since, improved, deteriorated, subject,
              link, catch_up)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (name, fire_time) DO NOTHING RETURNING id
            """).execute(Tuple.from(new Object[] {run.name(), odt(run.fireTime()), run.area(),
                run.groups().toArray(new String[0]), run.teams().toArray(new String[0]), odt(run.since()),
                run.improved(), run.deteriorated(), run.subject(), run.link(), run.catchUp()}))
        .compose((RowSet<Row> rows) -> {
          if (rows.size() == 0) {
            return Future.succeededFuture((Long) null);
          }
          long id = rows.iterator().next().getLong(0);
          return AlertStore.queue(conn, notifications, id).map(ids -> id);
        }));
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }
}
