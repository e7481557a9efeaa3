package io.fingerpost.metrics;

import io.fingerpost.store.CursorRead;
import io.fingerpost.strategy.EvaluationMapping;
import io.fingerpost.strategy.StoredEvaluation;
import io.fingerpost.strategy.TargetContext;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;

/**
 * Reads the current indicator state from the database: for every target, its current evaluation (the
 * {@code current_evaluation} view) and the status at the period before; with scope {@code all}, also the
 * latest observation of every series that has no target. Every read of states goes through a cursor a few hundred
 * rows at a time ({@link CursorRead}): at national scale the full read is tens of MB (16,900 targets with their
 * evaluations, then up to {@code maxSeries} series), and one response that size costs the PostgreSQL client's
 * decoder time in its square on an event loop.
 */
final class IndicatorStateQuery {

  /**
   * The current evaluation of every active target ({@code current_evaluation}: the view the API and the
   * dashboards read too, so they agree) and the status at the period before. The series key comes from the
   * target, so targets without a series yet are exported too.
   */
  static final String TARGETS = """
      SELECT r.*, %s,
             extract(epoch FROM r.evaluated_at)::float8 AS evaluated_epoch
      FROM current_evaluation r
      JOIN target t ON t.id = r.target_id AND t.active
      LEFT JOIN indicator i ON i.id = t.indicator_id
      LEFT JOIN area a ON a.code = t.area_code
      ORDER BY r.target_id
      LIMIT $1
      """.formatted(TargetContext.COLUMNS);

  /** The same for the given target ids (an incremental refresh); inactive or unevaluated ones have no row. */
  static final String TARGETS_BY_ID = TARGETS.replace("ORDER BY r.target_id\nLIMIT $1", "WHERE r.target_id = ANY($1)");

  static final String UNTARGETED_SERIES = """
      SELECT DISTINCT ON (o.series_id)
             o.series_id, s.indicator_id, coalesce(i.name, '') AS indicator_name, coalesce(i.unit, '') AS unit,
             s.area_code, coalesce(a.name, '') AS area_name, s.sex, s.age, s.category_type, s.category,
             o.period, (o.period_start + o.period_end) / 2 AS period_t, o.value, o.lower_ci95, o.upper_ci95
      FROM observation o
      JOIN series s ON s.id = o.series_id
      LEFT JOIN indicator i ON i.id = s.indicator_id
      LEFT JOIN area a ON a.code = s.area_code
      WHERE NOT EXISTS (SELECT 1 FROM target t WHERE t.active AND (t.indicator_id, t.area_code, t.sex, t.age, t.category_type,
                        t.category) = (s.indicator_id, s.area_code, s.sex, s.age, s.category_type, s.category))
      ORDER BY o.series_id, o.period_end DESC
      LIMIT $1
      """;

  /** The same for the given series ids; a series that now has a target has no row. */
  static final String UNTARGETED_BY_ID = UNTARGETED_SERIES.replace("WHERE NOT EXISTS", "WHERE o.series_id = ANY($1) AND NOT EXISTS")
      .replace("LIMIT $1", "");

  static final String COUNT_TARGETS =
      "SELECT count(*) FROM target t WHERE t.active AND EXISTS (SELECT 1 FROM evaluation e WHERE e.target_id = t.id)";

  /** Series without an active target (what scope {@code all} would export besides the targets). */
  static final String COUNT_UNTARGETED = """
      SELECT count(*) FROM series s
      WHERE NOT EXISTS (SELECT 1 FROM target t WHERE t.active AND (t.indicator_id, t.area_code, t.sex, t.age, t.category_type,
                        t.category) = (s.indicator_id, s.area_code, s.sex, s.age, s.category_type, s.category))
      """;

  private IndicatorStateQuery() {}

  static Future<Long> countUntargeted(SqlClient db) {
    return db.query(COUNT_UNTARGETED).execute().map(rs -> rs.iterator().next().getLong(0));
  }

  /** Up to {@code limit} target states, by target id. */
  static Future<List<IndicatorState>> targets(Pool db, int limit) {
    return CursorRead.list(db, TARGETS, Tuple.of(limit), CursorRead.ROWS_PER_FETCH, IndicatorStateQuery::targetRow);
  }

  /** Up to {@code limit} series without a target, their latest observation only. */
  static Future<List<IndicatorState>> untargetedSeries(Pool db, int limit) {
    return CursorRead.list(db, UNTARGETED_SERIES, Tuple.of(limit), CursorRead.ROWS_PER_FETCH, IndicatorStateQuery::seriesRow);
  }

  /** The target states of these ids (those active and evaluated); a round can touch every target. */
  static Future<List<IndicatorState>> targetsById(Pool db, List<String> ids) {
    return CursorRead.list(db, TARGETS_BY_ID, Tuple.of(ids.toArray(String[]::new)), CursorRead.ROWS_PER_FETCH,
        IndicatorStateQuery::targetRow);
  }

  /** The untargeted series states of these series ids. */
  static Future<List<IndicatorState>> untargetedById(Pool db, List<Long> ids) {
    return CursorRead.list(db, UNTARGETED_BY_ID, Tuple.of(ids.toArray(Long[]::new)), CursorRead.ROWS_PER_FETCH,
        IndicatorStateQuery::seriesRow);
  }

  static Future<Long> countTargets(SqlClient db) {
    return db.query(COUNT_TARGETS).execute().map(rs -> rs.iterator().next().getLong(0));
  }

  private static IndicatorState targetRow(Row r) {
    Double epoch = r.getDouble("evaluated_epoch");
    StoredEvaluation e = EvaluationMapping.stored(r);
    return new IndicatorState(TargetContext.of(r), e.evaluation(), e.previousStatus(),
        epoch == null ? null : Instant.ofEpochMilli(Math.round(epoch * 1000)));
  }

  private static IndicatorState seriesRow(Row r) {
    return new IndicatorState(
        IndicatorState.untargeted(r.getString("indicator_id"), r.getString("indicator_name"), r.getString("unit"),
            r.getString("area_code"), r.getString("area_name"), r.getString("sex"), r.getString("age"),
            r.getString("category_type"), r.getString("category")),
        IndicatorState.observationOnly(r.getLong("series_id"), r.getString("period"), r.getDouble("period_t"), r.getDouble("value"),
            r.getDouble("lower_ci95"), r.getDouble("upper_ci95")), null, null);
  }
}
