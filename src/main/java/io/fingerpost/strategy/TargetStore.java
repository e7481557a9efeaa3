package io.fingerpost.strategy;

import io.fingerpost.model.Period;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code target} and {@code evaluation} tables, and the reads an evaluation needs (series,
 * observations, area, indicator), through the shared vertx-pg-client pool. All methods are asynchronous.
 */
public final class TargetStore {

  /** England: the benchmark every evaluation compares with. */
  public static final String ENGLAND = "E92000001";

  private final Pool pool;

  public TargetStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * Writes every target of the files (insert or update) and marks targets no longer in any file inactive.
   * The rows are made on a worker thread: each holds the target's parsed definition JSON, and a start-up
   * writes hundreds (202 on the bundled default).
   */
  public Future<Void> syncTargets(Vertx vertx, List<TargetDefinition> targets) {
    return vertx.executeBlocking(() -> targetRows(targets), false).compose(rows -> syncTargets(targets, rows));
  }

  private Future<Void> syncTargets(List<TargetDefinition> targets, List<Map<String, Object>> rows) {
    return pool.withTransaction(c -> {
      Future<?> upsert = rows.isEmpty() ? Future.succeededFuture() : SqlTemplate.forUpdate(c, UPSERT).executeBatch(rows);
      String[] ids = targets.stream().map(TargetDefinition::id).toArray(String[]::new);
      return upsert.compose(r -> c.preparedQuery("UPDATE target SET active = false WHERE NOT (id = ANY($1))")
          .execute(Tuple.of(ids))).mapEmpty();
    });
  }

  private static List<Map<String, Object>> targetRows(List<TargetDefinition> targets) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (TargetDefinition t : targets) {
      SeriesKey k = t.series();
      TargetDefinition.Goal g = t.goal();
      Double written = switch (g.form()) {
        case ABSOLUTE -> g.value();
        case BENCHMARK -> g.benchmarkValue();
        default -> null;
      };
      Map<String, Object> row = new HashMap<>();
      row.put("id", t.id());
      row.put("name", t.name());
      row.put("indicator_id", k.indicatorId());
      row.put("area_code", k.areaCode());
      row.put("sex", k.sex());
      row.put("age", k.age());
      row.put("category_type", k.categoryType());
      row.put("category", k.category());
      row.put("strategy_group", t.group());
      row.put("horizon_years", t.horizonYears());
      row.put("team", t.team());
      row.put("direction", t.direction().yaml());
      row.put("baseline_period", t.baseline().period().label());
      row.put("baseline_value", t.baseline().value());
      row.put("target_period", g.period().label());
      row.put("target_value", written);
      row.put("definition", new JsonObject(t.definitionJson()));
      row.put("source", source(t));
      row.put("file", t.file());
      row.put("form", g.form().name());
      row.put("no_data", t.noData());
      row.put("places_pending", t.placesUnresolved() ? t.places().describe() : null);
      rows.add(row);
    }
    return rows;
  }

  private static final String UPSERT = """
          INSERT INTO target (id, name, indicator_id, area_code, sex, age, category_type, category,
            strategy_group, horizon_years, team, direction, baseline_period, baseline_value, target_period,
            target_value, definition, source, file, form, no_data, places_pending, active, loaded_at)
          VALUES (#{id}, #{name}, #{indicator_id}, #{area_code}, #{sex}, #{age}, #{category_type}, #{category},
            #{strategy_group}, #{horizon_years}, #{team}, #{direction}, #{baseline_period}, #{baseline_value},
            #{target_period}, #{target_value}, #{definition}, #{source}, #{file}, #{form}, #{no_data}, #{places_pending},
            true, now())
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, indicator_id = excluded.indicator_id,
            area_code = excluded.area_code, sex = excluded.sex, age = excluded.age,
            category_type = excluded.category_type, category = excluded.category,
            strategy_group = excluded.strategy_group, horizon_years = excluded.horizon_years,
            team = excluded.team, direction = excluded.direction, baseline_period = excluded.baseline_period,
            baseline_value = excluded.baseline_value, target_period = excluded.target_period,
            target_value = excluded.target_value, definition = excluded.definition, source = excluded.source,
            file = excluded.file, form = excluded.form, no_data = excluded.no_data,
            places_pending = excluded.places_pending, active = true,
            loaded_at = now()
          """;

  private static String source(TargetDefinition t) {
    if (t.source() == null) {
      return null;
    }
    StringBuilder s = new StringBuilder();
    if (t.source().document() != null) {
      s.append(t.source().document());
    }
    if (t.source().page() != null) {
      s.append(s.length() > 0 ? ", " : "").append(t.source().page());
    }
    if (t.source().url() != null) {
      s.append(s.length() > 0 ? ", " : "").append(t.source().url());
    }
    return s.toString();
  }

  /**
   * Reads what evaluating a target needs. {@link Loaded#seriesId()} is null when the series does not
   * exist; {@link Loaded#warning()} then says what is missing (indicator, area, or the breakdown).
   */
  public Future<Loaded> load(TargetDefinition t) {
    return load(t, new SharedReads());
  }

  /**
   * The series several targets read, each read once: a chunk of a round holds many targets of one indicator and
   * breakdown (one per place), which all read England's series and share their regions'. Event loop only.
   */
  static final class SharedReads {
    private final Map<SeriesKey, Future<Series>> series = new HashMap<>();
  }

  /** As {@link #load(TargetDefinition)}, a series read once for all the loads given the same {@code shared}. */
  Future<Loaded> load(TargetDefinition t, SharedReads shared) {
    SeriesKey k = t.series();
    Future<Row> meta = pool.preparedQuery("""
        SELECT (SELECT id FROM series WHERE indicator_id = $1 AND area_code = $2 AND sex = $3 AND age = $4
                  AND category_type = $5 AND category = $6) AS series_id,
               i.id IS NOT NULL AS has_indicator, i.name AS indicator_name, i.unit, i.value_type, i.polarity,
               a.code IS NOT NULL AS has_area, a.name AS area_name, a.parent_code
        FROM (SELECT 1) one
        LEFT JOIN indicator i ON i.id = $1
        LEFT JOIN area a ON a.code = $2
        """).execute(Tuple.of(k.indicatorId(), k.areaCode(), k.sex(), k.age(), k.categoryType(), k.category()))
        .map(rs -> rs.iterator().next());
    return meta.compose(m -> {
      Long seriesId = m.getLong("series_id");
      TargetEvaluation.IndicatorInfo info = new TargetEvaluation.IndicatorInfo(m.getString("indicator_name"),
          m.getString("unit"), m.getString("value_type"), m.getString("polarity"));
      String warning = null;
      if (seriesId == null) {
        warning = !m.getBoolean("has_indicator") ? "indicator " + k.indicatorId() + " appears in no feed"
            : !m.getBoolean("has_area") ? "area " + k.areaCode() + " appears in no feed"
            : "no series for indicator " + k.indicatorId() + " in " + k.areaCode() + describe(k);
        if (t.noData() != null) {
          warning = "no data: " + t.noData() + " (" + warning + ")";
        }
        return Future.succeededFuture(new Loaded(null, m.getString("area_name"), info, List.of(), Map.of(),
            List.of(), List.of(), List.of(), List.of(), warning));
      }
      String parent = m.getString("parent_code");
      String bench = t.goal().benchmarkArea();
      Future<Series> own = shared.series.computeIfAbsent(k, key -> observations(pool, key));
      Future<Series> england = shared.series.computeIfAbsent(k.inArea(ENGLAND), key -> observations(pool, key));
      Future<Series> region = parent == null || parent.isBlank() ? Future.succeededFuture(Series.EMPTY)
          : shared.series.computeIfAbsent(k.inArea(parent), key -> observations(pool, key));
      Future<Series> benchmark = bench == null ? Future.succeededFuture(Series.EMPTY)
          : shared.series.computeIfAbsent(k.inArea(bench), key -> observations(pool, key));
      Future<List<Observation>> deprivation = k.hasCategory() ? Future.succeededFuture(List.of())
          : deprivation(pool, k);
      return Future.all(own, england, region, benchmark, deprivation).map(all -> new Loaded(seriesId,
          m.getString("area_name"), info, own.result().observations(), own.result().revisions(),
          england.result().observations(), region.result().observations(),
          benchmark.result().observations(), deprivation.result(), null));
    });
  }

  private static String describe(SeriesKey k) {
    List<String> parts = new ArrayList<>();
    for (String p : new String[] {k.sex(), k.age(), k.categoryType(), k.category()}) {
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }

  /** A series' current observations and their revisions by period. */
  private record Series(List<Observation> observations, Map<String, Integer> revisions) {
    static final Series EMPTY = new Series(List.of(), Map.of());
  }

  private static Future<Series> observations(SqlClient c, SeriesKey k) {
    return c.preparedQuery("""
        SELECT o.period, o.period_start, o.period_end, o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998,
               o.upper_ci998, o.count, o.denominator, o.value_note, o.revision
        FROM observation o JOIN series s ON s.id = o.series_id
        WHERE s.indicator_id = $1 AND s.area_code = $2 AND s.sex = $3 AND s.age = $4
          AND s.category_type = $5 AND s.category = $6
        ORDER BY o.period_start, o.period_end
        """).execute(Tuple.of(k.indicatorId(), k.areaCode(), k.sex(), k.age(), k.categoryType(), k.category()))
        .map(rs -> {
          List<Observation> list = new ArrayList<>();
          Map<String, Integer> revisions = new HashMap<>();
          for (Row r : rs) {
            String label = r.getString("period");
            list.add(new Observation(k, new Period(label, r.getDouble("period_start"), r.getDouble("period_end")),
                r.getDouble("value"), r.getDouble("lower_ci95"), r.getDouble("upper_ci95"),
                r.getDouble("lower_ci998"), r.getDouble("upper_ci998"), r.getDouble("count"),
                r.getDouble("denominator"), r.getString("value_note")));
            revisions.put(label, r.getInteger("revision"));
          }
          return new Series(List.copyOf(list), Map.copyOf(revisions));
        });
  }

  /**
   * The same indicator, area, sex and age broken down by deprivation (a category type that names it:
   * "Deprivation quintile", "County &amp; UA deprivation deciles in England (IMD2015)", …), with counts and
   * denominators (the groups' populations, for the SII).
   */
  private static Future<List<Observation>> deprivation(SqlClient c, SeriesKey k) {
    return c.preparedQuery("""
        SELECT s.category_type, s.category, o.period, o.period_start, o.period_end, o.value, o.lower_ci95,
               o.upper_ci95, o.count, o.denominator
        FROM series s JOIN observation o ON o.series_id = s.id
        WHERE s.indicator_id = $1 AND s.area_code = $2 AND s.sex = $3 AND s.age = $4
          AND s.category_type ILIKE '%depriv%'
        """).execute(Tuple.of(k.indicatorId(), k.areaCode(), k.sex(), k.age())).map(rs -> {
          List<Observation> list = new ArrayList<>();
          for (Row r : rs) {
            SeriesKey key = new SeriesKey(k.indicatorId(), k.areaCode(), k.sex(), k.age(),
                r.getString("category_type"), r.getString("category"));
            list.add(new Observation(key, new Period(r.getString("period"), r.getDouble("period_start"),
                r.getDouble("period_end")), r.getDouble("value"), r.getDouble("lower_ci95"),
                r.getDouble("upper_ci95"), null, null, r.getDouble("count"), r.getDouble("denominator"), null));
          }
          return List.copyOf(list);
        });
  }

  /** What {@link #load} read. */
  public record Loaded(Long seriesId, String areaName, TargetEvaluation.IndicatorInfo indicator,
      List<Observation> observations, Map<String, Integer> revisions, List<Observation> england,
      List<Observation> region, List<Observation> benchmark, List<Observation> deprivation, String warning) {}

  /** A stored area: what {@code places: {childrenOf, type}} is resolved from. */
  record AreaRow(String code, String parentCode, String type) {}

  /** Every stored area with its parent and type. */
  Future<List<AreaRow>> areas() {
    return pool.query("SELECT code, parent_code, type FROM area").execute().map(rs -> {
      List<AreaRow> list = new ArrayList<>();
      rs.forEach(r -> list.add(new AreaRow(r.getString("code"), r.getString("parent_code"), r.getString("type"))));
      return list;
    });
  }
}
