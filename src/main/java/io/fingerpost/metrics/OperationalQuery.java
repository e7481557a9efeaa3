package io.fingerpost.metrics;

import io.fingerpost.meters.FingerpostMetrics;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operational gauges whose truth is in the database (so every instance of a cluster reports the same):
 * alerts firing by severity and team, and the outbox of undelivered notifications. Every team that owns a
 * target gets a row per severity, zero when nothing fires, so dashboards show "0" rather than "no data".
 * Before the alert tables exist (a build without the alert part) nothing is read.
 */
final class OperationalQuery {

  static final String TABLES = "SELECT to_regclass('alert') IS NOT NULL AND to_regclass('outbox') IS NOT NULL"
      + " AND to_regclass('target') IS NOT NULL";

  static final String ALERTS_FIRING = """
      WITH teams AS (
        SELECT DISTINCT coalesce(team, '') AS team FROM target WHERE active
        UNION
        SELECT DISTINCT coalesce(labels ->> 'team', '') FROM alert
      ), severities AS (
        SELECT unnest(ARRAY['warning', 'critical']) AS severity
      )
      SELECT s.severity, t.team, count(a.fingerprint) AS firing
      FROM teams t CROSS JOIN severities s
      LEFT JOIN alert a ON a.state = 'firing' AND a.severity = s.severity AND coalesce(a.labels ->> 'team', '') = t.team
      GROUP BY s.severity, t.team
      """;

  static final String OUTBOX = """
      SELECT count(*) AS depth, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
      FROM outbox WHERE status = 'pending'
      """;

  private OperationalQuery() {}

  /** Reads both and records them; a no-op while the tables do not exist. */
  static Future<Void> refresh(SqlClient db, FingerpostMetrics metrics) {
    return db.query(TABLES).execute().compose(rs -> {
      if (!rs.iterator().next().getBoolean(0)) return Future.succeededFuture();
      Future<Void> firing = db.query(ALERTS_FIRING).execute().map(rows -> {
        Map<List<String>, Long> counts = new LinkedHashMap<>();
        for (Row r : rows) counts.put(List.of(r.getString("severity"), r.getString("team")), r.getLong("firing"));
        metrics.alertsFiring(counts);
        return null;
      });
      Future<Void> outbox = db.query(OUTBOX).execute().map(rows -> {
        Row r = rows.iterator().next();
        metrics.outbox(r.getLong("depth"), Duration.ofMillis(Math.round(r.getDouble("oldest") * 1000)));
        return null;
      });
      return Future.all(firing, outbox).mapEmpty();
    });
  }
}
