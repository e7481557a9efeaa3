package io.fingerpost.report;

import io.fingerpost.strategy.EvaluationMapping;
import io.fingerpost.strategy.StoredEvaluation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The report's own read-only queries (one statement each, for every target of a report at once): what a
 * target was at an instant, its indicator, its observations, and the values of every area of the same type
 * for the spine chart. Targets and their current evaluation come from {@code strategy.TargetQueries}.
 */
final class ReportReads {

  /** A target's indicator and area as the report shows them. */
  record Meta(String indicatorName, String unit, String polarity, String areaName, String areaType,
      String valueType) {}

  /** One area's value of a target's indicator at the target's latest evaluated period. */
  record PeerValue(String areaCode, String areaType, double value) {}

  private final Pool pool;

  ReportReads(Pool pool) {
    this.pool = pool;
  }

  /** Each target's newest evaluation written at or before {@code at}. */
  Future<Map<String, StoredEvaluation>> asOf(List<String> targetIds, Instant at) {
    return pool.preparedQuery("""
        SELECT DISTINCT ON (target_id) * FROM evaluation
        WHERE target_id = ANY($1) AND evaluated_at <= $2 ORDER BY target_id, id DESC
        """).execute(Tuple.of(targetIds.toArray(String[]::new), at.atOffset(ZoneOffset.UTC))).map(rs -> {
          Map<String, StoredEvaluation> out = new HashMap<>();
          for (Row r : rs) {
            out.put(r.getString("target_id"), EvaluationMapping.stored(r));
          }
          return out;
        });
  }

  /** When an evaluation was written (to count changes "since evaluation N"); empty for an unknown id. */
  Future<Optional<Instant>> evaluatedAt(long evaluationId) {
    return pool.preparedQuery("SELECT evaluated_at FROM evaluation WHERE id = $1").execute(Tuple.of(evaluationId))
        .map(rs -> {
          if (rs.size() == 0) {
            return Optional.empty();
          }
          OffsetDateTime t = rs.iterator().next().getOffsetDateTime(0);
          return Optional.of(t.toInstant());
        });
  }

  /** Indicator name, unit, polarity, value type and area name and type of each target. */
  Future<Map<String, Meta>> meta(List<String> targetIds) {
    return pool.preparedQuery("""
        SELECT t.id, i.name AS indicator_name, i.unit, i.polarity, a.name AS area_name, a.type AS area_type,
          i.value_type
        FROM target t LEFT JOIN indicator i ON i.id = t.indicator_id LEFT JOIN area a ON a.code = t.area_code
        WHERE t.id = ANY($1)
        """).execute(Tuple.of((Object) targetIds.toArray(String[]::new))).map(rs -> {
          Map<String, Meta> out = new HashMap<>();
          for (Row r : rs) {
            out.put(r.getString("id"), new Meta(r.getString("indicator_name"), r.getString("unit"),
                r.getString("polarity"), r.getString("area_name"), r.getString("area_type"),
                r.getString("value_type")));
          }
          return out;
        });
  }

  /** The observations of each target's series, oldest first. */
  Future<Map<String, List<Report.Point>>> observations(List<String> targetIds) {
    return pool.preparedQuery("""
        SELECT t.id, o.period, o.period_start, o.period_end, o.value, o.lower_ci95, o.upper_ci95
        FROM target t
        JOIN series s ON s.indicator_id = t.indicator_id AND s.area_code = t.area_code AND s.sex = t.sex
             AND s.age = t.age AND s.category_type = t.category_type AND s.category = t.category
        JOIN observation o ON o.series_id = s.id
        WHERE t.id = ANY($1) ORDER BY t.id, o.period_start, o.period_end
        """).execute(Tuple.of((Object) targetIds.toArray(String[]::new))).map(rs -> {
          Map<String, List<Report.Point>> out = new LinkedHashMap<>();
          for (Row r : rs) {
            out.computeIfAbsent(r.getString("id"), k -> new ArrayList<>()).add(point(r));
          }
          return out;
        });
  }

  /**
   * For each target with a current evaluation: the value at its evaluated period of every area whose type is
   * the target area's, and England's (area type of England: whatever it is stored as). With {@code until} (a
   * digest window's end) the period is that of each target's newest evaluation at or before it, as the rest of
   * that report; null: the current evaluation's.
   */
  Future<Map<String, List<PeerValue>>> peers(List<String> targetIds, Instant until) {
    String evaluated = until == null ? "current_evaluation" : """
        (SELECT DISTINCT ON (target_id) target_id, period FROM evaluation
         WHERE target_id = ANY($1) AND evaluated_at <= $2 ORDER BY target_id, id DESC)""";
    Tuple args = until == null ? Tuple.of((Object) targetIds.toArray(String[]::new))
        : Tuple.of(targetIds.toArray(String[]::new), until.atOffset(ZoneOffset.UTC));
    return pool.preparedQuery("""
        SELECT t.id, s.area_code, a2.type, o.value
        FROM target t
        JOIN %s e ON e.target_id = t.id
        JOIN area a ON a.code = t.area_code
        JOIN series s ON s.indicator_id = t.indicator_id AND s.sex = t.sex AND s.age = t.age
             AND s.category_type = t.category_type AND s.category = t.category
        JOIN area a2 ON a2.code = s.area_code AND (a2.type = a.type OR a2.code = 'E92000001')
        JOIN observation o ON o.series_id = s.id AND o.period = e.period
        WHERE t.id = ANY($1) AND o.value IS NOT NULL
        """.formatted(evaluated)).execute(args).map(rs -> {
          Map<String, List<PeerValue>> out = new HashMap<>();
          for (Row r : rs) {
            out.computeIfAbsent(r.getString("id"), k -> new ArrayList<>())
                .add(new PeerValue(r.getString("area_code"), r.getString("type"), r.getDouble("value")));
          }
          return out;
        });
  }

  /** A series' observations (England's or the region's for a target page), oldest first. */
  Future<List<Report.Point>> series(String targetId, String areaCode) {
    return pool.preparedQuery("""
        SELECT o.period, o.period_start, o.period_end, o.value, o.lower_ci95, o.upper_ci95
        FROM target t
        JOIN series s ON s.indicator_id = t.indicator_id AND s.area_code = $2 AND s.sex = t.sex
             AND s.age = t.age AND s.category_type = t.category_type AND s.category = t.category
        JOIN observation o ON o.series_id = s.id
        WHERE t.id = $1 ORDER BY o.period_start, o.period_end
        """).execute(Tuple.of(targetId, areaCode)).map(rs -> {
          List<Report.Point> out = new ArrayList<>();
          rs.forEach(r -> out.add(point(r)));
          return out;
        });
  }

  /** The parent (region) of an area, with its name; empty when it has none. */
  Future<Optional<String[]>> parent(String areaCode) {
    return pool.preparedQuery("""
        SELECT p.code, p.name FROM area a JOIN area p ON p.code = a.parent_code WHERE a.code = $1
        """).execute(Tuple.of(areaCode)).map(rs -> rs.size() == 0 ? Optional.empty()
            : Optional.of(new String[] {rs.iterator().next().getString(0), rs.iterator().next().getString(1)}));
  }

  /** Names of areas by code. */
  Future<Map<String, String>> areaNames(List<String> codes) {
    return pool.preparedQuery("SELECT code, name FROM area WHERE code = ANY($1)")
        .execute(Tuple.of((Object) codes.toArray(String[]::new))).map(rs -> {
          Map<String, String> out = new HashMap<>();
          rs.forEach(r -> out.put(r.getString(0), r.getString(1)));
          return out;
        });
  }

  private static Report.Point point(Row r) {
    double t = (r.getDouble("period_start") + r.getDouble("period_end")) / 2;
    return new Report.Point(r.getString("period"), t, r.getDouble("value"), r.getDouble("lower_ci95"),
        r.getDouble("upper_ci95"));
  }
}
