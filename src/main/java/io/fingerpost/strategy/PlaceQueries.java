package io.fingerpost.strategy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places compared (README "Places compared"): the places that have targets with their counts by status and
 * worst targets, and one indicator's or one target's every place in one table. Read from {@code target} and
 * the {@code current_evaluation} view, as {@code /api/targets} and the dashboards are, so they agree.
 */
public final class PlaceQueries {

  /** How many of a place's worst targets {@code /api/places} lists. */
  static final int WORST = 5;

  /** A place's target among its worst: OFF_TRACK before AT_RISK, then the least likely to be met. */
  public record WorstTarget(String id, String name, String status, String period, Double value,
      Double probabilityOfMeeting, String comparedToEngland) {}

  /**
   * A place: its code and name, how many active targets it has, their counts by status (every status, also
   * zero), and its worst (OFF_TRACK, AT_RISK) targets.
   */
  public record PlaceSummary(String code, String name, int targets, Map<String, Integer> counts,
      List<WorstTarget> worst) {}

  /**
   * One place's row of the compare table: the target, the place, the breakdown, the latest evaluated period's
   * value with its 95% CI, England's value (and CI) at that period, the comparison with England, the recent
   * trend and the status.
   */
  public record CompareRow(String targetId, String targetName, String areaCode, String areaName,
      String indicatorId, String indicatorName, String unit, String sex, String age, String categoryType,
      String category, String period, Double value, Double lowerCi95, Double upperCi95, Double englandValue,
      Double englandLowerCi95, Double englandUpperCi95, String comparedToEngland, String comparedToEnglandCode,
      String recentTrend, String recentTrendCode, String status) {}

  /**
   * A target on the children of an area none of which is stored yet (V85 {@code places_pending}): listed at
   * the parent area, not a place of its own; evaluated per child once a feed stores them.
   */
  public record PendingPlaces(String targetId, String name, String parentCode, String places, String warning) {}

  /** Statuses in the order a place's counts list them. */
  public static final List<String> STATUSES =
      List.of("OFF_TRACK", "AT_RISK", "ON_TRACK", "NOT_ENOUGH_DATA", "PENDING", "NO_DATA");

  private static final String STATUS = """
      coalesce(e.status, CASE WHEN EXISTS (SELECT 1 FROM series s WHERE s.indicator_id = t.indicator_id
        AND s.area_code = t.area_code AND s.sex = t.sex AND s.age = t.age AND s.category_type = t.category_type
        AND s.category = t.category) THEN 'PENDING' ELSE 'NO_DATA' END)""";

  private final Pool pool;

  public PlaceQueries(Pool pool) {
    this.pool = pool;
  }

  /** Every area that has an active target, by name. */
  public Future<List<PlaceSummary>> places() {
    return pool.query("""
        SELECT t.id, t.name, t.area_code, a.name AS area_name, %s AS status, e.period, e.value,
               e.probability_of_meeting, e.compared_to_england
        FROM target t LEFT JOIN current_evaluation e ON e.target_id = t.id LEFT JOIN area a ON a.code = t.area_code
        WHERE t.active AND t.places_pending IS NULL
        ORDER BY a.name NULLS LAST, t.area_code, t.id
        """.formatted(STATUS)).execute().map(rs -> {
          Map<String, List<Row>> byPlace = new LinkedHashMap<>();
          rs.forEach(r -> byPlace.computeIfAbsent(r.getString("area_code"), k -> new ArrayList<>()).add(r));
          List<PlaceSummary> out = new ArrayList<>();
          byPlace.forEach((code, rows) -> out.add(summary(code, rows)));
          return out;
        });
  }

  /** The targets whose places are not stored yet, by id. */
  public Future<List<PendingPlaces>> pending() {
    return pool.query("""
        SELECT id, name, area_code, places_pending, warning FROM target
        WHERE active AND places_pending IS NOT NULL ORDER BY id
        """).execute().map(rs -> {
          List<PendingPlaces> out = new ArrayList<>();
          rs.forEach(r -> out.add(new PendingPlaces(r.getString("id"), r.getString("name"),
              r.getString("area_code"), r.getString("places_pending"), r.getString("warning"))));
          return out;
        });
  }

  private static PlaceSummary summary(String code, List<Row> rows) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    STATUSES.forEach(s -> counts.put(s, 0));
    List<WorstTarget> bad = new ArrayList<>();
    for (Row r : rows) {
      String status = r.getString("status");
      counts.merge(status, 1, Integer::sum);
      if (status.equals("OFF_TRACK") || status.equals("AT_RISK")) {
        bad.add(new WorstTarget(r.getString("id"), r.getString("name"), status, r.getString("period"),
            r.getDouble("value"), r.getDouble("probability_of_meeting"), r.getString("compared_to_england")));
      }
    }
    bad.sort(Comparator.comparing((WorstTarget w) -> STATUSES.indexOf(w.status()))
        .thenComparing(WorstTarget::probabilityOfMeeting, Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(WorstTarget::id));
    return new PlaceSummary(code, rows.get(0).getString("area_name"), rows.size(), counts,
        List.copyOf(bad.subList(0, Math.min(WORST, bad.size()))));
  }

  /**
   * Every active target on an indicator, or every place's target of one written target ({@code id} and its
   * {@code id@area} places), with the latest evaluated values; by breakdown, then place name.
   */
  public Future<List<CompareRow>> compare(String indicatorId, String writtenTargetId) {
    Map<String, Object> p = new HashMap<>();
    p.put("indicator", indicatorId);
    p.put("target", writtenTargetId);
    return SqlTemplate.forQuery(pool, """
        SELECT t.id, t.name, t.area_code, a.name AS area_name, t.indicator_id, i.name AS indicator_name, i.unit,
               t.sex, t.age, t.category_type, t.category, e.period, e.value, e.lower_ci95, e.upper_ci95,
               eng.value AS england_value, eng.lower_ci95 AS england_lower, eng.upper_ci95 AS england_upper,
               e.compared_to_england, e.compared_to_england_code, e.recent_trend, e.recent_trend_code,
               %s AS status
        FROM target t
        LEFT JOIN current_evaluation e ON e.target_id = t.id
        LEFT JOIN area a ON a.code = t.area_code
        LEFT JOIN indicator i ON i.id = t.indicator_id
        LEFT JOIN LATERAL (
          SELECT o.value, o.lower_ci95, o.upper_ci95 FROM series s JOIN observation o ON o.series_id = s.id
          WHERE s.indicator_id = t.indicator_id AND s.area_code = '%s' AND s.sex = t.sex AND s.age = t.age
            AND s.category_type = t.category_type AND s.category = t.category AND o.period = e.period) eng ON true
        WHERE t.active AND t.places_pending IS NULL
          AND (#{indicator}::text IS NULL OR t.indicator_id = #{indicator})
          AND (#{target}::text IS NULL OR split_part(t.id, '@', 1) = #{target})
        ORDER BY t.sex, t.age, t.category_type, t.category, a.name NULLS LAST, t.area_code, t.id
        """.formatted(STATUS, TargetStore.ENGLAND)).mapTo(r -> new CompareRow(r.getString("id"),
            r.getString("name"), r.getString("area_code"), r.getString("area_name"), r.getString("indicator_id"),
            r.getString("indicator_name"), r.getString("unit"), r.getString("sex"), r.getString("age"),
            r.getString("category_type"), r.getString("category"), r.getString("period"), r.getDouble("value"),
            r.getDouble("lower_ci95"), r.getDouble("upper_ci95"), r.getDouble("england_value"),
            r.getDouble("england_lower"), r.getDouble("england_upper"), r.getString("compared_to_england"),
            r.getString("compared_to_england_code"), r.getString("recent_trend"), r.getString("recent_trend_code"),
            r.getString("status")))
        .execute(p).map(rs -> {
          List<CompareRow> out = new ArrayList<>();
          rs.forEach(out::add);
          return out;
        });
  }
}
